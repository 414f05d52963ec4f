"""Small JSON-safe summaries of Vercel objects: the XCom values every Vercel operator returns.

Each builder takes an API-layer model and keeps only what a downstream task or a person needs: ids,
names, status, plan, secret *names*. Never a raw payload, a secret value or the token. All operators
use these builders, so a configuration, product, plan or store has the same shape wherever it appears.
Part of the API layer: no Airflow code. Plan summaries are ``plans.plan_summary``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

if TYPE_CHECKING:
    # For annotations only: operator modules import this one when a DAG file is parsed, and the
    # pydantic models (and create.py) would multiply its cost (``make bench BENCH_ARGS="--only parse"``).
    from airflow_provider_vercel.api.create import CreateOutcome
    from airflow_provider_vercel.api.models import IntegrationConfiguration, IntegrationInfo, Product, Store

DASHBOARD_BASE_URL = "https://vercel.com"


def configuration_summary(configuration: IntegrationConfiguration) -> dict[str, Any]:
    """Summarise an integration configuration.

    Shape: ``{"id", "integration_id", "integration_slug", "integration_name", "installation_type",
    "status", "source"}``; an absent status reads ``ready`` and an absent installation type
    ``external`` (docs/api-contract.md §1).

    :param configuration: the configuration as listed by the API.
    """
    return {
        "id": configuration.id,
        "integration_id": configuration.integration_id,
        "integration_slug": configuration.integration_slug,
        "integration_name": configuration.integration_name,
        "installation_type": configuration.effective_installation_type,
        "status": configuration.effective_status,
        "source": configuration.source,
    }


def enabled_protocols(product: Product) -> list[str]:
    """Names of the protocols a product declares with ``status: enabled``, sorted.

    :param product: the product.
    """
    return sorted(
        name
        for name, settings in product.protocols.items()
        if not isinstance(settings, dict) or settings.get("status", "enabled") == "enabled"
    )


def product_summary(
    product: Product,
    *,
    integration: IntegrationInfo | None = None,
    configuration_id: str | None = None,
) -> dict[str, Any]:
    """Summarise a product of a configuration.

    Shape: ``{"id", "slug", "name", "primary_protocol", "protocols", "integration_id",
    "integration_slug", "configuration_id", "metadata_fields", "required_metadata"}`` where
    ``protocols`` lists the enabled protocols, ``metadata_fields`` the schema's field names in
    display order and ``required_metadata`` those the schema requires.

    :param product: the product.
    :param integration: the ``integration`` object of the products response, if known.
    :param configuration_id: the configuration the product was listed for.
    """
    # Imported here: the schema reader adds about 5 ms to this module's DAG-parse import (``-X importtime``,
    # best of 7, with calls, plans and models loaded), for the one summary that lists fields.
    from airflow_provider_vercel.api.metadata_schema import describe_fields

    fields = describe_fields(product.metadata_schema)
    return {
        "id": product.id,
        "slug": product.slug,
        "name": product.name,
        "primary_protocol": product.primary_protocol,
        "protocols": enabled_protocols(product),
        "integration_id": integration.id if integration else None,
        "integration_slug": integration.slug if integration else None,
        "configuration_id": configuration_id,
        "metadata_fields": [field.name for field in fields],
        "required_metadata": [field.name for field in fields if field.required],
    }


def price_text(plan: Mapping[str, Any]) -> str | None:
    """A plan's price in words: Vercel's own cost text, else a prepayment's range; None when neither is stated.

    :param plan: a plan summary (``plans.plan_summary``).
    """
    if plan.get("cost"):
        return str(plan["cost"])
    low, high = plan.get("minimum_amount"), plan.get("maximum_amount")
    if plan.get("type") == "prepayment" and (low or high):
        if low and high:
            return f"${low} to ${high} prepaid"
        return f"at least ${low} prepaid" if low else f"at most ${high} prepaid"
    return None


def allowed_values_text(field: Mapping[str, Any]) -> str | None:
    """A metadata field's allowed values in words: its options, else its bounds; None when it is free-form.

    :param field: a field as the discovery listing gives it (``{"options", "minimum", "maximum", ...}``).
    """
    if field["options"]:
        return ", ".join(str(option) for option in field["options"])
    low, high = (None if value is None else f"{value:g}" for value in (field["minimum"], field["maximum"]))
    if low is not None and high is not None:
        return f"{low} to {high}"
    return f">= {low}" if low is not None else (None if high is None else f"<= {high}")


def dashboard_url(store_id: str, team: str | None) -> str:
    """The store's page in the Vercel dashboard, as Vercel's CLI prints it after provisioning.

    ``https://vercel.com/<team>/~/stores/integration/<store id>``. Vercel's own links use the team
    *slug*: set ``team_slug`` in the connection for exact links; with only a team id the id stands in
    for it. Without a team (a personal account, whose username the API token does not reveal here)
    the link is the dashboard's home page.

    :param store_id: the store id (``store_…``).
    :param team: team slug or id, or None for a personal account.
    """
    if not team:
        return f"{DASHBOARD_BASE_URL}/dashboard"
    return f"{DASHBOARD_BASE_URL}/{quote(team, safe='')}/~/stores/integration/{quote(store_id, safe='')}"


def outcome_label(outcome: CreateOutcome) -> str:
    """``created``, ``reused`` or ``recovered`` (created, then found again after an ambiguous failure).

    :param outcome: what get-or-create did.
    """
    if outcome.reused:
        return "reused"
    return "recovered" if outcome.recovered_from else "created"


def outcome_sentence(outcome: CreateOutcome, where: str, billing_plan_id: str | None) -> tuple[bool, str]:
    """What get-or-create did, as one sentence for the task log; True first when it deserves a warning.

    :param outcome: what get-or-create did.
    :param where: the product and configuration, e.g. ``neon-postgres in icfg_…``.
    :param billing_plan_id: the plan asked for (None: Vercel's free plan).
    """
    store = outcome.store
    if outcome.reused:
        return False, f"Store {store.name!r} already exists ({store.id}, {where}, status {store.status}): reused, nothing created."
    if outcome.recovered_from:
        return True, (
            f"Created store {store.name!r} ({store.id}, {where}) after an ambiguous failure ({outcome.recovered_from}): "
            f"it was found by name before any further request, so exactly one store exists ({outcome.posts} POST(s))."
        )
    plan = billing_plan_id or "Vercel's free plan"
    return False, f"Created store {store.name!r} ({store.id}, {where}) on plan {plan}, status {store.status}."


def store_summary(
    store: Store,
    *,
    dashboard: str | None = None,
    configuration_id: str | None = None,
    billing_plan_id: str | None = None,
    outcome: str | None = None,
) -> dict[str, Any]:
    """Summarise a store.

    Shape: ``{"id", "name", "status", "product": {"id", "slug", "name"}, "plan": {"id", "name",
    "type"} | None, "configuration_id", "secret_names", "dashboard_url", "outcome"}``. Secret
    *names* only: the API never returns values here and neither does this summary.

    :param store: the store.
    :param dashboard: the store's dashboard URL.
    :param configuration_id: the configuration, used when the store does not say.
    :param billing_plan_id: the plan asked for, used when the store does not name its plan.
    :param outcome: ``created``, ``reused`` or ``recovered``, when known.
    """
    product = store.product
    plan = store.billing_plan
    if plan is not None:
        plan_info: dict[str, Any] | None = {"id": plan.id, "name": plan.name, "type": plan.type}
    elif billing_plan_id:
        plan_info = {"id": billing_plan_id, "name": None, "type": None}
    else:
        plan_info = None
    return {
        "id": store.id,
        "name": store.name,
        "status": store.status,
        "product": {
            "id": product.id if product else None,
            "slug": product.slug if product else None,
            "name": product.name if product else None,
        },
        "plan": plan_info,
        "configuration_id": store.configuration_id or configuration_id,
        "secret_names": store.secret_names,
        "dashboard_url": dashboard,
        "outcome": outcome,
    }


__all__ = [
    "DASHBOARD_BASE_URL",
    "configuration_summary",
    "dashboard_url",
    "enabled_protocols",
    "outcome_label",
    "outcome_sentence",
    "product_summary",
    "store_summary",
]
