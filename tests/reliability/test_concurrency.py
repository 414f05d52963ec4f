"""Concurrency: 50 parallel creates with distinct names against a rate-limited emulator.

The emulator admits at most 10 requests per sliding second (``faults.rate_limit_window(10, 1)``) and
answers the rest 429 with the exact ``Retry-After``. Each of 50 creates needs a look-up and a POST, so
at least 100 admitted requests: about ten seconds at that rate, whatever the client does. Three ways of
running them, each must end with all 50 succeeding, 50 distinct stores (one per name, none twice) and
exactly 50 POSTs answered 200 (429s on POSTs may come first: a refused POST created nothing):

- 50 threads, each with its own ``VercelClient``;
- 50 threads sharing one ``VercelClient`` (httpx's pool is thread-safe; a 429 pauses the whole client);
- one ``AsyncVercelClient`` and ``asyncio.gather`` of 50 tasks.

The three run at the same time, each against its own emulator and window, so the suite pays the ten
seconds once.
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from airflow_provider_vercel.api.retry import RetryPolicy
from tests.reliability.conftest import (
    create_posts,
    make_async_client,
    make_client,
    neon_request,
    record_figure,
)

CREATES = 50
WINDOW = (10, 1.0)
# Enough attempts to outlast the queue: a create may be refused many times before its turn comes.
PATIENT = RetryPolicy(max_attempts=60, backoff_initial=0.05, backoff_max=1.0, max_elapsed=90.0, jitter=0.2)


def names(kind: str) -> list[str]:
    return [f"conc-{kind}-{i:02d}" for i in range(CREATES)]


def census(server: Any, wanted: list[str], returned: list[str], kind: str, seconds: float) -> None:
    with server.state.lock:
        live = [s for s in server.state.stores.values() if not s.deleted and s.name in set(wanted)]
    by_name = Counter(s.name for s in live)
    assert sorted(by_name) == sorted(wanted), "a create is missing"
    assert max(by_name.values()) == 1, [n for n, c in by_name.items() if c > 1]
    assert sorted(returned) == sorted(s.id for s in live), "a caller got an id that is not its store"
    posts = create_posts(server)
    answered = [r for r in posts if r["status"] == 200]
    assert len(answered) == CREATES
    assert {r["status"] for r in posts} <= {200, 429}
    statuses = Counter(r["status"] for r in server.requests)
    record_figure(
        f"concurrency {kind}",
        f"{CREATES} creates, {len(live)} stores, 0 duplicates, {len(answered)} POSTs answered 200, "
        f"{sum(1 for r in posts if r['status'] == 429)} POSTs refused 429, {statuses[429]} 429s in all, "
        f"{len(server.requests)} requests, {seconds:.1f}s",
    )
    assert statuses[429] > 0, "the window never refused anything: the test did not test rate limiting"


def own_clients(server: Any, wanted: list[str]) -> list[str]:
    def create(name: str) -> str:
        with make_client(server, policy=PATIENT) as client:
            return str(client.get_or_create_store(neon_request(server, name)).store.id)

    with ThreadPoolExecutor(max_workers=CREATES) as pool:
        return list(pool.map(create, wanted))


def shared_client(server: Any, wanted: list[str]) -> list[str]:
    with make_client(server, policy=PATIENT, max_connections=CREATES) as client:

        def create(name: str) -> str:
            return str(client.get_or_create_store(neon_request(server, name)).store.id)

        with ThreadPoolExecutor(max_workers=CREATES) as pool:
            return list(pool.map(create, wanted))


def async_gather(server: Any, wanted: list[str]) -> list[str]:
    async def create_all() -> list[str]:
        async with make_async_client(server, policy=PATIENT, max_connections=CREATES) as client:
            outcomes = await asyncio.gather(*(client.get_or_create_store(neon_request(server, n)) for n in wanted))
        return [str(o.store.id) for o in outcomes]

    return asyncio.run(create_all())


SCENARIOS = {
    "threads, own clients": ("own", own_clients),
    "threads, one shared client": ("shared", shared_client),
    "asyncio.gather, one async client": ("async", async_gather),
}


def test_50_parallel_creates_three_ways_against_a_rate_limited_emulator(vercel_emulator, vercel_emulator_factory):
    """The three ways run at the same time, each against its own emulator with its own window (so the
    suite spends the ten seconds the rate limit imposes once, not three times)."""
    servers = [vercel_emulator, vercel_emulator_factory(), vercel_emulator_factory()]
    for server in servers:
        server.faults.rate_limit_window(*WINDOW)
    results: dict[str, tuple[list[str], float]] = {}

    def run(label: str, server: Any) -> None:
        kind, scenario = SCENARIOS[label]
        started = time.monotonic()
        results[label] = (scenario(server, names(kind)), time.monotonic() - started)

    with ThreadPoolExecutor(max_workers=len(SCENARIOS)) as pool:
        futures = [pool.submit(run, label, server) for label, server in zip(SCENARIOS, servers)]
        for future in futures:
            future.result()
    for (label, (kind, _)), server in zip(SCENARIOS.items(), servers):
        returned, seconds = results[label]
        census(server, names(kind), returned, label, seconds)
