from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest

from airflow_provider_vercel.api.errors import (
    VercelBadRequestError,
    VercelInputError,
    VercelRateLimitedError,
    VercelResponseError,
    VercelServerError,
    VercelTransportError,
)
from airflow_provider_vercel.api.retry import RetryPolicy, is_retryable, parse_retry_after, wait_seconds


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
