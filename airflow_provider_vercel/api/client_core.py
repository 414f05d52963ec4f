"""What the sync and async Vercel clients share: settings, headers, reading answers, the 429 pause.

``ClientCore`` holds a client's validated settings and does everything that needs no I/O: team
scoping, turning a status and body into a result or a typed error, naming a transport failure, the
pause a 429 announces for every request of the client, and the time budget of a call. ``VercelClient``
(``client.py``) and ``AsyncVercelClient`` (``async_client.py``) add the sending.
"""

from __future__ import annotations

import functools
import json
import logging
import ssl
import time
from collections.abc import Generator, Mapping, Sequence
from typing import Any, TypeVar
from urllib.request import getproxies

import certifi
import httpx

from airflow_provider_vercel import __version__
from airflow_provider_vercel.api import calls
from airflow_provider_vercel.api import validation as check
from airflow_provider_vercel.api.bounded import DEFAULT_MAX_RESPONSE_BYTES, Attempt, DeadlineExpired
from airflow_provider_vercel.api.create import (
    DEFAULT_SETTLE_SECONDS,
    CreateOutcome,
    IfExists,
    check_batch,
    get_or_create_flow,
)
from airflow_provider_vercel.api.errors import (
    VercelApiError,
    VercelInputError,
    VercelRateLimitedError,
    VercelResponseError,
    VercelServerError,
    VercelTransportError,
    error_class_for,
)
from airflow_provider_vercel.api.models import Store
from airflow_provider_vercel.api.redact import Redactor
from airflow_provider_vercel.api.retry import (
    RetryPolicy,
    parse_retry_after,
    retrying_kwargs,
    seconds_until_epoch,
)
from airflow_provider_vercel.api.steps import Step
from airflow_provider_vercel.defaults import DEFAULT_BASE_URL

# One logger for both clients, named as before the split, so log filters keep matching.
log = logging.getLogger("airflow_provider_vercel.api.client")

T = TypeVar("T")
# A timeout this close to the request's deadline is the deadline (socket timers are not exact).
_DEADLINE_SLACK = 0.01


@functools.cache
def tls_context() -> ssl.SSLContext:
    """One TLS context for every client of the process.

    httpx would build a new one per client, loading the CA bundle each time (about 19 ms); a task
    builds one client and a triggerer one per trigger, so sharing it is worth doing.
    """
    return ssl.create_default_context(cafile=certifi.where())


def env_proxies() -> bool:
    """Whether proxy environment variables are set (httpx honours them only with its own transport)."""
    return any(key in ("http", "https", "all") for key in getproxies())


class ClientCore:
    """Configuration and response handling shared by the sync and async clients."""

    def __init__(
        self,
        token: str,
        *,
        base_url: str = DEFAULT_BASE_URL,
        team_id: str | None = None,
        team_slug: str | None = None,
        timeout: float = 30.0,
        connect_timeout: float = 10.0,
        deadline: float | None = None,
        max_response_bytes: int = DEFAULT_MAX_RESPONSE_BYTES,
        retry_policy: RetryPolicy | None = None,
        max_connections: int = 10,
        create_settle_seconds: float = DEFAULT_SETTLE_SECONDS,
    ) -> None:
        self._token = check.token(token)
        self._redactor = Redactor(self._token)
        self.base_url = check.base_url(base_url)
        self.team_id = check.require_id("team_id", team_id) if team_id is not None else None
        self.team_slug = check.require_id("team_slug", team_slug) if team_slug is not None else None
        read = check.finite_number("timeout", timeout, above=0)
        connect = check.finite_number("connect_timeout", connect_timeout, above=0)
        # Wall-clock bound of one request (connect, headers and the whole body); httpx's are per read.
        self.deadline = check.finite_number("deadline", connect + read if deadline is None else deadline, above=0)
        if isinstance(max_response_bytes, bool) or not isinstance(max_response_bytes, int) or max_response_bytes < 1:
            raise VercelInputError("max_response_bytes", f"must be an integer >= 1, got {max_response_bytes!r}")
        self.timeout = httpx.Timeout(read, connect=connect)
        self.max_response_bytes = max_response_bytes
        self.create_settle_seconds = check.finite_number("create_settle_seconds", create_settle_seconds, minimum=0)
        self.retry_policy = retry_policy or RetryPolicy()
        if isinstance(max_connections, bool) or not isinstance(max_connections, int) or max_connections < 1:
            raise VercelInputError("max_connections", f"must be an integer >= 1, got {max_connections!r}")
        self.limits = httpx.Limits(max_connections=max_connections, max_keepalive_connections=max_connections)
        # Shared pause after a 429: every request of this client waits for the window the server named.
        self._paused_until = 0.0

    def __repr__(self) -> str:  # never show the token
        team = self.team_id or self.team_slug or "personal account"
        return f"{type(self).__name__}(base_url={self.base_url!r}, team={team!r})"

    @property
    def _headers(self) -> dict[str, str]:
        return {
            "Authorization": f"Bearer {self._token}",
            "Accept": "application/json",
            "User-Agent": f"airflow-provider-vercel/{__version__}",
        }

    def _http_options(self) -> dict[str, Any]:
        """Keyword arguments of the pooled ``httpx.Client`` or ``httpx.AsyncClient``, but the transport."""
        return {
            "base_url": self.base_url,
            "headers": self._headers,
            "timeout": self.timeout,
            "limits": self.limits,
            "verify": tls_context(),
        }

    def _scoped(self, params: Mapping[str, Any]) -> dict[str, Any]:
        scoped = dict(params)
        if self.team_id:
            scoped["teamId"] = self.team_id
        elif self.team_slug:
            scoped["slug"] = self.team_slug
        return scoped

    def _transport_error(self, exc: Exception, call: calls.ApiCall[Any], attempt: Attempt) -> VercelTransportError:
        if isinstance(exc, DeadlineExpired) or (
            isinstance(exc, httpx.TimeoutException) and attempt.remaining() <= _DEADLINE_SLACK
        ):
            # A deadline hit after the request started to leave is ambiguous, like a lost answer.
            return VercelTransportError(call.method, call.path, "deadline", attempt.may_have_sent())
        if isinstance(exc, httpx.ConnectTimeout):
            kind, sent = "connect timeout", False
        elif isinstance(exc, httpx.ConnectError):
            kind, sent = "connect", False
        elif isinstance(exc, httpx.TimeoutException):
            kind, sent = "timeout", True
        elif isinstance(exc, httpx.RemoteProtocolError):
            kind, sent = "connection dropped", True
        elif isinstance(exc, httpx.ReadError):
            kind, sent = "read", True
        elif isinstance(exc, httpx.WriteError):
            kind, sent = "write", True
        else:
            kind, sent = type(exc).__name__, True
        # The trace says whether the request had started to leave; without one, keep the guess.
        return VercelTransportError(call.method, call.path, kind, sent and attempt.may_have_sent())

    def _retry_after(self, headers: httpx.Headers, error: Mapping[str, Any]) -> float | None:
        seconds = parse_retry_after(headers.get("Retry-After"))
        if seconds is not None:
            return seconds
        # No header: the documented 429 body says when the window resets (§6).
        limit = error.get("limit")
        if not isinstance(limit, Mapping):
            return None
        reset = seconds_until_epoch(limit.get("resetMs"), per_second=1000)
        return reset if reset is not None else seconds_until_epoch(limit.get("reset"))

    def _decode(self, content: bytes, call: calls.ApiCall[Any]) -> Any:
        """JSON of a body, scrubbed of the token; every decoding failure is a ``VercelResponseError``."""
        try:
            data = json.loads(content)
            return self._redactor.data(data) if self._redactor.may_hold(content) else data
        except RecursionError:
            raise VercelResponseError(call.method, call.path, "body is nested too deeply") from None
        except ValueError:  # includes invalid UTF-8 and integers too long to convert
            raise VercelResponseError(call.method, call.path, "body is not valid JSON") from None

    def _interpret(self, status: int, headers: httpx.Headers, content: bytes, call: calls.ApiCall[T]) -> T:
        if 200 <= status < 300 or status in call.status_results:
            if status in call.status_results and not 200 <= status < 300:
                return call.status_results[status]
            data = self._decode(content, call) if content.strip() else None
            try:
                return call.parse(data)
            except VercelResponseError as exc:
                raise VercelResponseError(call.method, call.path, exc.reason) from None
            except RecursionError:
                raise VercelResponseError(call.method, call.path, "body is nested too deeply") from None
        error: Mapping[str, Any] = {}
        try:
            body = self._decode(content, call)
        except VercelResponseError:
            body = None
        candidate = body.get("error") or body.get("err") if isinstance(body, dict) else None
        if isinstance(candidate, Mapping):
            error = candidate
        elif isinstance(candidate, str):
            error = {"message": candidate}
        # Decoded bodies are scrubbed already; the text conversions below are scrubbed once more.
        code = self._redactor.text(error["code"]) if isinstance(error.get("code"), str) else None
        raw_message = error.get("message")
        # Text and plain numbers only: a nested structure is not a message (and its str() could recurse).
        if isinstance(raw_message, (str, int, float)):
            message: str | None = self._redactor.text(str(raw_message))
        else:
            message = None if raw_message is None else "(error message is not text)"
        cls = error_class_for(status)
        if cls in (VercelRateLimitedError, VercelServerError):
            retry_after = self._retry_after(headers, error)
            if cls is VercelRateLimitedError:
                self._pause_for(retry_after)
            raise cls(status, code, message, call.method, call.path, retry_after=retry_after)
        raise cls(status, code, message, call.method, call.path)

    def _batch_listings(self, requests: Sequence[calls.CreateStoreRequest]) -> dict[str, calls.ApiCall[list[Store]]]:
        """The light listing to read once per configuration of a batch (checked first: see ``check_batch``).

        :param requests: the batch's create bodies.
        """
        return {cfg: calls.list_stores(cfg, skip_metadata=True) for cfg in check_batch(requests)}

    def _get_or_create_flow(
        self, request: calls.CreateStoreRequest, if_exists: IfExists, known_stores: list[Store] | None = None
    ) -> Generator[Step, Any, CreateOutcome]:
        return get_or_create_flow(
            request, if_exists, self.retry_policy, settle_seconds=self.create_settle_seconds, known_stores=known_stores
        )

    def _pause_for(self, seconds: float | None) -> None:
        # The pause records the server's whole window; each caller waits only within its budget.
        if seconds:
            self._paused_until = max(self._paused_until, time.monotonic() + seconds)

    def _note_rate_limit(self, response: httpx.Response) -> None:
        """Set the pause as soon as a 429's headers arrive, before its connection can serve another request."""
        if response.status_code == 429:
            self._pause_for(parse_retry_after(response.headers.get("Retry-After")))

    def _pause_remaining(self) -> float:
        return max(0.0, self._paused_until - time.monotonic())

    def _pause_to_wait(self, call: calls.ApiCall[Any], budget_end: float) -> float:
        """Seconds to wait for the shared 429 pause; refuses, without sending, a pause past the budget.

        :param call: the call about to be sent.
        :param budget_end: ``time.monotonic()`` by which the call must be over.
        """
        pause = self._pause_remaining()
        left = budget_end - time.monotonic()
        if pause > 0 and pause > left:
            raise VercelRateLimitedError(
                429,
                None,
                f"not sent: an earlier 429 asked to wait {pause:.1f}s, more than the {max(0.0, left):.1f}s "
                "left of this call's time budget (max_elapsed)",
                call.method,
                call.path,
                retry_after=pause,
                sent=False,
            )
        return pause

    def _attempt(self, budget_end: float, retry: bool) -> Attempt:
        """A request's deadline: its own wall-clock bound, and for a retry no later than the call's budget."""
        deadline = time.monotonic() + self.deadline
        return Attempt(deadline=min(deadline, budget_end) if retry else deadline)

    def _budget_end(self) -> float:
        return time.monotonic() + self.retry_policy.max_elapsed

    def _retried(self, call: calls.ApiCall[Any]) -> bool:
        """Whether a failure of ``call`` may be followed by another attempt under the policy."""
        return call.safe and self.retry_policy.max_attempts > 1

    def _retrying_kwargs(self, call: calls.ApiCall[Any], started: float) -> dict[str, Any]:
        """tenacity's arguments for the attempts after a first failure of ``call``.

        :param call: the call being retried.
        :param started: ``time.monotonic()`` when its first attempt began.
        """
        return retrying_kwargs(self.retry_policy, before_sleep=self._before_sleep(call), started=started)

    def _before_sleep(self, call: calls.ApiCall[Any]) -> Any:
        def report(retry_state: Any) -> None:
            exc = retry_state.outcome.exception()
            log.warning(
                "%s %s failed (%s); retrying in %.2fs (attempt %d of %d)",
                call.method,
                call.path,
                self._redactor.text(short_reason(exc)),
                retry_state.upcoming_sleep,
                retry_state.attempt_number + 1,
                self.retry_policy.max_attempts,
            )

        return report


def short_reason(exc: BaseException | None) -> str:
    """A failure in a few words for a log line: the status and code of an API error, else its text."""
    if isinstance(exc, VercelApiError):
        return f"{exc.status} {exc.code or ''}".strip()
    return str(exc)


