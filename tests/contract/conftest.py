"""Fixtures of the contract suite: raw httpx clients on the emulator, and the run's counts."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest

from airflow_provider_vercel.emulator.server import EmulatorServer
from tests.contract.conformance import OPERATIONS_CHECKED, TALLY, contract_version

CREATE_PATH = "/v1/storage/stores/integration/direct"


@pytest.fixture
def emu(vercel_emulator: EmulatorServer) -> EmulatorServer:
    """The per-test emulator, reset to its seed."""
    return vercel_emulator


@pytest.fixture
def api(emu: EmulatorServer) -> Iterator[httpx.Client]:
    """An httpx client with the default team's admin token, scoped by ``teamId``."""
    with httpx.Client(
        base_url=emu.url,
        headers={"Authorization": f"Bearer {emu.admin_token}"},
        params={"teamId": emu.team_id},
        timeout=10.0,
    ) as client:
        yield client


@pytest.fixture
def new_store(api: httpx.Client, emu: EmulatorServer) -> Callable[..., dict[str, Any]]:
    """Create a Neon store (body overrides as keyword arguments) and return its ``store`` object."""
    counter = iter(range(10_000))

    def create(**overrides: Any) -> dict[str, Any]:
        body = {
            "name": f"contract-{next(counter)}",
            "integrationConfigurationId": emu.configuration_id("neon"),
            "integrationProductIdOrSlug": "neon-postgres",
            "metadata": {"region": "iad1"},
            **overrides,
        }
        response = api.post(CREATE_PATH, json=body)
        assert response.status_code == 200, response.text
        return response.json()["store"]  # type: ignore[no-any-return]

    return create


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if not TALLY:
        return
    terminalreporter.section("contract conformance")
    terminalreporter.write_line(
        f"contract @vercel/sdk {contract_version()}: {len(OPERATIONS_CHECKED)} operations, "
        f"{TALLY['answers checked']} answers checked, {TALLY['generated bodies parsed']} generated bodies parsed, "
        f"{TALLY['requests checked']} requests checked"
    )
