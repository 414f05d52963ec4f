"""The real Vercel API against what the emulator and the client assume (``make test-live``).

Read-only unless ``VERCEL_LIVE_WRITES=1``: discovery through the client, every read-only answer against
the published contract (``tests/contract``), the shape of the undocumented store listing, a dry run of a
create. With writes: one free store under a unique name, created, waited for, read back by its own GET
and by the listing (the listing's lag is recorded), and deleted in a ``finally``. Nothing else is ever
written or deleted: the only store touched is the one this run created.

Every check is recorded in the report printed at the end (``tests/live/report.py``).
"""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from airflow_provider_vercel.api.calls import CreateStoreRequest
from airflow_provider_vercel.api.client import VercelClient
from airflow_provider_vercel.api.errors import VercelError
from airflow_provider_vercel.api.metadata import apply_defaults, validate_metadata
from airflow_provider_vercel.api.models import BillingPlan, IntegrationConfiguration, Product, Store
from tests.contract.conformance import answer_problems
from tests.live.report import record
from tests.live.settings import LiveSettings

#: Per kind of lookup, how many items are read: enough to see every shape, few enough to stay quick.
SAMPLE = 5
NAME_PREFIX = "apv-live-"


def _answer(raw: httpx.Client, operation_id: str, path: str, **params: Any) -> tuple[list[str], Any]:
    response = raw.get(path, params=params)
    body = response.json() if response.content.strip() else None
    return answer_problems(operation_id, response.status_code, body), body


def _marketplace(configurations: list[IntegrationConfiguration]) -> list[IntegrationConfiguration]:
    return [c for c in configurations if c.effective_installation_type == "marketplace"][:SAMPLE]


def test_discovery_calls_answer_and_the_client_reads_them(client: VercelClient) -> None:
    problems = []
    try:
        account = client.list_configurations("account")
        project = client.list_configurations("project")
        products = plans = 0
        for configuration in _marketplace(account):
            listing = client.list_products(configuration.id)
            for product in listing.products[:SAMPLE]:
                integration = configuration.integration_slug or configuration.integration_id or ""
                client.list_billing_plans(integration, product.slug, configuration_id=configuration.id)
                products, plans = products + 1, plans + 1
    except VercelError as exc:
        problems.append(f"{type(exc).__name__}: {exc}")
        account, project = [], []
    detail = f"{len(account)} configurations (account view), {len(project)} (project view)"
    assert record("discovery through the client", problems, detail), problems


def test_read_only_answers_match_the_published_contract(raw: httpx.Client, live: LiveSettings) -> None:
    differed: dict[str, list[str]] = {}

    def check(operation_id: str, path: str, **params: Any) -> Any:
        problems, body = _answer(raw, operation_id, path, **params)
        differed.setdefault(operation_id, []).extend(f"{path}: {p}" for p in problems)
        return body

    configurations = check("getConfigurations", "/v1/integrations/configurations", view="account") or []
    check("getConfigurations", "/v1/integrations/configurations", view="project")
    for item in [c for c in configurations if isinstance(c, dict) and c.get("id")][:SAMPLE]:
        check("getConfiguration", f"/v1/integrations/configuration/{item['id']}")
        if item.get("installationType") != "marketplace":
            continue
        listing = check("getConfigurationProducts", f"/v1/integrations/configuration/{item['id']}/products") or {}
        integration = listing.get("integration") or {}
        for product in (listing.get("products") or [])[:SAMPLE]:
            for integration_ref, product_ref in ((integration.get("id"), product.get("id")),
                                                 (integration.get("slug"), product.get("slug"))):
                if integration_ref and product_ref:
                    path = f"/v1/integrations/integration/{integration_ref}/products/{product_ref}/plans"
                    check("getBillingPlans", path)
    stores = (raw.get("/v1/storage/stores").json() or {}).get("stores") or []
    for store in stores[:SAMPLE]:
        for path in (f"/v1/storage/stores/{store['id']}", f"/storage/stores/{store['id']}"):
            check("getStorageStoresById", path)
    if live.project:
        for params in ({}, {"decrypt": "false"}):
            check("filterProjectEnvs", f"/v10/projects/{live.project}/env", **params)
    for operation_id, problems in sorted(differed.items()):
        record(f"contract: {operation_id}", problems)
    assert not any(differed.values()), {op: p[:3] for op, p in differed.items() if p}


STORE_LISTING_FIELDS = {"id": str, "name": str, "projectsMetadata": list, "product": dict}


def test_undocumented_store_listing_has_the_shape_the_client_reads(raw: httpx.Client, client: VercelClient) -> None:
    response = raw.get("/v1/storage/stores")
    body = response.json() if response.content.strip() else None
    problems = []
    if response.status_code != 200:
        problems.append(f"status {response.status_code}")
    if not isinstance(body, dict) or not isinstance(body.get("stores"), list):
        problems.append("not an object with a 'stores' array")
    else:
        for index, item in enumerate(body["stores"][:SAMPLE]):
            for field, kind in STORE_LISTING_FIELDS.items():
                if not isinstance(item.get(field), kind):
                    problems.append(f"stores[{index}].{field}: not a {kind.__name__}")
            if "status" not in item:
                problems.append(f"stores[{index}].status: missing")
        if body.get("pagination") is not None:
            problems.append("carries 'pagination': the listing may be paged, the client reads one page")
    try:
        client.list_stores()
    except VercelError as exc:
        problems.append(f"the client cannot read it: {exc}")
    count = len(body["stores"]) if isinstance(body, dict) and isinstance(body.get("stores"), list) else 0
    assert record("undocumented GET /v1/storage/stores shape", problems, f"{count} stores"), problems


@dataclass(frozen=True)
class Target:
    """Where the live create goes: a marketplace product with a free plan."""

    configuration: IntegrationConfiguration
    product: Product
    plan: BillingPlan
    metadata: dict[str, Any]


def _target(client: VercelClient, live: LiveSettings) -> Target:
    for configuration in _marketplace(client.list_configurations("account")):
        slug = configuration.integration_slug or configuration.integration_id or ""
        if live.integration and live.integration not in (configuration.integration_slug, configuration.integration_id):
            continue
        for product in client.list_products(configuration.id).products:
            if live.product and live.product not in (product.slug, product.id):
                continue
            metadata = apply_defaults(product.metadata_schema, None)
            try:
                validate_metadata(product.metadata_schema, metadata)
            except VercelError:
                continue  # needs values we cannot guess: name it with VERCEL_LIVE_PRODUCT and defaults
            plans = client.list_billing_plans(slug, product.slug, metadata or None, configuration.id)
            free = next((p for p in plans if p.is_free and not p.disabled), None)
            if free is not None:
                return Target(configuration, product, free, metadata)
    pytest.skip("no marketplace product with a free plan and default metadata (set VERCEL_LIVE_PRODUCT)")


def test_dry_run_of_a_create_finds_a_free_plan_and_no_store_of_the_name(client: VercelClient, live: LiveSettings) -> None:
    target = _target(client, live)
    name = f"{NAME_PREFIX}{uuid.uuid4().hex[:8]}"
    request = CreateStoreRequest(name, target.configuration.id, target.product.slug, metadata=target.metadata or None)
    existing = client.find_stores(request.name, target.configuration.id, target.product.slug)
    problems = [f"{len(existing)} store(s) already named {name}"] if existing else []
    detail = f"would create {name}: {target.product.slug} on plan {target.plan.id!r}, no POST sent"
    assert record("dry run of a create", problems, detail), problems


def _wait_ready(client: VercelClient, store_id: str, seconds: float) -> Store:
    deadline = time.monotonic() + seconds
    while True:
        store = client.get_store(store_id)
        if store.is_ready or store.has_failed or time.monotonic() > deadline:
            return store
        time.sleep(1.0)


def _listed_after(client: VercelClient, store: Store, seconds: float) -> float | None:
    """Seconds until the listing shows the store (None: not within ``seconds``)."""
    started = time.monotonic()
    while time.monotonic() - started <= seconds:
        if any(s.id == store.id for s in client.list_stores(store.configuration_id)):
            return time.monotonic() - started
        time.sleep(1.0)
    return None


def test_create_wait_read_back_and_delete_one_free_store(
    client: VercelClient, raw: httpx.Client, live: LiveSettings
) -> None:
    if not live.writes:
        pytest.skip("VERCEL_LIVE_WRITES is not 1: the create/delete cycle is skipped")
    target = _target(client, live)
    name = f"{NAME_PREFIX}{uuid.uuid4().hex[:8]}"
    request = CreateStoreRequest(name, target.configuration.id, target.product.slug, metadata=target.metadata or None)
    ours: str | None = None  # the id of the store this run created: the only one it may delete
    try:
        created = client.create_store(request)
        problems = [] if created is not None and created.id else ["the create answer carries no store id"]
        if created is None or not created.id:  # find it by this run's unique name, so it is still deleted
            found = [s for s in client.find_stores(name, target.configuration.id) if s.name == name]
            created = found[0] if found else None
        assert created is not None and created.id, "the new store cannot be found"
        ours = created.id
        ready = _wait_ready(client, ours, live.wait_seconds)
        if not ready.is_ready:
            problems.append(f"not available after {live.wait_seconds:.0f}s (status {ready.status})")
        for path in (f"/v1/storage/stores/{ours}", f"/storage/stores/{ours}"):
            problems.extend(f"{path}: {p}" for p in _answer(raw, "getStorageStoresById", path)[0])
        lag = _listed_after(client, ready, live.wait_seconds)
        if lag is None:
            problems.append(f"the listing did not show it within {live.wait_seconds:.0f}s")
        detail = f"{name} ready, listed after {lag:.1f}s" if lag is not None else name
        assert record("create, wait, read back (per-store GET and listing)", problems, detail), problems
    finally:
        if ours is not None:
            deleted = client.delete_store(ours)
            record("delete of the store this run created", None if deleted else ["it was already gone"])
