"""Fixtures of the API tests: a sync client bound to the per-test emulator, a flow driven by either client,
and stores ready at once."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Generator, Iterator
from typing import Any

import pytest

from airflow_provider_vercel.api.client import VercelClient
from tests.helpers.clients import make_async_client, make_client


@pytest.fixture
def client(vercel_emulator: Any) -> Iterator[VercelClient]:
    """A client of the per-test emulator with the admin token, the default team and ``FAST`` retries."""
    with make_client(vercel_emulator) as c:
        yield c


FlowRunner = Callable[[Generator[Any, Any, Any]], Any]


@pytest.fixture(params=["sync", "async"])
def run_flow(request: pytest.FixtureRequest, vercel_emulator: Any) -> Iterator[FlowRunner]:
    """Drive an I/O-free flow to its end over real HTTP: ``VercelClient.run``, or ``AsyncVercelClient.run``.

    The async client runs in an event loop of its own per flow, so the same sync test body proves both
    drivers give the flow the same answers.
    """
    if request.param == "sync":
        with make_client(vercel_emulator) as client:
            yield client.run
        return

    async def drive(flow: Generator[Any, Any, Any]) -> Any:
        async with make_async_client(vercel_emulator) as client:
            return await client.run(flow)

    yield lambda flow: asyncio.run(drive(flow))


@pytest.fixture
def stores_ready_at_once(vercel_emulator: Any) -> None:
    """New stores of the per-test emulator are ``available`` at once (no emulated provisioning delay)."""
    vercel_emulator.state.ready_delay = 0
