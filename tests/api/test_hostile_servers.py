"""Both clients against a server that misbehaves on purpose (real HTTP on loopback).

Every test asserts: the call's wall time stays within its budget plus ``MARGIN`` (generous on a shared
2-core machine: it proves "does not hang", not speed), the exact error type, how many requests the
server saw, and that the token is in no exception (chained ones and reprs included), log record or
returned value. Each test runs for the sync and the async client.

Wall times are printed (``pytest -s tests/api/test_hostile_servers.py``) as ``WALL <test> <seconds>``.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
import tracemalloc
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from airflow_provider_vercel.api.calls import CreateStoreRequest
from airflow_provider_vercel.api.client import AsyncVercelClient, VercelClient
from airflow_provider_vercel.api.errors import (
    VercelApiError,
    VercelBadRequestError,
    VercelInputError,
    VercelRateLimitedError,
    VercelResponseError,
    VercelServerError,
    VercelTransportError,
    VercelUnauthorizedError,
)
from airflow_provider_vercel.api.retry import MAX_RETRY_AFTER, RetryPolicy
from tests.api.hostile_server import HostileServer
from tests.api.seed import NEON_CFG, NEON_PRODUCT

TOKEN = "vcl_hostile_SECRET_4f9a2b71"
# Slack over each budget: generous, because the point is that nothing hangs, not how fast it ends.
MARGIN = 3.0
ONE_SHOT = RetryPolicy(max_attempts=1, max_elapsed=30)
FLAVOURS = ("sync", "async")


@dataclass
class Outcome:
    value: Any
    error: BaseException | None
    wall: float


@pytest.fixture
def hostile() -> Iterator[HostileServer]:
    server = HostileServer().start()
    yield server
    server.stop()


@pytest.fixture(autouse=True)
def _logs(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG, logger="airflow_provider_vercel")


def run(flavour: str, server: HostileServer, steps: list[tuple[str, tuple[Any, ...]]], **kwargs: Any) -> list[Outcome]:
    """Run ``steps`` (method name, args) one after another on one client; each outcome with its wall time."""
    kwargs.setdefault("retry_policy", ONE_SHOT)
    outcomes: list[Outcome] = []

    def record(started: float, value: Any = None, error: BaseException | None = None) -> None:
        outcomes.append(Outcome(value, error, time.monotonic() - started))

    if flavour == "sync":
        with VercelClient(TOKEN, base_url=server.url, **kwargs) as client:
            for method, args in steps:
                started = time.monotonic()
                try:
                    record(started, value=getattr(client, method)(*args))
                except Exception as exc:
                    record(started, error=exc)
        return outcomes

    async def main() -> None:
        async with AsyncVercelClient(TOKEN, base_url=server.url, **kwargs) as client:
            for method, args in steps:
                started = time.monotonic()
                try:
                    record(started, value=await getattr(client, method)(*args))
                except Exception as exc:
                    record(started, error=exc)

    asyncio.run(main())
    return outcomes


def one(flavour: str, server: HostileServer, method: str = "list_configurations", *args: Any, **kwargs: Any) -> Outcome:
    return run(flavour, server, [(method, args)], **kwargs)[0]


def chain_texts(exc: BaseException | None) -> list[str]:
    """str, repr, args and attributes of ``exc`` and of every exception chained to it."""
    texts: list[str] = []
    seen: set[int] = set()
    stack = [exc]
    while stack:
        current = stack.pop()
        if current is None or id(current) in seen:
            continue
        seen.add(id(current))
        texts += [str(current), repr(current), repr(current.args), repr(vars(current))]
        stack += [current.__cause__, current.__context__]
    return texts


def assert_token_nowhere(outcomes: list[Outcome], caplog: pytest.LogCaptureFixture) -> None:
    for outcome in outcomes:
        assert TOKEN not in json.dumps(outcome.value, default=repr)
        assert TOKEN not in repr(outcome.value)
        for text in chain_texts(outcome.error):
            assert TOKEN not in text
    for record in caplog.records:
        assert TOKEN not in record.getMessage()
        assert TOKEN not in repr(record.args)


def report(name: str, *walls: float) -> None:
    print(f"WALL {name} " + " ".join(f"{w:.3f}s" for w in walls))


# --- Retry-After: huge, malformed, far resets ------------------------------------------------------

HUGE_RETRY_AFTER = ["1000", "inf", "1e308", "9" * 400, "Fri, 31 Dec 9999 23:59:59 GMT"]
FAR_RESET_MS = [10**30, 10**400, float("inf")]
MALFORMED_RETRY_AFTER = ["nan", "-5", "-inf", "soon", "1000s", "Mon, 99 Foo 2026 99:99:99 GMT"]
BUDGETED = RetryPolicy(max_attempts=3, backoff_initial=0.05, backoff_max=0.1, max_elapsed=2.0)


@pytest.mark.parametrize("flavour", FLAVOURS)
@pytest.mark.parametrize(("retry_after", "reset_ms"), [(v, None) for v in HUGE_RETRY_AFTER] + [(None, v) for v in FAR_RESET_MS])
def test_a_huge_retry_after_fails_this_call_and_the_next_at_once_without_sending_again(
    flavour, retry_after, reset_ms, hostile, caplog
):
    hostile.mode, hostile.retry_after, hostile.reset_ms = "rate_limited", retry_after, reset_ms
    first, second = run(flavour, hostile, [("list_configurations", ())] * 2, retry_policy=BUDGETED)
    label = retry_after if reset_ms is None else f"resetMs ~1e{len(str(int(reset_ms))) - 1}" if reset_ms != float("inf") else "resetMs Infinity"
    report(f"retry_after={str(label)[:30]} {flavour}", first.wall, second.wall)
    assert type(first.error) is VercelRateLimitedError and first.error.sent
    assert 999 <= first.error.retry_after <= MAX_RETRY_AFTER
    # The pause is remembered, but no caller waits past its own budget: the next call fails unsent.
    assert type(second.error) is VercelRateLimitedError and not second.error.sent
    assert second.error.retry_after > BUDGETED.max_elapsed
    assert len(hostile.seen) == 1
    assert first.wall + second.wall < BUDGETED.max_elapsed + MARGIN
    assert_token_nowhere([first, second], caplog)


@pytest.mark.parametrize("flavour", FLAVOURS)
@pytest.mark.parametrize("retry_after", MALFORMED_RETRY_AFTER)
def test_a_malformed_retry_after_gives_a_typed_error_after_bounded_retries(flavour, retry_after, hostile, caplog):
    hostile.mode, hostile.retry_after = "rate_limited", retry_after
    first, second = run(flavour, hostile, [("list_configurations", ())] * 2, retry_policy=BUDGETED)
    report(f"retry_after={retry_after[:12]} {flavour}", first.wall, second.wall)
    for outcome in (first, second):
        assert type(outcome.error) is VercelRateLimitedError
        assert outcome.error.retry_after in (None, 0.0)
        assert outcome.wall < BUDGETED.max_elapsed + MARGIN
    # Unreadable waits fall back to the backoff; nothing lingers as a pause for the next call.
    assert len(hostile.seen) == 2 * BUDGETED.max_attempts
    assert_token_nowhere([first, second], caplog)


@pytest.mark.parametrize("flavour", FLAVOURS)
def test_a_pause_shorter_than_the_budget_is_waited_then_the_next_call_is_sent(flavour, hostile, caplog):
    hostile.mode, hostile.retry_after = "rate_limited", "1"
    policy = RetryPolicy(max_attempts=1, max_elapsed=5.0)
    first, second = run(flavour, hostile, [("list_configurations", ())] * 2, retry_policy=policy)
    report(f"pause 1s within budget {flavour}", first.wall, second.wall)
    assert type(first.error) is VercelRateLimitedError and type(second.error) is VercelRateLimitedError
    assert second.error.sent and len(hostile.seen) == 2
    assert 0.9 <= second.wall < 1 + MARGIN  # it waited the pause the first 429 announced
    assert_token_nowhere([first, second], caplog)


@pytest.mark.parametrize("flavour", FLAVOURS)
def test_batch_get_or_create_with_a_one_hour_retry_after_ends_within_its_budget(flavour, hostile, caplog):
    hostile.mode, hostile.retry_after = "rate_limited", "3600"
    hostile.routes[("GET", "/v1/storage/stores")] = (200, '{"stores": []}')
    requests = [CreateStoreRequest(name=f"db-{i}", integration_configuration_id=NEON_CFG, product=NEON_PRODUCT) for i in range(4)]
    policy = RetryPolicy(max_attempts=6, max_elapsed=10.0)
    # One store at a time (async): the later stores meet the pause the first 429 announced.
    args = (requests,) if flavour == "sync" else (requests, "reuse", 1)
    outcome = one(flavour, hostile, "get_or_create_stores", *args, retry_policy=policy)
    report(f"batch Retry-After 3600 max_elapsed=10 {flavour}", outcome.wall)
    assert type(outcome.error) is VercelRateLimitedError
    assert outcome.wall < policy.max_elapsed + MARGIN
    posts = [s for s in hostile.seen if s.method == "POST"]
    assert len(posts) == 1  # the first 429 announced an hour: no later store is sent into it
    assert [s.method for s in hostile.seen].count("GET") == 1
    assert_token_nowhere([outcome], caplog)


# --- whole-request deadline --------------------------------------------------------------------------


@pytest.mark.parametrize("flavour", FLAVOURS)
@pytest.mark.parametrize("mode", ["slow_headers", "slow_body"])
def test_one_byte_per_second_ends_at_the_request_deadline(flavour, mode, hostile, caplog):
    hostile.mode = mode
    # Each byte arrives well within the 5 s read timeout: only the 1.5 s deadline can end this.
    outcome = one(flavour, hostile, timeout=5.0, connect_timeout=1.0, deadline=1.5)
    report(f"{mode} deadline=1.5 {flavour}", outcome.wall)
    assert type(outcome.error) is VercelTransportError
    assert outcome.error.kind == "deadline" and outcome.error.sent
    assert 1.4 <= outcome.wall < 1.5 + MARGIN
    assert len(hostile.seen) == 1
    assert_token_nowhere([outcome], caplog)


@pytest.mark.parametrize("flavour", FLAVOURS)
def test_the_default_deadline_is_connect_timeout_plus_timeout(flavour, hostile, caplog):
    hostile.mode = "slow_body"
    outcome = one(flavour, hostile, timeout=1.0, connect_timeout=0.5)
    report(f"slow_body default deadline 1.5 {flavour}", outcome.wall)
    assert type(outcome.error) is VercelTransportError and outcome.error.kind == "deadline"
    assert 1.4 <= outcome.wall < 1.5 + MARGIN
    assert_token_nowhere([outcome], caplog)


@pytest.mark.parametrize("flavour", FLAVOURS)
def test_retries_of_a_slow_server_stop_at_the_calls_budget(flavour, hostile, caplog):
    hostile.mode = "slow_headers"
    policy = RetryPolicy(max_attempts=5, backoff_initial=0.01, max_elapsed=2.5)
    outcome = one(flavour, hostile, timeout=5.0, deadline=1.5, retry_policy=policy)
    report(f"slow_headers retried, budget 2.5 {flavour}", outcome.wall)
    assert type(outcome.error) is VercelTransportError and outcome.error.kind == "deadline"
    # The first attempt gets its 1.5 s; the retry is cut at the budget's end (2.5 s), then no more.
    assert len(hostile.seen) == 2
    assert outcome.wall < policy.max_elapsed + MARGIN
    assert_token_nowhere([outcome], caplog)


@pytest.mark.parametrize("flavour", FLAVOURS)
def test_a_create_cut_by_the_deadline_after_sending_counts_as_sent(flavour, hostile, caplog):
    hostile.mode = "slow_headers"
    request = CreateStoreRequest(name="db", integration_configuration_id=NEON_CFG, product=NEON_PRODUCT)
    outcome = one(flavour, hostile, "create_store", request, deadline=1.0)
    report(f"create_store slow_headers {flavour}", outcome.wall)
    assert type(outcome.error) is VercelTransportError
    assert outcome.error.kind == "deadline" and outcome.error.sent  # ambiguous: the create flow must look
    assert [s.method for s in hostile.seen] == ["POST"]
    assert outcome.wall < 1.0 + MARGIN
    assert_token_nowhere([outcome], caplog)


# --- response size and shape -------------------------------------------------------------------------


@pytest.mark.parametrize("flavour", FLAVOURS)
def test_an_endless_chunked_body_is_refused_at_the_size_limit_without_growing_memory(flavour, hostile, caplog):
    hostile.mode = "endless_chunked"
    limit = 1024 * 1024
    tracemalloc.start()
    try:
        outcome = one(flavour, hostile, max_response_bytes=limit, deadline=20.0)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    report(f"endless_chunked limit 1MiB {flavour} (peak {peak / 2**20:.1f} MiB)", outcome.wall)
    assert type(outcome.error) is VercelResponseError and "limit" in outcome.error.reason
    assert peak < 8 * limit  # the body is refused while reading: memory stays near the limit
    assert len(hostile.seen) == 1
    assert outcome.wall < 20.0 + MARGIN
    assert_token_nowhere([outcome], caplog)


@pytest.mark.parametrize("flavour", FLAVOURS)
def test_the_default_size_limit_is_four_mib(flavour, hostile, caplog):
    hostile.mode = "endless_chunked"
    outcome = one(flavour, hostile, "request", "GET", "/v1/anything")
    report(f"endless_chunked default limit {flavour}", outcome.wall)
    assert type(outcome.error) is VercelResponseError and str(4 * 1024 * 1024) in outcome.error.reason
    assert 4 * 1024 * 1024 <= hostile.chunks_sent * 65536
    assert_token_nowhere([outcome], caplog)


@pytest.mark.parametrize("flavour", FLAVOURS)
def test_a_declared_content_length_over_the_limit_is_refused_before_reading(flavour, hostile, caplog):
    hostile.mode = "huge_declared"  # announces 1 TB, then sends nothing: only the header can end this early
    outcome = one(flavour, hostile, deadline=20.0)
    report(f"huge_declared {flavour}", outcome.wall)
    assert type(outcome.error) is VercelResponseError and "limit" in outcome.error.reason
    assert outcome.wall < MARGIN
    assert_token_nowhere([outcome], caplog)


@pytest.mark.parametrize("flavour", FLAVOURS)
@pytest.mark.parametrize(("method", "args"), [("request", ("GET", "/v1/anything")), ("list_configurations", ())])
def test_deep_json_nesting_is_a_response_error_not_a_recursion_error(flavour, method, args, hostile, caplog):
    hostile.mode = "deep_nesting"
    outcome = one(flavour, hostile, method, *args)
    report(f"deep_nesting {method} {flavour}", outcome.wall)
    assert type(outcome.error) is VercelResponseError and "nested too deeply" in outcome.error.reason
    assert len(hostile.seen) == 1 and outcome.wall < ONE_SHOT.max_elapsed + MARGIN
    assert_token_nowhere([outcome], caplog)


# --- the token echoed back -----------------------------------------------------------------------------

RETRIED_ONCE = RetryPolicy(max_attempts=2, backoff_initial=0.01, backoff_max=0.02, max_elapsed=5)


@pytest.mark.parametrize("flavour", FLAVOURS)
@pytest.mark.parametrize(
    ("status", "error_type"),
    [(400, VercelBadRequestError), (401, VercelUnauthorizedError), (429, VercelRateLimitedError), (500, VercelServerError)],
)
@pytest.mark.parametrize(("method", "args"), [("request", ("GET", "/v1/anything")), ("list_configurations", ())])
def test_a_token_echoed_in_every_error_field_reaches_no_error_or_log(
    flavour, status, error_type, method, args, hostile, caplog
):
    hostile.mode, hostile.status = "echo_token", status
    outcome = one(flavour, hostile, method, *args, retry_policy=RETRIED_ONCE)
    report(f"echo_token {status} {method} {flavour}", outcome.wall)
    assert type(outcome.error) is error_type
    assert isinstance(outcome.error, VercelApiError) and outcome.error.code == "***"
    assert "***" in outcome.error.message
    expected = RETRIED_ONCE.max_attempts if status in RETRIED_ONCE.retry_statuses else 1
    assert len(hostile.seen) == expected
    if expected > 1:  # the retry WARNING line was written, with the scrubbed code
        assert any("retrying" in r.getMessage() and "***" in r.getMessage() for r in caplog.records)
    assert outcome.wall < RETRIED_ONCE.max_elapsed + MARGIN
    assert_token_nowhere([outcome], caplog)


@pytest.mark.parametrize("flavour", FLAVOURS)
def test_a_token_echoed_in_a_200_body_is_scrubbed_from_the_returned_json(flavour, hostile, caplog):
    hostile.mode, hostile.status = "echo_token", 200
    outcome = one(flavour, hostile, "request", "GET", "/v1/anything")
    report(f"echo_token 200 request {flavour}", outcome.wall)
    assert outcome.error is None
    assert outcome.value["echo"] == "***"
    assert outcome.value["nested"] == [{"***": "Bearer ***"}]
    assert outcome.value["escaped"] == "***"  # sent as \\u-escaped JSON: decoded, then scrubbed
    assert len(hostile.seen) == 1
    assert_token_nowhere([outcome], caplog)


@pytest.mark.parametrize("flavour", FLAVOURS)
def test_a_token_echoed_in_a_200_body_of_the_wrong_shape_is_not_quoted_by_the_contract_error(
    flavour, hostile, caplog
):
    hostile.mode, hostile.status = "echo_token", 200
    outcome = one(flavour, hostile, "list_configurations")
    assert type(outcome.error) is VercelResponseError
    assert_token_nowhere([outcome], caplog)


BAD_TOKENS = ["vcl_SECRET_é_tail", "vcl_SECRET_\x00_tail", "vcl_SECRET_\r\nX-Injected: 1", "vcl_SECRET_\x7f_tail"]


@pytest.mark.parametrize("client_class", [VercelClient, AsyncVercelClient])
@pytest.mark.parametrize("bad", BAD_TOKENS)
def test_a_token_http_cannot_carry_is_refused_when_the_client_is_built(client_class, bad, hostile):
    with pytest.raises(VercelInputError) as caught:
        client_class(bad, base_url=hostile.url)
    assert caught.value.argument == "token"
    assert caught.value.__cause__ is None and caught.value.__context__ is None
    for text in chain_texts(caught.value):
        assert "SECRET" not in text
    assert hostile.seen == []


# --- through the hook and the operator ---------------------------------------------------------------


def _connection(monkeypatch: pytest.MonkeyPatch, server: HostileServer, password: str = TOKEN) -> None:
    extras = {"team_id": "team_hostile", "max_attempts": 1}
    monkeypatch.setenv(
        "AIRFLOW_CONN_VERCEL_DEFAULT",
        json.dumps({"conn_type": "vercel", "host": server.url, "password": password, "extra": extras}),
    )


@pytest.mark.parametrize("status", [401, 500])
def test_test_connection_message_holds_no_echoed_token(status, hostile, monkeypatch, caplog):
    from airflow_provider_vercel.hooks.vercel import VercelHook

    hostile.mode, hostile.status = "echo_token", status
    _connection(monkeypatch, hostile)
    ok, message = VercelHook().test_connection()
    assert not ok and str(status) in message and "***" in message
    assert TOKEN not in message
    assert_token_nowhere([], caplog)


@pytest.mark.parametrize("bad", BAD_TOKENS)
def test_a_connection_password_http_cannot_carry_is_refused_by_name(bad, hostile, monkeypatch):
    from airflow_provider_vercel.hooks.vercel import VercelHook

    _connection(monkeypatch, hostile, password=bad)
    with pytest.raises(VercelInputError) as caught:
        VercelHook().settings
    assert "password" in caught.value.argument
    assert caught.value.__cause__ is None and caught.value.__context__ is None
    assert "SECRET" not in str(caught.value) and "SECRET" not in repr(caught.value)
    ok, message = VercelHook().test_connection()
    assert not ok and "SECRET" not in message
    assert hostile.seen == []


def test_api_operator_xcom_holds_no_echoed_token(hostile, monkeypatch, caplog):
    from airflow_provider_vercel.operators.api import VercelApiOperator
    from tests.operators.conftest import RecordingTaskInstance

    hostile.mode, hostile.status = "echo_token", 200
    _connection(monkeypatch, hostile)
    ti = RecordingTaskInstance()
    result = VercelApiOperator(task_id="call", path="/v1/anything").execute({"ti": ti})
    assert result["echo"] == "***"
    assert TOKEN not in json.dumps(result) and TOKEN not in json.dumps(ti.xcoms)
    assert_token_nowhere([Outcome(result, None, 0.0)], caplog)


# --- no request goes out into a known pause ------------------------------------------------------------


@pytest.mark.parametrize("flavour", FLAVOURS)
def test_a_request_queued_for_a_connection_is_held_by_a_429_that_arrives_meanwhile(flavour, hostile, caplog):
    """Two calls, two client slots but one pooled connection: the second passes the first pause check,
    waits for the connection while the first call's 429 (Retry-After 1) arrives, and must still not be
    sent until the pause is over: the pause is checked again right before the headers leave."""
    import httpx

    hostile.mode, hostile.retry_after = "ok", "1"
    hostile.script = [("rate_limited", 0.5)]
    pool = httpx.Limits(max_connections=1, max_keepalive_connections=1)
    kwargs: dict[str, Any] = {"base_url": hostile.url, "retry_policy": ONE_SHOT, "max_connections": 2}
    started = time.monotonic()
    if flavour == "sync":
        import threading

        with VercelClient(TOKEN, transport=httpx.HTTPTransport(limits=pool), **kwargs) as client:
            errors: list[BaseException] = []

            def first() -> None:
                try:
                    client.list_configurations()
                except VercelRateLimitedError as exc:
                    errors.append(exc)

            thread = threading.Thread(target=first)
            thread.start()
            time.sleep(0.1)
            second = client.list_configurations()
            thread.join()
    else:

        async def main() -> tuple[list[BaseException], Any]:
            async with AsyncVercelClient(TOKEN, transport=httpx.AsyncHTTPTransport(limits=pool), **kwargs) as client:
                task = asyncio.ensure_future(client.list_configurations())
                await asyncio.sleep(0.1)
                answer = await client.list_configurations()
                return [e for e in await asyncio.gather(task, return_exceptions=True) if isinstance(e, BaseException)], answer

        errors, second = asyncio.run(main())
    wall = time.monotonic() - started
    report(f"queued request held by a 429 {flavour}", wall)
    assert len(errors) == 1 and type(errors[0]) is VercelRateLimitedError
    assert second == []
    first_seen, second_seen = hostile.seen
    # The 429 left the server 0.5 s after the first request; the second request waited out its 1 s.
    assert second_seen.at - first_seen.at >= 0.5 + 0.95
    assert wall < 1.5 + MARGIN
    assert_token_nowhere([Outcome(second, errors[0], wall)], caplog)
