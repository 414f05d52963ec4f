"""``AsyncVercelClient``: the asynchronous twin of ``client.VercelClient`` (triggers, bulk work).

It executes the same ``ApiCall`` objects and drives the same flows; what it shares with the sync
client is ``client_core.ClientCore``. Here only the sending differs: ``httpx.AsyncClient``, and the
request deadline enforced through ``asyncio.timeout``.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Coroutine, Generator, Mapping, Sequence
from typing import Any, TypeVar

import httpx
from tenacity import AsyncRetrying

from airflow_provider_vercel.api import calls
from airflow_provider_vercel.api.bounded import SENDING_EVENTS, Attempt, DeadlineExpired, aread_body
from airflow_provider_vercel.api.client_core import ClientCore, log
from airflow_provider_vercel.api.create import CreateOutcome, IfExists, matching_stores
from airflow_provider_vercel.api.errors import VercelInputError
from airflow_provider_vercel.api.models import (
    BillingPlan,
    ConfigurationProducts,
    IntegrationConfiguration,
    Store,
)
from airflow_provider_vercel.api.parsers import require_store
from airflow_provider_vercel.api.retry import is_retryable
from airflow_provider_vercel.api.steps import Finished, Sleep, Step, advance

T = TypeVar("T")


class AsyncVercelClient(ClientCore):
    """Asynchronous twin of ``VercelClient`` over one pooled ``httpx.AsyncClient`` (triggers, bulk work).

    Takes the same arguments as ``VercelClient``; ``transport`` is an ``httpx.AsyncBaseTransport``.
    The deadline covers each whole exchange through ``asyncio.timeout``, whatever the transport.
    """

    def __init__(self, token: str, *, transport: httpx.AsyncBaseTransport | None = None, **kwargs: Any) -> None:
        super().__init__(token, **kwargs)
        self._slots: asyncio.Semaphore | None = None
        self._http = httpx.AsyncClient(transport=transport, **self._http_options())

    async def __aenter__(self) -> AsyncVercelClient:
        return self

    async def __aexit__(self, *exc_info: Any) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Close the pooled connections."""
        await self._http.aclose()

    async def _wait_for_pause(self, call: calls.ApiCall[Any], budget_end: float) -> float:
        waited = 0.0
        while pause := self._pause_to_wait(call, budget_end):
            await asyncio.sleep(pause)
            waited += pause
        return waited

    def _tracer(
        self, call: calls.ApiCall[Any], attempt: Attempt, budget_end: float, scopes: list[asyncio.Timeout]
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

    async def _send_once(self, call: calls.ApiCall[T], budget_end: float | None = None, retry: bool = False) -> T:
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

    async def execute(self, call: calls.ApiCall[T]) -> T:
        """Send ``call``, retrying it under the policy when it is safe; never past its time budget.

        :param call: the request and how to read its answer.
        """
        budget_end = self._budget_end()
        if not self._retried(call):
            return await self._send_once(call, budget_end)
        started = time.monotonic()
        try:
            return await self._send_once(call, budget_end)
        except Exception as exc:
            if not is_retryable(exc, self.retry_policy):
                raise
            first_failure = exc
        replay = [first_failure]

        async def attempt(call: calls.ApiCall[T]) -> T:
            if replay:
                raise replay.pop()
            return await self._send_once(call, budget_end, retry=True)

        return await AsyncRetrying(**self._retrying_kwargs(call, started))(attempt, call)

    async def run(self, flow: Generator[Step, Any, T]) -> T:
        """Drive a step generator as ``VercelClient.run`` does, without blocking the event loop.

        :param flow: the flow, e.g. ``get_or_create_flow(...)``.
        """
        step = advance(flow)
        while not isinstance(step, Finished):
            try:
                if isinstance(step, Sleep):
                    await asyncio.sleep(step.seconds)
                    result = None
                else:
                    result = await self.execute(step)
            except Exception as exc:  # handed to the flow, which decides
                step = advance(flow, error=exc)
                continue
            step = advance(flow, result=result)
        return step.value

    async def request(
        self, method: str, path: str, *, params: Mapping[str, Any] | None = None, json: Any = None
    ) -> Any:
        """Call any endpoint and return its decoded JSON."""
        return await self.execute(calls.generic(method, path, params, json))

    async def list_configurations(
        self, view: str = "account", installation_type: str | None = None, integration: str | None = None
    ) -> list[IntegrationConfiguration]:
        """See ``VercelClient.list_configurations``."""
        return await self.execute(calls.list_configurations(view, installation_type, integration))

    async def list_products(self, configuration_id: str) -> ConfigurationProducts:
        """See ``VercelClient.list_products``."""
        return await self.execute(calls.list_products(configuration_id))

    async def list_billing_plans(
        self,
        integration: str,
        product: str,
        metadata: Mapping[str, Any] | None = None,
        configuration_id: str | None = None,
    ) -> list[BillingPlan]:
        """See ``VercelClient.list_billing_plans``."""
        return await self.execute(calls.list_billing_plans(integration, product, metadata, configuration_id))

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
        listings = {cfg: await self.execute(call) for cfg, call in self._batch_listings(requests).items()}
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
        return await self.execute(calls.create_store(request))

    async def find_stores(self, name: str, configuration_id: str, product: str | None = None) -> list[Store]:
        """See ``VercelClient.find_stores``."""
        return matching_stores(await self.list_stores(configuration_id), name, product)

    async def get_store(self, store_id: str) -> Store:
        """See ``VercelClient.get_store``."""
        return require_store(await self.execute(calls.get_store(store_id)), store_id)

    async def list_stores(self, configuration_id: str | None = None) -> list[Store]:
        """See ``VercelClient.list_stores``."""
        return await self.execute(calls.list_stores(configuration_id))

    async def delete_store(self, store_id: str) -> bool:
        """See ``VercelClient.delete_store``."""
        return await self.execute(calls.delete_store(store_id))
