"""Bounded exchanges (``bounded.py``): a whole-request deadline and a response size limit, for both clients.

Against a server that misbehaves on purpose (real HTTP on loopback). Every test asserts the call's wall
time stays within its budget plus ``MARGIN``, the exact error type, how many requests the server saw,
and that the token is nowhere (``tests.helpers.hostile_clients``). Wall times are printed
(``pytest -s``) as ``WALL <test> <seconds>``.
"""

from __future__ import annotations

import tracemalloc

import pytest

from airflow_provider_vercel.api.calls import CreateStoreRequest
from airflow_provider_vercel.api.errors import (
    VercelResponseError,
    VercelTransportError,
)
from airflow_provider_vercel.api.retry import RetryPolicy
from tests.api.seed import NEON_CFG, NEON_PRODUCT
from tests.helpers.hostile_clients import (
    FLAVOURS,
    MARGIN,
    assert_token_nowhere,
    one,
    report,
)


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
