"""Fixtures for the trigger tests: ``vercel_default`` pointed at the emulator, and a store factory."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tests.operators.conftest import connection_json


@pytest.fixture
def emulator(vercel_emulator: Any, monkeypatch: pytest.MonkeyPatch) -> Any:
    """The reset emulator, with ``vercel_default`` pointing at it as the team's admin (fast retries)."""
    monkeypatch.setenv("AIRFLOW_CONN_VERCEL_DEFAULT", connection_json(vercel_emulator))
    return vercel_emulator


@pytest.fixture
def make_store(emulator: Any) -> Callable[..., str]:
    """Create a Neon store through the sync client and return its id."""
    from airflow_provider_vercel.api.calls import CreateStoreRequest
    from airflow_provider_vercel.api.client import VercelClient

    def make(name: str = "trigger-db") -> str:
        with VercelClient(emulator.admin_token, base_url=emulator.url, team_id=emulator.team_id) as client:
            outcome = client.get_or_create_store(
                CreateStoreRequest(
                    name=name,
                    integration_configuration_id=emulator.configuration_id("neon"),
                    product="neon-postgres",
                    metadata={"region": "iad1"},
                )
            )
        return outcome.store.id

    return make
