"""Billing-plan operators: list a product's plans, and choose one by a declared rule for the create step.

API modules that build pydantic models (``calls``, ``plans``, ``provisioning``) are imported where they
are used, not at the top: DAG files import this module when they are parsed, and those imports would
multiply its cost (``make bench BENCH_ARGS="--only parse"``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from airflow_provider_vercel.api import validation as check
from airflow_provider_vercel.api.coerce import optional_text, rendered_bool, rendered_mapping
from airflow_provider_vercel.api.constants import PLAN_TYPES
from airflow_provider_vercel.operators.matching import criteria_text, describe_plan, only_one
from airflow_provider_vercel.tasks.base import VercelBaseOperator, is_deferred, task_failures

if TYPE_CHECKING:
    from airflow.providers.common.compat.sdk import Context

    from airflow_provider_vercel.api.models import BillingPlan
    from airflow_provider_vercel.api.plans import PlanRule

# XCom key under which the select operator pushes the chosen plan's summary.
PLAN_SUMMARY_XCOM_KEY = "billing_plan"
#: Why that plan: ``{"rule", "rejected": [{"id", "name", "reason"}]}`` (for an approval, a report).
PLAN_SELECTION_XCOM_KEY = "plan_selection"


def _plan_query_checks(integration: Any, product: Any, configuration_id: Any) -> list[tuple[Any, Callable[[Any], Any]]]:
    return [
        (integration, lambda v: check.require_id("integration", v)),
        (product, lambda v: check.product_id_or_slug(v)),
        (configuration_id, lambda v: v is None or check.configuration_id(v)),
    ]


def _metadata_check(value: Any) -> dict[str, Any]:
    return check.metadata_values(rendered_mapping("metadata", value))


class VercelListBillingPlansOperator(VercelBaseOperator):
    """List a product's billing plans; prices may depend on the intended metadata, so pass it.

    Returns (XCom ``return_value``) a list of plan summaries ``{"id", "name", "type", "scope",
    "is_free", "cost", "monthly_cost", "initial_charge", "minimum_amount", "maximum_amount",
    "disabled", "requires_prepayment_amount"}`` (amounts are USD strings); with ``expect_one=True``,
    the one matching plan id as a string. Disabled plans are left out unless ``include_disabled``.

    :param integration: integration slug (``neon``) or id (``oac_…``) (templated).
    :param product: product slug (``neon-postgres``) or id (``iap_…``) (templated).
    :param metadata: the intended store metadata, sent so that prices match it (templated).
    :param integration_configuration_id: the configuration, for installation-scoped plans (templated).
    :param plan_type: keep only ``subscription`` or ``prepayment`` plans (templated).
    :param include_disabled: also list plans that cannot be chosen (templated).
    :param expect_one: return the single matching id, and fail when zero or several match; the plans
        it chooses among are those listed (narrowed by ``plan_type`` and ``include_disabled``) (templated).
    :param vercel_conn_id: the Vercel connection (templated).
    """

    template_fields: Sequence[str] = (
        "integration",
        "product",
        "metadata",
        "integration_configuration_id",
        "plan_type",
        "include_disabled",
        "expect_one",
        *VercelBaseOperator.template_fields,
    )
    template_fields_renderers = {"metadata": "json"}

    def __init__(
        self,
        *,
        integration: str,
        product: str,
        metadata: dict[str, Any] | str | None = None,
        integration_configuration_id: str | None = None,
        plan_type: str | None = None,
        include_disabled: bool = False,
        expect_one: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.integration = integration
        self.product = product
        self.metadata = metadata
        self.integration_configuration_id = integration_configuration_id
        self.plan_type = plan_type
        self.include_disabled = include_disabled
        self.expect_one = expect_one
        for value, checker in _plan_query_checks(integration, product, integration_configuration_id):
            self.check_now(value, checker)
        self.check_now(metadata, _metadata_check)
        self.check_now(plan_type, lambda v: v is None or check.choice("plan_type", v, PLAN_TYPES))
        self.check_now(include_disabled, lambda v: rendered_bool("include_disabled", v))
        self.check_now(expect_one, lambda v: rendered_bool("expect_one", v))

    def execute(self, context: Context) -> list[dict[str, Any]] | str:
        from airflow_provider_vercel.api.plans import plan_summary  # heavy: see the module docstring

        configuration_id = optional_text(self.integration_configuration_id)
        plan_type = optional_text(self.plan_type)
        with task_failures():
            self.check_rendered()
            self.include_disabled = rendered_bool("include_disabled", self.include_disabled)
            self.expect_one = rendered_bool("expect_one", self.expect_one)
            for value, checker in _plan_query_checks(self.integration, self.product, configuration_id):
                checker(value)
            metadata = _metadata_check(self.metadata)
            if plan_type is not None:
                check.choice("plan_type", plan_type, PLAN_TYPES)
            plans: list[BillingPlan] = self.hook.list_billing_plans(
                self.integration, self.product, metadata, configuration_id
            )
        visible = [plan_summary(plan) for plan in plans]
        matched = [
            summary
            for plan, summary in zip(plans, visible)
            if (self.include_disabled or not plan.disabled) and (plan_type is None or plan.type == plan_type)
        ]
        self.log.info("%s/%s has %d plan(s), %d listed", self.integration, self.product, len(visible), len(matched))
        if self.expect_one:
            criteria = criteria_text(
                integration=self.integration,
                product=self.product,
                plan_type=plan_type,
                include_disabled=self.include_disabled or None,
            )
            return only_one("billing plan", matched, visible, criteria, describe_plan)
        return matched


_RULE_FIELDS = (
    "rule",
    "plan_id",
    "plan_name",
    "max_monthly_cost",
    "max_initial_charge",
    "max_prepayment_amount",
    "prepayment_amount_cents",
    "allow_prepayment",
    "paid_only",
    "plan_type",
)


class VercelSelectBillingPlanOperator(VercelBaseOperator):
    """Choose a product's billing plan by a declared rule and hand its id to the create step.

    Lists the plans (with the intended metadata, as prices may depend on it) and picks one:

    - ``rule="id"``: the plan ``plan_id``; ``rule="name"``: the plan called ``plan_name`` (any case);
    - ``rule="free"``: a plan that needs no payment method;
    - ``rule="cheapest"``: the lowest price within the ceilings.

    Without ``rule`` it is inferred: ``plan_id`` → id, ``plan_name`` → name, a ceiling → cheapest,
    nothing → free. Ceilings (``max_monthly_cost``, ``max_initial_charge``, ``max_prepayment_amount``)
    guard every rule. Disabled plans are never chosen. For a prepayment plan the intended
    ``prepayment_amount_cents`` is checked against the plan's minimum and maximum. ``paid_only``
    refuses free plans, for "the cheapest paid plan under a ceiling". When no plan
    qualifies the task fails (without retry) listing every plan seen and why it was rejected.

    Returns (XCom ``return_value``) the chosen plan id, a string. Also pushes the chosen plan's
    summary (the shape ``VercelListBillingPlansOperator`` lists) under the XCom key ``billing_plan``
    (``PLAN_SUMMARY_XCOM_KEY``), and why under ``plan_selection`` (the rule and each rejected plan with its reason).

    :param integration: integration slug (``neon``) or id (``oac_…``) (templated).
    :param product: product slug (``neon-postgres``) or id (``iap_…``) (templated).
    :param rule: ``id``, ``name``, ``free`` or ``cheapest``; None infers it (templated).
    :param plan_id: the plan id for rule ``id`` (templated).
    :param plan_name: the plan name for rule ``name`` (templated).
    :param max_monthly_cost: USD ceiling on a subscription's monthly cost, e.g. ``25`` or ``"25.00"`` (templated).
    :param max_initial_charge: USD ceiling on the charge made at creation (templated).
    :param max_prepayment_amount: USD ceiling on a prepayment plan's prepaid amount (templated).
    :param prepayment_amount_cents: the prepayment intended for a prepayment plan, in cents (templated).
    :param allow_prepayment: False refuses every prepayment plan (templated).
    :param paid_only: refuse free plans (for "the cheapest paid plan"); not with rule ``free`` (templated).
    :param plan_type: only ``subscription`` or only ``prepayment`` plans (templated).
    :param metadata: the intended store metadata, sent when listing plans (templated).
    :param integration_configuration_id: the configuration, for installation-scoped plans (templated).
    :param vercel_conn_id: the Vercel connection (templated).
    """

    template_fields: Sequence[str] = (
        "integration",
        "product",
        *_RULE_FIELDS,
        "metadata",
        "integration_configuration_id",
        *VercelBaseOperator.template_fields,
    )
    template_fields_renderers = {"metadata": "json"}

    def __init__(
        self,
        *,
        integration: str,
        product: str,
        rule: str | None = None,
        plan_id: str | None = None,
        plan_name: str | None = None,
        max_monthly_cost: float | int | str | None = None,
        max_initial_charge: float | int | str | None = None,
        max_prepayment_amount: float | int | str | None = None,
        prepayment_amount_cents: int | str | None = None,
        allow_prepayment: bool = True,
        paid_only: bool = False,
        plan_type: str | None = None,
        metadata: dict[str, Any] | str | None = None,
        integration_configuration_id: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.paid_only = paid_only
        self.integration = integration
        self.product = product
        self.rule = rule
        self.plan_id = plan_id
        self.plan_name = plan_name
        self.max_monthly_cost = max_monthly_cost
        self.max_initial_charge = max_initial_charge
        self.max_prepayment_amount = max_prepayment_amount
        self.prepayment_amount_cents = prepayment_amount_cents
        self.allow_prepayment = allow_prepayment
        self.plan_type = plan_type
        self.metadata = metadata
        self.integration_configuration_id = integration_configuration_id
        for value, checker in _plan_query_checks(integration, product, integration_configuration_id):
            self.check_now(value, checker)
        self.check_now(metadata, _metadata_check)
        if not any(is_deferred(getattr(self, name)) for name in _RULE_FIELDS):
            self.plan_rule()

    def plan_rule(self) -> PlanRule:
        """The ``PlanRule`` these (rendered) arguments declare; raises ``VercelInputError`` naming the argument."""
        from airflow_provider_vercel.api.plans import PlanRule  # heavy: see the module docstring

        arguments = {
            "plan_id": optional_text(self.plan_id),
            "plan_name": optional_text(self.plan_name),
            "max_monthly_cost": optional_text(self.max_monthly_cost),
            "max_initial_charge": optional_text(self.max_initial_charge),
            "max_prepayment_amount": optional_text(self.max_prepayment_amount),
            "prepayment_amount_cents": check.prepayment_cents(optional_text(self.prepayment_amount_cents)),
            "allow_prepayment": rendered_bool("allow_prepayment", self.allow_prepayment),
            "plan_type": optional_text(self.plan_type),
        }
        paid_only = rendered_bool("paid_only", self.paid_only)
        return PlanRule.from_kwargs(rule=optional_text(self.rule), paid_only=paid_only, **arguments)

    def execute(self, context: Context) -> str:
        from airflow_provider_vercel.api.approval import selection_reasons  # heavy: see the module docstring
        from airflow_provider_vercel.api.plans import plan_summary, select_plan  # heavy: see the module docstring

        configuration_id = optional_text(self.integration_configuration_id)
        with task_failures():
            self.check_rendered()
            for value, checker in _plan_query_checks(self.integration, self.product, configuration_id):
                checker(value)
            metadata = _metadata_check(self.metadata)
            rule = self.plan_rule()
            plans = self.hook.list_billing_plans(self.integration, self.product, metadata, configuration_id)
            self.log.info(
                "Choosing among %d plan(s) of %s/%s by %s",
                len(plans), self.integration, self.product, rule.describe(),
            )
            selection = select_plan(plans, rule)
        for rejected in selection.rejected:
            self.log.info("Not chosen: %s (%s): %s", rejected.plan_id, rejected.plan_name, rejected.reason)
        summary = plan_summary(selection.plan)
        plan = selection.plan
        self.log.info("Chose plan %s (%s, %s)", plan.id, plan.name, plan.cost or plan.type)
        context["ti"].xcom_push(key=PLAN_SUMMARY_XCOM_KEY, value=summary)
        context["ti"].xcom_push(key=PLAN_SELECTION_XCOM_KEY, value=selection_reasons(rule, selection))
        return selection.plan.id
