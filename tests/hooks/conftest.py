"""Fixtures of the hook tests: the per-test emulator behind the ``vercel_default`` connection."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.helpers.stores import connect_env


@pytest.fixture
def emu(vercel_emulator: Any, monkeypatch: pytest.MonkeyPatch) -> Any:
    """The emulator with stores ready at once, reached through ``vercel_default``."""
    vercel_emulator.state.ready_delay = 0
    connect_env(monkeypatch, vercel_emulator)
    return vercel_emulator


def set_conn(monkeypatch: pytest.MonkeyPatch, conn_id: str = "vercel_default", **fields: Any) -> None:
    """Point ``AIRFLOW_CONN_<conn_id>`` at a connection with these fields (type ``vercel`` unless given)."""
    fields.setdefault("conn_type", "vercel")
    monkeypatch.setenv(f"AIRFLOW_CONN_{conn_id.upper()}", json.dumps(fields))


@pytest.fixture
def emulator_conn(monkeypatch: pytest.MonkeyPatch, vercel_emulator: Any) -> Any:
    """``vercel_default`` pointed at the emulator, with its team and fast retries."""
    set_conn(
        monkeypatch,
        host=vercel_emulator.url,
        password=vercel_emulator.admin_token,
        extra={"team_id": vercel_emulator.team_id, "max_attempts": 2, "backoff_initial": 0.01},
    )
    return vercel_emulator
