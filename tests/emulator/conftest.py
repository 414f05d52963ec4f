"""Fixtures for the emulator's own tests: httpx clients bound to the ``vercel_emulator`` fixture."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest

from airflow_provider_vercel.emulator.server import EmulatorServer

CREATE_PATH = "/v1/storage/stores/integration/direct"


@pytest.fixture
def emu(vercel_emulator: EmulatorServer) -> EmulatorServer:
    """The per-test emulator (reset to its seed)."""
    return vercel_emulator


@pytest.fixture
def client_for(emu: EmulatorServer) -> Iterator[Callable[..., httpx.Client]]:
    """Make httpx clients for a token, scoped by default to the default team via ``teamId``."""
    made: list[httpx.Client] = []

    def make(token: str | None, team: dict[str, str] | None = None, timeout: float = 5.0) -> httpx.Client:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        params = {"teamId": emu.team_id} if team is None else team
        # Plain HTTP on loopback: skip building a TLS context (~20 ms per client).
        client = httpx.Client(base_url=emu.url, headers=headers, params=params, timeout=timeout, verify=False)
        made.append(client)
        return client

    yield make
    for client in made:
        client.close()


@pytest.fixture
def admin(client_for: Callable[..., httpx.Client], emu: EmulatorServer) -> httpx.Client:
    """Client with the default team's admin token."""
    return client_for(emu.admin_token)


@pytest.fixture
def member(client_for: Callable[..., httpx.Client], emu: EmulatorServer) -> httpx.Client:
    """Client with the default team's member (read-only) token."""
    return client_for(emu.member_token)


@pytest.fixture
def neon_body(emu: EmulatorServer) -> Callable[..., dict[str, Any]]:
    """Build a valid create-store body for the Neon product, with overrides (None removes a key)."""

    def build(**overrides: Any) -> dict[str, Any]:
        body: dict[str, Any] = {
            "name": "ci-db",
            "integrationConfigurationId": emu.configuration_id("neon"),
            "integrationProductIdOrSlug": "neon-postgres",
            "metadata": {"region": "iad1"},
        }
        for key, value in overrides.items():
            if value is None:
                body.pop(key, None)
            else:
                body[key] = value
        return body

    return build


@pytest.fixture
def create_store(admin: httpx.Client, neon_body: Callable[..., dict[str, Any]]) -> Callable[..., dict[str, Any]]:
    """Create a Neon store (overrides as for ``neon_body``) and return the ``store`` object."""

    def create(**overrides: Any) -> dict[str, Any]:
        response = admin.post(CREATE_PATH, json=neon_body(**overrides))
        assert response.status_code == 200, response.text
        return response.json()["store"]

    return create


@pytest.fixture
def control(emu: EmulatorServer) -> Iterator[httpx.Client]:
    """A client of the emulator's control endpoints under ``/_emulator``."""
    with httpx.Client(base_url=emu.url + "/_emulator", verify=False, timeout=5) as client:
        yield client


@pytest.fixture
def small_server() -> Iterator[EmulatorServer]:
    """A private emulator with a 5-entry log and a 4 KiB body limit."""
    with EmulatorServer(request_log_size=5, max_body_bytes=4096) as server:
        yield server


def admin_client(server: EmulatorServer) -> httpx.Client:
    """A client of ``server`` with its admin token, scoped to its default team.

    :param server: the emulator to reach.
    """
    return httpx.Client(
        base_url=server.url,
        headers={"Authorization": f"Bearer {server.admin_token}"},
        params={"teamId": server.team_id},
        verify=False,
    )
