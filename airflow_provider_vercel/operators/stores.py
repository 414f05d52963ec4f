"""Store operators: create a Marketplace store exactly once, and the extra link that opens it."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from airflow.providers.common.compat.sdk import BaseOperatorLink

from airflow_provider_vercel.operators._base import (
    VercelBaseOperator,
    mapping_argument,
    optional_text,
    rendered_bool,
    rendered_number,
    task_failures,
)

if TYPE_CHECKING:
    from airflow.providers.common.compat.sdk import Context, TaskInstanceKey

    from airflow_provider_vercel.api.calls import CreateStoreRequest
    from airflow_provider_vercel.api.create import CreateOutcome
    from airflow_provider_vercel.api.errors import VercelApiError
    from airflow_provider_vercel.api.models import BillingPlan, ConfigurationProducts, Product

# XCom keys pushed by VercelCreateStoreOperator before it returns (the link reads the URL).
STORE_ID_XCOM_KEY = "store_id"
STORE_URL_XCOM_KEY = "store_url"
IF_EXISTS_CHOICES = ("reuse", "fail")
#: The asset alias every create task emits its store's asset event through (schedule a DAG on it).
STORE_ASSET_ALIAS = "vercel_stores"
STORE_ASSET_SCHEME = "vercel"


def store_asset_uri(team: str | None, name: str) -> str:
    """The Airflow asset URI of a store: ``vercel://<team>/stores/<name>``.

    Stable for a team and a store name: the team is its id when the connection has one (ids never
    change, slugs can), else its slug, else ``personal`` for a personal account.

    :param team: team id or slug.
    :param name: store name.
    """
    return f"{STORE_ASSET_SCHEME}://{team or 'personal'}/stores/{name}"


def _alias_events_supported() -> bool:
    """True on Airflow 3, which records an event through an alias it has not seen before.

    Airflow 2.11 only records one through an alias its metadata DB already holds (written when the DAG
    was parsed, and never for mapped tasks) and fails the task otherwise, so there no event is emitted.
    """
    from airflow.providers.common.compat.version_compat import AIRFLOW_V_3_0_PLUS

    return bool(AIRFLOW_V_3_0_PLUS)


# get_link's marker for an operator object that did not run in this process (e.g. a deserialized one).
_NOT_RUN_HERE = object()


class VercelStoreLink(BaseOperatorLink):
    """Extra link "Vercel store": the store's page in the Vercel dashboard (XCom ``store_url``)."""

    name = "Vercel store"

    def get_link(self, operator: Any, *, ti_key: TaskInstanceKey) -> str:
        """The dashboard URL the task pushed, or an empty string when there is none (dry run, failure).

        On Airflow 3 the worker evaluates the link right after the task ran, with the operator that
        ran: its URL is read from the operator, so an absent link costs no XCom look-up (which the
        Task SDK would log at ERROR). Elsewhere (Airflow 2's webserver) the XCom is read.

        :param operator: the task's operator.
        :param ti_key: the task instance whose XCom is read.
        """
        known = getattr(operator, "link_url", _NOT_RUN_HERE)
        if known is not _NOT_RUN_HERE:
            return known if isinstance(known, str) else ""
        from airflow.providers.common.compat.sdk import XCom

        url = XCom.get_value(key=STORE_URL_XCOM_KEY, ti_key=ti_key)
        return url if isinstance(url, str) else ""


@dataclass(frozen=True)
class PreparedStore:
    """Everything decided before the create request: the body, and what it resolved to.

    :param request: the validated create body (product resolved to its id).
    :param product: summary of the product (see ``summaries.product_summary``).
    :param plan: summary of the requested billing plan, or None when Vercel picks a free plan.
    """

    request: CreateStoreRequest
    product: dict[str, Any]
    plan: dict[str, Any] | None


def _argument_checks(op: VercelCreateStoreOperator) -> list[tuple[Any, Callable[[Any], Any]]]:
    from airflow_provider_vercel.api import validation as check

    return [
        (op.integration_configuration_id, lambda v: check.configuration_id(v)),
        (op.product, lambda v: check.product_id_or_slug(v)),
        (op.name, lambda v: check.store_name(v)),
        (op.billing_plan_id, lambda v: v is None or check.require_text("billing_plan_id", v)),
        (op.metadata, lambda v: check.metadata_values(mapping_argument("metadata", v))),
        (op.prepayment_amount_cents, lambda v: check.prepayment_cents(optional_text(v))),
        (op.payment_method_id, lambda v: v is None or check.require_id("payment_method_id", v)),
        (op.external_id, lambda v: v is None or check.require_text("external_id", v)),
        (op.protocol_settings, lambda v: mapping_argument("protocol_settings", v)),
        (op.if_exists, lambda v: check.choice("if_exists", v, IF_EXISTS_CHOICES)),
    ]


class VercelCreateStoreOperator(VercelBaseOperator):
    """Create a Marketplace store (``POST /v1/storage/stores/integration/direct``) exactly once.

    Before anything is sent, the arguments are checked (name rules, ids, prepayment minimum), the
    configuration's products are fetched (one GET) to resolve ``product`` and to validate
    ``metadata`` against the product's ``metadataSchema`` (required keys, types, options, ranges,
    lengths, patterns; each error names the field, e.g. ``metadata.region``). With
    ``billing_plan_id`` the product's plans are fetched too (with the metadata) to check the plan
    exists, is not disabled and, for a prepayment plan, that ``prepayment_amount_cents`` lies within
    its minimum and maximum. Invalid input fails the task without retry, before any POST.

    Get-or-create: a store of the same name in the configuration is reused (``if_exists="reuse"``)
    or fails the task (``"fail"``); after an ambiguous create failure (timeout, dropped connection,
    any 5xx) the POST is never sent again: the store is looked up by name for the connection's
    ``create_settle_seconds`` (default 15) and adopted, or the try fails with
    ``VercelAmbiguousCreateError`` and the task retry, which looks first, settles it. A retried task or
    a lost answer never creates a second store.

    Pushes the XComs ``store_id`` and ``store_url`` (the dashboard page, shown as the "Vercel store"
    extra link), then returns (XCom ``return_value``) the store summary ``{"id", "name", "status",
    "product": {"id", "slug", "name"}, "plan": {"id", "name", "type"} | None, "configuration_id",
    "secret_names", "dashboard_url", "outcome"}`` where ``outcome`` is ``created``, ``reused`` or
    ``recovered`` and ``secret_names`` lists names only, never values.

    With ``wait_for_ready=True`` the task then waits until the store is ``available`` (its status in
    the summary says so): in this worker slot, or with ``deferrable=True`` in the triggerer
    (``VercelStoreStatusTrigger``). The POST is always sent from the worker, never from the trigger.
    A failure status fails the task without retry; the store is not deleted. For ephemeral stores
    whose teardown must run even then, keep creating and waiting in two tasks (see the per-pull-request
    example DAG): a failed setup task leaves its teardown ``upstream_failed``.

    Data-aware scheduling: on success the task emits an Airflow asset event for the store, URI
    ``vercel://<team>/stores/<name>`` (see ``store_asset_uri``), through the asset alias
    ``asset_alias`` (default ``vercel_stores``, added to the task's outlets), with extra ``{"store_id",
    "store_name", "configuration_id", "product", "status", "outcome"}``. Schedule a DAG on
    ``AssetAlias("vercel_stores")`` (any store) or on ``Asset("vercel://<team>/stores/<name>")`` (one
    store). The event is emitted for reused stores too (``outcome`` tells), after the wait when
    ``wait_for_ready`` is set, and never in a dry run. On Airflow 2 no event is emitted (its alias
    support fails for aliases not yet in its database, e.g. from mapped tasks).

    Dry run (``dry_run=True``): every check and lookup runs (arguments, products, metadata schema,
    billing plan, and the get-or-create look-up of a store of that name), no POST is sent, nothing is
    pushed but the return value ``{"dry_run": True, "would": "create" | "reuse" | "fail", "request":
    <the create body>, "product", "plan", "existing_store_id", "reasons": [...]}``. Input found invalid
    after rendering and an existing store with ``if_exists="fail"`` are reported as ``would: "fail"``
    with the reason, rather than failing the task; API and network errors fail it as usual. A literal
    invalid argument fails when the DAG is parsed, dry run or not.

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
        "integration_configuration_id",
        "product",
        "name",
        "billing_plan_id",
        "metadata",
        "prepayment_amount_cents",
        "payment_method_id",
        "external_id",
        "protocol_settings",
        "if_exists",
        "wait_for_ready",
        "deferrable",
        "wait_timeout",
        "poll_interval",
        "dry_run_mode",
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
        poll_interval: float = 10.0,
        dry_run: bool | str = False,
        asset_alias: str | None = STORE_ASSET_ALIAS,
        **kwargs: Any,
    ) -> None:
        from airflow_provider_vercel.api import validation as check

        self.asset_alias = None if asset_alias is None else check.require_text("asset_alias", asset_alias)
        if self.asset_alias is not None and not _alias_events_supported():
            # Airflow 2 drops (and on some paths fails on) events for aliases its DB does not know yet.
            self.asset_alias = None
        if self.asset_alias is not None:
            from airflow.providers.common.compat.sdk import AssetAlias

            outlets = kwargs.get("outlets")
            outlets = [] if outlets is None else list(outlets) if isinstance(outlets, (list, tuple)) else [outlets]
            kwargs["outlets"] = [*outlets, AssetAlias(name=self.asset_alias)]
        super().__init__(**kwargs)
        #: The dashboard URL once this task created or adopted a store; what the extra link shows.
        self.link_url: str | None = None
        # Not ``self.dry_run``: that name is BaseOperator's dry_run() method (render templates only).
        self.dry_run_mode = dry_run
        self.wait_for_ready = wait_for_ready
        self.deferrable = deferrable
        self.wait_timeout = wait_timeout
        self.poll_interval = poll_interval
        for value, checker in self._wait_checks():
            self.check_now(value, checker)
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
        for value, checker in _argument_checks(self):
            self.check_now(value, checker)

    def _wait_checks(self) -> list[tuple[Any, Callable[[Any], Any]]]:
        return [
            (self.dry_run_mode, lambda v: rendered_bool("dry_run", v)),
            (self.wait_for_ready, lambda v: rendered_bool("wait_for_ready", v)),
            (self.deferrable, lambda v: rendered_bool("deferrable", v, optional=True)),
            (self.wait_timeout, lambda v: _positive_seconds("wait_timeout", rendered_number("wait_timeout", v))),
            (self.poll_interval, lambda v: _positive_seconds("poll_interval", rendered_number("poll_interval", v))),
        ]

    def check_rendered(self) -> None:
        """Check the rendered arguments and coerce the flags and numbers a template renders as text."""
        super().check_rendered()
        self.dry_run_mode, self.wait_for_ready, self.deferrable, self.wait_timeout, self.poll_interval = (
            checker(value) for value, checker in self._wait_checks()
        )

    def is_final_answer(self, error: VercelApiError) -> bool:
        """Also a 409 when ``if_exists="fail"``: the name is taken, and stays taken on retry.

        :param error: the API error the task met.
        """
        return super().is_final_answer(error) or (error.status == 409 and self.if_exists == "fail")

    # --- validate and resolve (no POST) -----------------------------------------------------------

    def build_request(self) -> CreateStoreRequest:
        """The create body from the rendered arguments; raises ``VercelInputError`` naming the argument."""
        from airflow_provider_vercel.api import validation as check
        from airflow_provider_vercel.api.calls import CreateStoreRequest

        self.check_rendered()
        # Checked again here, before any POST: a deferred wait needs a finite deadline.
        self.wait_timeout = _positive_seconds("wait_timeout", self.wait_timeout)
        self.poll_interval = _positive_seconds("poll_interval", self.poll_interval)
        for value, checker in _argument_checks(self):
            checker(value)
        return CreateStoreRequest(
            name=self.name,
            integration_configuration_id=self.integration_configuration_id,
            product=self.product,
            billing_plan_id=optional_text(self.billing_plan_id),
            metadata=check.metadata_values(mapping_argument("metadata", self.metadata)),
            prepayment_amount_cents=check.prepayment_cents(optional_text(self.prepayment_amount_cents)),
            payment_method_id=optional_text(self.payment_method_id),
            external_id=optional_text(self.external_id),
            protocol_settings=mapping_argument("protocol_settings", self.protocol_settings),
        )

    def prepare(self) -> PreparedStore:
        """Validate and resolve everything the create needs; sends only GETs (products, plans)."""
        from airflow_provider_vercel.api.metadata import validate_metadata
        from airflow_provider_vercel.api.plans import plan_summary
        from airflow_provider_vercel.api.summaries import product_summary

        request = self.build_request()
        configuration_id = request.integration_configuration_id
        listing = self.hook.list_products(configuration_id)
        product = _resolve_product(listing, request.product, configuration_id)
        validate_metadata(product.metadata_schema, request.metadata, argument="metadata")
        plan_info = None
        if request.billing_plan_id is not None:
            integration = self._integration_of(listing, configuration_id)
            plans = self.hook.list_billing_plans(integration, product.id, request.metadata, configuration_id)
            plan = _check_plan(plans, request.billing_plan_id, request.prepayment_amount_cents, product)
            plan_info = plan_summary(plan)
        return PreparedStore(
            request=replace(request, product=product.id),
            product=product_summary(product, integration=listing.integration, configuration_id=configuration_id),
            plan=plan_info,
        )

    def _integration_of(self, listing: ConfigurationProducts, configuration_id: str) -> str:
        integration = listing.integration
        if integration is not None and (integration.id or integration.slug):
            return str(integration.id or integration.slug)
        # The products response should name its integration (§2); ask the configuration otherwise.
        configuration = self.hook.get_configuration(configuration_id)
        found = configuration.integration_id or configuration.integration_slug
        if not found:
            from airflow_provider_vercel.api.errors import VercelResponseError

            raise VercelResponseError("GET", f"/v1/integrations/configuration/{configuration_id}", "no integration id")
        return found

    # --- send -------------------------------------------------------------------------------------

    def send(self, prepared: PreparedStore) -> CreateOutcome:
        """Get-or-create the prepared store (the only step that may POST).

        :param prepared: the output of ``prepare``.
        """
        return self.hook.get_or_create_store(prepared.request, self.if_exists)

    # --- dry run ----------------------------------------------------------------------------------

    def plan_dry_run(self) -> dict[str, Any]:
        """What ``execute`` would do, found by every check and GET it makes, without the POST."""
        from airflow_provider_vercel.api.errors import VercelInputError, VercelPlanSelectionError

        report: dict[str, Any] = {
            "dry_run": True,
            "would": "fail",
            "request": None,
            "product": None,
            "plan": None,
            "existing_store_id": None,
            "reasons": [],
        }
        reasons: list[str] = report["reasons"]
        try:
            prepared = self.prepare()
        except (VercelInputError, VercelPlanSelectionError) as exc:
            reasons.append(f"invalid argument {exc}" if isinstance(exc, VercelInputError) else str(exc))
            return report
        request = prepared.request
        report.update(request=request.to_body(), product=prepared.product, plan=prepared.plan)
        product = prepared.product
        reasons.append(
            f"product {product.get('slug')} ({product.get('id')}) is offered by configuration "
            f"{request.integration_configuration_id}"
        )
        reasons.append(
            "metadata is valid for the product's schema" if request.metadata else "no metadata; none is required"
        )
        if prepared.plan is None:
            reasons.append("no billing_plan_id: Vercel would pick the product's free plan")
        else:
            plan = prepared.plan
            reasons.append(
                f"billing plan {plan.get('id')} ({plan.get('name')}, {plan.get('type')}) exists and is enabled"
            )
        existing = self.hook.find_stores(request.name, request.integration_configuration_id, request.product)
        if not existing:
            report["would"] = "create"
            reasons.append(
                f"no store named {request.name!r} in configuration {request.integration_configuration_id}: "
                "the POST would create it"
            )
            return report
        store = existing[0]
        report["existing_store_id"] = store.id
        if self.if_exists == "fail":
            reasons.append(f"store {request.name!r} already exists ({store.id}) and if_exists='fail'")
        else:
            report["would"] = "reuse"
            reasons.append(
                f"store {request.name!r} already exists ({store.id}, status {store.status}): "
                "if_exists='reuse' adopts it, nothing would be created"
            )
        return report

    def execute(self, context: Context) -> dict[str, Any]:
        from airflow_provider_vercel.api.summaries import dashboard_url, outcome_label, store_summary

        with task_failures():
            self.check_rendered()
            if self.dry_run_mode:
                report = self.plan_dry_run()
                self.log.info(
                    "DRY RUN, no POST sent: would %s store %r. %s",
                    report["would"], self.name, " ".join(f"- {r}." for r in report["reasons"]),
                )
                return report
            prepared = self.prepare()
            outcome = self.send(prepared)
        store = outcome.store
        url = dashboard_url(store.id, self.team) if store.id else None
        ti = context["ti"]
        ti.xcom_push(key=STORE_ID_XCOM_KEY, value=store.id)
        ti.xcom_push(key=STORE_URL_XCOM_KEY, value=url)
        self.link_url = url
        self._log_outcome(outcome, prepared, url)
        summary = store_summary(
            store,
            dashboard=url,
            configuration_id=prepared.request.integration_configuration_id,
            billing_plan_id=prepared.request.billing_plan_id,
            outcome=outcome_label(outcome),
        )
        if not self.wait_for_ready or store.id is None:
            self.emit_asset_event(context, summary)
            return summary
        from airflow_provider_vercel.sensors.stores import default_deferrable, wait_for_store_ready

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

    def emit_asset_event(self, context: Context, summary: dict[str, Any]) -> str | None:
        """Add the store's asset event to the task's alias; returns the asset URI (None when disabled).

        :param context: the task context (its ``outlet_events``).
        :param summary: the store summary this task returns.
        """
        if self.asset_alias is None or not summary.get("name"):
            return None
        events = context.get("outlet_events")
        if events is None:  # a hand-built context (unit tests): nothing to emit into
            return None
        from airflow.providers.common.compat.sdk import Asset, AssetAlias

        settings = self.hook.settings
        uri = store_asset_uri(settings.team_id or settings.team_slug, summary["name"])
        product = summary.get("product") or {}
        extra = {
            "store_id": summary.get("id"),
            "store_name": summary.get("name"),
            "configuration_id": summary.get("configuration_id"),
            "product": product.get("slug") or product.get("id"),
            "status": summary.get("status"),
            "outcome": summary.get("outcome"),
        }
        events[AssetAlias(name=self.asset_alias)].add(Asset(uri=uri), extra=extra)
        self.log.info("Asset event for %s (alias %s).", uri, self.asset_alias)
        return uri

    def execute_complete(
        self, context: Context, event: dict[str, Any] | None = None, summary: dict[str, Any] | None = None
    ) -> dict[str, Any]:
        """Resume after the store trigger fired: fail on a failure status or timeout, else the summary.

        :param context: the task context.
        :param event: the trigger's event.
        :param summary: the summary built before deferring (passed by a real triggerer).
        """
        from airflow_provider_vercel.api.summaries import dashboard_url, store_summary
        from airflow_provider_vercel.sensors.stores import validate_store_event

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

    def _log_outcome(self, outcome: CreateOutcome, prepared: PreparedStore, url: str | None) -> None:
        store = outcome.store
        where = f"{prepared.product['slug']} in {prepared.request.integration_configuration_id}"
        if outcome.reused:
            self.log.info(
                "Store %r already exists (%s, %s, status %s): reused, nothing created.",
                store.name, store.id, where, store.status,
            )
        elif outcome.recovered_from:
            self.log.warning(
                "Created store %r (%s, %s) after an ambiguous failure (%s): it was found by name "
                "before any further request, so exactly one store exists (%d POST(s)).",
                store.name, store.id, where, outcome.recovered_from, outcome.posts,
            )
        else:
            plan = prepared.request.billing_plan_id or "Vercel's free plan"
            self.log.info(
                "Created store %r (%s, %s) on plan %s, status %s.", store.name, store.id, where, plan, store.status
            )
        self.log.info("Secret names: %s. Dashboard: %s", ", ".join(store.secret_names) or "none", url)


def _positive_seconds(argument: str, value: Any) -> float:
    from airflow_provider_vercel.api import validation as check

    # Finite: an infinite wait never times out, and a deferred one cannot even build its deadline.
    return check.finite_number(argument, value, above=0)


def _resolve_product(listing: ConfigurationProducts, wanted: str, configuration_id: str) -> Product:
    from airflow_provider_vercel.api.errors import VercelInputError

    for product in listing.products:
        if wanted in (product.id, product.slug):
            return product
    offered = ", ".join(f"{p.slug} ({p.id})" for p in listing.products) or "none"
    raise VercelInputError(
        "product", f"{wanted!r} is not a product of configuration {configuration_id}; it offers: {offered}"
    )


def _check_plan(plans: list[BillingPlan], plan_id: str, cents: int | None, product: Product) -> BillingPlan:
    from airflow_provider_vercel.api.errors import VercelInputError, VercelPlanSelectionError
    from airflow_provider_vercel.api.plans import PlanRule, plan_by_id, select_plan

    plan = plan_by_id(plans, plan_id)
    if plan is None:
        listed = ", ".join(f"{p.id} ({p.name})" for p in plans) or "none"
        raise VercelInputError("billing_plan_id", f"{plan_id!r} is not a plan of {product.slug}; its plans: {listed}")
    if plan.disabled:
        raise VercelInputError("billing_plan_id", f"plan {plan_id!r} ({plan.name}) is disabled and cannot be chosen")
    if not plan.is_prepayment:
        if cents is not None:
            raise VercelInputError(
                "prepayment_amount_cents", f"applies only to prepayment plans; {plan_id!r} is a {plan.type} plan"
            )
        return plan
    try:
        select_plan([plan], PlanRule(rule="id", plan_id=plan_id, prepayment_amount_cents=cents))
    except VercelPlanSelectionError as exc:
        raise VercelInputError("prepayment_amount_cents", str(exc)) from None
    return plan


__all__ = [
    "IF_EXISTS_CHOICES",
    "STORE_ASSET_ALIAS",
    "STORE_ID_XCOM_KEY",
    "STORE_URL_XCOM_KEY",
    "PreparedStore",
    "VercelCreateStoreOperator",
    "VercelStoreLink",
    "store_asset_uri",
]
