"""Ambiguous create failures: the store is committed, then the answer is lost. Exactly one store must result.

Every ambiguous kind the emulator can produce (``commit_then_drop``, ``commit_then_error`` with 500, 502,
503 and 504, ``commit_then_delay`` with a client timeout shorter than the hold) goes through each entry
point: the sync client, the async client, and ``VercelCreateStoreOperator.execute`` (with a recording
``ti``). After each run the emulator's state is the witness: one live store of that name, the id the
caller was given, one POST. A 5xx sent before anything was committed looks the same to a client, so it
is not posted again either: the call fails after the settle window and the task retry creates the store
once. Only a 429 (certainly refused) leads to one more POST within the call.

The last test shows a case the design does not cover (a create that commits only after the client has
given up waiting): it is marked as a known bug.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

from airflow_provider_vercel.api.errors import VercelAmbiguousCreateError, VercelRateLimitedError
from airflow_provider_vercel.api.retry import RetryPolicy
from airflow_provider_vercel.api.summaries import outcome_label
from airflow_provider_vercel.operators.stores import (
    STORE_ID_XCOM_KEY,
    VercelCreateStoreOperator,
)
from tests.operators.conftest import RecordingTaskInstance
from tests.reliability.conftest import (
    CREATE_PATH,
    LIST_PATH,
    create_posts,
    live_stores_named,
    logged,
    make_async_client,
    make_client,
    neon_request,
    operator_connection,
)

SHORT_TIMEOUT = 0.3
HOLD = 1.2


@dataclass(frozen=True)
class Ambiguity:
    """A way of losing the answer to a create that was committed."""

    name: str
    inject: Callable[[Any], Any]
    recovered_from: str
    timeout: float = 10.0


AMBIGUOUS = [
    Ambiguity("commit_then_drop", lambda f: f.commit_then_drop(1), "connection dropped"),
    *[
        Ambiguity(f"commit_then_error {status}", lambda f, s=status: f.commit_then_error(1, status=s), f"http {status}")
        for status in (500, 502, 503, 504)
    ],
    Ambiguity("commit_then_delay", lambda f: f.commit_then_delay(1, seconds=HOLD), "timeout", timeout=SHORT_TIMEOUT),
]
ENTRY_POINTS = ("client", "async", "operator")


def create_via(
    entry: str, server: Any, name: str, *, timeout: float, monkeypatch: pytest.MonkeyPatch, settle: float = 5.0
) -> tuple[str, str]:
    """Get-or-create ``name`` through one entry point; return (outcome label, store id).

    ``settle`` is the client's ``create_settle_seconds``: how long it looks for the store after an
    ambiguous answer (set through the connection extra for the operator).
    """
    if entry == "client":
        with make_client(server, timeout=timeout, create_settle_seconds=settle) as client:
            outcome = client.get_or_create_store(neon_request(server, name))
        return outcome_label(outcome), outcome.store.id
    if entry == "async":

        async def go() -> Any:
            async with make_async_client(server, timeout=timeout, create_settle_seconds=settle) as client:
                return await client.get_or_create_store(neon_request(server, name))

        outcome = asyncio.run(go())
        return outcome_label(outcome), outcome.store.id
    connection = operator_connection(server, timeout=timeout, create_settle_seconds=settle)
    monkeypatch.setenv("AIRFLOW_CONN_VERCEL_DEFAULT", connection)
    op = VercelCreateStoreOperator(
        task_id="create_store",
        integration_configuration_id=server.configuration_id("neon"),
        product="neon-postgres",
        name=name,
        metadata={"region": "iad1"},
    )
    ti = RecordingTaskInstance()
    try:
        summary = op.execute({"ti": ti})
    finally:
        op.hook.close()
    assert ti.xcoms[STORE_ID_XCOM_KEY] == summary["id"]
    return summary["outcome"], summary["id"]


def assert_exactly_one(server: Any, name: str, returned_id: str) -> None:
    stores = live_stores_named(server, name)
    assert [s.id for s in stores] == [returned_id], f"{len(stores)} stores named {name!r}"


@pytest.mark.parametrize("entry", ENTRY_POINTS)
@pytest.mark.parametrize("ambiguity", AMBIGUOUS, ids=[a.name for a in AMBIGUOUS])
def test_a_committed_create_whose_answer_is_lost_ends_with_exactly_one_store(
    vercel_emulator, monkeypatch, ambiguity, entry
):
    server = vercel_emulator
    ambiguity.inject(server.faults)
    label, store_id = create_via(entry, server, "ambiguous-db", timeout=ambiguity.timeout, monkeypatch=monkeypatch)
    assert label == "recovered"
    assert_exactly_one(server, "ambiguous-db", store_id)
    assert len(create_posts(server)) == 1
    # What happened, in order: look, POST (answer lost), look again (found): nothing else was sent.
    tail = [(r["method"], r["path"]) for r in server.requests if r["path"] in (LIST_PATH, CREATE_PATH)]
    assert tail == [("GET", LIST_PATH), ("POST", CREATE_PATH), ("GET", LIST_PATH)]


@pytest.mark.parametrize("ambiguity", AMBIGUOUS, ids=[a.name for a in AMBIGUOUS])
def test_the_operator_run_again_after_an_ambiguous_failure_reuses_the_store(vercel_emulator, monkeypatch, ambiguity):
    server = vercel_emulator
    ambiguity.inject(server.faults)
    _, first = create_via("operator", server, "again-db", timeout=ambiguity.timeout, monkeypatch=monkeypatch)
    label, second = create_via("operator", server, "again-db", timeout=10.0, monkeypatch=monkeypatch)
    assert (label, second) == ("reused", first)
    assert_exactly_one(server, "again-db", first)
    assert len(create_posts(server)) == 1


LIST_FAULTS = {
    "reset": lambda f: f.reset_connection(1, method="GET", path=LIST_PATH),
    "503": lambda f: f.server_error(2, status=503, method="GET", path=LIST_PATH),
    "429": lambda f: f.rate_limit(1, retry_after=0, method="GET", path=LIST_PATH),
    "malformed": lambda f: f.malformed_json(1, method="GET", path=LIST_PATH),
}


@pytest.mark.parametrize("list_fault", sorted(LIST_FAULTS))
@pytest.mark.parametrize("ambiguity", [AMBIGUOUS[0], AMBIGUOUS[3]], ids=["commit_then_drop", "commit_then_error 503"])
def test_the_look_up_after_an_ambiguous_failure_survives_its_own_transient_faults(
    vercel_emulator, monkeypatch, ambiguity, list_fault
):
    server = vercel_emulator
    server.faults.delay(1, seconds=0, method="GET", path=LIST_PATH)  # the check before the POST passes
    ambiguity.inject(server.faults)
    LIST_FAULTS[list_fault](server.faults)
    label, store_id = create_via("client", server, "lookup-db", timeout=10.0, monkeypatch=monkeypatch)
    assert label == "recovered"
    assert_exactly_one(server, "lookup-db", store_id)
    assert len(create_posts(server)) == 1


NOT_COMMITTED = {
    "rate_limit": lambda f: f.rate_limit(1, retry_after=0, method="POST", path=CREATE_PATH),
}
#: 5xx answers sent before anything was committed: the client cannot tell them from a commit-then-5xx.
FIVE_XX_BEFORE_COMMIT = {
    f"server_error {s}": (lambda f, s=s: f.server_error(1, status=s, method="POST", path=CREATE_PATH))
    for s in (500, 502, 503, 504)
}
SETTLE = 0.4


@pytest.mark.parametrize("entry", ENTRY_POINTS)
def test_a_create_refused_with_429_is_sent_once_more_and_still_ends_with_one_store(vercel_emulator, monkeypatch, entry):
    server = vercel_emulator
    NOT_COMMITTED["rate_limit"](server.faults)
    label, store_id = create_via(entry, server, "retried-db", timeout=10.0, monkeypatch=monkeypatch)
    assert label == "created"
    assert_exactly_one(server, "retried-db", store_id)
    assert [r["status"] for r in create_posts(server)] == [429, 200]
    # A 429 says the request was refused: no need to look before sending again.
    assert len(logged(server, "GET", LIST_PATH, exact=True)) == 1


@pytest.mark.parametrize("entry", ENTRY_POINTS)
@pytest.mark.parametrize("fault", sorted(FIVE_XX_BEFORE_COMMIT))
def test_a_5xx_before_commit_is_not_posted_again_and_the_task_retry_creates_the_store_once(
    vercel_emulator, monkeypatch, fault, entry
):
    server = vercel_emulator
    FIVE_XX_BEFORE_COMMIT[fault](server.faults)
    started = time.monotonic()
    with pytest.raises(VercelAmbiguousCreateError) as caught:
        create_via(entry, server, "retried-db", timeout=10.0, settle=SETTLE, monkeypatch=monkeypatch)
    took = time.monotonic() - started
    assert caught.value.kind == f"http {fault.split()[-1]}"
    assert caught.value.waited == pytest.approx(SETTLE)  # the client argument or the connection extra
    assert len(create_posts(server)) == 1 and live_stores_named(server, "retried-db") == []
    # It looked for the whole settle window before giving up, and no longer: the generous 5 s margin
    # only separates the configured window from the 15 s default.
    assert SETTLE <= took < SETTLE + 5
    # The task retry: looks, finds nothing, posts once.
    label, store_id = create_via(entry, server, "retried-db", timeout=10.0, monkeypatch=monkeypatch)
    assert label == "created"
    assert_exactly_one(server, "retried-db", store_id)
    assert [r["status"] for r in create_posts(server)] == [int(fault.split()[-1]), 200]


def test_a_create_refused_with_429_every_time_stops_at_the_budget_and_leaves_nothing(vercel_emulator):
    server = vercel_emulator
    server.faults.rate_limit(20, retry_after=0, method="POST", path=CREATE_PATH)
    policy = RetryPolicy(max_attempts=4, backoff_initial=0.005, jitter=0.0)
    with make_client(server, policy=policy) as client, pytest.raises(VercelRateLimitedError):
        client.get_or_create_store(neon_request(server, "never-db"))
    assert len(create_posts(server)) == 4
    assert live_stores_named(server, "never-db") == []


def test_a_create_committed_on_every_ambiguous_attempt_is_posted_once(vercel_emulator):
    # Every POST would commit and lose its answer: the first look-up finds the first store, so no second POST.
    server = vercel_emulator
    server.faults.commit_then_error(10, status=500)
    with make_client(server) as client:
        outcome = client.get_or_create_store(neon_request(server, "once-db"))
    assert outcome.posts == 1
    assert_exactly_one(server, "once-db", outcome.store.id)


def test_a_pre_existing_store_is_reused_whatever_the_create_faults(vercel_emulator, monkeypatch):
    server = vercel_emulator
    with make_client(server) as client:
        existing = client.get_or_create_store(neon_request(server, "old-db")).store.id
    server.log.clear()
    for ambiguity in AMBIGUOUS:
        ambiguity.inject(server.faults)
    for entry in ENTRY_POINTS:
        label, store_id = create_via(entry, server, "old-db", timeout=10.0, monkeypatch=monkeypatch)
        assert (label, store_id) == ("reused", existing)
    assert create_posts(server) == []
    assert_exactly_one(server, "old-db", existing)


def test_a_store_created_by_an_answered_retry_post_is_reported_created_not_recovered(vercel_emulator, monkeypatch):
    server = vercel_emulator
    NOT_COMMITTED["rate_limit"](server.faults)
    label, store_id = create_via("operator", server, "relabel-db", timeout=10.0, monkeypatch=monkeypatch)
    assert [r["status"] for r in create_posts(server)][-1] == 200  # the store came from an answered POST
    assert_exactly_one(server, "relabel-db", store_id)
    assert label == "created"


# --- a create whose answer is lost: look for the store, never send it again ------------------------


SLOW_COMMIT = 1.0


@pytest.fixture
def slow_commit_emulator() -> Any:
    """A private emulator whose next create POST is processed only after ``SLOW_COMMIT`` seconds.

    A real server behaves so when provisioning is slow: the request was received, the client's read
    timeout fires, and the store is still created afterwards. (The emulator's own ``delay`` fault skips
    the endpoint once the client has gone, and ``commit_then_delay`` commits at once, so neither shows it.)
    """
    from airflow_provider_vercel.emulator.server import EmulatorServer

    server = EmulatorServer()
    inner = server.app
    pending = {"slow_posts": 1}

    async def app(scope: Any, receive: Any, send: Any) -> None:
        slow = (
            scope.get("type") == "http"
            and scope.get("method") == "POST"
            and scope.get("path") == CREATE_PATH
            and pending["slow_posts"] > 0
        )
        if not slow:
            await inner(scope, receive, send)
            return
        pending["slow_posts"] -= 1
        body = []
        while True:  # the whole request arrived before the client gave up
            message = await receive()
            if message["type"] != "http.request":
                break
            body.append(message)
            if not message.get("more_body"):
                break
        await asyncio.sleep(SLOW_COMMIT)

        async def replay() -> Any:
            return body.pop(0) if body else {"type": "http.disconnect"}

        await inner(scope, replay, send)

    server.app = app
    server.start()
    yield server
    server.stop()


def test_a_create_that_commits_after_the_client_timed_out_is_not_sent_twice(slow_commit_emulator):
    server = slow_commit_emulator
    with make_client(server, timeout=SHORT_TIMEOUT, create_settle_seconds=SHORT_TIMEOUT) as client:
        with pytest.raises(VercelAmbiguousCreateError) as info:
            client.get_or_create_store(neon_request(server, "slow-db"))
        assert info.value.kind == "timeout" and "slow-db" in str(info.value)
        time.sleep(SLOW_COMMIT + 0.3)  # the first, slow, POST finishes its work
        assert len(live_stores_named(server, "slow-db")) == 1
        # A retry of the task looks first and adopts the store the first request created.
        again = client.get_or_create_store(neon_request(server, "slow-db"))
    assert again.reused
    assert len(create_posts(server)) == 1
    assert_exactly_one(server, "slow-db", again.store.id)


def test_a_create_whose_connection_was_reset_is_not_resent_and_a_task_retry_creates_it_once(vercel_emulator):
    server = vercel_emulator
    server.faults.reset_connection(1, method="POST", path=CREATE_PATH)
    with make_client(server, timeout=SHORT_TIMEOUT, create_settle_seconds=SHORT_TIMEOUT) as client:
        with pytest.raises(VercelAmbiguousCreateError):
            client.get_or_create_store(neon_request(server, "reset-db"))
        assert len(create_posts(server)) == 1 and live_stores_named(server, "reset-db") == []
        retried = client.get_or_create_store(neon_request(server, "reset-db"))
    assert retried.created and retried.recovered_from is None
    assert len(create_posts(server)) == 2
    assert_exactly_one(server, "reset-db", retried.store.id)


# --- a 5xx after a commit whose store the listing shows only later (§7.19, §7.20) ---------------------

LAG = 0.5


@pytest.mark.parametrize("entry", ENTRY_POINTS)
@pytest.mark.parametrize("status", [500, 502, 503, 504])
def test_a_commit_then_5xx_under_a_listing_lag_is_adopted_when_it_shows_with_one_post(
    vercel_emulator, monkeypatch, status, entry
):
    server = vercel_emulator
    server.faults.listing_lag(LAG)
    server.faults.commit_then_error(1, status=status)
    started = time.monotonic()
    label, store_id = create_via(entry, server, "lagged-db", timeout=10.0, settle=LAG * 4, monkeypatch=monkeypatch)
    took = time.monotonic() - started
    assert label == "recovered"
    assert_exactly_one(server, "lagged-db", store_id)
    assert len(create_posts(server)) == 1
    assert LAG <= took < LAG * 4  # found once listed, before the settle window ran out
    looks = logged(server, "GET", LIST_PATH, exact=True)
    assert len(looks) >= 3  # the check, at least one look that missed it, the look that found it
    assert all(r["query"].get("skip-metadata") == "true" for r in looks)  # the light listing matched


@pytest.mark.parametrize("entry", ENTRY_POINTS)
def test_a_listing_lag_longer_than_the_settle_window_fails_without_a_second_post(vercel_emulator, monkeypatch, entry):
    server = vercel_emulator
    server.faults.listing_lag(30)
    server.faults.commit_then_error(1, status=502)
    with pytest.raises(VercelAmbiguousCreateError) as caught:
        create_via(entry, server, "hidden-db", timeout=10.0, settle=SETTLE, monkeypatch=monkeypatch)
    assert caught.value.kind == "http 502" and "hidden-db" in str(caught.value)
    assert len(create_posts(server)) == 1 and len(live_stores_named(server, "hidden-db")) == 1


@pytest.mark.parametrize("mode", ["sync", "async"])
def test_a_batch_under_commit_then_5xx_and_a_listing_lag_creates_each_store_once(vercel_emulator, mode):
    server = vercel_emulator
    names = [f"batch-lag-{i}" for i in range(4)]
    server.faults.listing_lag(LAG)
    for status in (500, 502, 503, 504):
        server.faults.commit_then_error(1, status=status)
    requests = [neon_request(server, name) for name in names]
    if mode == "sync":
        with make_client(server, create_settle_seconds=LAG * 4) as client:
            outcomes = client.get_or_create_stores(requests)
    else:

        async def go() -> Any:
            async with make_async_client(server, create_settle_seconds=LAG * 4) as client:
                return await client.get_or_create_stores(requests)

        outcomes = asyncio.run(go())
    assert [o.recovered_from for o in outcomes] == [f"http {s}" for s in (500, 502, 503, 504)]
    for name, outcome in zip(names, outcomes, strict=True):
        assert_exactly_one(server, name, outcome.store.id)
    assert len(create_posts(server)) == 4
