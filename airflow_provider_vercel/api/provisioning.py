"""Provisioning a store, decided before any POST: the create arguments, the catalog checks, the dry run.

Written once, without I/O, as step generators in the style of ``get_or_create_flow``: the create
operator and the CLI drive them with ``client.run(flow)``.

- ``CREATE_ARGUMENT_CHECKS`` / ``create_request``: each create argument checked and coerced from what a
  template renders, naming the argument; the validated ``CreateStoreRequest``.
- ``prepare_flow``: the configuration's products (one GET) to resolve the product and validate the
  metadata against its ``metadataSchema``; with a billing plan, the product's plans (one more GET) to
  check the plan exists, is enabled and fits the prepayment amount.
- ``dry_run_flow``: everything ``prepare_flow`` checks plus the get-or-create look-up, no POST; the
  report says what would happen and why.
"""

from __future__ import annotations

from collections.abc import Generator, Mapping
from dataclasses import dataclass, replace
from typing import Any

from airflow_provider_vercel.api import calls
from airflow_provider_vercel.api.calls import CreateStoreRequest
from airflow_provider_vercel.api.create import matching_stores
from airflow_provider_vercel.api.create_arguments import CREATE_ARGUMENT_CHECKS as CREATE_ARGUMENT_CHECKS
from airflow_provider_vercel.api.create_arguments import IF_EXISTS_CHOICES as IF_EXISTS_CHOICES
from airflow_provider_vercel.api.errors import VercelInputError, VercelPlanSelectionError, VercelResponseError
from airflow_provider_vercel.api.models import BillingPlan, ConfigurationProducts, IntegrationConfiguration, Product
from airflow_provider_vercel.api.plans import PlanRule, plan_by_id, plan_summary, select_plan
from airflow_provider_vercel.api.steps import Step
from airflow_provider_vercel.api.summaries import product_summary


def create_request(arguments: Mapping[str, Any]) -> CreateStoreRequest:
    """The validated create body (product not resolved yet); raises ``VercelInputError`` naming the argument.

    :param arguments: the create's arguments by name (``CREATE_ARGUMENT_CHECKS``' keys; ``if_exists`` is
        checked, not sent).
    """
    values = {name: checker(arguments.get(name)) for name, checker in CREATE_ARGUMENT_CHECKS.items()}
    values.pop("if_exists")
    return CreateStoreRequest(**values)


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


def resolve_product(listing: ConfigurationProducts, wanted: str, configuration_id: str) -> Product:
    """The product of ``listing`` whose id or slug is ``wanted``; ``VercelInputError("product")`` otherwise.

    :param listing: the configuration's products.
    :param wanted: product id (``iap_…``) or slug.
    :param configuration_id: the configuration, for the message.
    """
    for product in listing.products:
        if wanted in (product.id, product.slug):
            return product
    offered = ", ".join(f"{p.slug} ({p.id})" for p in listing.products) or "none"
    raise VercelInputError(
        "product", f"{wanted!r} is not a product of configuration {configuration_id}; it offers: {offered}"
    )


def check_plan(plans: list[BillingPlan], plan_id: str, cents: int | None, product: Product) -> BillingPlan:
    """The plan ``plan_id`` of ``plans`` if it can be bought as asked; ``VercelInputError`` naming the argument.

    :param plans: the product's plans.
    :param plan_id: the requested plan.
    :param cents: the requested prepayment amount, if any.
    :param product: the product, for the messages.
    """
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


def _integration_flow(listing: ConfigurationProducts, configuration_id: str) -> Generator[Step, Any, str]:
    integration = listing.integration
    if integration is not None and (integration.id or integration.slug):
        return str(integration.id or integration.slug)
    # The products answer should name its integration (§2); ask the configuration otherwise.
    configuration: IntegrationConfiguration = yield calls.get_configuration(configuration_id)
    found = configuration.integration_id or configuration.integration_slug
    if not found:
        raise VercelResponseError("GET", f"/v1/integrations/configuration/{configuration_id}", "no integration id")
    return found


def prepare_flow(request: CreateStoreRequest) -> Generator[Step, Any, PreparedStore]:
    """Steps resolving and validating a create against the catalog; only GETs (products, plans).

    :param request: the body from ``create_request``.
    """
    # jsonschema is imported here, not at the top: operator modules import this one when a DAG file is
    # parsed, and the parse benchmark holds them to importing no jsonschema.
    from airflow_provider_vercel.api.metadata import validate_metadata

    configuration_id = request.integration_configuration_id
    listing: ConfigurationProducts = yield calls.list_products(configuration_id)
    product = resolve_product(listing, request.product, configuration_id)
    validate_metadata(product.metadata_schema, request.metadata, argument="metadata")
    plan_info = None
    if request.billing_plan_id is not None:
        integration = yield from _integration_flow(listing, configuration_id)
        plans: list[BillingPlan] = yield calls.list_billing_plans(
            integration, product.id, request.metadata, configuration_id
        )
        plan_info = plan_summary(check_plan(plans, request.billing_plan_id, request.prepayment_amount_cents, product))
    return PreparedStore(
        request=replace(request, product=product.id),
        product=product_summary(product, integration=listing.integration, configuration_id=configuration_id),
        plan=plan_info,
    )


def dry_run_flow(arguments: Mapping[str, Any]) -> Generator[Step, Any, dict[str, Any]]:
    """Steps of a dry run: every check and GET of a create, no POST; the report of what would happen.

    The report is ``{"dry_run": True, "would": "create" | "reuse" | "fail", "request", "product", "plan",
    "existing_store_id", "reasons"}``. Invalid input and an existing store with ``if_exists="fail"``
    are reported (``would: "fail"``); API and network errors are raised.

    :param arguments: the create's arguments by name, as for ``create_request``.
    """
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
        request = create_request(arguments)
        prepared = yield from prepare_flow(request)
    except (VercelInputError, VercelPlanSelectionError) as exc:
        reasons.append(f"invalid argument {exc}" if isinstance(exc, VercelInputError) else str(exc))
        return report
    request = prepared.request
    configuration_id = request.integration_configuration_id
    report.update(request=request.to_body(), product=prepared.product, plan=prepared.plan)
    product = prepared.product
    reasons.append(f"product {product.get('slug')} ({product.get('id')}) is offered by configuration {configuration_id}")
    reasons.append("metadata is valid for the product's schema" if request.metadata else "no metadata; none is required")
    if prepared.plan is None:
        reasons.append("no billing_plan_id: Vercel would pick the product's free plan")
    else:
        plan = prepared.plan
        reasons.append(f"billing plan {plan.get('id')} ({plan.get('name')}, {plan.get('type')}) exists and is enabled")
    existing = matching_stores((yield calls.list_stores(configuration_id)), request.name, request.product)
    if not existing:
        report["would"] = "create"
        reasons.append(
            f"no store named {request.name!r} in configuration {configuration_id}: the POST would create it"
        )
        return report
    store = existing[0]
    report["existing_store_id"] = store.id
    if arguments.get("if_exists") == "fail":
        reasons.append(f"store {request.name!r} already exists ({store.id}) and if_exists='fail'")
    else:
        report["would"] = "reuse"
        reasons.append(
            f"store {request.name!r} already exists ({store.id}, status {store.status}): "
            "if_exists='reuse' adopts it, nothing would be created"
        )
    return report
