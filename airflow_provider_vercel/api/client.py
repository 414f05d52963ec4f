"""HTTP clients for the Vercel endpoints: ``VercelClient`` (sync) and ``AsyncVercelClient``.

Both execute the ``ApiCall`` objects of ``calls.py`` over one pooled httpx client (keep-alive), add
team scoping and the bearer token, map error statuses to exceptions, and retry safe calls under a
``RetryPolicy``. Neither knows anything of Airflow.
"""

from __future__ import annotations

import asyncio
import functools
import json
import logging
import ssl
import threading
import time
from collections.abc import Callable, Coroutine, Generator, Mapping, Sequence
from typing import Any, TypeVar
from urllib.request import getproxies

import httpx

from airflow_provider_vercel import __version__
from airflow_provider_vercel.api import calls
from airflow_provider_vercel.api import validation as check
from airflow_provider_vercel.api.bounded import (
    DEFAULT_MAX_RESPONSE_BYTES,
    SENDING_EVENTS,
    Attempt,
    DeadlineExpired,
    DeadlineTransport,
    aread_body,
    current_attempt,
    read_body,
)
from airflow_provider_vercel.api.connect import connect_flow
from airflow_provider_vercel.api.create import (
    DEFAULT_SETTLE_SECONDS,
    CreateOutcome,
    IfExists,
    check_batch,
    get_or_create_flow,
    matching_stores,
)
from airflow_provider_vercel.api.env_pages import env_pages_flow
from airflow_provider_vercel.api.errors import (
    VercelApiError,
    VercelInputError,
    VercelRateLimitedError,
    VercelResponseError,
    VercelServerError,
    VercelTransportError,
    error_class_for,
)
from airflow_provider_vercel.api.models import (
    BillingPlan,
    ConfigurationProducts,
    EnvVar,
    IntegrationConfiguration,
    Store,
)
from airflow_provider_vercel.api.redact import Redactor
from airflow_provider_vercel.api.retry import (
    RetryPolicy,
    is_retryable,
    parse_retry_after,
    retrying_kwargs,
    seconds_until_epoch,
)
from airflow_provider_vercel.api.steps import Sleep, Step
from airflow_provider_vercel.defaults import DEFAULT_BASE_URL as DEFAULT_BASE_URL  # re-exported for callers

log = logging.getLogger(__name__)


@functools.cache
def _tls_context() -> ssl.SSLContext:
    """One TLS context for every client of the process.

    httpx would build a new one per client, loading the CA bundle each time (about 19 ms); a task
    builds one client and a triggerer one per trigger, so sharing it is worth doing.
    """
    import certifi

    return ssl.create_default_context(cafile=certifi.where())


T = TypeVar("T")
# A timeout this close to the request's deadline is the deadline (socket timers are not exact).
_DEADLINE_SLACK = 0.01


def _env_proxies() -> bool:
    """Whether proxy environment variables are set (httpx honours them only with its own transport)."""
    return any(key in ("http", "https", "all") for key in getproxies())


class _ClientCore:
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

    def _scoped(self, params: Mapping[str, Any]) -> dict[str, Any]:
        scoped = dict(params)
        if self.team_id:
            scoped["teamId"] = self.team_id
        elif self.team_slug:
            scoped["slug"] = self.team_slug
        return scoped

    def _transport_error(self, exc: Exception, call: calls.ApiCall, attempt: Attempt) -> VercelTransportError:
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

    def _decode(self, content: bytes, call: calls.ApiCall) -> Any:
        """JSON of a body, scrubbed of the token; every decoding failure is a ``VercelResponseError``."""
        try:
            data = json.loads(content)
            return self._redactor.data(data) if self._redactor.may_hold(content) else data
        except RecursionError:
            raise VercelResponseError(call.method, call.path, "body is nested too deeply") from None
        except ValueError:  # includes invalid UTF-8 and integers too long to convert
            raise VercelResponseError(call.method, call.path, "body is not valid JSON") from None

    def _interpret(self, status: int, headers: httpx.Headers, content: bytes, call: calls.ApiCall) -> Any:
        if 200 <= status < 300 or status in call.ok_statuses:
            if status in call.ok_statuses and not 200 <= status < 300:
                return False
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

    def _pause_to_wait(self, call: calls.ApiCall, budget_end: float) -> float:
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

    def _before_sleep(self, call: calls.ApiCall) -> Any:
        def report(retry_state: Any) -> None:
            exc = retry_state.outcome.exception()
            log.warning(
                "%s %s failed (%s); retrying in %.2fs (attempt %d of %d)",
                call.method,
                call.path,
                self._redactor.text(_short(exc)),
                retry_state.upcoming_sleep,
                retry_state.attempt_number + 1,
                self.retry_policy.max_attempts,
            )

        return report


def _advance(flow: Generator[Any, Any, Any], result: Any = None, error: Exception | None = None) -> tuple[bool, Any]:
    """Send a result (or throw an error) into a flow: ``(True, its return value)`` or ``(False, next step)``."""
    try:
        step = flow.throw(error) if error is not None else flow.send(result)
    except StopIteration as stop:
        return True, stop.value
    return False, step


def _short(exc: BaseException | None) -> str:
    if isinstance(exc, VercelApiError):
        return f"{exc.status} {exc.code or ''}".strip()
    return str(exc)


class VercelClient(_ClientCore):
    """Synchronous Vercel client over one pooled ``httpx.Client``.

    :param token: API token (bearer); never logged or shown.
    :param base_url: API base URL; https unless the host is loopback.
    :param team_id: team to act for (``team_…``), sent as ``teamId`` on every call.
    :param team_slug: team slug, sent as ``slug`` when no team id is given.
    :param timeout: seconds allowed for each read of a response.
    :param connect_timeout: seconds allowed for opening a connection.
    :param deadline: wall-clock seconds allowed for one whole request (connect, headers, body);
        default ``connect_timeout + timeout``.
    :param max_response_bytes: largest response body accepted (default 4 MiB), refused while reading.
    :param retry_policy: how safe calls are retried; its ``max_elapsed`` is each call's time budget.
    :param max_connections: size of the connection pool.
    :param create_settle_seconds: after a create answered 5xx or not at all, how long get-or-create keeps
        looking for the store before raising ``VercelAmbiguousCreateError`` (default 15; it never POSTs again).
    :param transport: an httpx transport to use instead of the network (tests). Without one, requests
        go through a transport that enforces ``deadline`` on every read; with one, or when proxy
        environment variables are set (httpx's own transport then serves them), the deadline is
        checked between chunks of the body only.
    """

    def __init__(self, token: str, *, transport: httpx.BaseTransport | None = None, **kwargs: Any) -> None:
        super().__init__(token, **kwargs)
        self._slots = threading.BoundedSemaphore(self.limits.max_connections or 10)
        if transport is None and not _env_proxies():
            transport = DeadlineTransport(_tls_context(), self.limits)
        self._http = httpx.Client(
            base_url=self.base_url,
            headers=self._headers,
            timeout=self.timeout,
            limits=self.limits,
            transport=transport,
            verify=_tls_context(),
        )

    def __enter__(self) -> VercelClient:
        return self

    def __exit__(self, *exc_info: Any) -> None:
        self.close()

    def close(self) -> None:
        """Close the pooled connections."""
        self._http.close()

    def _wait_for_pause(self, call: calls.ApiCall, budget_end: float) -> float:
        waited = 0.0
        while pause := self._pause_to_wait(call, budget_end):
            time.sleep(pause)  # a 429 that arrives meanwhile may extend the pause: look again
            waited += pause
        return waited

    def _tracer(self, call: calls.ApiCall, attempt: Attempt, budget_end: float) -> Callable[[str, Any], None]:
        def trace(event: str, info: Any) -> None:
            attempt.traced = True
            if event in SENDING_EVENTS:
                # Last look at the pause, with the connection in hand and nothing written yet.
                attempt.deadline += self._wait_for_pause(call, budget_end)
                attempt.sent = True

        return trace

    def _send_once(self, call: calls.ApiCall, budget_end: float | None = None, retry: bool = False) -> Any:
        budget_end = self._budget_end() if budget_end is None else budget_end
        request = self._http.build_request(call.method, call.path, params=self._scoped(call.params), json=call.body)
        # Wait for a free connection *before* checking the 429 pause: a request queued inside the
        # pool would otherwise go out into a pause that a concurrent 429 has just announced.
        with self._slots:
            self._wait_for_pause(call, budget_end)
            attempt = self._attempt(budget_end, retry)
            request.extensions["trace"] = self._tracer(call, attempt, budget_end)
            scope = current_attempt.set(attempt)
            try:
                response = self._http.send(request, stream=True)
                self._note_rate_limit(response)
                try:
                    content = read_body(response, attempt, self.max_response_bytes, call.method, call.path)
                finally:
                    response.close()
            except (httpx.HTTPError, DeadlineExpired) as exc:
                raise self._transport_error(exc, call, attempt) from None
            finally:
                current_attempt.reset(scope)
        log.debug("%s %s -> %s", call.method, call.path, response.status_code)
        return self._interpret(response.status_code, response.headers, content, call)

    def execute(self, call: calls.ApiCall) -> Any:
        """Send ``call``, retrying it under the policy when it is safe; never past its time budget."""
        budget_end = self._budget_end()
        if not call.safe or self.retry_policy.max_attempts == 1:
            return self._send_once(call, budget_end)
        started = time.monotonic()
        try:
            # Most calls succeed at once: tenacity is set up only after a first failure.
            return self._send_once(call, budget_end)
        except Exception as exc:
            if not is_retryable(exc, self.retry_policy):
                raise
            first_failure = exc
        from tenacity import Retrying

        replay = [first_failure]

        def attempt(call: calls.ApiCall) -> Any:
            if replay:  # tenacity's attempt 1 is the failure already seen, not a new request
                raise replay.pop()
            return self._send_once(call, budget_end, retry=True)

        kwargs = retrying_kwargs(self.retry_policy, before_sleep=self._before_sleep(call), started=started)
        return Retrying(**kwargs)(attempt, call)

    def run(self, flow: Generator[Any, Any, T]) -> T:
        """Drive a step generator (an ``api`` flow): execute each call it yields, sleep each ``Sleep``.

        A call's exception is thrown into the flow, which decides; the flow's return value is returned.

        :param flow: the flow, e.g. ``get_or_create_flow(...)``.
        """
        done, step = _advance(flow)
        while not done:
            try:
                if isinstance(step, Sleep):
                    time.sleep(step.seconds)
                    result = None
                else:
                    result = self.execute(step)
            except Exception as exc:  # handed to the flow, which decides
                done, step = _advance(flow, error=exc)
                continue
            done, step = _advance(flow, result=result)
        return step  # type: ignore[no-any-return]

    def request(
        self, method: str, path: str, *, params: Mapping[str, Any] | None = None, json: Any = None
    ) -> Any:
        """Call any endpoint and return its decoded JSON (None for an empty body)."""
        return self.execute(calls.generic(method, path, params, json))

    def list_configurations(
        self, view: str = "account", installation_type: str | None = None, integration: str | None = None
    ) -> list[IntegrationConfiguration]:
        """Integration configurations of the team (§1).

        :param view: ``account`` or ``project``.
        :param installation_type: ``marketplace``, ``external`` or ``provisioning``.
        :param integration: integration id (``oac_…``) or slug (``neon``).
        """
        return self.execute(calls.list_configurations(view, installation_type, integration))  # type: ignore[no-any-return]

    def get_configuration(self, configuration_id: str) -> IntegrationConfiguration:
        """One configuration (§5.5).

        :param configuration_id: configuration id (``icfg_…``).
        """
        return self.execute(calls.get_configuration(configuration_id))  # type: ignore[no-any-return]

    def list_products(self, configuration_id: str) -> ConfigurationProducts:
        """Products a configuration can provision, with their metadata schemas (§2).

        :param configuration_id: configuration id (``icfg_…``).
        """
        return self.execute(calls.list_products(configuration_id))  # type: ignore[no-any-return]

    def list_billing_plans(
        self,
        integration: str,
        product: str,
        metadata: Mapping[str, Any] | None = None,
        configuration_id: str | None = None,
    ) -> list[BillingPlan]:
        """Billing plans of a product (§3).

        :param integration: integration id or slug.
        :param product: product id or slug.
        :param metadata: intended store metadata; prices may depend on it.
        :param configuration_id: configuration id, for installation-scoped plans.
        """
        return self.execute(calls.list_billing_plans(integration, product, metadata, configuration_id))  # type: ignore[no-any-return]

    def create_store(self, request: calls.CreateStoreRequest) -> Store | None:
        """One POST creating a store; no retry, no existence check (prefer ``get_or_create_store``).

        :param request: the validated create body.
        """
        return self.execute(calls.create_store(request))  # type: ignore[no-any-return]

    def get_or_create_store(self, request: calls.CreateStoreRequest, if_exists: IfExists = "reuse") -> CreateOutcome:
        """The store named ``request.name`` in the configuration, created at most once.

        :param request: the validated create body.
        :param if_exists: ``reuse`` an existing store of that name, or ``fail``.
        """
        return self.run(self._get_or_create_flow(request, if_exists))

    def get_or_create_stores(
        self, requests: Sequence[calls.CreateStoreRequest], if_exists: IfExists = "reuse"
    ) -> list[CreateOutcome]:
        """Many stores, each created at most once, listing each configuration once (not once per store).

        :param requests: the validated create bodies; names must be distinct per configuration.
        :param if_exists: ``reuse`` existing stores of those names, or ``fail``.
        """
        light = {cfg: calls.list_stores(cfg, skip_metadata=True) for cfg in check_batch(requests)}
        listings = {cfg: self.execute(call) for cfg, call in light.items()}
        return [
            self.run(self._get_or_create_flow(r, if_exists, listings[r.integration_configuration_id]))
            for r in requests
        ]

    def get_store(self, store_id: str) -> Store:
        """One store with its current status (§5.2).

        :param store_id: store id (``store_…``).
        """
        store = self.execute(calls.get_store(store_id))
        if store is None:
            raise VercelResponseError("GET", f"/v1/storage/stores/{store_id}", "store is null")
        return store  # type: ignore[no-any-return]

    def list_stores(self, configuration_id: str | None = None) -> list[Store]:
        """The team's stores, optionally of one configuration (§5.3).

        :param configuration_id: configuration id to filter on.
        """
        return self.execute(calls.list_stores(configuration_id))  # type: ignore[no-any-return]

    def find_stores(self, name: str, configuration_id: str, product: str | None = None) -> list[Store]:
        """Stores called ``name`` in a configuration, oldest first.

        :param name: store name.
        :param configuration_id: configuration id.
        :param product: product id or slug to match as well.
        """
        return matching_stores(self.list_stores(configuration_id), name, product)

    def connect_store(
        self,
        configuration_id: str,
        store_id: str,
        project_id: str,
        environments: Sequence[str] = check.ENV_TARGETS,
        sensitive: bool | None = None,
        env_var_prefix: str | None = None,
    ) -> bool:
        """Connect a store to a project; False when it already was (§5.1, ``api/connect.py``).

        :param configuration_id: configuration id of the store.
        :param store_id: store id.
        :param project_id: project id (``prj_…``) or name.
        :param environments: targets that get the env vars.
        :param sensitive: make the env vars sensitive (unreadable afterwards).
        :param env_var_prefix: prefix for the env var keys (``PR42_``), so that several stores of one
            product can share a project; None for no prefix.
        """
        flow = connect_flow(configuration_id, store_id, project_id, environments, sensitive, env_var_prefix)
        return self.run(flow)

    def disconnect_store(self, store_id: str, connection_id: str | None = None) -> bool:
        """Disconnect one project connection, or all; False when there was nothing to remove.

        :param store_id: store id.
        :param connection_id: connection id (``spc_…``); None for all.
        """
        return self.execute(calls.disconnect_store(store_id, connection_id))  # type: ignore[no-any-return]

    def delete_store(self, store_id: str) -> bool:
        """Delete a store; False when it was already gone (§5.4).

        :param store_id: store id.
        """
        return self.execute(calls.delete_store(store_id))  # type: ignore[no-any-return]

    def list_project_env(self, project: str, decrypt: bool = False, git_branch: str | None = None) -> list[EnvVar]:
        """A project's environment variables, every page of them (§8.1).

        :param project: project id or name.
        :param decrypt: ask for decrypted values (deprecated by Vercel; prefer ``get_project_env``).
        :param git_branch: only preview variables of this branch.
        """
        return self.run(env_pages_flow(project, decrypt, git_branch))

    def get_project_env(self, project: str, env_id: str) -> EnvVar:
        """One environment variable, decrypted when readable (§8.2).

        :param project: project id or name.
        :param env_id: the variable's id.
        """
        return self.execute(calls.get_project_env(project, env_id))  # type: ignore[no-any-return]


class AsyncVercelClient(_ClientCore):
    """Asynchronous twin of ``VercelClient`` over one pooled ``httpx.AsyncClient`` (triggers, bulk work).

    Takes the same arguments as ``VercelClient``; ``transport`` is an ``httpx.AsyncBaseTransport``.
    The deadline covers each whole exchange through ``asyncio.timeout``, whatever the transport.
    """

    def __init__(self, token: str, *, transport: httpx.AsyncBaseTransport | None = None, **kwargs: Any) -> None:
        super().__init__(token, **kwargs)
        self._slots: asyncio.Semaphore | None = None
        self._http = httpx.AsyncClient(
            base_url=self.base_url,
            headers=self._headers,
            timeout=self.timeout,
            limits=self.limits,
            transport=transport,
            verify=_tls_context(),
        )

    async def __aenter__(self) -> AsyncVercelClient:
        return self

    async def __aexit__(self, *exc_info: Any) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Close the pooled connections."""
        await self._http.aclose()

    async def _wait_for_pause(self, call: calls.ApiCall, budget_end: float) -> float:
        waited = 0.0
        while pause := self._pause_to_wait(call, budget_end):
            await asyncio.sleep(pause)
            waited += pause
        return waited

    def _tracer(
        self, call: calls.ApiCall, attempt: Attempt, budget_end: float, scopes: list[asyncio.Timeout]
    ) -> Callable[[str, Any], Coroutine[Any, Any, None]]:
        async def trace(event: str, info: Any) -> None:
            attempt.traced = True
            if event in SENDING_EVENTS:
                waited = await self._wait_for_pause(call, budget_end)  # see VercelClient._tracer
                if waited:
                    attempt.deadline += waited
                    for scope in scopes:
                        scope.reschedule(asyncio.get_running_loop().time() + attempt.remaining())
                attempt.sent = True

        return trace

    async def _send_once(self, call: calls.ApiCall, budget_end: float | None = None, retry: bool = False) -> Any:
        budget_end = self._budget_end() if budget_end is None else budget_end
        if self._slots is None:  # created on first use, inside the event loop that uses it
            self._slots = asyncio.Semaphore(self.limits.max_connections or 10)
        request = self._http.build_request(call.method, call.path, params=self._scoped(call.params), json=call.body)
        async with self._slots:  # see VercelClient._send_once
            await self._wait_for_pause(call, budget_end)
            attempt = self._attempt(budget_end, retry)
            scopes: list[asyncio.Timeout] = []
            request.extensions["trace"] = self._tracer(call, attempt, budget_end, scopes)
            try:
                async with asyncio.timeout(attempt.remaining()) as scope:
                    scopes.append(scope)
                    response = await self._http.send(request, stream=True)
                    self._note_rate_limit(response)
                    try:
                        content = await aread_body(response, self.max_response_bytes, call.method, call.path)
                    finally:
                        await response.aclose()
            except TimeoutError:
                if not scopes or not scopes[0].expired():
                    raise
                raise self._transport_error(DeadlineExpired(), call, attempt) from None
            except httpx.HTTPError as exc:
                raise self._transport_error(exc, call, attempt) from None
        log.debug("%s %s -> %s", call.method, call.path, response.status_code)
        return self._interpret(response.status_code, response.headers, content, call)

    async def execute(self, call: calls.ApiCall) -> Any:
        """Send ``call``, retrying it under the policy when it is safe; never past its time budget."""
        budget_end = self._budget_end()
        if not call.safe or self.retry_policy.max_attempts == 1:
            return await self._send_once(call, budget_end)
        started = time.monotonic()
        try:
            return await self._send_once(call, budget_end)
        except Exception as exc:
            if not is_retryable(exc, self.retry_policy):
                raise
            first_failure = exc
        from tenacity import AsyncRetrying

        replay = [first_failure]

        async def attempt(call: calls.ApiCall) -> Any:
            if replay:
                raise replay.pop()
            return await self._send_once(call, budget_end, retry=True)

        kwargs = retrying_kwargs(self.retry_policy, before_sleep=self._before_sleep(call), started=started)
        return await AsyncRetrying(**kwargs)(attempt, call)

    async def run(self, flow: Generator[Any, Any, T]) -> T:
        """Drive a step generator as ``VercelClient.run`` does, without blocking the event loop.

        :param flow: the flow, e.g. ``get_or_create_flow(...)``.
        """
        done, step = _advance(flow)
        while not done:
            try:
                if isinstance(step, Sleep):
                    await asyncio.sleep(step.seconds)
                    result = None
                else:
                    result = await self.execute(step)
            except Exception as exc:
                done, step = _advance(flow, error=exc)
                continue
            done, step = _advance(flow, result=result)
        return step  # type: ignore[no-any-return]

    async def request(
        self, method: str, path: str, *, params: Mapping[str, Any] | None = None, json: Any = None
    ) -> Any:
        """Call any endpoint and return its decoded JSON."""
        return await self.execute(calls.generic(method, path, params, json))

    async def list_configurations(
        self, view: str = "account", installation_type: str | None = None, integration: str | None = None
    ) -> list[IntegrationConfiguration]:
        """See ``VercelClient.list_configurations``."""
        return await self.execute(calls.list_configurations(view, installation_type, integration))  # type: ignore[no-any-return]

    async def list_products(self, configuration_id: str) -> ConfigurationProducts:
        """See ``VercelClient.list_products``."""
        return await self.execute(calls.list_products(configuration_id))  # type: ignore[no-any-return]

    async def list_billing_plans(
        self,
        integration: str,
        product: str,
        metadata: Mapping[str, Any] | None = None,
        configuration_id: str | None = None,
    ) -> list[BillingPlan]:
        """See ``VercelClient.list_billing_plans``."""
        return await self.execute(calls.list_billing_plans(integration, product, metadata, configuration_id))  # type: ignore[no-any-return]

    async def get_or_create_store(
        self, request: calls.CreateStoreRequest, if_exists: IfExists = "reuse"
    ) -> CreateOutcome:
        """See ``VercelClient.get_or_create_store``."""
        return await self.run(self._get_or_create_flow(request, if_exists))

    async def get_or_create_stores(
        self, requests: Sequence[calls.CreateStoreRequest], if_exists: IfExists = "reuse", concurrency: int = 8
    ) -> list[CreateOutcome]:
        """Many stores concurrently, each created at most once, listing each configuration once.

        Every request runs to its end; if any failed, the first failure is raised afterwards (the stores
        that were created exist, and running the batch again reuses them).

        :param requests: the validated create bodies; names must be distinct per configuration.
        :param if_exists: ``reuse`` existing stores of those names, or ``fail``.
        :param concurrency: requests in flight at once.
        """
        if isinstance(concurrency, bool) or not isinstance(concurrency, int) or concurrency < 1:
            raise VercelInputError("concurrency", f"must be an integer >= 1, got {concurrency!r}")
        light = {cfg: calls.list_stores(cfg, skip_metadata=True) for cfg in check_batch(requests)}
        listings = {cfg: await self.execute(call) for cfg, call in light.items()}
        gate = asyncio.Semaphore(concurrency)

        async def one(request: calls.CreateStoreRequest) -> CreateOutcome:
            async with gate:
                known = listings[request.integration_configuration_id]
                return await self.run(self._get_or_create_flow(request, if_exists, known))

        results = await asyncio.gather(*(one(r) for r in requests), return_exceptions=True)
        for result in results:
            if isinstance(result, BaseException):
                raise result
        return [r for r in results if isinstance(r, CreateOutcome)]

    async def create_store(self, request: calls.CreateStoreRequest) -> Store | None:
        """See ``VercelClient.create_store``."""
        return await self.execute(calls.create_store(request))  # type: ignore[no-any-return]

    async def find_stores(self, name: str, configuration_id: str, product: str | None = None) -> list[Store]:
        """See ``VercelClient.find_stores``."""
        return matching_stores(await self.list_stores(configuration_id), name, product)

    async def get_store(self, store_id: str) -> Store:
        """See ``VercelClient.get_store``."""
        store = await self.execute(calls.get_store(store_id))
        if store is None:
            raise VercelResponseError("GET", f"/v1/storage/stores/{store_id}", "store is null")
        return store  # type: ignore[no-any-return]

    async def list_stores(self, configuration_id: str | None = None) -> list[Store]:
        """See ``VercelClient.list_stores``."""
        return await self.execute(calls.list_stores(configuration_id))  # type: ignore[no-any-return]

    async def delete_store(self, store_id: str) -> bool:
        """See ``VercelClient.delete_store``."""
        return await self.execute(calls.delete_store(store_id))  # type: ignore[no-any-return]
