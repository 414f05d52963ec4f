"""The provisioning workflow (``provisioning.py``): every check of a create decided before any POST.

``prepare_flow`` and ``dry_run_flow`` are driven by both clients (the ``run_flow`` fixture) against the
emulator over real HTTP; the request log proves which GETs they sent and that no POST was.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from airflow_provider_vercel.api import calls
from airflow_provider_vercel.api.calls import CreateStoreRequest
from airflow_provider_vercel.api.errors import VercelInputError
from airflow_provider_vercel.api.models import BillingPlan, ConfigurationProducts
from airflow_provider_vercel.api.provisioning import (
    PreparedStore,
    check_plan,
    create_request,
    dry_run_flow,
    prepare_flow,
    resolve_product,
)
from airflow_provider_vercel.api.steps import Finished, advance
from tests.api.seed import NEON_CFG, NEON_PRODUCT, NEON_PRODUCT_ID, billing_plan
from tests.helpers.clients import api_requests, create

PREPAYMENT = billing_plan(NEON_PRODUCT, type="prepayment")
DISABLED = billing_plan(NEON_PRODUCT, disabled=True)
SUBSCRIPTION = billing_plan(NEON_PRODUCT, type="subscription", paymentMethodRequired=True)
MIN_CENTS = int(Decimal(PREPAYMENT["minimumAmount"]) * 100)
MAX_CENTS = int(Decimal(PREPAYMENT["maximumAmount"]) * 100)


def arguments(**overrides: Any) -> dict[str, Any]:
    """A create of a Neon store in the seed's Neon configuration, by product slug."""
    values: dict[str, Any] = {
        "integration_configuration_id": NEON_CFG,
        "product": NEON_PRODUCT,
        "name": "prov-db",
        "metadata": {"region": "iad1"},
        "if_exists": "reuse",
    }
    values.update(overrides)
    return values


def posts(emulator: Any) -> list[dict[str, Any]]:
    return api_requests(emulator, "POST")


def prepare(**overrides: Any) -> Any:
    return prepare_flow(create_request(arguments(**overrides)))


# --- create_request --------------------------------------------------------------------------------


def test_create_request_builds_the_validated_body_without_the_if_exists_choice():
    request = create_request(arguments(billing_plan_id="launch", protocol_settings='{"repl": true}'))
    assert request == CreateStoreRequest(
        name="prov-db",
        integration_configuration_id=NEON_CFG,
        product=NEON_PRODUCT,
        billing_plan_id="launch",
        metadata={"region": "iad1"},
        protocol_settings={"repl": True},
    )


@pytest.mark.parametrize(
    ("argument", "value"),
    [("name", "bad name!"), ("if_exists", "maybe"), ("integration_configuration_id", "cfg_1"), ("metadata", "[1]")],
)
def test_create_request_refuses_an_invalid_argument_naming_it(argument, value):
    with pytest.raises(VercelInputError) as info:
        create_request(arguments(**{argument: value}))
    assert info.value.argument == argument


# --- resolve_product and check_plan, on the answers the emulator gives -----------------------------


def products(client: Any) -> ConfigurationProducts:
    return client.list_products(NEON_CFG)


def plans(client: Any) -> tuple[list[BillingPlan], Any]:
    product = resolve_product(products(client), NEON_PRODUCT, NEON_CFG)
    return client.list_billing_plans("neon", product.id, {"region": "iad1"}, NEON_CFG), product


def test_resolve_product_finds_a_product_by_slug_or_by_id(client):
    listing = products(client)
    assert resolve_product(listing, NEON_PRODUCT, NEON_CFG).id == NEON_PRODUCT_ID
    assert resolve_product(listing, NEON_PRODUCT_ID, NEON_CFG).slug == NEON_PRODUCT


def test_resolve_product_refuses_an_unknown_product_listing_what_is_offered(client):
    with pytest.raises(VercelInputError) as info:
        resolve_product(products(client), "upstash-kv", NEON_CFG)
    assert info.value.argument == "product"
    assert f"{NEON_PRODUCT} ({NEON_PRODUCT_ID})" in str(info.value)


def test_check_plan_returns_an_enabled_plan_and_a_prepayment_plan_in_range(client):
    listed, product = plans(client)
    assert check_plan(listed, SUBSCRIPTION["id"], None, product).id == SUBSCRIPTION["id"]
    assert check_plan(listed, PREPAYMENT["id"], MIN_CENTS, product).id == PREPAYMENT["id"]


@pytest.mark.parametrize(
    ("plan_id", "cents", "argument"),
    [
        ("no-such-plan", None, "billing_plan_id"),
        (DISABLED["id"], None, "billing_plan_id"),
        (SUBSCRIPTION["id"], MIN_CENTS, "prepayment_amount_cents"),
        (PREPAYMENT["id"], MIN_CENTS - 1, "prepayment_amount_cents"),
        (PREPAYMENT["id"], MAX_CENTS + 1, "prepayment_amount_cents"),
    ],
    ids=["unknown", "disabled", "amount-on-a-subscription", "below-minimum", "above-maximum"],
)
def test_check_plan_refuses_a_plan_that_cannot_be_bought_as_asked(client, plan_id, cents, argument):
    listed, product = plans(client)
    with pytest.raises(VercelInputError) as info:
        check_plan(listed, plan_id, cents, product)
    assert info.value.argument == argument


# --- prepare_flow, driven by both clients -----------------------------------------------------------


def test_prepare_resolves_the_product_slug_to_its_id_with_one_get(run_flow, vercel_emulator):
    prepared = run_flow(prepare())
    assert isinstance(prepared, PreparedStore)
    assert prepared.request.product == NEON_PRODUCT_ID
    assert prepared.product["slug"] == NEON_PRODUCT and prepared.plan is None
    assert [r["method"] for r in vercel_emulator.requests] == ["GET"]


def test_prepare_with_a_plan_reads_the_plans_and_summarises_the_chosen_one(run_flow, vercel_emulator):
    prepared = run_flow(prepare(billing_plan_id=PREPAYMENT["id"], prepayment_amount_cents=MIN_CENTS))
    assert prepared.plan["id"] == PREPAYMENT["id"] and prepared.plan["type"] == "prepayment"
    assert len(api_requests(vercel_emulator, "GET", "/v1/integrations/integration/")) == 1
    assert posts(vercel_emulator) == []


def test_prepare_refuses_metadata_naming_the_field(run_flow, vercel_emulator):
    with pytest.raises(VercelInputError) as info:
        run_flow(prepare(metadata={"region": "mars1"}))
    assert info.value.argument == "metadata.region"
    assert "mars1" in str(info.value)
    assert posts(vercel_emulator) == []


@pytest.mark.parametrize(
    ("overrides", "argument"),
    [
        ({"billing_plan_id": "no-such-plan"}, "billing_plan_id"),
        ({"billing_plan_id": DISABLED["id"]}, "billing_plan_id"),
        ({"billing_plan_id": PREPAYMENT["id"], "prepayment_amount_cents": MAX_CENTS + 1}, "prepayment_amount_cents"),
    ],
    ids=["unknown-plan", "disabled-plan", "prepayment-out-of-range"],
)
def test_prepare_refuses_a_plan_naming_the_argument_and_sends_no_post(run_flow, vercel_emulator, overrides, argument):
    with pytest.raises(VercelInputError) as info:
        run_flow(prepare(**overrides))
    assert info.value.argument == argument
    assert posts(vercel_emulator) == []
    assert api_requests(vercel_emulator, "GET", "/v1/integrations/integration/")  # the plans were read


def test_a_flow_step_does_no_io_until_its_driver_executes_it(client, vercel_emulator):
    flow = prepare(billing_plan_id=SUBSCRIPTION["id"])
    step = advance(flow)
    assert isinstance(step, calls.ApiCall) and step.method == "GET" and step.path.endswith("/products")
    assert vercel_emulator.requests == []  # the flow only described the request
    seen = 0
    while not isinstance(step, Finished):
        result = client.execute(step)
        seen += 1
        assert len(vercel_emulator.requests) == seen
        step = advance(flow, result=result)
        assert len(vercel_emulator.requests) == seen  # sending the answer in sent nothing either
    assert step.value.plan["id"] == SUBSCRIPTION["id"]


# --- dry_run_flow, driven by both clients -----------------------------------------------------------


def test_dry_run_of_a_new_store_would_create_it_and_sends_no_post(run_flow, vercel_emulator):
    report = run_flow(dry_run_flow(arguments(billing_plan_id=SUBSCRIPTION["id"])))
    assert report["dry_run"] is True and report["would"] == "create"
    assert report["request"]["integrationProductIdOrSlug"] == NEON_PRODUCT_ID
    assert report["plan"]["id"] == SUBSCRIPTION["id"] and report["existing_store_id"] is None
    assert any("the POST would create it" in reason for reason in report["reasons"])
    assert any(f"billing plan {SUBSCRIPTION['id']}" in reason for reason in report["reasons"])
    assert posts(vercel_emulator) == []


def test_dry_run_of_an_existing_store_would_reuse_it(client, run_flow, vercel_emulator):
    existing = create(client, name="prov-db").store
    vercel_emulator.log.clear()
    report = run_flow(dry_run_flow(arguments()))
    assert report["would"] == "reuse" and report["existing_store_id"] == existing.id
    assert any("nothing would be created" in reason for reason in report["reasons"])
    assert posts(vercel_emulator) == []


def test_dry_run_of_an_existing_store_with_if_exists_fail_would_fail(client, run_flow, vercel_emulator):
    existing = create(client, name="prov-db").store
    vercel_emulator.log.clear()
    report = run_flow(dry_run_flow(arguments(if_exists="fail")))
    assert report["would"] == "fail" and report["existing_store_id"] == existing.id
    assert report["reasons"][-1] == f"store 'prov-db' already exists ({existing.id}) and if_exists='fail'"
    assert posts(vercel_emulator) == []


@pytest.mark.parametrize(
    ("overrides", "argument"),
    [
        ({"name": "None"}, "name"),
        ({"metadata": "{'region': 'mars1'}"}, "metadata.region"),
        ({"billing_plan_id": DISABLED["id"]}, "billing_plan_id"),
        ({"prepayment_amount_cents": "lots", "billing_plan_id": PREPAYMENT["id"]}, "prepayment_amount_cents"),
    ],
    ids=["empty-upstream-name", "metadata-text", "disabled-plan", "amount-text"],
)
def test_dry_run_reports_invalid_rendered_input_as_would_fail(run_flow, vercel_emulator, overrides, argument):
    report = run_flow(dry_run_flow(arguments(**overrides)))
    assert report["would"] == "fail" and report["request"] is None
    assert len(report["reasons"]) == 1 and report["reasons"][0].startswith("invalid argument")
    assert argument in report["reasons"][0]
    assert posts(vercel_emulator) == []


def test_dry_run_of_invalid_arguments_sends_no_request_at_all(run_flow, vercel_emulator):
    report = run_flow(dry_run_flow(arguments(integration_configuration_id="not-a-config")))
    assert report["would"] == "fail"
    assert report["reasons"][0].startswith("invalid argument integration_configuration_id:")
    assert vercel_emulator.requests == []
