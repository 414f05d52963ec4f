"""``VercelStoreStatusTrigger``: wait in the triggerer until a store is ready, failed or late.

A thin adapter: the async client drives the readiness flow (``api/readiness.py``) that the sensor and
the create operator drive on the worker, and its outcome is the one event.

The trigger only ever reads (``GET /v1/storage/stores/{id}``): creating the store is the worker's job,
so a restarted triggerer can never send a second create request. Its kwargs are plain JSON (ids,
numbers), the deadline is an absolute epoch timestamp computed on the worker, and the API token is
never among them: the trigger reads the Airflow connection itself, without blocking the event loop.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import TYPE_CHECKING, Any

from airflow.triggers.base import BaseTrigger, TriggerEvent

from airflow_provider_vercel.api import validation as check
from airflow_provider_vercel.api.constants import DEFAULT_POLL_INTERVAL
from airflow_provider_vercel.api.errors import VercelError
from airflow_provider_vercel.api.readiness import (
    EVENT_ERROR,
    EVENT_STATUSES,
    EVENT_SUCCESS,
    EVENT_TIMEOUT,
    StoreReadinessWait,
    describe_status,
)
from airflow_provider_vercel.defaults import DEFAULT_CONN_ID
from airflow_provider_vercel.hooks.masking import without_token
from airflow_provider_vercel.hooks.vercel import VercelHook

if TYPE_CHECKING:
    from airflow_provider_vercel.api.client import AsyncVercelClient


def store_event(status: str, store_id: str, store_status: str | None, message: str) -> TriggerEvent:
    """The one event a ``VercelStoreStatusTrigger`` yields.

    :param status: ``success``, ``error`` or ``timeout``.
    :param store_id: the store waited for.
    :param store_status: the store's last known status (None when it was never read).
    :param message: a sentence for the task log; never contains the token.
    """
    return TriggerEvent({"status": status, "store_id": store_id, "store_status": store_status, "message": message})  # type: ignore[no-untyped-call]


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
        poll_interval: float = DEFAULT_POLL_INTERVAL,
        team_id: str | None = None,
        team_slug: str | None = None,
    ) -> None:
        super().__init__()  # type: ignore[no-untyped-call]  # Airflow's BaseTrigger is unannotated
        # A VercelInputError is a ValueError: the triggerer refuses to build a trigger from bad kwargs.
        self.store_id = check.require_text("store_id", store_id)
        self.deadline = check.finite_number("deadline", deadline)
        self.poll_interval = check.finite_number("poll_interval", poll_interval, above=0)
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
        def log_status(store: Any, shown: str, polls: int) -> None:
            self.log.info("Store %s status: %s (poll %d)", self.store_id, shown, polls)

        wait = StoreReadinessWait(self.store_id, self.deadline, self.poll_interval, on_status=log_status)
        try:
            outcome = await client.run(wait.steps())
        except VercelError as exc:  # what is left after the client's retry policy gave up
            message = f"Reading store {self.store_id} failed: {_describe(exc)}"
            return store_event(EVENT_ERROR, self.store_id, wait.last_status, message)
        return TriggerEvent(outcome.event())  # type: ignore[no-untyped-call]


def _describe(exc: BaseException, hook: Any = None) -> str:
    # The API layer's messages never carry the token; anything else is scrubbed of it, to be sure.
    settings = getattr(hook, "__dict__", {}).get("settings")
    text = without_token(" ".join(str(exc).split()), getattr(settings, "token", None))
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
