"""VercelClient and AsyncVercelClient over real HTTP: scoping, retries, the token and construction rules, pauses.

The endpoints themselves are tested in test_calls.py, get-or-create in test_create.py, error mapping
in test_errors.py; a hostile server (``tests.helpers.hostile_server``) plays the misbehaving parts.
"""

from __future__ import annotations

import asyncio
import logging
import time
from typing import Any

import pytest

from airflow_provider_vercel.api.client import AsyncVercelClient, VercelClient
from airflow_provider_vercel.api.errors import (
    VercelForbiddenError,
    VercelInputError,
    VercelNotFoundError,
    VercelPaymentRequiredError,
    VercelRateLimitedError,
    VercelResponseError,
    VercelServerError,
    VercelUnauthorizedError,
)
from airflow_provider_vercel.api.retry import RetryPolicy
from tests.api.seed import NEON_CFG, NOPAY_NEON_CFG
from tests.helpers.clients import FAST, api_requests, create, make_client
from tests.helpers.hostile_clients import (
    BAD_TOKENS,
    FLAVOURS,
    MARGIN,
    ONE_SHOT,
    TOKEN,
    Outcome,
    assert_token_nowhere,
    chain_texts,
    one,
    report,
)

# --- scoping and auth -----------------------------------------------------------------------------


def test_team_slug_scopes_like_team_id(vercel_emulator):
    with make_client(vercel_emulator, team_id=None, team_slug=vercel_emulator.team_slug) as c:
        assert NEON_CFG in {x.id for x in c.list_configurations()}
    (last,) = api_requests(vercel_emulator)[-1:]
    assert last["query"].get("slug") == vercel_emulator.team_slug and "teamId" not in last["query"]


def test_every_request_carries_the_team_id(client, vercel_emulator):
    client.list_configurations()
    client.list_products(NEON_CFG)
    client.list_stores()
    assert all(r["query"].get("teamId") == vercel_emulator.team_id for r in api_requests(vercel_emulator))


def test_another_teams_token_cannot_see_this_team(vercel_emulator):
    with make_client(vercel_emulator, token=vercel_emulator.other_team_token) as c:
        with pytest.raises(VercelForbiddenError):
            c.list_configurations()


def test_unknown_token_is_unauthorized(vercel_emulator):
    with make_client(vercel_emulator, token="vcl_not_a_real_token") as c:
        with pytest.raises(VercelUnauthorizedError) as info:
            c.list_configurations()
    assert info.value.status == 401


def test_member_token_gets_forbidden_on_create(vercel_emulator):
    with make_client(vercel_emulator, token=vercel_emulator.member_token) as c:
        with pytest.raises(VercelForbiddenError) as info:
            create(c)
    assert info.value.method == "POST" and info.value.code


def test_team_without_payment_method_gets_payment_required_for_a_paid_plan(vercel_emulator):
    with make_client(vercel_emulator, token=vercel_emulator.nopay_admin_token, team_id=None, team_slug="nopay") as c:
        with pytest.raises(VercelPaymentRequiredError):
            create(c, integration_configuration_id=NOPAY_NEON_CFG, billing_plan_id="launch", metadata={"region": "iad1"})


# --- retries ----------------------------------------------------------------------------------


def test_429_with_retry_after_seconds_is_retried_after_the_wait(client, vercel_emulator):
    vercel_emulator.faults.rate_limit(2, retry_after=1)
    started = time.monotonic()
    assert client.list_configurations()
    elapsed = time.monotonic() - started
    statuses = [r["status"] for r in api_requests(vercel_emulator)]
    assert statuses == [429, 429, 200]
    assert 2.0 <= elapsed < 2.0 * 1.1 + 1.5  # generous: a loaded machine adds latency, not waits


def test_429_with_retry_after_as_http_date_is_honoured(client, vercel_emulator):
    vercel_emulator.faults.rate_limit(1, retry_after=2, http_date=True)
    started = time.monotonic()
    client.list_configurations()
    # An HTTP date has whole-second resolution: the wait is between 1 and 2 seconds.
    assert 0.9 <= time.monotonic() - started < 4.0
    assert [r["status"] for r in api_requests(vercel_emulator)] == [429, 200]


def test_5xx_then_success_is_retried(client, vercel_emulator):
    vercel_emulator.faults.server_error(2, status=503)
    assert client.list_stores() == []
    assert [r["status"] for r in api_requests(vercel_emulator)] == [503, 503, 200]


@pytest.mark.parametrize("status", [500, 502, 503, 504])
def test_retry_budget_exhausted_raises_the_last_error_after_exactly_max_attempts(client, vercel_emulator, status):
    vercel_emulator.faults.server_error(10, status=status)
    with pytest.raises(VercelServerError) as info:
        client.list_stores()
    assert info.value.status == status
    assert len(api_requests(vercel_emulator)) == FAST.max_attempts


def test_time_budget_stops_retrying_when_the_next_wait_would_overrun_it(vercel_emulator):
    vercel_emulator.faults.rate_limit(5, retry_after=30)
    with make_client(vercel_emulator, policy=RetryPolicy(max_attempts=5, max_elapsed=5)) as c:
        started = time.monotonic()
        with pytest.raises(VercelRateLimitedError) as info:
            c.list_stores()
    assert time.monotonic() - started < 2, "must not sleep past the budget"
    assert info.value.retry_after == pytest.approx(30, abs=1)
    assert len(api_requests(vercel_emulator)) == 1


def test_non_retryable_4xx_is_sent_once(client, vercel_emulator):
    with pytest.raises(VercelNotFoundError):
        client.get_store("store_doesnotexist0000")
    assert len(api_requests(vercel_emulator)) == 1


def test_malformed_json_on_a_read_is_retried(client, vercel_emulator):
    vercel_emulator.faults.malformed_json(1)
    assert client.list_configurations()
    assert len(api_requests(vercel_emulator)) == 2


def test_malformed_json_beyond_the_budget_raises_response_error(client, vercel_emulator):
    vercel_emulator.faults.malformed_json(10)
    with pytest.raises(VercelResponseError, match="not valid JSON"):
        client.list_configurations()


def test_reset_connection_on_a_read_is_retried(client, vercel_emulator):
    vercel_emulator.faults.reset_connection(1)
    assert client.list_configurations()


# --- secrets and input rules ------------------------------------------------------------------


def test_token_never_appears_in_exceptions_logs_or_repr(vercel_emulator, caplog):
    caplog.set_level(logging.DEBUG)
    token = vercel_emulator.admin_token
    seen = []
    vercel_emulator.faults.rate_limit(1, retry_after=0)
    vercel_emulator.faults.server_error(10, status=502, path="/v1/storage/stores/")
    with make_client(vercel_emulator) as c:
        seen.append(repr(c))
        c.list_configurations()
        for action in (lambda: c.get_store("store_x1"), lambda: create(c, billing_plan_id="nope")):
            with pytest.raises(Exception) as info:
                action()
            seen += [str(info.value), repr(info.value)]
    seen += [r.getMessage() for r in caplog.records]
    assert seen and all(token not in text for text in seen)


@pytest.mark.parametrize(
    "url",
    ["http://api.vercel.com", "http://10.0.0.5:8080", "http://example.invalid"],
)
def test_plain_http_to_a_non_loopback_host_is_refused(url):
    with pytest.raises(VercelInputError) as info:
        VercelClient("tok_x", base_url=url)
    assert info.value.argument == "base_url" and "https" in info.value.reason


@pytest.mark.parametrize("url", ["http://127.0.0.1:8080", "http://localhost:1", "http://[::1]:2", "api.vercel.com"])
def test_loopback_http_and_bare_hosts_are_accepted(url):
    VercelClient("tok_x", base_url=url).close()


def test_empty_token_is_refused_without_echoing_anything():
    with pytest.raises(VercelInputError) as info:
        VercelClient("  ")
    assert info.value.argument == "token"


# --- construction limits, response parsing, pauses shared between calls ---------------------


@pytest.mark.parametrize(
    ("argument", "value"),
    [("deadline", float("nan")), ("deadline", float("inf")), ("deadline", 0), ("timeout", float("nan")),
     ("connect_timeout", -1), ("max_response_bytes", 0), ("max_response_bytes", 1.5), ("max_response_bytes", True)],
)
def test_bad_deadline_timeout_or_limit_is_refused_by_name_before_any_request(vercel_emulator, argument, value):
    with pytest.raises(VercelInputError) as caught:
        make_client(vercel_emulator, **{argument: value})
    assert caught.value.argument == argument
    assert not vercel_emulator.requests


@pytest.mark.parametrize("flavour", FLAVOURS)
@pytest.mark.parametrize(("method", "args"), [("request", ("GET", "/v1/anything")), ("list_configurations", ())])
def test_deep_json_nesting_is_a_response_error_not_a_recursion_error(flavour, method, args, hostile, caplog):
    hostile.mode = "deep_nesting"
    outcome = one(flavour, hostile, method, *args)
    report(f"deep_nesting {method} {flavour}", outcome.wall)
    assert type(outcome.error) is VercelResponseError and "nested too deeply" in outcome.error.reason
    assert len(hostile.seen) == 1 and outcome.wall < ONE_SHOT.max_elapsed + MARGIN
    assert_token_nowhere([outcome], caplog)


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
