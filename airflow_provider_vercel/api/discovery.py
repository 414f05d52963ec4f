"""The Marketplace catalog a team sees, as one JSON-safe listing: a read-only step generator.

``discovery_flow`` lists the team's integration configurations, the products each can provision (with
their metadata fields) and, if asked, each product's billing plans. One configuration's or product's
failure is recorded in the listing and discovery goes on; a failure that would repeat on every call
(a bad token, invalid input) stops it. Drive it with ``client.run(flow)`` (the CLI's ``discover``).
"""

from __future__ import annotations

from collections.abc import Generator
from dataclasses import asdict, dataclass, field
from typing import Any

from airflow_provider_vercel.api import calls
from airflow_provider_vercel.api.errors import VercelError, VercelInputError, VercelUnauthorizedError, failure_text
from airflow_provider_vercel.api.metadata import describe_fields
from airflow_provider_vercel.api.models import BillingPlan, ConfigurationProducts, IntegrationConfiguration, Product
from airflow_provider_vercel.api.plans import plan_summary
from airflow_provider_vercel.api.steps import Step
from airflow_provider_vercel.api.summaries import configuration_summary, product_summary


@dataclass
class Discovery:
    """What ``discovery_flow`` found.

    :param configurations: one ``configuration_summary`` per configuration, with ``products`` (each a
        ``product_summary`` with ``fields``, ``plans`` and ``plans_error``) and ``error``.
    :param warnings: one line per failed call or unreadable schema, in the order met.
    :param failures: how many calls failed (the listing is incomplete when > 0).
    """

    configurations: list[dict[str, Any]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    failures: int = 0


def discovery_flow(
    installation_type: str | None = None, integration: str | None = None, *, with_plans: bool = True
) -> Generator[Step, Any, Discovery]:
    """Steps listing configurations, their products and plans; the arguments are checked at the call.

    :param installation_type: only configurations of this type (``marketplace``, ``external``, ``provisioning``).
    :param integration: only this integration (slug such as ``neon``, or ``oac_…``).
    :param with_plans: also list each product's billing plans (one call per product).
    """
    first = calls.list_configurations("account", installation_type, integration)
    return _discover(first, with_plans)


def _is_fatal(exc: Exception) -> bool:
    """Failures that would repeat on every call: stop rather than collect them."""
    return isinstance(exc, (VercelUnauthorizedError, VercelInputError))


def _discover(first: calls.ApiCall[list[IntegrationConfiguration]], with_plans: bool) -> Generator[Step, Any, Discovery]:
    found = Discovery()
    configurations: list[IntegrationConfiguration] = yield first
    for configuration in configurations:
        entry = {**configuration_summary(configuration), "products": [], "error": None}
        found.configurations.append(entry)
        try:
            listing: ConfigurationProducts = yield calls.list_products(configuration.id)
        except VercelError as exc:
            if _is_fatal(exc):
                raise
            found.failures += 1
            entry["error"] = failure_text(exc)
            found.warnings.append(f"products of {configuration.id}: {entry['error']}")
            continue
        if entry["integration_name"] is None and listing.integration is not None:
            entry["integration_name"] = listing.integration.name
        for product in listing.products:
            entry["products"].append((yield from _product(configuration, listing, product, with_plans, found)))
    return found


def _product(
    configuration: IntegrationConfiguration,
    listing: ConfigurationProducts,
    product: Product,
    with_plans: bool,
    found: Discovery,
) -> Generator[Step, Any, dict[str, Any]]:
    """A product's summary with its metadata fields and (``with_plans``) its plans."""
    entry = product_summary(product, integration=listing.integration, configuration_id=configuration.id)
    try:
        entry["fields"] = [{**asdict(f), "options": list(f.options)} for f in describe_fields(product.metadata_schema)]
    except VercelInputError as exc:  # a schema we cannot read is the API's problem, not the caller's
        found.warnings.append(f"metadata schema of {product.slug} is unreadable: {exc.reason}")
        entry["fields"] = []
    entry["plans"] = entry["plans_error"] = None
    if not with_plans:
        return entry
    owner = listing.integration.id if listing.integration else None
    integration = owner or configuration.integration_id or configuration.integration_slug
    if integration is None:  # stop, as an invalid plans call would: every product would fail alike
        raise VercelInputError("integration", f"neither configuration {configuration.id} nor its products name it")
    try:
        plans: list[BillingPlan] = yield calls.list_billing_plans(integration, product.id, configuration_id=configuration.id)
    except VercelError as exc:
        if _is_fatal(exc):
            raise
        found.failures += 1
        entry["plans_error"] = failure_text(exc)
        found.warnings.append(f"plans of {product.slug} ({configuration.id}): {entry['plans_error']}")
        return entry
    entry["plans"] = [plan_summary(plan) for plan in plans]
    return entry
