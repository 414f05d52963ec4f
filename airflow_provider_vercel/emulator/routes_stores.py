"""Integration stores: create, get, list, delete, and connect to / disconnect from projects."""

from __future__ import annotations

import time
from typing import Any

from fastapi import APIRouter, Depends, Path, Query, Request, Response

from . import ids, spec
from .access import Caller, emulator_state, get_caller
from .backends import StoreSpec
from .bodies import CreateStoreRequest, json_object_body, parse_connect, parse_create_store
from .connections import connect_store, disconnect, find_connection
from .errors import ApiError, bad_request, not_found
from .faults import CREATE_STORE_PATH
from .metadata import MetadataError, validate_metadata
from .pricing import render_plans
from .responses import JSONResponse
from .shapes import store_body
from .state import EmulatorState, Store, now_ms

router = APIRouter(tags=["storage"])

_STORE_RESPONSE = {"type": "object", "required": ["store"], "properties": {"store": spec.STORE}}


def _choose_plan(product: dict[str, Any], plans: list[dict[str, Any]], request: CreateStoreRequest) -> dict[str, Any]:
    """Apply the billing-plan rules of §4 and return the chosen plan."""
    if request.billing_plan_id is None:
        free = next((p for p in plans if not p.get("paymentMethodRequired") and not p.get("disabled")), None)
        if free is None:
            raise bad_request(
                f"Product {product['slug']} has no free plan; pass a `billingPlanId`.", "billing_plan_required"
            )
        return free
    plan = next((p for p in plans if p.get("id") == request.billing_plan_id), None)
    if plan is None:
        raise bad_request(f"`billingPlanId` {request.billing_plan_id!r} is not a plan of product {product['slug']}.")
    if plan.get("disabled"):
        raise bad_request(
            f"`billingPlanId` {plan['id']!r} is disabled and cannot be selected.", "billing_plan_disabled"
        )
    return plan


def _cents(amount: Any) -> float | None:
    try:
        return float(amount) * 100
    except (TypeError, ValueError):
        return None


def _check_prepayment(plan: dict[str, Any], amount: float | None) -> None:
    """Prepayment plans with a variable amount need ``prepaymentAmountCents`` within the plan's bounds."""
    if plan.get("type") != "prepayment":
        return
    low, high = _cents(plan.get("minimumAmount")), _cents(plan.get("maximumAmount"))
    if low is None and high is None:
        return  # fixed amount: charged from initialCharge
    if amount is None:
        raise bad_request(f"`prepaymentAmountCents` is required for the prepayment plan {plan['id']!r}.")
    if low is not None and amount < low:
        raise bad_request(f"`prepaymentAmountCents` must be at least {int(low)} for plan {plan['id']!r}.")
    if high is not None and amount > high:
        raise bad_request(f"`prepaymentAmountCents` must be at most {int(high)} for plan {plan['id']!r}.")


def _create(state: EmulatorState, caller: Caller, request: CreateStoreRequest, listing_lag: float = 0.0) -> Store:
    """Run the catalog-dependent checks and insert the store; the caller holds ``state.lock``."""
    cfg = state.configurations.get(request.configuration_id)
    if cfg is None or caller.team_id is None or cfg.get("teamId") != caller.team_id:
        raise not_found(f"Integration configuration {request.configuration_id} was not found.")
    caller.require_admin()
    integration = state.integrations[cfg["integrationId"]]
    product = state.product(integration, request.product_ref)
    if product is None:
        raise not_found(f"Product {request.product_ref} was not found in configuration {cfg['id']}.")
    try:
        metadata = validate_metadata(product.get("metadataSchema"), request.metadata)
    except MetadataError as exc:
        raise bad_request(str(exc)) from None
    plan = _choose_plan(product, render_plans(product, metadata), request)
    _check_prepayment(plan, request.prepayment_amount_cents)
    if plan.get("paymentMethodRequired"):
        if request.payment_method_id is not None and not state.has_payment_method(
            caller.team_id, request.payment_method_id
        ):
            raise bad_request(f"`paymentMethodId` {request.payment_method_id!r} is not a payment method of this team.")
        if not state.has_payment_method(caller.team_id):
            raise ApiError(
                402, f"Plan {plan['id']!r} requires a payment method; the team has none.", "payment_required"
            )
    if state.reject_duplicate_names and any(s.name == request.name for s in state.team_stores(caller.team_id)):
        raise ApiError(409, f"A store named {request.name!r} already exists.", "conflict")
    new_id = ids.store_id()
    backend = state.backends.get(product.get("backend", "rest")) or state.backends["rest"]
    provisioned = backend.provision(StoreSpec(new_id, request.name, product["slug"], metadata, product))
    stamp = now_ms()
    store = Store(
        id=new_id,
        name=request.name,
        team_id=caller.team_id,
        configuration_id=cfg["id"],
        integration_id=integration["id"],
        product_id=product["id"],
        metadata=metadata,
        billing_plan=plan,
        secrets=dict(provisioned.secrets),
        external_resource_id=provisioned.external_resource_id,
        created_at=stamp,
        updated_at=stamp,
        ready_at=time.time() + state.ready_delay,
        external_id=request.external_id,
        protocol_settings=request.protocol_settings,
        source=request.source,
        created_by=caller.principal.user_id,
        listed_from=time.monotonic() + listing_lag,
    )
    state.add_store(store)
    return store


@router.post(
    CREATE_STORE_PATH,
    operation_id="createIntegrationStoreDirect",
    summary="Create an integration store (200, not 201)",
    openapi_extra=spec.body(spec.CREATE_STORE_BODY),
    responses=spec.responses(200, _STORE_RESPONSE, "The new store", (400, 401, 402, 403, 404, 409)),
)
async def create_store(request: Request, caller: Caller = Depends(get_caller)) -> JSONResponse:
    """Validate the body (§4 rules) and create the store; duplicates are allowed unless configured."""
    state = emulator_state(request)
    parsed = parse_create_store(await json_object_body(request))
    lag = request.app.state.emulator_faults.listing_lag_seconds
    with state.lock:
        store = _create(state, caller, parsed, lag)
        return JSONResponse({"store": store_body(state, store)})


def _store_or_404(state: EmulatorState, caller: Caller, store_id: str, key: str = "error") -> Store:
    store = state.store(store_id, caller.team_id)
    if store is None:
        raise ApiError(404, f"Store {store_id} was not found.", "not_found", key=key)
    return store


@router.get(
    "/v1/storage/stores/{id}",
    operation_id="getStorageStoresById",
    summary="Get one store (status computed now)",
    responses=spec.responses(200, _STORE_RESPONSE, "The store"),
)
@router.get(
    "/storage/stores/{id}",
    operation_id="getStorageStoresByIdPublishedPath",
    summary="Get one store, at the path Vercel publishes (no /v1); same answer",
    responses=spec.responses(200, _STORE_RESPONSE, "The store"),
)
async def get_store(
    request: Request,
    id: str = Path(..., description="Store id (store_…)."),  # noqa: A002
    skip_metadata: bool = Query(False, alias="skip-metadata"),
    include_guides: bool = Query(False, alias="include-guides"),
    caller: Caller = Depends(get_caller),
) -> JSONResponse:
    """Return ``{store}``; 404 when unknown, deleted or another team's."""
    state = emulator_state(request)
    with state.lock:
        store = _store_or_404(state, caller, id)
        return JSONResponse(
            {"store": store_body(state, store, skip_metadata=skip_metadata, include_guides=include_guides)}
        )


@router.get(
    "/v1/storage/stores",
    operation_id="listStorageStores",
    summary="List the team's stores (undocumented, CLI-only; no pagination)",
    responses=spec.responses(
        200,
        {"type": "object", "required": ["stores"], "properties": {"stores": {"type": "array", "items": spec.STORE}}},
        "Stores",
        (400, 401, 403),
    ),
)
async def list_stores(
    request: Request,
    integrationConfigurationId: str | None = Query(None, description="Only stores of this configuration."),  # noqa: N803
    skip_metadata: bool = Query(False, alias="skip-metadata"),
    caller: Caller = Depends(get_caller),
) -> JSONResponse:
    """Return ``{stores}``, oldest first; stores still inside a listing lag are left out."""
    state = emulator_state(request)
    if caller.team_id is None:
        return JSONResponse({"stores": []})
    now = time.monotonic()
    with state.lock:
        stores = [s for s in state.team_stores(caller.team_id, integrationConfigurationId) if s.listed_from <= now]
        return JSONResponse({"stores": [store_body(state, s, skip_metadata=skip_metadata) for s in stores]})


@router.delete(
    "/v1/storage/stores/integration/{id}",
    operation_id="deleteIntegrationStore",
    summary="Delete a store (undocumented; 200 with an empty body; errors use the `err` key)",
    responses=spec.responses(200, None, "Deleted"),
)
async def delete_store(
    request: Request,
    id: str = Path(..., description="Store id (store_…)."),  # noqa: A002
    caller: Caller = Depends(get_caller),
) -> Response:
    """Delete a store; refused with 400 while projects are connected."""
    state = emulator_state(request)
    with state.lock:
        store = _store_or_404(state, caller, id, key="err")
        caller.require_admin(key="err")
        if store.connections:
            raise ApiError(
                400,
                f"Store {store.id} still has {len(store.connections)} connected project(s); disconnect them first.",
                "store_has_connected_projects",
                key="err",
            )
        state.delete_store(store)
    return Response(status_code=200)


async def _connect(request: Request, caller: Caller, store_id: str, configuration_id: str | None, *, cli: bool) -> None:
    state = emulator_state(request)
    parsed = parse_connect(await json_object_body(request), cli=cli)
    with state.lock:
        if configuration_id is not None:
            cfg = state.configurations.get(configuration_id)
            if cfg is None or caller.team_id is None or cfg.get("teamId") != caller.team_id:
                raise not_found(f"Integration configuration {configuration_id} was not found.")
        caller.require_admin()
        store = _store_or_404(state, caller, store_id)
        if configuration_id is not None and store.configuration_id != configuration_id:
            raise not_found(f"Store {store_id} is not a resource of configuration {configuration_id}.")
        assert caller.team_id is not None
        project = state.project(caller.team_id, parsed.project_id)
        if project is None:
            raise not_found(f"Project {parsed.project_id!r} was not found.")
        connect_store(state, store, project, parsed.environments, prefix=parsed.prefix, sensitive=parsed.sensitive)


@router.post(
    "/v1/integrations/installations/{integrationConfigurationId}/resources/{resourceId}/connections",
    operation_id="connectIntegrationResourceToProject",
    summary="Connect a store to a project (201, empty body; 409 when already connected)",
    status_code=201,
    openapi_extra=spec.body(spec.CONNECT_BODY),
    responses=spec.responses(201, None, "Connected", (400, 401, 403, 404, 409)),
)
async def connect_resource(
    request: Request,
    integrationConfigurationId: str = Path(..., description="Configuration id (icfg_…)."),  # noqa: N803
    resourceId: str = Path(..., description="Store id (store_…)."),  # noqa: N803
    caller: Caller = Depends(get_caller),
) -> Response:
    """Write the store's secrets into the project's env vars."""
    await _connect(request, caller, resourceId, integrationConfigurationId, cli=False)
    return Response(status_code=201)


@router.post(
    "/v1/storage/stores/{id}/connections",
    operation_id="connectStoreToProjectCli",
    summary="Connect a store to a project, the CLI's route (200 {})",
    openapi_extra=spec.body(spec.CLI_CONNECT_BODY),
    responses=spec.responses(200, {"type": "object"}, "Connected", (400, 401, 403, 404, 409)),
)
async def connect_store_cli(
    request: Request,
    id: str = Path(..., description="Store id (store_…)."),  # noqa: A002 - one name for the path's methods
    caller: Caller = Depends(get_caller),
) -> JSONResponse:
    """Like the documented route, plus ``envVarPrefix``."""
    await _connect(request, caller, id, None, cli=True)
    return JSONResponse({})


@router.delete(
    "/v1/storage/stores/{id}/connections",
    operation_id="disconnectAllProjects",
    summary="Disconnect every project from a store (200, empty body)",
    responses=spec.responses(200, None, "Disconnected"),
)
async def disconnect_all(
    request: Request,
    id: str = Path(..., description="Store id (store_…)."),  # noqa: A002
    caller: Caller = Depends(get_caller),
) -> Response:
    """Remove all connections and the env vars they wrote."""
    state = emulator_state(request)
    with state.lock:
        store = _store_or_404(state, caller, id)
        caller.require_admin()
        for connection in list(store.connections):
            disconnect(state, store, connection)
    return Response(status_code=200)


@router.delete(
    "/v1/storage/stores/{id}/connections/{connectionId}",
    operation_id="disconnectProject",
    summary="Disconnect one project connection from a store (200, empty body)",
    responses=spec.responses(200, None, "Disconnected"),
)
async def disconnect_one(
    request: Request,
    id: str = Path(..., description="Store id (store_…)."),  # noqa: A002
    connectionId: str = Path(..., description="Connection id (spc_…); a project id is accepted too."),  # noqa: N803
    caller: Caller = Depends(get_caller),
) -> Response:
    """Remove one connection and the env vars it wrote."""
    state = emulator_state(request)
    with state.lock:
        store = _store_or_404(state, caller, id)
        caller.require_admin()
        connection = find_connection(store, connectionId)
        if connection is None:
            raise not_found(f"Connection {connectionId} was not found on store {id}.")
        disconnect(state, store, connection)
    return Response(status_code=200)
