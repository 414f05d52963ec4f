"""Waiting for a store in a task: the readiness flow driven on the worker, or a deferral to the trigger.

The wait itself is ``api/readiness.py``'s ``StoreReadinessWait``; here it meets Airflow: its outcome
becomes the task's errors (a failure status fails without retry, a late store is a sensor timeout),
and a wait that should not hold a worker slot defers to ``VercelStoreStatusTrigger``.

- ``get_store_or_fail(hook, store_id)``: one read; raises ``VercelStoreFailedError`` on a failure status.
- ``wait_for_store_ready(operator, hook=..., store_id=..., timeout=..., poll_interval=..., deferrable=...)``:
  one read on the worker, returning the store if ready; else defers (deferrable) or polls here.
- ``validate_store_event(event)``: for the ``execute_complete`` that resumes after deferral.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from airflow.providers.common.compat.sdk import AirflowException, AirflowSensorTimeout, conf

from airflow_provider_vercel.api import validation as check
from airflow_provider_vercel.api.coerce import rendered_bool, rendered_number
from airflow_provider_vercel.api.constants import (
    DEFAULT_POLL_INTERVAL,
    EVENT_STATUSES,
    EVENT_SUCCESS,
    EVENT_TIMEOUT,
    PENDING,
    STORE_FAILED_STATUSES,
)
from airflow_provider_vercel.tasks.base import VercelTaskError

if TYPE_CHECKING:
    from airflow.providers.common.compat.sdk import BaseOperator

    from airflow_provider_vercel.api.models import Store
    from airflow_provider_vercel.api.readiness import ReadinessOutcome
    from airflow_provider_vercel.hooks.vercel import VercelHook

DEFAULT_POKE_INTERVAL = DEFAULT_POLL_INTERVAL
DEFAULT_TIMEOUT = 30 * 60.0
# Airflow's own deferral timeout is a safety net behind the trigger's deadline (the trigger should
# always answer first, with a precise message); it only fires if no triggerer ran the trigger.
_DEFERRAL_GRACE = 120.0


class VercelStoreFailedError(VercelTaskError):
    """The store reached a failure status (``error``, ``suspended``…); retrying the task cannot help.

    :param store_id: the store.
    :param store_status: the failure status.
    :param message: what happened.
    """

    def __init__(self, store_id: str, store_status: str | None, message: str | None = None) -> None:
        self.store_id = store_id
        self.store_status = store_status
        super().__init__(message or f"Store {store_id} reached the failure status {store_status!r}.")


class VercelStoreWaitTimeout(AirflowSensorTimeout):
    """The store was not ready before the deadline (Airflow does not retry sensor timeouts).

    :param store_id: the store.
    :param store_status: the last status seen.
    :param message: what happened.
    """

    def __init__(self, store_id: str, store_status: str | None, message: str | None = None) -> None:
        self.store_id = store_id
        self.store_status = store_status
        super().__init__(message or f"Store {store_id} was not ready by the deadline; last status {store_status!r}.")


class VercelStoreWaitError(AirflowException):
    """Waiting failed for a reason other than the store's status (API kept failing, store gone, bad event).

    A plain ``AirflowException``: the task's own retries apply.

    :param store_id: the store, when known.
    :param message: what happened (never contains the token).
    """

    def __init__(self, store_id: str | None, message: str) -> None:
        self.store_id = store_id
        super().__init__(message)


def positive_seconds(argument: str, value: Any) -> float:
    """A duration in seconds, > 0 and finite (an infinite wait never times out, nor builds a deadline).

    :param argument: the argument's name, for the error.
    :param value: the value, or the text a template rendered.
    """
    return check.finite_number(argument, rendered_number(argument, value), above=0)


#: The arguments of a task that waits for a store, and the check (and coercion) each gets after rendering.
WAIT_ARGUMENT_CHECKS: dict[str, Callable[[Any], Any]] = {
    "wait_for_ready": lambda value: rendered_bool("wait_for_ready", value),
    "deferrable": lambda value: rendered_bool("deferrable", value, optional=True),
    "wait_timeout": lambda value: positive_seconds("wait_timeout", value),
    "poll_interval": lambda value: positive_seconds("poll_interval", value),
}


def default_deferrable() -> bool:
    """Airflow's ``[operators] default_deferrable`` setting (False when unset)."""
    return bool(conf.getboolean("operators", "default_deferrable", fallback=False))


def raise_for_outcome(outcome: ReadinessOutcome) -> Store | None:
    """The ready store, None while pending; else the task's error, as for the trigger's event of it.

    :param outcome: how the wait (or one read) ended.
    """
    if outcome.status == PENDING:
        return None
    validate_store_event(outcome.event(), outcome.store_id)  # one mapping of outcomes to task errors
    return outcome.store


def _logger(log: Any) -> Any:
    return lambda store, shown, polls: log.info("Store %s status: %s", store.id, shown)


def get_store_or_fail(hook: VercelHook, store_id: str, log: Any = None) -> Store:
    """Read the store once; raise ``VercelStoreFailedError`` if it reached a failure status.

    The caller checks ``store.is_ready``; a store neither ready nor failed is still pending (unknown
    statuses included).

    :param hook: the Vercel hook to read with.
    :param store_id: the store id.
    :param log: where to log the status, if anywhere.
    """
    # The readiness flow (with the API's pydantic models) loads when a task first waits, not when DAG
    # files import this module.
    from airflow_provider_vercel.api.readiness import StoreReadinessWait

    wait = StoreReadinessWait(store_id, on_status=None if log is None else _logger(log))
    outcome = hook.client.run(wait.steps())
    raise_for_outcome(outcome)
    assert outcome.store is not None  # neither missing nor failed: it was read
    return outcome.store


def defer_until_ready(
    operator: BaseOperator,
    *,
    store_id: str,
    deadline: float,
    vercel_conn_id: str,
    poll_interval: float = DEFAULT_POKE_INTERVAL,
    method_name: str = "execute_complete",
    next_kwargs: dict[str, Any] | None = None,
    team_id: str | None = None,
    team_slug: str | None = None,
) -> None:
    """Defer ``operator`` to ``VercelStoreStatusTrigger``; always raises ``TaskDeferred``.

    ``next_kwargs`` reach ``method_name`` with a real triggerer; note that ``dag.test()`` on Airflow
    3.3.2 passes only ``event`` when it runs the trigger inline, so ``method_name`` should not need them.

    :param operator: the operator that defers.
    :param store_id: the store to wait for.
    :param deadline: absolute deadline, seconds since the epoch (computed here, on the worker).
    :param vercel_conn_id: the connection the trigger reads in the triggerer.
    :param poll_interval: seconds between two reads in the triggerer.
    :param method_name: the operator method that resumes with ``event``.
    :param next_kwargs: extra JSON keyword arguments for ``method_name``.
    :param team_id: team id overriding the connection's.
    :param team_slug: team slug overriding the connection's.
    """
    # Imported here, at deferral: DAG files import this module, and the trigger module brings Airflow's
    # trigger machinery, which a task that never defers does not need.
    from airflow_provider_vercel.triggers.stores import VercelStoreStatusTrigger

    trigger = VercelStoreStatusTrigger(
        store_id=store_id,
        deadline=deadline,
        vercel_conn_id=vercel_conn_id,
        poll_interval=poll_interval,
        team_id=team_id,
        team_slug=team_slug,
    )
    remaining = max(0.0, deadline - time.time())
    safety_net = remaining + max(_DEFERRAL_GRACE, 3 * poll_interval)
    operator.log.info(
        "Store %s is not ready yet: deferring (poll every %ss, deadline in %.0fs).", store_id, poll_interval, remaining
    )
    operator.defer(
        trigger=trigger, method_name=method_name, kwargs=next_kwargs, timeout=timedelta(seconds=safety_net)
    )


def wait_for_store_ready(
    operator: BaseOperator,
    *,
    hook: VercelHook,
    store_id: str,
    timeout: float = DEFAULT_TIMEOUT,
    poll_interval: float = DEFAULT_POKE_INTERVAL,
    deferrable: bool = False,
    method_name: str = "execute_complete",
    next_kwargs: dict[str, Any] | None = None,
    team_id: str | None = None,
    team_slug: str | None = None,
) -> Store:
    """Wait until the store is ready: check once, then defer or poll here; return the ready store.

    Raises ``VercelStoreFailedError`` on a failure status (no retry), ``VercelStoreWaitTimeout`` when
    ``timeout`` passes first, ``TaskDeferred`` when ``deferrable`` and the store is not ready at the
    first check (the operator then resumes in ``method_name(context, event, **next_kwargs)``, which
    should call ``validate_store_event``).

    :param operator: the operator that waits (it defers, and its logger is used).
    :param hook: the hook to read the store with on the worker; the trigger uses its connection id.
    :param store_id: the store to wait for.
    :param timeout: seconds from now until the wait fails.
    :param poll_interval: seconds between two reads.
    :param deferrable: wait in the triggerer (True) or in this worker slot (False).
    :param method_name: the operator method that resumes after deferral.
    :param next_kwargs: extra JSON keyword arguments for ``method_name`` (not passed by ``dag.test()``).
    :param team_id: team id the trigger should use instead of the connection's.
    :param team_slug: team slug the trigger should use instead of the connection's.
    """
    from airflow_provider_vercel.api.readiness import StoreReadinessWait  # run time only, as above

    deadline = time.time() + timeout
    wait = StoreReadinessWait(store_id, poll_interval=poll_interval, on_status=_logger(operator.log))
    ready = raise_for_outcome(hook.client.run(wait.steps()))
    if ready is not None:
        return ready
    if deferrable:
        defer_until_ready(
            operator,
            store_id=store_id,
            deadline=deadline,
            vercel_conn_id=hook.vercel_conn_id,
            poll_interval=poll_interval,
            method_name=method_name,
            next_kwargs=next_kwargs,
            team_id=team_id,
            team_slug=team_slug,
        )
    wait.deadline = deadline
    ready = raise_for_outcome(hook.client.run(wait.steps(resume=True)))
    assert ready is not None  # with a deadline the wait ends ready, failed or late
    return ready


def validate_store_event(event: Mapping[str, Any] | None, store_id: str | None = None) -> dict[str, Any]:
    """Check the event a ``VercelStoreStatusTrigger`` sent; return it when the store is ready.

    Raises ``VercelStoreFailedError`` (no retry) when the store reached a failure status,
    ``VercelStoreWaitTimeout`` on ``timeout``, ``VercelStoreWaitError`` for API errors and malformed
    events; each message names the store and its status.

    :param event: the trigger's event payload, as passed to ``execute_complete``.
    :param store_id: the store the task waited for, checked against the event when given.
    """
    if not isinstance(event, Mapping) or event.get("status") not in EVENT_STATUSES:
        raise VercelStoreWaitError(store_id, f"Unexpected event from the store trigger: {event!r}")
    event_store = event.get("store_id")
    if store_id is not None and event_store != store_id:
        raise VercelStoreWaitError(store_id, f"The trigger reported on store {event_store!r}, not {store_id!r}.")
    sid = str(event_store or store_id)
    status = event.get("store_status")
    message = str(event.get("message") or "")
    if event["status"] == EVENT_SUCCESS:
        return dict(event)
    if event["status"] == EVENT_TIMEOUT:
        raise VercelStoreWaitTimeout(sid, status, message or None)
    if status in STORE_FAILED_STATUSES:
        raise VercelStoreFailedError(sid, status, message or None)
    raise VercelStoreWaitError(sid, message or f"Waiting for store {sid} failed (status {status!r}).")
