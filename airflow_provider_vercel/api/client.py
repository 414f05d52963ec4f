"""HTTP clients for the Vercel endpoints: ``VercelClient`` (sync) here, ``AsyncVercelClient`` in ``async_client.py``.

Both execute the ``ApiCall`` objects of ``calls.py`` over one pooled httpx client (keep-alive), add
team scoping and the bearer token, map error statuses to exceptions, and retry safe calls under a
``RetryPolicy``; what they share is ``client_core.ClientCore``. Neither knows anything of Airflow.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Generator, Mapping, Sequence
from typing import Any, TypeVar

import httpx
from tenacity import Retrying

from airflow_provider_vercel.api import calls
from airflow_provider_vercel.api import validation as check
from airflow_provider_vercel.api.async_client import AsyncVercelClient as AsyncVercelClient  # re-exported
from airflow_provider_vercel.api.bounded import (
    SENDING_EVENTS,
    Attempt,
    DeadlineExpired,
    DeadlineTransport,
    current_attempt,
    read_body,
)
from airflow_provider_vercel.api.client_core import ClientCore, env_proxies, log, tls_context
from airflow_provider_vercel.api.connect import connect_flow
from airflow_provider_vercel.api.create import CreateOutcome, IfExists, matching_stores
from airflow_provider_vercel.api.env_pages import env_pages_flow
from airflow_provider_vercel.api.models import (
    BillingPlan,
    ConfigurationProducts,
    EnvVar,
    IntegrationConfiguration,
    Store,
)
from airflow_provider_vercel.api.parsers import require_store
from airflow_provider_vercel.api.retry import is_retryable
from airflow_provider_vercel.api.steps import Finished, Sleep, Step, advance
from airflow_provider_vercel.defaults import DEFAULT_BASE_URL as DEFAULT_BASE_URL  # re-exported for callers

T = TypeVar("T")


class VercelClient(ClientCore):
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
        if transport is None and not env_proxies():
            transport = DeadlineTransport(tls_context(), self.limits)
        self._http = httpx.Client(transport=transport, **self._http_options())

    def __enter__(self) -> VercelClient:
        return self

    def __exit__(self, *exc_info: Any) -> None:
        self.close()

    def close(self) -> None:
        """Close the pooled connections."""
        self._http.close()

    def _wait_for_pause(self, call: calls.ApiCall[Any], budget_end: float) -> float:
        waited = 0.0
        while pause := self._pause_to_wait(call, budget_end):
            time.sleep(pause)  # a 429 that arrives meanwhile may extend the pause: look again
            waited += pause
        return waited

    def _tracer(self, call: calls.ApiCall[Any], attempt: Attempt, budget_end: float) -> Callable[[str, Any], None]:
        def trace(event: str, info: Any) -> None:
            attempt.traced = True
            if event in SENDING_EVENTS:
                # Last look at the pause, with the connection in hand and nothing written yet.
                attempt.deadline += self._wait_for_pause(call, budget_end)
                attempt.sent = True

        return trace

    def _send_once(self, call: calls.ApiCall[T], budget_end: float | None = None, retry: bool = False) -> T:
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

    def execute(self, call: calls.ApiCall[T]) -> T:
        """Send ``call``, retrying it under the policy when it is safe; never past its time budget.

        :param call: the request and how to read its answer.
        """
        budget_end = self._budget_end()
        if not self._retried(call):
            return self._send_once(call, budget_end)
        started = time.monotonic()
        try:
            # Most calls succeed at once: tenacity is set up only after a first failure.
            return self._send_once(call, budget_end)
        except Exception as exc:
            if not is_retryable(exc, self.retry_policy):
                raise
            first_failure = exc
        replay = [first_failure]

        def attempt(call: calls.ApiCall[T]) -> T:
            if replay:  # tenacity's attempt 1 is the failure already seen, not a new request
                raise replay.pop()
            return self._send_once(call, budget_end, retry=True)

        return Retrying(**self._retrying_kwargs(call, started))(attempt, call)

    def run(self, flow: Generator[Step, Any, T]) -> T:
        """Drive a step generator (an ``api`` flow): execute each call it yields, sleep each ``Sleep``.

        A call's exception is thrown into the flow, which decides; the flow's return value is returned.

        :param flow: the flow, e.g. ``get_or_create_flow(...)``.
        """
        step = advance(flow)
        while not isinstance(step, Finished):
            try:
                if isinstance(step, Sleep):
                    time.sleep(step.seconds)
                    result = None
                else:
                    result = self.execute(step)
            except Exception as exc:  # handed to the flow, which decides
                step = advance(flow, error=exc)
                continue
            step = advance(flow, result=result)
        return step.value

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
        return self.execute(calls.list_configurations(view, installation_type, integration))

    def get_configuration(self, configuration_id: str) -> IntegrationConfiguration:
        """One configuration (§5.5).

        :param configuration_id: configuration id (``icfg_…``).
        """
        return self.execute(calls.get_configuration(configuration_id))

    def list_products(self, configuration_id: str) -> ConfigurationProducts:
        """Products a configuration can provision, with their metadata schemas (§2).

        :param configuration_id: configuration id (``icfg_…``).
        """
        return self.execute(calls.list_products(configuration_id))

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
        return self.execute(calls.list_billing_plans(integration, product, metadata, configuration_id))

    def create_store(self, request: calls.CreateStoreRequest) -> Store | None:
        """One POST creating a store; no retry, no existence check (prefer ``get_or_create_store``).

        :param request: the validated create body.
        """
        return self.execute(calls.create_store(request))

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
        listings = {cfg: self.execute(call) for cfg, call in self._batch_listings(requests).items()}
        return [
            self.run(self._get_or_create_flow(r, if_exists, listings[r.integration_configuration_id]))
            for r in requests
        ]

    def get_store(self, store_id: str) -> Store:
        """One store with its current status (§5.2).

        :param store_id: store id (``store_…``).
        """
        return require_store(self.execute(calls.get_store(store_id)), store_id)

    def list_stores(self, configuration_id: str | None = None) -> list[Store]:
        """The team's stores, optionally of one configuration (§5.3).

        :param configuration_id: configuration id to filter on.
        """
        return self.execute(calls.list_stores(configuration_id))

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
        return self.execute(calls.disconnect_store(store_id, connection_id))

    def delete_store(self, store_id: str) -> bool:
        """Delete a store; False when it was already gone (§5.4).

        :param store_id: store id.
        """
        return self.execute(calls.delete_store(store_id))

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
        return self.execute(calls.get_project_env(project, env_id))
