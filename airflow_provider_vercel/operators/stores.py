"""``VercelCreateStoreOperator``: create a store exactly once, then optionally wait for it.

A thin adapter over ``api/provisioning.py``, ``api/create.py`` (get-or-create) and ``tasks/waiting.py``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from airflow_provider_vercel.api import validation as check
from airflow_provider_vercel.api.coerce import rendered_bool
from airflow_provider_vercel.api.constants import DEFAULT_POLL_INTERVAL
from airflow_provider_vercel.api.create_arguments import CREATE_ARGUMENT_CHECKS, IF_EXISTS_CHOICES
from airflow_provider_vercel.api.summaries import dashboard_url, outcome_label, outcome_sentence, store_summary
from airflow_provider_vercel.operators.store_assets import (
    STORE_ASSET_ALIAS,
    STORE_ID_XCOM_KEY,
    STORE_URL_XCOM_KEY,
    VercelStoreLink,
    alias_outlets,
    emit_store_event,
    store_asset_uri,
)
from airflow_provider_vercel.tasks.base import VercelBaseOperator, task_failures
from airflow_provider_vercel.tasks.waiting import (
    WAIT_ARGUMENT_CHECKS,
    default_deferrable,
    validate_store_event,
    wait_for_store_ready,
)

if TYPE_CHECKING:
    from airflow.providers.common.compat.sdk import Context

    from airflow_provider_vercel.api.errors import VercelApiError
    from airflow_provider_vercel.api.provisioning import PreparedStore


#: The arguments checked (and coerced from rendered text) at the start of ``execute``, by attribute.
_RUN_CHECKS: dict[str, Callable[[Any], Any]] = {
    **WAIT_ARGUMENT_CHECKS,
    "dry_run_mode": lambda value: rendered_bool("dry_run", value),
}


class VercelCreateStoreOperator(VercelBaseOperator):
    """Create a Marketplace store (``POST /v1/storage/stores/integration/direct``) exactly once.

    Before any POST: the arguments are checked, the configuration's products are read to resolve
    ``product`` and validate ``metadata`` against its ``metadataSchema`` (errors name the field, e.g.
    ``metadata.region``), and with ``billing_plan_id`` the plans are read to check the plan and the
    prepayment amount. Invalid input fails the task without retry.

    Get-or-create: a store of that name is reused (``if_exists="reuse"``) or fails the task (``"fail"``).
    After an ambiguous answer (timeout, dropped connection, any 5xx) the POST is never sent again: the
    store is looked for during the connection's ``create_settle_seconds`` (15) and adopted, or the try
    fails with ``VercelAmbiguousCreateError`` and the task retry, which looks first, settles it.

    Pushes the XComs ``store_id`` and ``store_url`` (the "Vercel store" link) and returns the store
    summary (``summaries.store_summary``: ids, status, product, plan, secret *names*, ``outcome`` of
    ``created``, ``reused`` or ``recovered``). ``wait_for_ready`` then waits for ``available`` on the
    worker or, ``deferrable``, in the triggerer; a failure status fails without retry (the store stays).
    On success an asset event for ``vercel://<team>/stores/<name>`` goes through ``asset_alias`` (not on
    Airflow 2, not in a dry run). ``dry_run`` runs every check and GET and returns ``{"dry_run": True,
    "would": "create" | "reuse" | "fail", "request", "product", "plan", "existing_store_id", "reasons"}``.

    :param integration_configuration_id: the configuration (``icfg_…``) to create under (templated).
    :param product: product id (``iap_…``) or slug (``neon-postgres``) (templated).
    :param name: store name, 1–128 letters, digits, ``_`` or ``-``; unique per configuration (templated).
    :param billing_plan_id: plan id, typically ``select_plan.output``; None lets Vercel pick a free plan (templated).
    :param metadata: the store's metadata, checked against the product's schema (templated).
    :param prepayment_amount_cents: amount for a prepayment plan, in cents, at least 50 (templated).
    :param payment_method_id: payment method to charge instead of the team default (templated).
    :param external_id: your own tracking id, sent to Vercel (not returned by it) (templated).
    :param protocol_settings: free-form protocol settings, e.g. ``{"experimentation": {...}}`` (templated).
    :param if_exists: ``reuse`` (default) adopts a store of the same name, ``fail`` fails the task (templated).
    :param wait_for_ready: after creating, wait until the store is available (templated).
    :param deferrable: wait in the triggerer; defaults to Airflow's ``operators.default_deferrable`` (templated).
    :param wait_timeout: seconds to wait for the store before failing (templated).
    :param poll_interval: seconds between two status reads while waiting (templated).
    :param dry_run: check and look up everything, send no POST, return what would happen (templated, kept
        as ``dry_run_mode``: ``dry_run`` is BaseOperator's template-rendering method).
    :param asset_alias: asset alias the store's asset event is emitted through; None emits none (not
        templated: it is one of the task's outlets, fixed when the DAG is parsed).
    :param vercel_conn_id: the Vercel connection (templated).
    """

    template_fields: Sequence[str] = (
        *CREATE_ARGUMENT_CHECKS,
        *_RUN_CHECKS,
        *VercelBaseOperator.template_fields,
    )
    template_fields_renderers = {"metadata": "json", "protocol_settings": "json"}
    operator_extra_links = (VercelStoreLink(),)

    def __init__(
        self,
        *,
        integration_configuration_id: str,
        product: str,
        name: str,
        billing_plan_id: str | None = None,
        metadata: dict[str, Any] | str | None = None,
        prepayment_amount_cents: int | str | None = None,
        payment_method_id: str | None = None,
        external_id: str | None = None,
        protocol_settings: dict[str, Any] | str | None = None,
        if_exists: str = "reuse",
        wait_for_ready: bool = False,
        deferrable: bool | None = None,
        wait_timeout: float = 1800.0,
        poll_interval: float = DEFAULT_POLL_INTERVAL,
        dry_run: bool | str = False,
        asset_alias: str | None = STORE_ASSET_ALIAS,
        **kwargs: Any,
    ) -> None:
        alias = None if asset_alias is None else check.require_text("asset_alias", asset_alias)
        self.asset_alias, kwargs["outlets"] = alias_outlets(alias, kwargs.get("outlets"))
        super().__init__(**kwargs)
        #: The dashboard URL once this task created or adopted a store; what the extra link shows.
        self.link_url: str | None = None
        # Not ``self.dry_run``: that name is BaseOperator's dry_run() method (render templates only).
        self.dry_run_mode = dry_run
        self.wait_for_ready = wait_for_ready
        self.deferrable = deferrable
        self.wait_timeout = wait_timeout
        self.poll_interval = poll_interval
        self.integration_configuration_id = integration_configuration_id
        self.product = product
        self.name = name
        self.billing_plan_id = billing_plan_id
        self.metadata = metadata
        self.prepayment_amount_cents = prepayment_amount_cents
        self.payment_method_id = payment_method_id
        self.external_id = external_id
        self.protocol_settings = protocol_settings
        self.if_exists = if_exists
        for attribute, checker in {**_RUN_CHECKS, **CREATE_ARGUMENT_CHECKS}.items():
            self.check_now(getattr(self, attribute), checker)

    def check_rendered(self) -> None:
        """Check the rendered arguments and coerce the flags and numbers a template renders as text."""
        super().check_rendered()
        for attribute, checker in _RUN_CHECKS.items():
            setattr(self, attribute, checker(getattr(self, attribute)))

    def _arguments(self) -> dict[str, Any]:
        return {argument: getattr(self, argument) for argument in CREATE_ARGUMENT_CHECKS}

    def is_final_answer(self, error: VercelApiError) -> bool:
        """Also a 409 when ``if_exists="fail"``: the ``error``'s name is taken, and stays taken on retry."""
        return super().is_final_answer(error) or (error.status == 409 and self.if_exists == "fail")

    def prepare(self) -> PreparedStore:
        """Validate and resolve everything the create needs; sends only GETs (products, plans)."""
        # Loaded at run time: the workflow's pydantic models would multiply this module's DAG-parse cost.
        from airflow_provider_vercel.api.provisioning import create_request, prepare_flow

        self.check_rendered()
        return self.hook.client.run(prepare_flow(create_request(self._arguments())))

    def plan_dry_run(self) -> dict[str, Any]:
        """What ``execute`` would do, found by every check and GET it makes, without the POST."""
        from airflow_provider_vercel.api.provisioning import dry_run_flow  # run time only, as in prepare()

        return self.hook.client.run(dry_run_flow(self._arguments()))

    def execute(self, context: Context) -> dict[str, Any]:
        with task_failures():
            self.check_rendered()
            if self.dry_run_mode:
                report = self.plan_dry_run()
                reasons = " ".join(f"- {reason}." for reason in report["reasons"])
                self.log.info("DRY RUN, no POST sent: would %s store %r. %s", report["would"], self.name, reasons)
                return report
            prepared = self.prepare()
            outcome = self.hook.get_or_create_store(prepared.request, self.if_exists)
        store = outcome.store
        self.link_url = dashboard_url(store.id, self.team) if store.id else None
        context["ti"].xcom_push(key=STORE_ID_XCOM_KEY, value=store.id)
        context["ti"].xcom_push(key=STORE_URL_XCOM_KEY, value=self.link_url)
        where = f"{prepared.product['slug']} in {prepared.request.integration_configuration_id}"
        warn, sentence = outcome_sentence(outcome, where, prepared.request.billing_plan_id)
        (self.log.warning if warn else self.log.info)("%s", sentence)
        self.log.info("Secret names: %s. Dashboard: %s", ", ".join(store.secret_names) or "none", self.link_url)
        summary = store_summary(
            store,
            dashboard=self.link_url,
            configuration_id=prepared.request.integration_configuration_id,
            billing_plan_id=prepared.request.billing_plan_id,
            outcome=outcome_label(outcome),
        )
        if self.wait_for_ready and store.id is not None:
            ready = wait_for_store_ready(
                self,
                hook=self.hook,
                store_id=store.id,
                timeout=self.wait_timeout,
                poll_interval=self.poll_interval,
                deferrable=default_deferrable() if self.deferrable is None else self.deferrable,
                next_kwargs={"summary": summary},
            )
            summary["status"] = ready.status
        self.emit_asset_event(context, summary)
        return summary

    def execute_complete(
        self, context: Context, event: dict[str, Any] | None = None, summary: dict[str, Any] | None = None
    ) -> dict[str, Any]:
        """Resume after the store trigger fired: fail on a failure status or timeout, else the summary.

        :param context: the task context.
        :param event: the trigger's event.
        :param summary: the summary built before deferring (passed by a real triggerer).
        """
        result = validate_store_event(event)
        self.log.info("%s", result.get("message"))
        if summary is None:
            # Airflow 3.3.2's dag.test() drops defer-time kwargs; rebuild the summary from one read.
            store = self.hook.get_store(str(result["store_id"]))
            url = dashboard_url(store.id, self.team) if store.id else None
            summary = store_summary(store, dashboard=url, configuration_id=self.integration_configuration_id)
        summary["status"] = result.get("store_status") or summary.get("status")
        self.link_url = summary.get("dashboard_url")
        self.emit_asset_event(context, summary)
        return summary

    def emit_asset_event(self, context: Context, summary: dict[str, Any]) -> str | None:
        """Add the event of the store ``summary`` describes to the alias in ``context``; its URI, or None."""
        if self.asset_alias is None:
            return None
        settings = self.hook.settings
        uri = emit_store_event(context, self.asset_alias, settings.team_id or settings.team_slug, summary)
        if uri is not None:
            self.log.info("Asset event for %s (alias %s).", uri, self.asset_alias)
        return uri


__all__ = [
    "IF_EXISTS_CHOICES",
    "STORE_ASSET_ALIAS",
    "STORE_ID_XCOM_KEY",
    "STORE_URL_XCOM_KEY",
    "VercelCreateStoreOperator",
    "VercelStoreLink",
    "store_asset_uri",
]

