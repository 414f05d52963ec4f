"""Fault injection, configurable at run time from Python (``server.faults``) or over HTTP.

One-shot faults apply to the next ``n`` requests that match their optional method and path-prefix
filters, first registered first served, one fault per request. Kinds:

- ``rate_limit``: 429 with ``Retry-After`` and ``X-RateLimit-*`` headers, without calling the endpoint.
- ``server_error``: a 5xx error body, without calling the endpoint.
- ``delay``: sleep (asynchronously), then answer normally; if the client gave up meanwhile the endpoint
  is not called (logged as status 499).
- ``malformed_json``: call the endpoint, then send its status with a body that is not valid JSON.
- ``reset_connection``: drop the connection before anything is processed or sent.
- ``commit_then_drop`` / ``commit_then_error`` / ``commit_then_delay``: call the endpoint (the store IS
  created), then drop the connection mid-response (headers and half the declared body are sent), answer
  5xx, or answer late (not at all if the client hangs up first). They default to the create-store POST.

Steady settings: ``rate_limit_window(max_requests, per_seconds)`` (sliding window; beyond the budget
429 with the exact ``Retry-After``), ``latency_seconds`` (added to every request) and
``listing_lag_seconds`` (a store created while it is set stays out of ``GET /v1/storage/stores`` for
that long, while ``GET /v1/storage/stores/{id}`` sees it at once: the listing is not read-after-write
consistent). The lag combines with the commit-then kinds: ``commit_then_error`` with a lag is a 5xx
after a commit whose store the listing shows only later.
"""

from __future__ import annotations

import itertools
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from . import fault_args as check
from .fault_args import retry_after_header
from .rate_window import RateWindow, WindowVerdict

# Re-exported: the middleware imports these from here.
__all__ = ["CREATE_STORE_PATH", "FAULT_KINDS", "Fault", "Faults", "WindowVerdict", "retry_after_header"]

CREATE_STORE_PATH = "/v1/storage/stores/integration/direct"

PRE_FAULTS = ("rate_limit", "server_error", "delay", "reset_connection")
POST_FAULTS = ("malformed_json", "commit_then_drop", "commit_then_error", "commit_then_delay")
FAULT_KINDS = PRE_FAULTS + POST_FAULTS

_SERVER_ERROR_STATUSES = (500, 502, 503, 504)
_COMMIT_ERROR_STATUSES = (500, 502, 503, 504)


@dataclass
class Fault:
    """One registered fault.

    id: registration number.
    kind: one of ``FAULT_KINDS``.
    remaining: how many more requests it applies to.
    method: HTTP method filter, or None for any.
    path: URL path prefix filter, or None for any.
    status: status for the 5xx kinds.
    seconds: sleep for the delay kinds.
    retry_after: seconds for ``Retry-After``, or None for no header.
    http_date: send ``Retry-After`` as an HTTP date instead of seconds.
    limit: ``X-RateLimit-Limit`` / ``error.limit.total`` for rate limits.
    """

    id: int
    kind: str
    remaining: int
    method: str | None = None
    path: str | None = None
    status: int | None = None
    seconds: float | None = None
    retry_after: int | None = None
    http_date: bool = False
    limit: int = 100

    def matches(self, method: str, path: str) -> bool:
        """Whether this fault applies to a request.

        method: request method.
        path: request URL path.
        """
        if self.remaining <= 0:
            return False
        if self.method is not None and self.method != method.upper():
            return False
        return self.path is None or path.startswith(self.path)

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-able description."""
        return {
            "id": self.id,
            "kind": self.kind,
            "remaining": self.remaining,
            "method": self.method,
            "path": self.path,
            "status": self.status,
            "seconds": self.seconds,
            "retry_after": self.retry_after,
            "http_date": self.http_date,
            "limit": self.limit,
        }


class Faults:
    """Registry of faults and steady settings; thread-safe."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._ids = itertools.count(1)
        self._faults: list[Fault] = []
        self._window: RateWindow | None = None
        self._latency = 0.0
        self._listing_lag = 0.0

    # ------------------------------------------------------------------ registration
    def _register(self, kind: str, n: Any, **fields: Any) -> Fault:
        fault = Fault(id=next(self._ids), kind=kind, remaining=check.count(n), **fields)
        with self._lock:
            self._faults.append(fault)
        return fault

    def rate_limit(
        self,
        n: int = 1,
        retry_after: int | float | str | None = 1,
        *,
        http_date: bool = False,
        limit: int = 100,
        method: str | None = None,
        path: str | None = None,
    ) -> Fault:
        """Answer 429 to the next ``n`` matching requests.

        n: how many requests.
        retry_after: seconds for ``Retry-After``; None sends no header; ``"http-date"`` or
            ``"http-date:N"`` sends an HTTP date (2 or N seconds ahead).
        http_date: send ``retry_after`` seconds as an HTTP date.
        limit: the advertised request budget.
        method: only requests with this method.
        path: only requests whose path starts with this.
        """
        seconds, as_date = check.retry_after(retry_after, http_date)
        if isinstance(limit, bool) or not isinstance(limit, int) or limit < 1:
            raise ValueError("limit must be a positive integer")
        return self._register(
            "rate_limit",
            n,
            retry_after=seconds,
            http_date=as_date,
            limit=limit,
            method=check.method_filter(method),
            path=check.path_filter(path),
        )

    def server_error(
        self,
        n: int = 1,
        status: int = 500,
        *,
        retry_after: int | None = None,
        method: str | None = None,
        path: str | None = None,
    ) -> Fault:
        """Answer a 5xx to the next ``n`` matching requests without calling the endpoint.

        n: how many requests.
        status: 500, 502, 503 or 504.
        retry_after: seconds for a ``Retry-After`` header, or None.
        method: only requests with this method.
        path: only requests whose path starts with this.
        """
        if status not in _SERVER_ERROR_STATUSES:
            raise ValueError(f"status must be one of {_SERVER_ERROR_STATUSES}")
        seconds, _ = check.retry_after(retry_after, False)
        return self._register(
            "server_error",
            n,
            status=status,
            retry_after=seconds,
            method=check.method_filter(method),
            path=check.path_filter(path),
        )

    def delay(self, n: int = 1, seconds: float = 1.0, *, method: str | None = None, path: str | None = None) -> Fault:
        """Sleep before answering the next ``n`` matching requests.

        n: how many requests.
        seconds: how long.
        method: only requests with this method.
        path: only requests whose path starts with this.
        """
        return self._register(
            "delay", n, seconds=check.seconds(seconds), method=check.method_filter(method), path=check.path_filter(path)
        )

    def malformed_json(self, n: int = 1, *, method: str | None = None, path: str | None = None) -> Fault:
        """Process the next ``n`` matching requests but send a body that is not valid JSON.

        n: how many requests.
        method: only requests with this method.
        path: only requests whose path starts with this.
        """
        return self._register("malformed_json", n, method=check.method_filter(method), path=check.path_filter(path))

    def reset_connection(self, n: int = 1, *, method: str | None = None, path: str | None = None) -> Fault:
        """Drop the connection of the next ``n`` matching requests before processing them.

        n: how many requests.
        method: only requests with this method.
        path: only requests whose path starts with this.
        """
        return self._register("reset_connection", n, method=check.method_filter(method), path=check.path_filter(path))

    def commit_then_drop(
        self, n: int = 1, *, method: str | None = "POST", path: str | None = CREATE_STORE_PATH
    ) -> Fault:
        """Process the request (the store is created), then drop the connection mid-response.

        n: how many requests.
        method: only requests with this method (default POST).
        path: only requests whose path starts with this (default the create-store path).
        """
        return self._register("commit_then_drop", n, method=check.method_filter(method), path=check.path_filter(path))

    def commit_then_error(
        self, n: int = 1, status: int = 500, *, method: str | None = "POST", path: str | None = CREATE_STORE_PATH
    ) -> Fault:
        """Process the request (the store is created), then answer a 5xx instead of its response.

        n: how many requests.
        status: 500, 502, 503 or 504.
        method: only requests with this method (default POST).
        path: only requests whose path starts with this (default the create-store path).
        """
        if status not in _COMMIT_ERROR_STATUSES:
            raise ValueError(f"status must be one of {_COMMIT_ERROR_STATUSES}")
        return self._register(
            "commit_then_error", n, status=status, method=check.method_filter(method), path=check.path_filter(path)
        )

    def commit_then_delay(
        self, n: int = 1, seconds: float = 5.0, *, method: str | None = "POST", path: str | None = CREATE_STORE_PATH
    ) -> Fault:
        """Process the request (the store is created), then hold the response back.

        n: how many requests.
        seconds: how long to hold the response.
        method: only requests with this method (default POST).
        path: only requests whose path starts with this (default the create-store path).
        """
        return self._register(
            "commit_then_delay",
            n,
            seconds=check.seconds(seconds),
            method=check.method_filter(method),
            path=check.path_filter(path),
        )

    def rate_limit_window(self, max_requests: int | None, per_seconds: float = 1.0) -> None:
        """Allow at most ``max_requests`` per sliding ``per_seconds``; None switches it off.

        max_requests: budget per window, or None to disable.
        per_seconds: window length.
        """
        if max_requests is None:
            with self._lock:
                self._window = None
            return
        check.count(max_requests)
        per = check.seconds(per_seconds, "per_seconds")
        if per <= 0:
            raise ValueError("per_seconds must be positive")
        with self._lock:
            self._window = RateWindow(max_requests, per)

    @property
    def latency_seconds(self) -> float:
        """Seconds added to every non-control request."""
        return self._latency

    @latency_seconds.setter
    def latency_seconds(self, seconds: float) -> None:
        self._latency = check.seconds(seconds, "latency_seconds")

    @property
    def listing_lag_seconds(self) -> float:
        """Seconds a newly created store stays out of the store listing (0: shown at once)."""
        return self._listing_lag

    @listing_lag_seconds.setter
    def listing_lag_seconds(self, seconds: float) -> None:
        self._listing_lag = check.seconds(seconds, "listing_lag_seconds")

    def listing_lag(self, seconds: float) -> None:
        """Hide stores created from now on from the listing for ``seconds`` (0 switches it off).

        seconds: how long a new store is missing from ``GET /v1/storage/stores``.
        """
        self.listing_lag_seconds = seconds

    def clear(self) -> None:
        """Remove every fault, the rate-limit window, the latency and the listing lag.

        Stores already created under a lag keep it: clearing changes what happens to later creates.
        """
        with self._lock:
            self._faults.clear()
            self._window = None
            self._latency = 0.0
            self._listing_lag = 0.0

    def add(self, spec: Any) -> Fault | None:
        """Register a fault from a JSON spec such as ``{"kind": "rate_limit", "n": 2, "retry_after": 1}``.

        spec: a dict with ``kind`` plus that kind's arguments (``n`` or ``count``, ``status``, ``seconds``,
            ``retry_after``, ``http_date``, ``limit``, ``method``, ``path``; ``max_requests`` and
            ``per_seconds`` for ``rate_limit_window``; ``seconds`` for ``latency`` and ``listing_lag``).
        """
        if not isinstance(spec, dict):
            raise ValueError("a fault spec must be a JSON object")
        args = dict(spec)
        kind = args.pop("kind", None)
        if "count" in args and "n" not in args:
            args["n"] = args.pop("count")
        if kind == "rate_limit_window":
            self.rate_limit_window(args.get("max_requests"), args.get("per_seconds", 1.0))
            return None
        if kind == "latency":
            self.latency_seconds = args.get("seconds", 0.0)
            return None
        if kind == "listing_lag":
            self.listing_lag_seconds = args.get("seconds", 0.0)
            return None
        registrars: dict[str, Callable[..., Fault]] = {
            "rate_limit": self.rate_limit,
            "server_error": self.server_error,
            "delay": self.delay,
            "reset_connection": self.reset_connection,
            "malformed_json": self.malformed_json,
            "commit_then_drop": self.commit_then_drop,
            "commit_then_error": self.commit_then_error,
            "commit_then_delay": self.commit_then_delay,
        }
        register = registrars.get(kind) if isinstance(kind, str) else None
        if register is None:
            steady = ("rate_limit_window", "latency", "listing_lag")
            raise ValueError(f"kind must be one of {', '.join((*FAULT_KINDS, *steady))}")
        try:
            return register(**args)
        except TypeError as exc:
            raise ValueError(f"bad arguments for {kind}: {exc}") from exc

    # ------------------------------------------------------------------ use
    def take(self, method: str, path: str) -> Fault | None:
        """Consume and return the first fault matching a request, or None.

        method: request method.
        path: request URL path.
        """
        with self._lock:
            for fault in self._faults:
                if fault.matches(method, path):
                    fault.remaining -= 1
                    return fault
            self._faults = [f for f in self._faults if f.remaining > 0]
            return None

    def check_window(self) -> WindowVerdict | None:
        """Count a request against the rate-limit window; None when no window is set."""
        with self._lock:
            return None if self._window is None else self._window.admit()

    def describe(self) -> dict[str, Any]:
        """Return active faults and settings as JSON."""
        with self._lock:
            window = self._window
            return {
                "faults": [f.to_dict() for f in self._faults if f.remaining > 0],
                "rate_limit_window": None
                if window is None
                else {"max_requests": window.max_requests, "per_seconds": window.per_seconds},
                "latency_seconds": self._latency,
                "listing_lag_seconds": self._listing_lag,
            }
