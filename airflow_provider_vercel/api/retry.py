"""Retry policy for safe Vercel requests: 429, 5xx and transport errors, honouring Retry-After.

Built on tenacity (which Airflow ships). Only requests that are safe to repeat go through it: GETs and
the DELETE of a known id. The create POST never does (see ``client.get_or_create_store``).
"""

from __future__ import annotations

import math
import random
import time
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, fields
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

from airflow_provider_vercel.api.errors import (
    VercelInputError,
    VercelRateLimitedError,
    VercelResponseError,
    VercelServerError,
    VercelTransportError,
)
from airflow_provider_vercel.api.validation import finite_number

DEFAULT_RETRY_STATUSES = (429, 500, 502, 503, 504)


@dataclass(frozen=True)
class RetryPolicy:
    """How safe requests are retried.

    :param max_attempts: attempts in all, the first included (1 disables retries).
    :param backoff_initial: first exponential backoff wait in seconds, when the server gave no Retry-After.
    :param backoff_max: cap of one exponential backoff wait in seconds.
    :param max_elapsed: total time budget in seconds for all attempts and waits of one call.
    :param jitter: fraction of random extra wait (0.1 = up to 10%) to spread concurrent clients.
    :param retry_statuses: HTTP statuses that are retried.
    """

    max_attempts: int = 6
    backoff_initial: float = 0.5
    backoff_max: float = 30.0
    max_elapsed: float = 120.0
    jitter: float = 0.05
    retry_statuses: tuple[int, ...] = field(default=DEFAULT_RETRY_STATUSES)

    def __post_init__(self) -> None:
        if not isinstance(self.max_attempts, int) or isinstance(self.max_attempts, bool) or self.max_attempts < 1:
            raise VercelInputError("max_attempts", f"must be an integer >= 1, got {self.max_attempts!r}")
        for name in ("backoff_initial", "backoff_max", "max_elapsed", "jitter"):
            finite_number(name, getattr(self, name), minimum=0)
        if self.jitter > 1:
            raise VercelInputError("jitter", f"must be between 0 and 1, got {self.jitter!r}")
        statuses = tuple(self.retry_statuses)
        if any(not isinstance(s, int) or not 400 <= s <= 599 for s in statuses):
            raise VercelInputError("retry_statuses", f"must be HTTP error statuses, got {statuses!r}")
        object.__setattr__(self, "retry_statuses", statuses)

    @classmethod
    def from_mapping(cls, values: Mapping[str, Any] | None) -> RetryPolicy:
        """Build a policy from a mapping (connection extras, trigger kwargs); unknown keys are an error."""
        if not values:
            return cls()
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(values) - known)
        if unknown:
            raise VercelInputError("retry", f"unknown keys {unknown}; known: {sorted(known)}")
        kwargs = dict(values)
        if "retry_statuses" in kwargs:
            kwargs["retry_statuses"] = tuple(kwargs["retry_statuses"])
        for name in ("backoff_initial", "backoff_max", "max_elapsed", "jitter"):
            if isinstance(kwargs.get(name), str):
                try:
                    kwargs[name] = float(kwargs[name])
                except ValueError:
                    raise VercelInputError(name, f"must be a number, got {kwargs[name]!r}") from None
        if isinstance(kwargs.get("max_attempts"), str) and kwargs["max_attempts"].isascii() and kwargs["max_attempts"].isdigit():
            kwargs["max_attempts"] = int(kwargs["max_attempts"])
        return cls(**kwargs)

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe form (for trigger kwargs)."""
        data = asdict(self)
        data["retry_statuses"] = list(self.retry_statuses)
        return data

    def backoff(self, attempt: int) -> float:
        """Exponential wait before retry number ``attempt`` (1-based), capped, without jitter."""
        return float(min(self.backoff_max, self.backoff_initial * (2 ** max(0, attempt - 1))))


# A server may name any wait; past a day it is no longer a rate-limit window but a refusal, and
# every call gives up at once anyway (its budget is shorter). Keeping it finite keeps the arithmetic safe.
MAX_RETRY_AFTER = 86_400.0


def bounded_seconds(value: float) -> float | None:
    """A wait clamped to ``[0, MAX_RETRY_AFTER]``; None for NaN (no wait can be read from it)."""
    if math.isnan(value):
        return None
    return min(MAX_RETRY_AFTER, max(0.0, value))


def parse_retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header: delta-seconds or an HTTP date.

    Never raises: the result is None (absent, unreadable, NaN) or a number of seconds clamped to
    ``[0, MAX_RETRY_AFTER]`` (huge values, ``inf`` and far dates alike).
    """
    if value is None:
        return None
    text = value.strip()
    if not text:
        return None
    try:
        return bounded_seconds(float(text))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError, OverflowError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    current = now or datetime.now(UTC)
    try:
        return bounded_seconds((when - current).total_seconds())
    except OverflowError:
        return MAX_RETRY_AFTER


def seconds_until_epoch(value: Any, per_second: int = 1, now: float | None = None) -> float | None:
    """Seconds from now until an epoch timestamp taken from a response body (``reset``, ``resetMs``).

    Never raises: None when ``value`` is not a number (or NaN), else clamped like ``parse_retry_after``.

    :param value: the decoded JSON value.
    :param per_second: units per second of ``value`` (1000 for milliseconds).
    :param now: the current epoch time, for tests.
    """
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    try:
        seconds = value / per_second
    except OverflowError:  # an integer too large for a float
        return MAX_RETRY_AFTER
    return bounded_seconds(seconds - (time.time() if now is None else now))


def is_retryable(exc: BaseException, policy: RetryPolicy) -> bool:
    """Whether a failed safe request may be sent again under ``policy``."""
    if isinstance(exc, (VercelRateLimitedError, VercelServerError)):
        return exc.status in policy.retry_statuses
    # Malformed JSON on a 2xx of a safe request: usually a proxy hiccup; asking again is harmless.
    return isinstance(exc, (VercelTransportError, VercelResponseError))


def wait_seconds(exc: BaseException | None, attempt: int, policy: RetryPolicy, rng: random.Random) -> float:
    """How long to wait after failed attempt number ``attempt`` (1-based)."""
    retry_after: float | None = getattr(exc, "retry_after", None)
    if retry_after is not None and retry_after > 0:
        # The server said exactly when; add only a little jitter so a crowd does not return at once.
        return retry_after * (1 + rng.uniform(0, policy.jitter))
    base = policy.backoff(attempt)
    return base * (1 + rng.uniform(0, policy.jitter)) if retry_after is None else rng.uniform(0, policy.jitter)


class _Wait:
    """tenacity wait strategy reading Retry-After from the raised exception."""

    def __init__(self, policy: RetryPolicy, rng: random.Random) -> None:
        self.policy = policy
        self.rng = rng

    def __call__(self, retry_state: Any) -> float:
        exc = retry_state.outcome.exception() if retry_state.outcome else None
        return wait_seconds(exc, retry_state.attempt_number, self.policy, self.rng)


class _Stop:
    """tenacity stop strategy: attempts exhausted, or the next wait would overrun the time budget."""

    def __init__(self, policy: RetryPolicy, started: float | None) -> None:
        self.policy = policy
        self.started = started

    def __call__(self, retry_state: Any) -> bool:
        if retry_state.attempt_number >= self.policy.max_attempts:
            return True
        upcoming = float(getattr(retry_state, "upcoming_sleep", 0.0) or 0.0)
        if self.started is None:
            elapsed = float(retry_state.seconds_since_start)
        else:
            elapsed = time.monotonic() - self.started
        return elapsed + upcoming > self.policy.max_elapsed


def retrying_kwargs(
    policy: RetryPolicy,
    *,
    before_sleep: Any = None,
    sleep: Any = None,
    rng: random.Random | None = None,
    started: float | None = None,
) -> dict[str, Any]:
    """Keyword arguments for ``tenacity.Retrying``/``AsyncRetrying`` implementing ``policy``.

    :param policy: the retry policy.
    :param before_sleep: tenacity callback run before each wait.
    :param sleep: tenacity sleep function (tests).
    :param rng: random source for jitter.
    :param started: ``time.monotonic()`` when the first attempt began, if before tenacity took over.
    """
    # Imported here: DAG files may import this module at parse time (through the flows), where tenacity is
    # a heavy import (tens of ms under ``-X importtime``; benchmarks/bench_parse.py counts it); only the
    # clients, after a call failed once, get this far.
    from tenacity import retry_if_exception

    kwargs: dict[str, Any] = {
        "stop": _Stop(policy, started),
        "wait": _Wait(policy, rng or random.Random()),
        "retry": retry_if_exception(lambda exc: is_retryable(exc, policy)),
        "reraise": True,
    }
    if before_sleep is not None:
        kwargs["before_sleep"] = before_sleep
    if sleep is not None:
        kwargs["sleep"] = sleep
    return kwargs
