"""Transient faults on every safe call: the emulator's request log must show exactly what the policy implies.

For each read method of the sync and async clients (plus the DELETE of a known store, the other call the
policy retries) and each transient fault the emulator can inject, two cases:

- recovery: ``n`` faults (fewer than ``max_attempts``) then one success: the call returns, and the log
  for that endpoint is exactly ``n`` faulted entries followed by one normal answer;
- exhaustion: more faults than the budget: exactly ``max_attempts`` requests reach the emulator, the
  right exception is raised, and the surplus faults are left unconsumed (the client stopped).

Then the timing rules: ``Retry-After`` in seconds and as an HTTP date is waited for, a 429 without the
header falls back to the body's ``error.limit.resetMs`` (not to the backoff), a 503's ``Retry-After`` is
honoured, and a 5xx without it backs off exponentially. ``tests/api/test_client.py`` has single
examples of several of these on one method; this is the systematic proof.
"""

from __future__ import annotations

import asyncio
import itertools
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

from airflow_provider_vercel.api.errors import (
    VercelForbiddenError,
    VercelNotFoundError,
    VercelRateLimitedError,
    VercelResponseError,
    VercelServerError,
    VercelTransportError,
    VercelUnauthorizedError,
)
from airflow_provider_vercel.api.retry import RetryPolicy
from tests.reliability.conftest import (
    FAST,
    logged,
    make_async_client,
    make_client,
    neon_request,
    record_figure,
)

MAX = FAST.max_attempts
READ_TIMEOUT = 0.25  # client read timeout in the timeout cases; the held answer lasts 4 times longer
HELD = 1.0
NORMAL_TIMEOUT = 30.0


@dataclass(frozen=True)
class Fault:
    """A transient fault kind: how to inject it, what the log then shows, what exhaustion raises."""

    name: str
    kind: str  # the fault name the emulator logs
    inject: Callable[[Any, int, str, str], Any]  # (faults, n, method, path)
    logged_status: int  # the status the emulator logs for a faulted request (0: dropped, 499: client left)
    error: type[Exception]
    recover_n: int = MAX - 1
    timeout: float = NORMAL_TIMEOUT


def _rate_limit(retry_after: Any) -> Callable[[Any, int, str, str], Any]:
    return lambda f, n, m, p: f.rate_limit(n, retry_after=retry_after, method=m, path=p)


def _server_error(status: int) -> Callable[[Any, int, str, str], Any]:
    return lambda f, n, m, p: f.server_error(n, status=status, method=m, path=p)


FAULTS = [
    Fault("429 Retry-After seconds", "rate_limit", _rate_limit(0), 429, VercelRateLimitedError),
    Fault("429 Retry-After HTTP date", "rate_limit", _rate_limit("http-date:0"), 429, VercelRateLimitedError),
    Fault("429 without Retry-After", "rate_limit", _rate_limit(None), 429, VercelRateLimitedError),
    Fault("500", "server_error", _server_error(500), 500, VercelServerError),
    Fault("502", "server_error", _server_error(502), 502, VercelServerError),
    Fault("503", "server_error", _server_error(503), 503, VercelServerError),
    Fault("504", "server_error", _server_error(504), 504, VercelServerError),
    Fault(
        "connection reset",
        "reset_connection",
        lambda f, n, m, p: f.reset_connection(n, method=m, path=p),
        0,
        VercelTransportError,
    ),
    Fault(
        "read timeout",
        "delay",
        lambda f, n, m, p: f.delay(n, seconds=HELD, method=m, path=p),
        499,
        VercelTransportError,
        recover_n=1,
        timeout=READ_TIMEOUT,
    ),
    Fault(
        "malformed JSON",
        "malformed_json",
        lambda f, n, m, p: f.malformed_json(n, method=m, path=p),
        200,
        VercelResponseError,
    ),
]


@dataclass
class Target:
    """What a read needs: ids from the seed, and a store for the calls about one."""

    configuration_id: str
    project: str
    env_id: str
    store_id: str | None = None


@dataclass(frozen=True)
class Read:
    """A safe call of the client: how to make it and which logged request it is."""

    name: str
    call: Callable[[Any, Target], Any]
    method: str
    path: Callable[[Target], str]
    needs_store: bool = False
    ok_statuses: tuple[int, ...] = (200,)


SYNC_READS = [
    Read(
        "list_configurations", lambda c, t: c.list_configurations(), "GET", lambda t: "/v1/integrations/configurations"
    ),
    Read(
        "get_configuration",
        lambda c, t: c.get_configuration(t.configuration_id),
        "GET",
        lambda t: f"/v1/integrations/configuration/{t.configuration_id}",
    ),
    Read(
        "list_products",
        lambda c, t: c.list_products(t.configuration_id),
        "GET",
        lambda t: f"/v1/integrations/configuration/{t.configuration_id}/products",
    ),
    Read(
        "list_billing_plans",
        lambda c, t: c.list_billing_plans("neon", "neon-postgres", {"region": "iad1"}, t.configuration_id),
        "GET",
        lambda t: "/v1/integrations/integration/neon/products/neon-postgres/plans",
    ),
    Read("list_stores", lambda c, t: c.list_stores(t.configuration_id), "GET", lambda t: "/v1/storage/stores"),
    Read(
        "get_store",
        lambda c, t: c.get_store(t.store_id),
        "GET",
        lambda t: f"/v1/storage/stores/{t.store_id}",
        needs_store=True,
    ),
    Read(
        "list_project_env",
        lambda c, t: c.list_project_env(t.project),
        "GET",
        lambda t: f"/v10/projects/{t.project}/env",
    ),
    Read(
        "get_project_env",
        lambda c, t: c.get_project_env(t.project, t.env_id),
        "GET",
        lambda t: f"/v1/projects/{t.project}/env/{t.env_id}",
    ),
    # Not a read, but the other call the policy retries: deleting a known id twice is harmless (404 = gone).
    Read(
        "delete_store",
        lambda c, t: c.delete_store(t.store_id),
        "DELETE",
        lambda t: f"/v1/storage/stores/integration/{t.store_id}",
        needs_store=True,
        ok_statuses=(200, 204, 404),
    ),
]
ASYNC_READS = [
    r
    for r in SYNC_READS
    if r.name
    in {"list_configurations", "list_products", "list_billing_plans", "list_stores", "get_store", "delete_store"}
]


def _pairs(reads: list[Read]) -> list[Any]:
    # A garbled answer to a DELETE comes after the store was deleted: the retry finds it gone (404, an
    # answer), so that pair has its own test below instead of the recover/exhaust pattern.
    return [
        pytest.param(read, fault, id=f"{read.name}-{fault.name}")
        for read in reads
        for fault in FAULTS
        if not (read.method == "DELETE" and fault.kind == "malformed_json")
    ]


SYNC_PAIRS = _pairs(SYNC_READS)
ASYNC_PAIRS = _pairs(ASYNC_READS)

#: The size of the matrix, reported in the session summary.
MATRIX = {
    "sync_methods": len(SYNC_READS),
    "async_methods": len(ASYNC_READS),
    "fault_kinds": len(FAULTS),
    "cases": 2 * (len(SYNC_PAIRS) + len(ASYNC_PAIRS)) + 2,
}


@dataclass
class Clients:
    """Clients shared by the matrix (building one costs more than the calls it makes), by read timeout."""

    sync: dict[float, Any]
    aio: dict[float, Any]
    loop: asyncio.AbstractEventLoop

    def run(self, read: Read, fault: Fault, target: Target) -> Any:
        return read.call(self.sync[fault.timeout], target)

    def run_async(self, read: Read, fault: Fault, target: Target) -> Any:
        return self.loop.run_until_complete(read.call(self.aio[fault.timeout], target))


@pytest.fixture(scope="module")
def clients(vercel_emulator_session: Any) -> Any:
    server = vercel_emulator_session
    loop = asyncio.new_event_loop()
    timeouts = (NORMAL_TIMEOUT, READ_TIMEOUT)
    shared = Clients(
        {t: make_client(server, timeout=t) for t in timeouts},
        {t: make_async_client(server, timeout=t) for t in timeouts},
        loop,
    )
    yield shared
    for client in shared.sync.values():
        client.close()
    for aclient in shared.aio.values():
        loop.run_until_complete(aclient.aclose())
    loop.close()


def _target(server: Any, read: Read, clients: Clients) -> Target:
    web_app = server.project_id("web-app")
    env_id = next(e.id for e in server.state.project_env_vars(web_app))
    target = Target(server.configuration_id("neon"), web_app, env_id)
    if read.needs_store:
        setup = clients.sync[NORMAL_TIMEOUT]
        target.store_id = setup.get_or_create_store(neon_request(server, f"matrix-{read.name}")).store.id
    server.log.clear()
    return target


def _entries(server: Any, read: Read, target: Target, settle: float = 3.0) -> list[dict[str, Any]]:
    """The logged requests of this call, once every one has its final status (held answers finish late)."""
    deadline = time.monotonic() + settle
    while True:
        entries = logged(server, read.method, read.path(target), exact=True)
        if all(e["status"] is not None for e in entries) or time.monotonic() > deadline:
            return entries
        time.sleep(0.02)


def _pending(server: Any) -> int:
    return sum(f["remaining"] for f in server.faults.describe()["faults"])


def _check_recovery(server: Any, read: Read, fault: Fault, target: Target) -> None:
    entries = _entries(server, read, target)
    assert [e["fault"] for e in entries] == [fault.kind] * fault.recover_n + [None], entries
    assert [e["status"] for e in entries[:-1]] == [fault.logged_status] * fault.recover_n
    assert entries[-1]["status"] in read.ok_statuses
    assert _pending(server) == 0


def _check_exhaustion(server: Any, read: Read, fault: Fault, target: Target, error: BaseException) -> None:
    assert isinstance(error, fault.error), repr(error)
    if isinstance(error, (VercelRateLimitedError, VercelServerError)):
        assert error.status == fault.logged_status
    entries = _entries(server, read, target)
    assert len(entries) == MAX, entries  # exactly the budget, not one more
    assert [e["status"] for e in entries] == [fault.logged_status] * MAX
    assert _pending(server) == 2  # the surplus faults were never reached


@pytest.mark.parametrize(("read", "fault"), SYNC_PAIRS)
def test_sync_read_recovers_after_n_faults_with_exactly_n_plus_one_requests(vercel_emulator, clients, read, fault):
    server = vercel_emulator
    target = _target(server, read, clients)
    fault.inject(server.faults, fault.recover_n, read.method, read.path(target))
    clients.run(read, fault, target)
    _check_recovery(server, read, fault, target)


@pytest.mark.parametrize(("read", "fault"), SYNC_PAIRS)
def test_sync_read_gives_up_after_exactly_max_attempts_with_the_right_error(vercel_emulator, clients, read, fault):
    server = vercel_emulator
    target = _target(server, read, clients)
    fault.inject(server.faults, MAX + 2, read.method, read.path(target))
    with pytest.raises(fault.error) as info:
        clients.run(read, fault, target)
    _check_exhaustion(server, read, fault, target, info.value)


@pytest.mark.parametrize(("read", "fault"), ASYNC_PAIRS)
def test_async_read_recovers_after_n_faults_with_exactly_n_plus_one_requests(vercel_emulator, clients, read, fault):
    server = vercel_emulator
    target = _target(server, read, clients)
    fault.inject(server.faults, fault.recover_n, read.method, read.path(target))
    clients.run_async(read, fault, target)
    _check_recovery(server, read, fault, target)


@pytest.mark.parametrize(("read", "fault"), ASYNC_PAIRS)
def test_async_read_gives_up_after_exactly_max_attempts_with_the_right_error(vercel_emulator, clients, read, fault):
    server = vercel_emulator
    target = _target(server, read, clients)
    fault.inject(server.faults, MAX + 2, read.method, read.path(target))
    with pytest.raises(fault.error) as info:
        clients.run_async(read, fault, target)
    _check_exhaustion(server, read, fault, target, info.value)


@pytest.mark.parametrize("use_async", [False, True], ids=["sync", "async"])
def test_a_delete_whose_answer_is_garbled_is_retried_and_finds_the_store_gone(vercel_emulator, clients, use_async):
    server = vercel_emulator
    read = next(r for r in SYNC_READS if r.name == "delete_store")
    target = _target(server, read, clients)
    fault = next(f for f in FAULTS if f.kind == "malformed_json")
    fault.inject(server.faults, MAX + 2, read.method, read.path(target))
    result = (clients.run_async if use_async else clients.run)(read, fault, target)
    assert result is False  # "already gone": the first, garbled, answer was to a delete that happened
    assert [e["status"] for e in _entries(server, read, target)] == [200, 404]
    assert server.state.stores[target.store_id].deleted


def test_non_retryable_statuses_are_sent_exactly_once(vercel_emulator):
    """401, 403, 404 and a 429 whose status the policy does not list are answers, not transient faults."""
    server = vercel_emulator
    strict = RetryPolicy(max_attempts=3, backoff_initial=0.005, jitter=0.0, retry_statuses=(500,))
    with make_client(server, token="vcl_not_a_token_0000") as bad, pytest.raises(VercelUnauthorizedError):
        bad.list_stores()
    with make_client(server, token=server.other_team_token) as other, pytest.raises(VercelForbiddenError):
        other.list_products(server.configuration_id("neon"))
    with make_client(server) as client, pytest.raises(VercelNotFoundError):
        client.get_store("store_doesnotexist0000")
    server.faults.rate_limit(5, retry_after=0)
    with make_client(server, policy=strict) as client, pytest.raises(VercelRateLimitedError):
        client.list_configurations()
    assert [r["status"] for r in server.requests] == [401, 403, 404, 429]


# --- timing: Retry-After and backoff --------------------------------------------------------------


def _gaps(server: Any) -> list[float]:
    times = [r["time"] for r in server.requests]
    return [b - a for a, b in itertools.pairwise(times)]


def test_retry_after_in_seconds_is_waited_for(vercel_emulator):
    vercel_emulator.faults.rate_limit(1, retry_after=1)
    with make_client(vercel_emulator) as client:
        client.list_stores()
    (gap,) = _gaps(vercel_emulator)
    assert 1.0 <= gap < 1.5
    assert [r["status"] for r in vercel_emulator.requests] == [429, 200]


def test_retry_after_as_an_http_date_is_waited_for(vercel_emulator):
    # The date has whole-second resolution: "2 s from now" means between 1 and 2 seconds.
    vercel_emulator.faults.rate_limit(1, retry_after="http-date:2")
    with make_client(vercel_emulator) as client:
        client.get_configuration(vercel_emulator.configuration_id("neon"))
    (gap,) = _gaps(vercel_emulator)
    assert 0.95 <= gap < 2.5


def test_429_without_retry_after_uses_the_body_reset_time_not_the_backoff(vercel_emulator):
    # The body's error.limit.resetMs says "now"; a 1 s backoff would show as a 1 s gap.
    vercel_emulator.faults.rate_limit(2, retry_after=None)
    slow_backoff = RetryPolicy(max_attempts=3, backoff_initial=1.0, jitter=0.0)
    with make_client(vercel_emulator, policy=slow_backoff) as client:
        client.list_configurations()
    assert [r["status"] for r in vercel_emulator.requests] == [429, 429, 200]
    assert all(gap < 0.5 for gap in _gaps(vercel_emulator))


def test_503_with_retry_after_is_waited_for(vercel_emulator):
    vercel_emulator.faults.server_error(1, status=503, retry_after=1)
    with make_client(vercel_emulator) as client:
        client.list_products(vercel_emulator.configuration_id("neon"))
    (gap,) = _gaps(vercel_emulator)
    assert 1.0 <= gap < 1.5


def test_5xx_without_retry_after_backs_off_exponentially(vercel_emulator):
    vercel_emulator.faults.server_error(2, status=502)
    policy = RetryPolicy(max_attempts=3, backoff_initial=0.2, backoff_max=5, jitter=0.0)
    with make_client(vercel_emulator, policy=policy) as client:
        client.list_stores()
    first, second = _gaps(vercel_emulator)
    assert 0.2 <= first < 0.5
    assert 0.4 <= second < 0.8


def test_a_429_pauses_every_request_of_the_same_client(vercel_emulator):
    """The window the server named applies to the whole client, not only to the call that was refused."""
    from concurrent.futures import ThreadPoolExecutor

    server = vercel_emulator
    server.faults.rate_limit(1, retry_after=1, path="/v1/storage/stores")
    with make_client(server) as client, ThreadPoolExecutor(max_workers=1) as pool:
        refused_call = pool.submit(client.list_stores)  # 429, waits 1 s, 200
        deadline = time.monotonic() + 5
        while not any(r["status"] == 429 for r in server.requests) and time.monotonic() < deadline:
            time.sleep(0.005)
        time.sleep(0.05)  # the client has read the 429 by now
        client.list_configurations()  # another call of the same client, during the window
        refused_call.result()
    refused = next(r for r in server.requests if r["status"] == 429)
    other = next(r for r in server.requests if r["path"] == "/v1/integrations/configurations")
    assert other["time"] - refused["time"] >= 0.95
    assert [r["status"] for r in server.requests] == [429, 200, 200]


def test_the_time_budget_stops_retries_before_max_attempts(vercel_emulator):
    vercel_emulator.faults.server_error(10, status=503, retry_after=2)
    policy = RetryPolicy(max_attempts=10, backoff_initial=0.005, max_elapsed=3.0, jitter=0.0)
    started = time.monotonic()
    with make_client(vercel_emulator, policy=policy) as client, pytest.raises(VercelServerError):
        client.list_stores()
    # 0 s, 2 s, then the next 2 s wait would end past the 3 s budget: two requests, about 2 s.
    assert len(vercel_emulator.requests) == 2
    assert 1.9 <= time.monotonic() - started < 3.0


def test_zz_report_the_matrix_size():
    record_figure(
        "fault matrix",
        f"{MATRIX['sync_methods']} sync + {MATRIX['async_methods']} async safe calls x {MATRIX['fault_kinds']} "
        f"fault kinds x (recover, exhaust) = {MATRIX['cases']} cases, request counts exact, "
        f"policy {MAX} attempts",
    )
