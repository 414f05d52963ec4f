"""Which billing plan a rule would choose, and why every other plan would not: a read-only step generator.

``plan_preview_flow`` is the dry run of ``VercelSelectBillingPlanOperator`` (and of the CLI's ``plan``
command): with intended metadata it first reads the product's schema and checks the metadata against
it, then lists the product's plans (priced for that metadata), applies the rule and returns one
JSON-safe report. Nothing is created or bought. Drive it with ``client.run(flow)``.
"""

from __future__ import annotations

from collections.abc import Generator, Mapping
from decimal import Decimal
from typing import Any

from airflow_provider_vercel.api import calls
from airflow_provider_vercel.api import validation as check
from airflow_provider_vercel.api.errors import VercelInputError, VercelPlanSelectionError, one_line
from airflow_provider_vercel.api.metadata import validate_metadata
from airflow_provider_vercel.api.models import BillingPlan, ConfigurationProducts, IntegrationConfiguration
from airflow_provider_vercel.api.plans import PlanRule, plan_summary, plan_verdicts, select_plan
from airflow_provider_vercel.api.provisioning import resolve_product
from airflow_provider_vercel.api.steps import Step

# The reason given to a qualifying plan when a rule by id or name matched more than one.
_AMBIGUOUS = "matches too: the rule must match exactly one plan"


def check_preview_arguments(integration: str, product: str, configuration_id: str | None = None) -> None:
    """Raise ``VercelInputError`` naming the first invalid argument of ``plan_preview_flow``; no I/O.

    :param integration: integration slug or id.
    :param product: product slug or id.
    :param configuration_id: the configuration, or None.
    """
    check.require_id("integration", integration)
    check.product_id_or_slug(product)
    if configuration_id is not None:
        check.configuration_id(configuration_id, "configuration_id")


def plan_preview_flow(
    integration: str,
    product: str,
    rule: PlanRule,
    *,
    configuration_id: str | None = None,
    metadata: Mapping[str, Any] | None = None,
    account: str = "this account",
) -> Generator[Step, Any, dict[str, Any]]:
    """Steps of a plan dry run (only GETs); the arguments are checked before the first step.

    The report is ``{"integration", "product", "configuration_id", "metadata", "rule", "chosen",
    "rejected", "problem", "plans"}``: ``chosen`` is the plan's summary or None, ``rejected`` one
    ``{"id", "name", "reason"}`` per other plan, ``problem`` why nothing was chosen (else None).
    Metadata that does not fit the schema, an unknown product, or an integration with no or several
    configurations (when ``configuration_id`` is needed and absent) raise ``VercelInputError``.

    :param integration: integration slug (``neon``) or id (``oac_…``).
    :param product: product slug or id (``iap_…``).
    :param rule: the selection rule (``PlanRule.from_kwargs``).
    :param configuration_id: the configuration (``icfg_…``); with ``metadata`` and without it, the
        integration's one configuration is looked up.
    :param metadata: the intended store metadata, or None to skip the schema check.
    :param account: whose configurations are listed, for messages (``team acme``).
    """
    check_preview_arguments(integration, product, configuration_id)
    if metadata is not None:
        if configuration_id is None:
            configuration_id = yield from _only_configuration(integration, account)
        listing: ConfigurationProducts = yield calls.list_products(configuration_id)
        schema = resolve_product(listing, product, configuration_id).metadata_schema
        validate_metadata(schema, metadata, argument="metadata")
    plans: list[BillingPlan] = yield calls.list_billing_plans(integration, product, metadata, configuration_id)
    report: dict[str, Any] = {
        "integration": integration,
        "product": product,
        "configuration_id": configuration_id,
        "metadata": None if metadata is None else dict(metadata),
        "rule": rule_document(rule),
        "chosen": None,
        "rejected": [],
        "problem": None,
        "plans": [plan_summary(plan) for plan in plans],
    }
    try:
        selection = select_plan(plans, rule)
    except VercelPlanSelectionError as exc:
        verdicts = plan_verdicts(plans, rule)
        if all(reason is not None for _, reason in verdicts):
            report["problem"] = f"no billing plan of {product} satisfies {rule.describe()}"
        else:  # a rule by id or name matched several enabled plans
            report["problem"] = one_line(str(exc))
        report["rejected"] = [{"id": p.id, "name": p.name, "reason": reason or _AMBIGUOUS} for p, reason in verdicts]
        return report
    report["chosen"] = plan_summary(selection.plan)
    report["rejected"] = [{"id": r.plan_id, "name": r.plan_name, "reason": r.reason} for r in selection.rejected]
    return report


def _only_configuration(integration: str, account: str) -> Generator[Step, Any, str]:
    """The id of the integration's one configuration; ``VercelInputError`` when there are none or several."""
    listed: list[IntegrationConfiguration] = yield calls.list_configurations("account", None, integration)
    # A configuration that names no integration may still be the one: the filter was the server's.
    found = [
        c
        for c in listed
        if integration in (c.integration_id, c.integration_slug, c.id) or not (c.integration_id or c.integration_slug)
    ]
    if len(found) == 1:
        return found[0].id
    if not found:
        raise VercelInputError("integration", f"no configuration of {integration!r} is visible to {account}")
    names = ", ".join(f"{c.id} ({c.effective_installation_type})" for c in found)
    raise VercelInputError("configuration_id", f"{integration!r} has {len(found)} configurations ({names}); pick one")


def rule_document(rule: PlanRule) -> dict[str, Any]:
    """``rule``'s settings as a JSON-safe dict (Decimal amounts as text), with its one-line ``description``.

    :param rule: the selection rule.
    """
    return {
        "rule": rule.rule,
        "plan_id": rule.plan_id,
        "plan_name": rule.plan_name,
        "max_monthly_cost": _json_amount(rule.max_monthly_cost),
        "max_initial_charge": _json_amount(rule.max_initial_charge),
        "max_prepayment_amount": _json_amount(rule.max_prepayment_amount),
        "prepayment_amount_cents": rule.prepayment_amount_cents,
        "allow_prepayment": rule.allow_prepayment,
        "plan_type": rule.plan_type,
        "paid_only": rule.paid_only,
        "description": rule.describe(),
    }


def _json_amount(amount: Any) -> Any:
    return str(amount) if isinstance(amount, Decimal) else amount
