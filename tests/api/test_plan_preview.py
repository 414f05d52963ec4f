"""plan_preview_flow driven by the sync and the async client against the emulator over real HTTP."""

from __future__ import annotations

import json
import re

import pytest

from airflow_provider_vercel.api.client import AsyncVercelClient, VercelClient
from airflow_provider_vercel.api.errors import VercelInputError
from airflow_provider_vercel.api.plan_preview import check_preview_arguments, plan_preview_flow
from airflow_provider_vercel.api.plans import PlanRule
from airflow_provider_vercel.api.retry import RetryPolicy
from tests.api.seed import NEON_CFG, NEON_PRODUCT, UPSTASH_CFG

ONCE = RetryPolicy(max_attempts=1)
PLANS_PATH = re.compile(r"^/v1/integrations/integration/[^/]+/products/[^/]+/plans$")
REPORT_KEYS = {"integration", "product", "configuration_id", "metadata", "rule", "chosen", "rejected", "problem", "plans"}


@pytest.fixture
def client(vercel_emulator):
    with VercelClient(
        vercel_emulator.admin_token, base_url=vercel_emulator.url, team_id=vercel_emulator.team_id, retry_policy=ONCE
    ) as c:
        yield c


def paths(emulator):
    return [r["path"] for r in emulator.requests]


def test_cheapest_under_a_ceiling_chooses_the_free_plan_and_gives_every_other_plan_a_reason(vercel_emulator, client):
    rule = PlanRule.from_kwargs(rule="cheapest", max_monthly_cost="20")

    report = client.run(plan_preview_flow("neon", NEON_PRODUCT, rule))

    assert set(report) == REPORT_KEYS
    assert report["chosen"]["id"] == "free" and report["problem"] is None
    assert [r["id"] for r in report["rejected"]] == ["launch", "scale", "business-legacy", "credits"]
    assert all(r["reason"] for r in report["rejected"])
    assert [p["id"] for p in report["plans"]] == ["free", "launch", "scale", "business-legacy", "credits"]
    assert report["rule"]["rule"] == "cheapest" and report["rule"]["description"] == rule.describe()
    assert json.loads(json.dumps(report)) == report  # JSON-safe as it is: amounts are text
    assert paths(vercel_emulator) == ["/v1/integrations/integration/neon/products/neon-postgres/plans"]


async def test_the_async_client_drives_the_same_flow_to_the_same_report(vercel_emulator, client):
    rule = PlanRule.from_kwargs(rule="free")
    sync_report = client.run(plan_preview_flow("upstash", "upstash-kv", rule))
    async with AsyncVercelClient(
        vercel_emulator.admin_token, base_url=vercel_emulator.url, team_id=vercel_emulator.team_id, retry_policy=ONCE
    ) as async_client:
        async_report = await async_client.run(plan_preview_flow("upstash", "upstash-kv", rule))

    assert async_report == sync_report
    assert async_report["chosen"]["id"] == "free"


def test_metadata_resolves_the_one_configuration_checks_the_schema_and_prices_the_plans_for_it(vercel_emulator, client):
    rule = PlanRule.from_kwargs(plan_id="launch")

    report = client.run(plan_preview_flow("neon", NEON_PRODUCT, rule, metadata={"region": "fra1"}))

    assert report["configuration_id"] == NEON_CFG and report["metadata"] == {"region": "fra1"}
    assert (report["chosen"]["id"], report["chosen"]["monthly_cost"]) == ("launch", "23.75")  # fra1 costs 1.25x
    assert paths(vercel_emulator) == [
        "/v1/integrations/configurations",
        f"/v1/integrations/configuration/{NEON_CFG}/products",
        "/v1/integrations/integration/neon/products/neon-postgres/plans",
    ]
    plans_call = vercel_emulator.requests[-1]
    assert json.loads(plans_call["query"]["metadata"]) == {"region": "fra1"}
    assert plans_call["query"]["integrationConfigurationId"] == NEON_CFG


def test_a_given_configuration_is_used_without_listing_configurations(vercel_emulator, client):
    flow = plan_preview_flow("upstash", "upstash-kv", PlanRule.from_kwargs(rule="free"), configuration_id=UPSTASH_CFG, metadata={})

    report = client.run(flow)

    assert report["configuration_id"] == UPSTASH_CFG
    assert paths(vercel_emulator)[0] == f"/v1/integrations/configuration/{UPSTASH_CFG}/products"
    assert "/v1/integrations/configurations" not in paths(vercel_emulator)


def test_metadata_outside_the_schema_names_the_field_and_sends_no_plans_request(vercel_emulator, client):
    flow = plan_preview_flow("neon", NEON_PRODUCT, PlanRule.from_kwargs(rule="free"), metadata={"region": "mars1"})

    with pytest.raises(VercelInputError) as caught:
        client.run(flow)

    assert caught.value.argument == "metadata.region"
    assert not any(PLANS_PATH.match(p) for p in paths(vercel_emulator))


def test_a_product_the_configuration_does_not_offer_is_refused_listing_what_it_offers(vercel_emulator, client):
    flow = plan_preview_flow("upstash", "neon-postgres", PlanRule.from_kwargs(rule="free"), metadata={})

    with pytest.raises(VercelInputError) as caught:
        client.run(flow)

    assert caught.value.argument == "product"
    assert f"'neon-postgres' is not a product of configuration {UPSTASH_CFG}; it offers: upstash-kv" in caught.value.reason
    assert not any(PLANS_PATH.match(p) for p in paths(vercel_emulator))


def test_an_integration_without_a_configuration_is_refused_naming_the_account(vercel_emulator, client):
    flow = plan_preview_flow("nosuch", "thing", PlanRule.from_kwargs(rule="free"), metadata={}, account="team acme")

    with pytest.raises(VercelInputError) as caught:
        client.run(flow)

    assert (caught.value.argument, caught.value.reason) == ("integration", "no configuration of 'nosuch' is visible to team acme")


def test_an_integration_with_several_configurations_asks_for_one(vercel_emulator, client):
    seeded = vercel_emulator.state.configurations[NEON_CFG]
    vercel_emulator.state.configurations["icfg_secondNeon"] = {**seeded, "id": "icfg_secondNeon"}
    flow = plan_preview_flow("neon", NEON_PRODUCT, PlanRule.from_kwargs(rule="free"), metadata={"region": "iad1"})

    with pytest.raises(VercelInputError) as caught:
        client.run(flow)

    assert caught.value.argument == "configuration_id"
    assert caught.value.reason == (
        f"'neon' has 2 configurations ({NEON_CFG} (marketplace), icfg_secondNeon (marketplace)); pick one"
    )


def test_a_rule_no_plan_satisfies_reports_the_problem_and_rejects_every_plan(vercel_emulator, client):
    report = client.run(plan_preview_flow("upstash", "upstash-vector", PlanRule.from_kwargs(rule="free")))

    assert report["chosen"] is None
    assert report["problem"] == "no billing plan of upstash-vector satisfies rule 'free'"
    assert {r["id"]: r["reason"] for r in report["rejected"]} == {
        "payg": "not free (requires a payment method)",
        "fixed-1m": "not free (requires a payment method)",
    }


@pytest.mark.parametrize(
    ("integration", "product", "configuration_id", "argument"),
    [("no way", NEON_PRODUCT, None, "integration"), ("neon", "Not A Slug", None, "product"), ("neon", NEON_PRODUCT, "cfg_1", "configuration_id")],
)
def test_invalid_arguments_are_refused_before_any_request(vercel_emulator, client, integration, product, configuration_id, argument):
    with pytest.raises(VercelInputError) as checked:
        check_preview_arguments(integration, product, configuration_id)
    rule = PlanRule.from_kwargs(rule="free")
    with pytest.raises(VercelInputError) as run:
        client.run(plan_preview_flow(integration, product, rule, configuration_id=configuration_id, metadata={}))

    assert checked.value.argument == run.value.argument == argument
    assert vercel_emulator.requests == []
