"""Waiting for a store to become ready, written once as a step generator that both clients drive.

Readiness (§5.2): ``available`` (or a null status with ``externalResourceStatus == "ready"``) is ready;
``error``, ``suspended``, ``limits-exceeded-suspended``, ``limits-exceeded-suspended-store-count`` and
``uninstalled`` end the wait at once, naming the status; anything else (``initializing``,
``onboarding``, null, a status Vercel adds later) keeps waiting until the deadline.

``StoreReadinessWait.steps()`` yields ``get_store`` calls and ``Sleep`` steps and returns one
``ReadinessOutcome``. The sensor drives a single read per poke (no deadline), the create operator
drives the whole wait on the worker with the sync client, and the trigger drives it with the async
client; the outcome's ``event()`` is the trigger event the task resumes with.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Generator
from dataclasses import dataclass
from typing import Any

from airflow_provider_vercel.api import calls
from airflow_provider_vercel.api.constants import (
    DEFAULT_POLL_INTERVAL,
    EVENT_ERROR,
    EVENT_STATUSES,
    EVENT_SUCCESS,
    EVENT_TIMEOUT,
    PENDING,
    STORE_FAILED_STATUSES,
)
from airflow_provider_vercel.api.errors import VercelGoneError, VercelNotFoundError
from airflow_provider_vercel.api.models import Store
from airflow_provider_vercel.api.parsers import require_store
from airflow_provider_vercel.api.steps import Sleep, Step

__all__ = [
    "EVENT_ERROR",
    "EVENT_STATUSES",
    "EVENT_SUCCESS",
    "EVENT_TIMEOUT",
    "PENDING",
    "STORE_FAILED_STATUSES",
    "ReadinessOutcome",
    "StoreReadinessWait",
    "describe_status",
]


def describe_status(store: Store) -> str:
    """The store's status for a message; a null status shows ``externalResourceStatus`` (§5.2).

    :param store: the store as read from the API.
    """
    if store.status in (None, "null"):
        return f"null (external {store.external_resource_status})" if store.external_resource_status else "null"
    return store.status


@dataclass(frozen=True)
class ReadinessOutcome:
    """How a wait ended.

    :param status: ``success``, ``error``, ``timeout``, or ``pending`` after a single read.
    :param store_id: the store waited for.
    :param store: the store as last read (None when it was never read or does not exist).
    :param message: a sentence for the task log; never contains the token.
    :param missing: True when the store does not exist (deleted, or another team's).
    """

    status: str
    store_id: str
    store: Store | None
    message: str
    missing: bool = False

    @property
    def store_status(self) -> str | None:
        """The store's last known status (None when it was never read)."""
        return None if self.store is None else self.store.status

    def event(self) -> dict[str, Any]:
        """The JSON payload of the trigger event: ``{"status", "store_id", "store_status", "message"}``."""
        return {"status": self.status, "store_id": self.store_id, "store_status": self.store_status, "message": self.message}


class StoreReadinessWait:
    """One wait for a store: the steps to drive, and what was seen so far.

    :param store_id: the store to wait for.
    :param deadline: absolute deadline, seconds since the epoch; None reads once and returns ``pending``.
    :param poll_interval: seconds between two reads.
    :param on_status: called with ``(store, shown status, poll number)`` on the first read and on each change.
    :param clock: the time source of ``deadline`` (``time.time``).
    """

    def __init__(
        self,
        store_id: str,
        deadline: float | None = None,
        poll_interval: float = DEFAULT_POLL_INTERVAL,
        on_status: Callable[[Store, str, int], None] | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.store_id = store_id
        self.deadline = deadline
        self.poll_interval = poll_interval
        self.on_status = on_status
        self.clock = clock
        #: Reads made, and the store as last read.
        self.polls = 0
        self.last: Store | None = None

    @property
    def last_status(self) -> str | None:
        """The status of the last read (None before the first)."""
        return None if self.last is None else self.last.status

    def steps(self, resume: bool = False) -> Generator[Step, Any, ReadinessOutcome]:
        """Read the store until it is ready, failed or late; other API errors are raised to the driver.

        :param resume: continue a wait whose last read found the store pending: pause before reading.
        """
        if resume and self.last is not None:
            late = yield from self._pause()
            if late is not None:
                return late
        while True:
            try:
                store = require_store((yield calls.get_store(self.store_id)), self.store_id)
            except (VercelNotFoundError, VercelGoneError):
                message = f"Store {self.store_id} does not exist (deleted or another team's)."
                return ReadinessOutcome(EVENT_ERROR, self.store_id, self.last, message, missing=True)
            self.polls += 1
            shown = describe_status(store)
            if self.on_status is not None and (self.last is None or store.status != self.last.status):
                self.on_status(store, shown, self.polls)
            self.last = store
            if store.is_ready:
                message = f"Store {self.store_id} is ready (status {shown}) after {self.polls} poll(s)."
                return ReadinessOutcome(EVENT_SUCCESS, self.store_id, store, message)
            if store.has_failed:
                message = f"Store {self.store_id} reached the failure status {shown!r}."
                return ReadinessOutcome(EVENT_ERROR, self.store_id, store, message)
            if self.deadline is None:
                return ReadinessOutcome(PENDING, self.store_id, store, f"Store {self.store_id} status: {shown}.")
            late = yield from self._pause()
            if late is not None:
                return late

    def _pause(self) -> Generator[Step, Any, ReadinessOutcome | None]:
        """Sleep until the next read; the timeout outcome instead when the deadline has passed."""
        assert self.deadline is not None and self.last is not None
        remaining = self.deadline - self.clock()
        if remaining <= 0:
            message = (
                f"Store {self.store_id} was not ready by the deadline; last status "
                f"{describe_status(self.last)!r} after {self.polls} poll(s)."
            )
            return ReadinessOutcome(EVENT_TIMEOUT, self.store_id, self.last, message)
        yield Sleep(min(self.poll_interval, remaining))
        return None
