"""Read-only catalog endpoints: configurations, configuration products, billing plans."""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter, Depends, Path, Query, Request

from . import spec
from .access import Caller, emulator_state, get_caller
from .bodies import json_object_query
from .errors import bad_request, not_found
from .pricing import render_plans
from .responses import JSONResponse
from .shapes import configuration_a, configuration_b, configuration_full, product_listing

router = APIRouter(tags=["integrations"])


@router.get(
    "/v1/integrations/configurations",
    operation_id="getConfigurations",
    summary="List integration configurations (a bare JSON array)",
    responses=spec.responses(200, {"type": "array", "items": spec.CONFIGURATION}, "Configurations", (400, 401, 403)),
)
async def get_configurations(
    request: Request,
    view: Literal["account", "project"] = Query(..., description="account: shape B items; project: shape A items."),
    installationType: Literal["marketplace", "external", "provisioning"] | None = Query(None),  # noqa: N803
    integrationIdOrSlug: str | None = Query(None, description="Integration id (oac_…) or slug."),  # noqa: N803
    caller: Caller = Depends(get_caller),
) -> JSONResponse:
    """List the scoped team's configurations; the personal account has none."""
    state = emulator_state(request)
    if caller.team_id is None:
        return JSONResponse([])
    with state.lock:
        shown = []
        for cfg in state.team_configurations(caller.team_id):
            integration = state.integrations.get(cfg["integrationId"], {})
            if view == "project" and cfg.get("authorizationOnly"):
                continue  # OAuth-authorization-only installs are left out of the project view
            if installationType == "provisioning" and not cfg.get("provisioning"):
                continue
            if installationType in ("marketplace", "external") and (
                cfg.get("installationType", "external") != installationType or cfg.get("provisioning")
            ):
                continue
            if integrationIdOrSlug is not None and integrationIdOrSlug not in (
                integration.get("id"),
                integration.get("slug"),
            ):
                continue
            shown.append(configuration_b(state, cfg) if view == "account" else configuration_a(state, cfg))
    return JSONResponse(shown)


def _team_configuration(request: Request, caller: Caller, configuration_id: str) -> dict[str, Any]:
    state = emulator_state(request)
    cfg = state.configurations.get(configuration_id)
    if cfg is None or caller.team_id is None or cfg.get("teamId") != caller.team_id:
        raise not_found(f"Integration configuration {configuration_id} was not found.")
    return cfg


@router.get(
    "/v1/integrations/configuration/{id}",
    operation_id="getConfiguration",
    summary="Get one integration configuration",
    responses=spec.responses(200, spec.CONFIGURATION, "The configuration"),
)
async def get_configuration(
    request: Request,
    id: str = Path(..., description="Configuration id (icfg_…)."),  # noqa: A002 - wire name
    caller: Caller = Depends(get_caller),
) -> JSONResponse:
    """Return one configuration in the "full" shape."""
    state = emulator_state(request)
    with state.lock:
        cfg = _team_configuration(request, caller, id)
        return JSONResponse(configuration_full(state, cfg))


@router.get(
    "/v1/integrations/configuration/{id}/products",
    operation_id="getConfigurationProducts",
    summary="List the products a configuration can provision",
    responses=spec.responses(200, spec.PRODUCTS_RESPONSE, "Products with their metadataSchema"),
)
async def get_configuration_products(
    request: Request,
    id: str = Path(..., description="Configuration id (icfg_…)."),  # noqa: A002
    caller: Caller = Depends(get_caller),
) -> JSONResponse:
    """Return ``{products, integration, configuration}``."""
    state = emulator_state(request)
    with state.lock:
        cfg = _team_configuration(request, caller, id)
        integration = state.integrations[cfg["integrationId"]]
        return JSONResponse(
            {
                "products": [product_listing(p) for p in integration.get("products") or []],
                "integration": {"id": integration["id"], "slug": integration["slug"], "name": integration["name"]},
                "configuration": {"id": cfg["id"]},
            }
        )


@router.get(
    "/v1/integrations/integration/{integrationIdOrSlug}/products/{productIdOrSlug}/plans",
    operation_id="getBillingPlans",
    summary="List a product's billing plans, priced for the intended metadata",
    responses=spec.responses(
        200,
        {"type": "object", "required": ["plans"], "properties": {"plans": {"type": "array", "items": spec.PLAN}}},
        "Plans",
    ),
)
async def get_billing_plans(
    request: Request,
    integrationIdOrSlug: str = Path(..., description="Integration id (oac_…) or slug."),  # noqa: N803
    productIdOrSlug: str = Path(..., description="Product id (iap_…) or slug."),  # noqa: N803
    metadata: str | None = Query(None, description="JSON-encoded object: the intended resource metadata."),
    integrationConfigurationId: str | None = Query(None, description="Configuration id (icfg_…)."),  # noqa: N803
    source: str | None = Query(None, description="The caller's flow, one of the published values."),
    caller: Caller = Depends(get_caller),
) -> JSONResponse:
    """Return ``{plans}``; prices depend on ``metadata`` (e.g. the region)."""
    state = emulator_state(request)
    if source is not None and source not in spec.SOURCES:
        raise bad_request(f"Query parameter `source` must be one of: {', '.join(spec.SOURCES)}.")
    intended = json_object_query(metadata, "metadata")
    with state.lock:
        integration = state.integration(integrationIdOrSlug)
        if integration is None:
            raise not_found(f"Integration {integrationIdOrSlug} was not found.")
        product = state.product(integration, productIdOrSlug)
        if product is None:
            raise not_found(f"Product {productIdOrSlug} was not found in integration {integration['slug']}.")
        if integrationConfigurationId is not None:
            cfg = _team_configuration(request, caller, integrationConfigurationId)
            if cfg["integrationId"] != integration["id"]:
                raise not_found(
                    f"Integration configuration {integrationConfigurationId} is not an installation of "
                    f"{integration['slug']}."
                )
        return JSONResponse({"plans": render_plans(product, intended)})
