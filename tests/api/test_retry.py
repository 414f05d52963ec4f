from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest

from airflow_provider_vercel.api.calls import CreateStoreRequest
from airflow_provider_vercel.api.errors import (
    VercelBadRequestError,
    VercelInputError,
    VercelRateLimitedError,
    VercelResponseError,
    VercelServerError,
    VercelTransportError,
)
from airflow_provider_vercel.api.retry import (
    MAX_RETRY_AFTER,
    RetryPolicy,
    is_retryable,
    parse_retry_after,
    seconds_until_epoch,
    wait_seconds,
)
from tests.api.seed import NEON_CFG, NEON_PRODUCT
from tests.helpers.hostile_clients import (
    FLAVOURS,
    MARGIN,
    assert_token_nowhere,
    one,
    report,
    run,
)


def test_retry_after_in_seconds_is_read_as_seconds():
    assert parse_retry_after("7") == 7.0
    assert parse_retry_after(" 0 ") == 0.0


def test_retry_after_as_http_date_is_converted_to_seconds_from_now():
    now = datetime(2026, 11, 25, 12, 0, 0, tzinfo=UTC)
    header = format_datetime(now + timedelta(seconds=42), usegmt=True)
    assert parse_retry_after(header, now=now) == pytest.approx(42.0)


def test_retry_after_in_the_past_or_unreadable_never_goes_negative_or_crashes():
    now = datetime(2026, 11, 25, 12, 0, 0, tzinfo=UTC)
    assert parse_retry_after(format_datetime(now - timedelta(seconds=5), usegmt=True), now=now) == 0.0
    assert parse_retry_after("soon") is None
    assert parse_retry_after(None) is None
    assert parse_retry_after("") is None


@pytest.mark.parametrize("value", ["inf", "1e308", "9" * 400, "Fri, 31 Dec 9999 23:59:59 GMT", "86401"])
def test_retry_after_beyond_a_day_is_clamped_to_a_day_never_overflowing(value):
    assert parse_retry_after(value) == MAX_RETRY_AFTER


@pytest.mark.parametrize("value", ["nan", "NaN", "Mon, 99 Foo 2026 99:99:99 GMT", "1000s", "\x00"])
def test_retry_after_that_names_no_wait_is_none(value):
    assert parse_retry_after(value) is None


@pytest.mark.parametrize("value", ["-5", "-inf"])
def test_negative_retry_after_means_no_wait(value):
    assert parse_retry_after(value) == 0.0


def test_reset_timestamps_from_the_body_are_bounded_whatever_their_size():
    now = 1_000_000.0
    assert seconds_until_epoch((now + 30) * 1000, per_second=1000, now=now) == pytest.approx(30.0)
    assert seconds_until_epoch(10**400, per_second=1000, now=now) == MAX_RETRY_AFTER
    assert seconds_until_epoch(float("inf"), now=now) == MAX_RETRY_AFTER
    assert seconds_until_epoch(now - 60, now=now) == 0.0
    for not_a_number in (float("nan"), True, "123", None, [1]):
        assert seconds_until_epoch(not_a_number, now=now) is None


def _rate_limited(retry_after):
    return VercelRateLimitedError(429, "rate_limited", "slow down", "GET", "/x", retry_after=retry_after)


def test_wait_honours_retry_after_within_the_jitter_bound():
    policy = RetryPolicy(jitter=0.05)
    rng = random.Random(1)
    waits = [wait_seconds(_rate_limited(3.0), 1, policy, rng) for _ in range(200)]
    assert min(waits) >= 3.0
    assert max(waits) <= 3.0 * 1.05


def test_wait_without_retry_after_backs_off_exponentially_and_is_capped():
    policy = RetryPolicy(backoff_initial=0.5, backoff_max=4.0, jitter=0.0)
    rng = random.Random(1)
    exc = VercelServerError(503, None, None, "GET", "/x")
    assert [wait_seconds(exc, n, policy, rng) for n in range(1, 6)] == [0.5, 1.0, 2.0, 4.0, 4.0]


@pytest.mark.parametrize(
    ("exc", "expected"),
    [
        (_rate_limited(1), True),
        (VercelServerError(500, None, None, "GET", "/x"), True),
        (VercelServerError(504, None, None, "GET", "/x"), True),
        (VercelServerError(501, None, None, "GET", "/x"), False),
        (VercelTransportError("GET", "/x", "connect", sent=False), True),
        (VercelTransportError("GET", "/x", "timeout", sent=True), True),
        (VercelResponseError("GET", "/x", "body is not valid JSON"), True),
        (VercelBadRequestError(400, "bad_request", "no", "GET", "/x"), False),
        (ValueError("boom"), False),
    ],
)
def test_only_transient_failures_are_retryable(exc, expected):
    assert is_retryable(exc, RetryPolicy()) is expected


@pytest.mark.parametrize(
    ("kwargs", "argument"),
    [
        ({"max_attempts": 0}, "max_attempts"),
        ({"max_attempts": True}, "max_attempts"),
        ({"max_elapsed": -1}, "max_elapsed"),
        ({"jitter": 2}, "jitter"),
        ({"retry_statuses": (200,)}, "retry_statuses"),
    ],
)
def test_bad_policy_values_name_the_argument(kwargs, argument):
    with pytest.raises(VercelInputError) as info:
        RetryPolicy(**kwargs)
    assert info.value.argument == argument


def test_policy_from_mapping_accepts_strings_and_rejects_unknown_keys():
    policy = RetryPolicy.from_mapping({"max_attempts": "3", "max_elapsed": "9.5"})
    assert (policy.max_attempts, policy.max_elapsed) == (3, 9.5)
    with pytest.raises(VercelInputError, match="unknown keys"):
        RetryPolicy.from_mapping({"max_tries": 3})


def test_policy_round_trips_through_json_safe_dict():
    policy = RetryPolicy(max_attempts=4, retry_statuses=(429, 503))
    assert RetryPolicy.from_mapping(policy.to_dict()) == policy


# --- Retry-After from a hostile server: huge, malformed, far resets, for both clients ------------------

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
