"""Waiting for a Vercel store to become ready: ``VercelStoreReadySensor`` and reusable wait helpers.

Readiness (docs/api-contract.md §5.2): ``available`` (or a null status with ``externalResourceStatus ==
"ready"``) is ready; ``error``, ``suspended``, ``limits-exceeded-suspended``,
``limits-exceeded-suspended-store-count`` and ``uninstalled`` are failures that end the wait at once,
naming the status; anything else (``initializing``, ``onboarding``, null, a status Vercel adds later)
keeps waiting until the deadline.

The helpers let any operator wait the same way the sensor does, in one call:

- ``get_store_or_fail(hook, store_id)``: one GET; raises ``VercelStoreFailedError`` on a failure status.
- ``wait_for_store_ready(operator, hook=..., store_id=..., timeout=..., poll_interval=..., deferrable=...)``:
  checks once on the worker and returns the store if it is ready already; otherwise defers to
  ``VercelStoreStatusTrigger`` (deferrable) or polls in the worker until ready, failed or late.
- ``validate_store_event(event)``: for the ``execute_complete`` that resumes after deferral; returns the
  event of a ready store, raises with the status in the message otherwise.

This module is imported when DAG files are parsed: it imports no HTTP client and no trigger at the top.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from airflow.providers.common.compat.sdk import (
    AirflowException,
    AirflowFailException,
    AirflowSensorTimeout,
    AirflowSkipException,
    BaseSensorOperator,
    PokeReturnValue,
    conf,
)

from airflow_provider_vercel.operators._base import (
    VercelBaseOperator,
    VercelTaskError,
    rendered_bool,
    task_failures,
)

if TYPE_CHECKING:
    from airflow.providers.common.compat.sdk import BaseOperator, Context

    from airflow_provider_vercel.api.models import Store
    from airflow_provider_vercel.hooks.vercel import VercelHook

DEFAULT_POKE_INTERVAL = 10.0
DEFAULT_TIMEOUT = 30 * 60.0
# Airflow's own deferral timeout is a safety net behind the trigger's deadline (the trigger should
# always answer first, with a precise message); it only fires if no triggerer ran the trigger.
_DEFERRAL_GRACE = 120.0
_EVENT_STATUSES = ("success", "error", "timeout")


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


def default_deferrable() -> bool:
    """Airflow's ``[operators] default_deferrable`` setting (False when unset)."""
    return conf.getboolean("operators", "default_deferrable", fallback=False)


def _shown_status(store: Store) -> str:
    if store.status in (None, "null"):
        return f"null (external {store.external_resource_status})" if store.external_resource_status else "null"
    return store.status


def get_store_or_fail(hook: VercelHook, store_id: str, log: Any = None) -> Store:
    """Read the store once; raise ``VercelStoreFailedError`` if it reached a failure status.

    The caller checks ``store.is_ready``; a store neither ready nor failed is still pending (unknown
    statuses included).

    :param hook: the Vercel hook to read with.
    :param store_id: the store id.
    :param log: where to log the status, if anywhere.
    """
    from airflow_provider_vercel.api.errors import VercelGoneError, VercelNotFoundError

    try:
        store = hook.get_store(store_id)
    except (VercelNotFoundError, VercelGoneError) as exc:
        raise VercelStoreWaitError(store_id, f"Store {store_id} does not exist (deleted or another team's).") from exc
    if log is not None:
        log.info("Store %s status: %s", store_id, _shown_status(store))
    if store.has_failed:
        raise VercelStoreFailedError(store_id, store.status)
    return store


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
    from airflow_provider_vercel.triggers.stores import VercelStoreStatusTrigger

    trigger = VercelStoreStatusTrigger(
        store_id=store_id,
        deadline=deadline,
        vercel_conn_id=vercel_conn_id,
        poll_interval=poll_interval,
        team_id=team_id,
        team_slug=team_slug,
    )
    safety_net = max(0.0, deadline - time.time()) + max(_DEFERRAL_GRACE, 3 * poll_interval)
    operator.log.info(
        "Store %s is not ready yet: deferring (poll every %ss, deadline in %.0fs).",
        store_id, poll_interval, max(0.0, deadline - time.time()),
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
    deadline = time.time() + timeout
    store = get_store_or_fail(hook, store_id, operator.log)
    if store.is_ready:
        return store
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
    while True:
        remaining = deadline - time.time()
        if remaining <= 0:
            raise VercelStoreWaitTimeout(
                store_id,
                store.status,
                f"Store {store_id} was not ready within {timeout:.0f}s; last status {_shown_status(store)!r}.",
            )
        time.sleep(min(poll_interval, remaining))
        previous = store.status
        store = get_store_or_fail(hook, store_id)
        if store.status != previous:
            operator.log.info("Store %s status: %s", store_id, _shown_status(store))
        if store.is_ready:
            return store


def validate_store_event(event: Mapping[str, Any] | None, store_id: str | None = None) -> dict[str, Any]:
    """Check the event a ``VercelStoreStatusTrigger`` sent; return it when the store is ready.

    Raises ``VercelStoreFailedError`` (no retry) when the store reached a failure status,
    ``VercelStoreWaitTimeout`` on ``timeout``, ``VercelStoreWaitError`` for API errors and malformed
    events; each message names the store and its status.

    :param event: the trigger's event payload, as passed to ``execute_complete``.
    :param store_id: the store the task waited for, checked against the event when given.
    """
    from airflow_provider_vercel.api.models import STORE_FAILED_STATUSES

    if not isinstance(event, Mapping) or event.get("status") not in _EVENT_STATUSES:
        raise VercelStoreWaitError(store_id, f"Unexpected event from the store trigger: {event!r}")
    event_store = event.get("store_id")
    if store_id is not None and event_store != store_id:
        raise VercelStoreWaitError(store_id, f"The trigger reported on store {event_store!r}, not {store_id!r}.")
    sid = str(event_store or store_id)
    status = event.get("store_status")
    message = str(event.get("message") or "")
    if event["status"] == "success":
        return dict(event)
    if event["status"] == "timeout":
        raise VercelStoreWaitTimeout(sid, status, message or None)
    if status in STORE_FAILED_STATUSES:
        raise VercelStoreFailedError(sid, status, message or None)
    raise VercelStoreWaitError(sid, message or f"Waiting for store {sid} failed (status {status!r}).")


class VercelStoreReadySensor(VercelBaseOperator, BaseSensorOperator):
    """Wait until a Vercel store is ready (``available``), in poke/reschedule mode or deferred.

    A failure status (``error``, ``suspended``, ``limits-exceeded-*``, ``uninstalled``) fails the task
    at once, without retries, with the status in the message; an unknown status keeps waiting until
    ``timeout``. With ``deferrable=True`` the store is checked once on the worker, then the wait moves
    to the triggerer (``VercelStoreStatusTrigger``) and frees the worker slot.

    Returns (XCom ``return_value``) the ready store's summary ``{"id", "name", "status", "product":
    {"id", "slug", "name"}, "plan": {"id", "name", "type"} | None, "configuration_id",
    "secret_names", "dashboard_url", "outcome": None}``, secret names only.

    :param store_id: the store id (``store_…``), e.g. ``create.output["store_id"]`` or
        ``"{{ ti.xcom_pull(task_ids='create_store', key='store_id') }}"`` (templated).
    :param deferrable: wait in the triggerer; None (default) reads ``[operators] default_deferrable`` (templated).
    :param poke_interval: seconds between two reads of the store (default 10; not templated:
        ``BaseSensorOperator`` checks it when the DAG is parsed).
    :param timeout: seconds until the sensor fails with a timeout (default 1800; not templated, as
        ``poke_interval``).
    :param vercel_conn_id: the Vercel connection (templated).
    :param kwargs: other ``BaseSensorOperator`` arguments (``mode``, ``soft_fail``, ``exponential_backoff``…).
    """

    template_fields: Sequence[str] = ("store_id", "deferrable", *VercelBaseOperator.template_fields)

    def __init__(
        self,
        *,
        store_id: str,
        deferrable: bool | None = None,
        poke_interval: float | timedelta = DEFAULT_POKE_INTERVAL,
        timeout: float | timedelta = DEFAULT_TIMEOUT,
        **kwargs: Any,
    ) -> None:
        from airflow_provider_vercel.api import validation as check

        for argument, value in (("poke_interval", poke_interval), ("timeout", timeout)):
            seconds = value.total_seconds() if isinstance(value, timedelta) else value
            check.finite_number(argument, seconds, minimum=0)  # NaN would never time out, inf never end
        super().__init__(poke_interval=poke_interval, timeout=timeout, **kwargs)
        self.store_id = store_id
        self.deferrable = default_deferrable() if deferrable is None else deferrable

        self.check_now(store_id, lambda value: check.require_id("store_id", value))
        self.check_now(self.deferrable, lambda value: rendered_bool("deferrable", value))

    def check_rendered(self) -> None:
        """Check the rendered ``store_id``, ``deferrable`` and connection id before any request."""
        from airflow_provider_vercel.api import validation as check

        super().check_rendered()
        self.store_id = check.require_id("store_id", self.store_id)
        self.deferrable = rendered_bool("deferrable", self.deferrable)

    def summary(self, store: Store) -> dict[str, Any]:
        """The XCom summary of a ready store.

        :param store: the store as read from the API.
        """
        from airflow_provider_vercel.api.summaries import dashboard_url, store_summary

        url = dashboard_url(store.id, self.team) if store.id else None
        return store_summary(store, dashboard=url)

    def poke(self, context: Context) -> bool | PokeReturnValue:
        """One read: the summary when ready, False while pending; raises on a failure status."""
        with task_failures():
            self.check_rendered()
        store = get_store_or_fail(self.hook, self.store_id, self.log)
        if not store.is_ready:
            return False
        return PokeReturnValue(is_done=True, xcom_value=self.summary(store))

    def execute(self, context: Context) -> Any:
        """Poke/reschedule through ``BaseSensorOperator``; or check once and defer."""
        with task_failures():
            self.check_rendered()
        if not self.deferrable:
            return super().execute(context)
        try:
            store = wait_for_store_ready(
                self,
                hook=self.hook,
                store_id=self.store_id,
                timeout=self.timeout,
                poll_interval=self.poke_interval,
                deferrable=True,
            )
        except (AirflowFailException, AirflowSensorTimeout) as exc:
            self._skip_instead(exc)
            raise
        return self.summary(store)

    def execute_complete(self, context: Context, event: Mapping[str, Any] | None = None) -> dict[str, Any]:
        """Resume after the trigger fired: validate the event, then return the ready store's summary.

        :param context: the task context.
        :param event: the trigger's event.
        """
        with task_failures():
            self.check_rendered()
        try:
            validate_store_event(event, self.store_id)
        except (AirflowFailException, AirflowSensorTimeout) as exc:
            self._skip_instead(exc)
            raise
        self.log.info("%s", (event or {}).get("message"))
        return self.summary(self.hook.get_store(self.store_id))

    def _skip_instead(self, exc: BaseException) -> None:
        # The same soft_fail / never_fail behaviour BaseSensorOperator gives poke mode.
        if self.soft_fail:
            raise AirflowSkipException(f"Skipping due to soft_fail: {exc}") from exc
        if getattr(self, "never_fail", False):
            raise AirflowSkipException(f"Skipping due to never_fail: {exc}") from exc


__all__ = [
    "DEFAULT_POKE_INTERVAL",
    "DEFAULT_TIMEOUT",
    "VercelStoreFailedError",
    "VercelStoreReadySensor",
    "VercelStoreWaitError",
    "VercelStoreWaitTimeout",
    "default_deferrable",
    "defer_until_ready",
    "get_store_or_fail",
    "validate_store_event",
    "wait_for_store_ready",
]
