"""Fixtures of the API tests: a sync client bound to the per-test emulator, and stores ready at once."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from airflow_provider_vercel.api.client import VercelClient
from tests.helpers.clients import make_client


@pytest.fixture
def client(vercel_emulator: Any) -> Iterator[VercelClient]:
    """A client of the per-test emulator with the admin token, the default team and ``FAST`` retries."""
    with make_client(vercel_emulator) as c:
        yield c


@pytest.fixture
def stores_ready_at_once(vercel_emulator: Any) -> None:
    """New stores of the per-test emulator are ``available`` at once (no emulated provisioning delay)."""
    vercel_emulator.state.ready_delay = 0
