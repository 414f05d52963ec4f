"""``VercelStoreReadySensor``: wait until a Vercel store is ready, in poke/reschedule mode or deferred.

A thin adapter: one read per poke through the readiness flow (``api/readiness.py``), or one read and a
deferral to ``VercelStoreStatusTrigger``. The wait helpers other tasks use live in ``tasks/waiting.py``
and are re-exported here, where they were first published.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from airflow.providers.common.compat.sdk import (
    AirflowFailException,
    AirflowSensorTimeout,
    AirflowSkipException,
    BaseSensorOperator,
    PokeReturnValue,
)

from airflow_provider_vercel.api import validation as check
from airflow_provider_vercel.api.coerce import rendered_bool
from airflow_provider_vercel.api.summaries import dashboard_url, store_summary
from airflow_provider_vercel.tasks.base import VercelBaseOperator, task_failures
from airflow_provider_vercel.tasks.waiting import (
    DEFAULT_POKE_INTERVAL,
    DEFAULT_TIMEOUT,
    VercelStoreFailedError,
    VercelStoreWaitError,
    VercelStoreWaitTimeout,
    default_deferrable,
    defer_until_ready,
    get_store_or_fail,
    validate_store_event,
    wait_for_store_ready,
)

if TYPE_CHECKING:
    from airflow.providers.common.compat.sdk import Context

    from airflow_provider_vercel.api.models import Store


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
        super().check_rendered()
        self.store_id = check.require_id("store_id", self.store_id)
        self.deferrable = rendered_bool("deferrable", self.deferrable)

    def summary(self, store: Store) -> dict[str, Any]:
        """The XCom summary of a ready store.

        :param store: the store as read from the API.
        """
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
