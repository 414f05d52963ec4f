"""HTTP clients for the Vercel endpoints: ``VercelClient`` (sync) and ``AsyncVercelClient``.

Both execute the ``ApiCall`` objects of ``calls.py`` over one pooled httpx client (keep-alive), add
team scoping and the bearer token, map error statuses to exceptions, and retry safe calls under a
``RetryPolicy``. Neither knows anything of Airflow.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import ssl
import threading
import time
from collections.abc import Generator, Mapping, Sequence
from typing import Any, TypeVar

import httpx

from airflow_provider_vercel import __version__
from airflow_provider_vercel.api import calls
from airflow_provider_vercel.api import validation as check
from airflow_provider_vercel.api.create import (
    DEFAULT_SETTLE_SECONDS,
    CreateOutcome,
    IfExists,
    Sleep,
    Step,
    check_batch,
    get_or_create_flow,
    matching_stores,
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
from airflow_provider_vercel.api.models import (
    BillingPlan,
    ConfigurationProducts,
    EnvVar,
    IntegrationConfiguration,
    Store,
)
from airflow_provider_vercel.api.retry import RetryPolicy, is_retryable, parse_retry_after, retrying_kwargs

log = logging.getLogger(__name__)

DEFAULT_BASE_URL = "https://api.vercel.com"


@functools.cache
def _tls_context() -> ssl.SSLContext:
    """One TLS context for every client of the process.

    httpx would build a new one per client, loading the CA bundle each time (about 19 ms); a task
    builds one client and a triggerer one per trigger, so sharing it is worth doing.
    """
    import certifi

    return ssl.create_default_context(cafile=certifi.where())
T = TypeVar("T")


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
        retry_policy: RetryPolicy | None = None,
        max_connections: int = 10,
        create_settle_seconds: float = DEFAULT_SETTLE_SECONDS,
    ) -> None:
        self._token = check.token(token)
        self.base_url = check.base_url(base_url)
        self.team_id = check.require_id("team_id", team_id) if team_id is not None else None
        self.team_slug = check.require_id("team_slug", team_slug) if team_slug is not None else None
        read = check.finite_number("timeout", timeout, above=0)
        self.timeout = httpx.Timeout(read, connect=check.finite_number("connect_timeout", connect_timeout, above=0))
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

    def _scrub(self, text: str | None) -> str | None:
        if text and self._token in text:
            return text.replace(self._token, "***")
        return text

    def _transport_error(self, exc: httpx.HTTPError, call: calls.ApiCall) -> VercelTransportError:
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
        return VercelTransportError(call.method, call.path, kind, sent)

    def _retry_after(self, response: httpx.Response, error: Mapping[str, Any]) -> float | None:
        seconds = parse_retry_after(response.headers.get("Retry-After"))
        if seconds is not None:
            return seconds
        # No header: the documented 429 body says when the window resets (§6).
        limit = error.get("limit") if isinstance(error.get("limit"), Mapping) else {}
        reset_ms = limit.get("resetMs") if limit else None
        reset_s = limit.get("reset") if limit else None
        if isinstance(reset_ms, (int, float)):
            return max(0.0, reset_ms / 1000 - time.time())
        if isinstance(reset_s, (int, float)):
            return max(0.0, reset_s - time.time())
        return None

    def _interpret(self, response: httpx.Response, call: calls.ApiCall) -> Any:
        status = response.status_code
        if 200 <= status < 300 or status in call.ok_statuses:
            if status in call.ok_statuses and not 200 <= status < 300:
                return False
            data = None
            if response.content.strip():
                try:
                    data = response.json()
                except ValueError:
                    raise VercelResponseError(call.method, call.path, "body is not valid JSON") from None
            try:
                return call.parse(data)
            except VercelResponseError as exc:
                raise VercelResponseError(call.method, call.path, exc.reason) from None
        error: Mapping[str, Any] = {}
        try:
            body = response.json()
            candidate = body.get("error") or body.get("err") if isinstance(body, dict) else None
            if isinstance(candidate, Mapping):
                error = candidate
            elif isinstance(candidate, str):
                error = {"message": candidate}
        except ValueError:
            pass
        code = error.get("code") if isinstance(error.get("code"), str) else None
        message = self._scrub(str(error["message"])) if error.get("message") is not None else None
        cls = error_class_for(status)
        if cls in (VercelRateLimitedError, VercelServerError):
            retry_after = self._retry_after(response, error)
            if cls is VercelRateLimitedError and retry_after:
                self._paused_until = max(self._paused_until, time.monotonic() + retry_after)
            raise cls(status, code, message, call.method, call.path, retry_after=retry_after)
        raise cls(status, code, message, call.method, call.path)

    def _get_or_create_flow(
        self, request: calls.CreateStoreRequest, if_exists: IfExists, known_stores: list[Store] | None = None
    ) -> Generator[Step, Any, CreateOutcome]:
        return get_or_create_flow(
            request, if_exists, self.retry_policy, settle_seconds=self.create_settle_seconds, known_stores=known_stores
        )

    def _pause_remaining(self) -> float:
        return max(0.0, self._paused_until - time.monotonic())

    def _before_sleep(self, call: calls.ApiCall) -> Any:
        def report(retry_state: Any) -> None:
            exc = retry_state.outcome.exception()
            log.warning(
                "%s %s failed (%s); retrying in %.2fs (attempt %d of %d)",
                call.method,
                call.path,
                _short(exc),
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
    :param timeout: seconds allowed for reading a response.
    :param connect_timeout: seconds allowed for opening a connection.
    :param retry_policy: how safe calls are retried.
    :param max_connections: size of the connection pool.
    :param create_settle_seconds: after a create answered 5xx or not at all, how long get-or-create keeps
        looking for the store before raising ``VercelAmbiguousCreateError`` (default 15; it never POSTs again).
    :param transport: an httpx transport to use instead of the network (tests, proxies).
    """

    def __init__(self, token: str, *, transport: httpx.BaseTransport | None = None, **kwargs: Any) -> None:
        super().__init__(token, **kwargs)
        self._slots = threading.BoundedSemaphore(self.limits.max_connections or 10)
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

    def _send_once(self, call: calls.ApiCall) -> Any:
        # Wait for a free connection *before* checking the 429 pause: a request queued inside the
        # pool would otherwise go out into a pause that a concurrent 429 has just announced.
        with self._slots:
            while pause := self._pause_remaining():
                time.sleep(pause)  # a 429 that arrives meanwhile may extend the pause: look again
            try:
                response = self._http.request(
                    call.method, call.path, params=self._scoped(call.params), json=call.body
                )
            except httpx.HTTPError as exc:
                raise self._transport_error(exc, call) from None
        log.debug("%s %s -> %s", call.method, call.path, response.status_code)
        return self._interpret(response, call)

    def execute(self, call: calls.ApiCall) -> Any:
        """Send ``call``, retrying it under the policy when it is safe."""
        if not call.safe or self.retry_policy.max_attempts == 1:
            return self._send_once(call)
        started = time.monotonic()
        try:
            # Most calls succeed at once: tenacity is set up only after a first failure.
            return self._send_once(call)
        except Exception as exc:
            if not is_retryable(exc, self.retry_policy):
                raise
            first_failure = exc
        from tenacity import Retrying

        replay = [first_failure]

        def attempt(call: calls.ApiCall) -> Any:
            if replay:  # tenacity's attempt 1 is the failure already seen, not a new request
                raise replay.pop()
            return self._send_once(call)

        kwargs = retrying_kwargs(self.retry_policy, before_sleep=self._before_sleep(call), started=started)
        return Retrying(**kwargs)(attempt, call)

    def _drive(self, flow: Generator[Any, Any, T]) -> T:
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
        return self._drive(self._get_or_create_flow(request, if_exists))

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
            self._drive(self._get_or_create_flow(r, if_exists, listings[r.integration_configuration_id]))
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
    ) -> bool:
        """Connect a store to a project; False when it already was (§5.1).

        :param configuration_id: configuration id of the store.
        :param store_id: store id.
        :param project_id: project id (``prj_…``).
        :param environments: targets that get the env vars.
        :param sensitive: make the env vars sensitive (unreadable afterwards).
        """
        return self.execute(calls.connect_store(configuration_id, store_id, project_id, environments, sensitive))  # type: ignore[no-any-return]

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
        """A project's environment variables (§8.1).

        :param project: project id or name.
        :param decrypt: ask for decrypted values (deprecated by Vercel; prefer ``get_project_env``).
        :param git_branch: only preview variables of this branch.
        """
        return self.execute(calls.list_project_env(project, decrypt, git_branch))  # type: ignore[no-any-return]

    def get_project_env(self, project: str, env_id: str) -> EnvVar:
        """One environment variable, decrypted when readable (§8.2).

        :param project: project id or name.
        :param env_id: the variable's id.
        """
        return self.execute(calls.get_project_env(project, env_id))  # type: ignore[no-any-return]


class AsyncVercelClient(_ClientCore):
    """Asynchronous twin of ``VercelClient`` over one pooled ``httpx.AsyncClient`` (triggers, bulk work).

    Takes the same arguments as ``VercelClient``; ``transport`` is an ``httpx.AsyncBaseTransport``.
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

    async def _send_once(self, call: calls.ApiCall) -> Any:
        if self._slots is None:  # created on first use, inside the event loop that uses it
            self._slots = asyncio.Semaphore(self.limits.max_connections or 10)
        async with self._slots:  # see VercelClient._send_once
            while pause := self._pause_remaining():
                await asyncio.sleep(pause)
            try:
                response = await self._http.request(
                    call.method, call.path, params=self._scoped(call.params), json=call.body
                )
            except httpx.HTTPError as exc:
                raise self._transport_error(exc, call) from None
        log.debug("%s %s -> %s", call.method, call.path, response.status_code)
        return self._interpret(response, call)

    async def execute(self, call: calls.ApiCall) -> Any:
        """Send ``call``, retrying it under the policy when it is safe."""
        if not call.safe or self.retry_policy.max_attempts == 1:
            return await self._send_once(call)
        started = time.monotonic()
        try:
            return await self._send_once(call)
        except Exception as exc:
            if not is_retryable(exc, self.retry_policy):
                raise
            first_failure = exc
        from tenacity import AsyncRetrying

        replay = [first_failure]

        async def attempt(call: calls.ApiCall) -> Any:
            if replay:
                raise replay.pop()
            return await self._send_once(call)

        kwargs = retrying_kwargs(self.retry_policy, before_sleep=self._before_sleep(call), started=started)
        return await AsyncRetrying(**kwargs)(attempt, call)

    async def _drive(self, flow: Generator[Any, Any, T]) -> T:
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
        return await self._drive(self._get_or_create_flow(request, if_exists))

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
                return await self._drive(self._get_or_create_flow(request, if_exists, known))

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
