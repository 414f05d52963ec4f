"""Fixtures of the hook tests: the per-test emulator behind the ``vercel_default`` connection."""

from __future__ import annotations

from typing import Any

import pytest

from tests.helpers.stores import connect_env


@pytest.fixture
def emu(vercel_emulator: Any, monkeypatch: pytest.MonkeyPatch) -> Any:
    """The emulator with stores ready at once, reached through ``vercel_default``."""
    vercel_emulator.state.ready_delay = 0
    connect_env(monkeypatch, vercel_emulator)
    return vercel_emulator
