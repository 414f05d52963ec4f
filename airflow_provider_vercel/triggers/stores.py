"""``VercelStoreStatusTrigger``: wait in the triggerer until a store is ready, failed or late.

The trigger only ever reads (``GET /v1/storage/stores/{id}``): creating the store is the worker's job,
so a restarted triggerer can never send a second create request. Its kwargs are plain JSON (ids,
numbers), the deadline is an absolute epoch timestamp computed on the worker, and the API token is
never among them: the trigger reads the Airflow connection itself, without blocking the event loop.
"""

from __future__ import annotations

import asyncio
import math
import time
from collections.abc import AsyncIterator
from typing import TYPE_CHECKING, Any

from airflow.triggers.base import BaseTrigger, TriggerEvent

from airflow_provider_vercel.defaults import DEFAULT_CONN_ID

if TYPE_CHECKING:
    from airflow_provider_vercel.api.client import AsyncVercelClient
    from airflow_provider_vercel.api.models import Store

#: Values of an event's ``status``.
EVENT_SUCCESS = "success"
EVENT_ERROR = "error"
EVENT_TIMEOUT = "timeout"
EVENT_STATUSES = (EVENT_SUCCESS, EVENT_ERROR, EVENT_TIMEOUT)


def store_event(status: str, store_id: str, store_status: str | None, message: str) -> TriggerEvent:
    """The one event a ``VercelStoreStatusTrigger`` yields.

    :param status: ``success``, ``error`` or ``timeout``.
    :param store_id: the store waited for.
    :param store_status: the store's last known status (None when it was never read).
    :param message: a sentence for the task log; never contains the token.
    """
    return TriggerEvent({"status": status, "store_id": store_id, "store_status": store_status, "message": message})


def _number(argument: str, value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise ValueError(f"{argument} must be a finite number, got {value!r}")
    return float(value)


class VercelStoreStatusTrigger(BaseTrigger):
    """Poll a Vercel store until it is ready, has failed, or the deadline passes; yield one event.

    The event is ``{"status", "store_id", "store_status", "message"}`` where ``status`` is
    ``success`` (the store is ``available``), ``error`` (the store reached a failure status such as
    ``error``, ``suspended``, ``limits-exceeded-*`` or ``uninstalled``, given in ``store_status``; or
    the API kept failing after the client's retries, or the store no longer exists) or ``timeout``
    (still not ready at ``deadline``; ``store_status`` is the last status seen). Unknown statuses
    keep it waiting. Transient API errors (429, 5xx, network) are retried by the client's policy.

    :param store_id: the store to watch (``store_…``).
    :param deadline: absolute deadline, seconds since the epoch (``time.time()`` on the worker + timeout).
    :param vercel_conn_id: the Airflow connection holding the token, base URL and team.
    :param poll_interval: seconds between two reads of the store.
    :param team_id: team id overriding the connection's, or None.
    :param team_slug: team slug overriding the connection's, or None.
    """

    def __init__(
        self,
        store_id: str,
        deadline: float,
        vercel_conn_id: str = DEFAULT_CONN_ID,
        poll_interval: float = 10.0,
        team_id: str | None = None,
        team_slug: str | None = None,
    ) -> None:
        super().__init__()
        if not isinstance(store_id, str) or not store_id.strip():
            raise ValueError(f"store_id must be a non-empty string, got {store_id!r}")
        self.store_id = store_id.strip()
        self.deadline = _number("deadline", deadline)
        self.poll_interval = _number("poll_interval", poll_interval)
        if self.poll_interval <= 0:
            raise ValueError(f"poll_interval must be > 0 seconds, got {poll_interval!r}")
        self.vercel_conn_id = vercel_conn_id
        self.team_id = team_id
        self.team_slug = team_slug

    def serialize(self) -> tuple[str, dict[str, Any]]:
        """Classpath and JSON-only kwargs (no token) from which the triggerer rebuilds this trigger."""
        return (
            f"{type(self).__module__}.{type(self).__qualname__}",
            {
                "store_id": self.store_id,
                "deadline": self.deadline,
                "vercel_conn_id": self.vercel_conn_id,
                "poll_interval": self.poll_interval,
                "team_id": self.team_id,
                "team_slug": self.team_slug,
            },
        )

    def __repr__(self) -> str:
        return f"<{type(self).__name__} store_id={self.store_id!r} deadline={self.deadline} conn={self.vercel_conn_id!r}>"

    async def run(self) -> AsyncIterator[TriggerEvent]:
        """Read the store every ``poll_interval`` seconds and yield exactly one event."""
        from airflow_provider_vercel.hooks.vercel import VercelHook

        hook = VercelHook(self.vercel_conn_id, team_id=self.team_id, team_slug=self.team_slug)
        try:
            client = await hook.aget_client()
        except Exception as exc:  # bad or missing connection: report it, the task fails with it
            message = f"Cannot build the Vercel client from connection {self.vercel_conn_id!r}: {_describe(exc, hook)}"
            yield store_event(EVENT_ERROR, self.store_id, None, message)
            return
        try:
            event = await self._poll(client)
        except Exception as exc:  # a bug or an unexpected failure: still exactly one event, no secret
            event = store_event(EVENT_ERROR, self.store_id, None, f"Waiting for store {self.store_id} failed: {_describe(exc, hook)}")
        finally:
            await client.aclose()
        yield event

    async def _poll(self, client: AsyncVercelClient) -> TriggerEvent:
        from airflow_provider_vercel.api.errors import VercelError, VercelGoneError, VercelNotFoundError

        last: str | None = None
        polls = 0
        while True:
            try:
                store = await client.get_store(self.store_id)
            except (VercelNotFoundError, VercelGoneError):
                return store_event(
                    EVENT_ERROR, self.store_id, last, f"Store {self.store_id} does not exist (deleted or another team's)."
                )
            except VercelError as exc:  # what is left after the client's retry policy gave up
                return store_event(
                    EVENT_ERROR, self.store_id, last, f"Reading store {self.store_id} failed: {_describe(exc)}"
                )
            polls += 1
            shown = describe_status(store)
            if polls == 1 or store.status != last:
                self.log.info("Store %s status: %s (poll %d)", self.store_id, shown, polls)
            last = store.status
            if store.is_ready:
                message = f"Store {self.store_id} is ready (status {shown}) after {polls} poll(s)."
                return store_event(EVENT_SUCCESS, self.store_id, store.status, message)
            if store.has_failed:
                message = f"Store {self.store_id} reached the failure status {shown!r}."
                return store_event(EVENT_ERROR, self.store_id, store.status, message)
            remaining = self.deadline - time.time()
            if remaining <= 0:
                message = (
                    f"Store {self.store_id} was not ready by the deadline; last status {shown!r} after {polls} poll(s)."
                )
                return store_event(EVENT_TIMEOUT, self.store_id, store.status, message)
            await asyncio.sleep(min(self.poll_interval, remaining))


def describe_status(store: Store) -> str:
    """The store's status for a message; a null status shows ``externalResourceStatus`` (§5.2).

    :param store: the store as read from the API.
    """
    if store.status in (None, "null"):
        return f"null (external {store.external_resource_status})" if store.external_resource_status else "null"
    return store.status


def _describe(exc: BaseException, hook: Any = None) -> str:
    # The API layer's messages never carry the token; anything else is scrubbed of it, to be sure.
    text = " ".join(str(exc).split())
    settings = getattr(hook, "__dict__", {}).get("settings")
    token = getattr(settings, "token", None)
    if token and token in text:
        text = text.replace(token, "***")
    if len(text) > 300:
        text = text[:299] + "…"
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


__all__ = [
    "EVENT_ERROR",
    "EVENT_STATUSES",
    "EVENT_SUCCESS",
    "EVENT_TIMEOUT",
    "VercelStoreStatusTrigger",
    "describe_status",
    "store_event",
]
