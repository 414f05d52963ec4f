"""Sweep leaked stores: delete the stores of a configuration that match a selector, with guards.

Ephemeral stores leak when a teardown fails, a DAG is deleted or a pull request closes while its run
is paused; they keep costing money. This operator finds them by name, product, age and connections
and tears each down as ``VercelDeleteStoreOperator`` does (disconnect, then delete). Selection is the
pure ``api/sweep.py``; the teardown is ``api/teardown.py``, shared with the delete operator.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from airflow.providers.common.compat.sdk import AirflowException

from airflow_provider_vercel.api import validation as check
from airflow_provider_vercel.api.coerce import rendered_bool, rendered_count, rendered_optional_text
from airflow_provider_vercel.api.errors import VercelError, VercelGoneError, VercelNotFoundError
from airflow_provider_vercel.api.sweep import StoreSelector, parse_duration, plan_sweep, refs
from airflow_provider_vercel.api.teardown import tear_down_store
from airflow_provider_vercel.tasks.base import VercelBaseOperator, VercelTaskError, is_deferred, task_failures

if TYPE_CHECKING:
    from airflow.providers.common.compat.sdk import Context

    from airflow_provider_vercel.api.sweep import StoreSelector

DEFAULT_MAX_DELETIONS = 10
REPORT_XCOM_KEY = "sweep_report"


def _error_summary(exc: BaseException) -> str:
    # Class and status only: the report goes to XCom, which Airflow never masks.
    status = getattr(exc, "status", None)
    return f"{type(exc).__name__}" + (f" (HTTP {status})" if status else "")


class VercelCleanupStoresOperator(VercelBaseOperator):
    """Delete the stores of a configuration that match a selector; report what went, what stayed and why.

    Guards:

    - a store whose age cannot be established from the API's answer (``createdAt`` missing or
      implausible) is never deleted; it is listed in ``kept`` and logged as a warning;
    - when more stores match than ``max_deletions``, none is deleted and the task fails listing them
      (a typo in a prefix must not wipe a team);
    - ``dry_run=True`` lists what would be deleted and deletes nothing (the ``max_deletions`` guard
      still applies, as it would to the real run);
    - each store is disconnected from its projects, then deleted; a failure does not stop the others,
      and the task fails at the end naming the stores left (a retry re-lists and finishes the job).

    Returns (XCom ``return_value``, also pushed as ``sweep_report`` before a failure) ``{"deleted":
    [{"id", "name"}], "kept": [{"id", "name", "reason"}], "failed": [{"id", "name", "error"}],
    "dry_run": bool}``, plus ``"would_delete"`` in a dry run. Ids and names only.

    :param integration_configuration_id: the configuration (``icfg_…``) whose stores are swept (templated).
    :param name_prefix: only stores whose name starts with this (templated).
    :param name_glob: only stores whose name matches this shell pattern, e.g. ``pr-*-db`` (templated).
    :param product: only stores of this product id (``iap_…``) or slug (templated).
    :param older_than: only stores created at least this long ago: a ``timedelta``, seconds, or text
        such as ``"7d"``, ``"36h"``, ``"1d12h"`` (templated).
    :param only_unconnected: only stores connected to no project (templated).
    :param max_deletions: the most stores one run may delete; more matches fail the task with none
        deleted (default 10; templated).
    :param dry_run: report, delete nothing (templated, kept as ``dry_run_mode``: ``dry_run`` is
        BaseOperator's template-rendering method).
    :param vercel_conn_id: the Vercel connection (templated).
    """

    template_fields: Sequence[str] = (
        "integration_configuration_id",
        "name_prefix",
        "name_glob",
        "product",
        "older_than",
        "only_unconnected",
        "max_deletions",
        "dry_run_mode",
        *VercelBaseOperator.template_fields,
    )

    def __init__(
        self,
        *,
        integration_configuration_id: str,
        name_prefix: str | None = None,
        name_glob: str | None = None,
        product: str | None = None,
        older_than: Any = None,
        only_unconnected: bool | str = False,
        max_deletions: int | str = DEFAULT_MAX_DELETIONS,
        dry_run: bool | str = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.integration_configuration_id = integration_configuration_id
        self.name_prefix = name_prefix
        self.name_glob = name_glob
        self.product = product
        self.older_than = older_than
        self.only_unconnected = only_unconnected
        self.max_deletions: int | str = max_deletions
        self.dry_run_mode = dry_run

        self.check_now(integration_configuration_id, check.configuration_id)
        self.check_now(name_prefix, lambda v: rendered_optional_text("name_prefix", v))
        self.check_now(name_glob, lambda v: rendered_optional_text("name_glob", v))
        self.check_now(product, lambda v: rendered_optional_text("product", v) is None or check.product_id_or_slug(v))
        self.check_now(older_than, parse_duration)
        self.check_now(only_unconnected, lambda v: rendered_bool("only_unconnected", v))
        self.check_now(max_deletions, lambda v: rendered_count("max_deletions", v))
        self.check_now(dry_run, lambda v: rendered_bool("dry_run", v))
        if not any(map(is_deferred, (name_prefix, name_glob, product, older_than, only_unconnected))):
            self._selector()  # an empty selector fails at parse time

    def _selector(self) -> StoreSelector:
        product = rendered_optional_text("product", self.product)
        return StoreSelector(
            name_prefix=rendered_optional_text("name_prefix", self.name_prefix),
            name_glob=rendered_optional_text("name_glob", self.name_glob),
            product=check.product_id_or_slug(product) if product is not None else None,
            older_than=parse_duration(self.older_than),
            only_unconnected=bool(rendered_bool("only_unconnected", self.only_unconnected)),
        )

    def check_rendered(self) -> None:
        """Check and normalise the rendered arguments; raises ``VercelInputError`` naming the argument."""
        super().check_rendered()
        self.integration_configuration_id = check.configuration_id(self.integration_configuration_id)
        self.selector = self._selector()
        self.max_deletions = rendered_count("max_deletions", self.max_deletions)
        self.dry_run_mode = bool(rendered_bool("dry_run", self.dry_run_mode))

    def execute(self, context: Context) -> dict[str, Any]:
        with task_failures():
            self.check_rendered()
            stores = self.hook.list_stores(self.integration_configuration_id)
        plan = plan_sweep(stores, self.selector, now_ms=int(time.time() * 1000))
        self.log.info(
            "Sweeping %d store(s) of %s: %s. %d match, %d kept.",
            len(stores), self.integration_configuration_id, self.selector.describe(), len(plan.selected), len(plan.kept),
        )
        for kept in plan.unknown_age:
            self.log.warning(
                "Store %s (%s) is kept: its age cannot be established (%s).", kept.store.id, kept.store.name, kept.detail
            )
        report: dict[str, Any] = {
            "deleted": [],
            "kept": [k.as_dict() for k in plan.kept],
            "failed": [],
            "dry_run": self.dry_run_mode,
        }
        if plan.too_many(rendered_count("max_deletions", self.max_deletions)):
            self._push(context, {**report, "would_delete": refs(plan.selected)})
            listing = ", ".join(f"{s.id} ({s.name})" for s in plan.selected)
            raise VercelTaskError(
                f"{len(plan.selected)} stores match, more than max_deletions={self.max_deletions}: none was deleted. "
                f"Narrow the selector or raise max_deletions. Matching: {listing}",
                argument="max_deletions",
            )
        if self.dry_run_mode:
            for ref in plan.selected:
                self.log.info("Dry run: would delete store %s (%s).", ref.id, ref.name)
            return {**report, "would_delete": refs(plan.selected)}
        by_id = {s.id: s for s in stores}
        for ref in plan.selected:
            self._tear_down(by_id[ref.id], report)
        if report["failed"]:
            self._push(context, report)
            left = ", ".join(f"{f['id']} ({f['name']})" for f in report["failed"])
            raise AirflowException(
                f"{len(report['failed'])} of {len(plan.selected)} store(s) could not be deleted: {left}. "
                f"Deleted {len(report['deleted'])}; a retry lists the stores again and finishes the job."
            )
        return report

    def _tear_down(self, store: Any, report: dict[str, Any]) -> None:
        entry = {"id": store.id, "name": store.name}
        try:
            outcome = tear_down_store(self.hook, store)
        except (VercelNotFoundError, VercelGoneError):  # deleted by someone else meanwhile: the goal is met
            self.log.info("Store %s (%s) was already gone.", store.id, store.name)
            report["deleted"].append(entry)
            return
        except VercelError as exc:
            self.log.warning("Could not delete store %s (%s): %s", store.id, store.name, exc)
            report["failed"].append({**entry, "error": _error_summary(exc)})
            return
        for project_id in outcome.disconnected_project_ids:
            self.log.info("Disconnected project %s from store %s.", project_id, store.id)
        self.log.info("Deleted store %s (%s).", store.id, store.name)
        report["deleted"].append(entry)

    @staticmethod
    def _push(context: Context, report: dict[str, Any]) -> None:
        ti = context.get("ti") if hasattr(context, "get") else None
        if ti is not None:
            ti.xcom_push(key=REPORT_XCOM_KEY, value=report)


__all__ = ["DEFAULT_MAX_DELETIONS", "REPORT_XCOM_KEY", "VercelCleanupStoresOperator"]
