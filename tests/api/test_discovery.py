"""discovery_flow driven by the sync and the async client against the emulator over real HTTP."""

from __future__ import annotations

import json
import re

import pytest

from airflow_provider_vercel.api.client import AsyncVercelClient, VercelClient
from airflow_provider_vercel.api.discovery import discovery_flow
from airflow_provider_vercel.api.errors import VercelInputError, VercelUnauthorizedError
from airflow_provider_vercel.api.retry import RetryPolicy
from tests.api.seed import NEON_CFG, NEON_PRODUCT_ID, UPSTASH_CFG, product_id

ONCE = RetryPolicy(max_attempts=1)
PLANS_PATH = re.compile(r"^/v1/integrations/integration/[^/]+/products/[^/]+/plans$")


def make_client(emulator, token=None, cls=VercelClient):
    return cls(token or emulator.admin_token, base_url=emulator.url, team_id=emulator.team_id, retry_policy=ONCE)


def by_id(items):
    return {item["id"]: item for item in items}


def test_lists_configurations_their_products_with_fields_and_plans(vercel_emulator):
    with make_client(vercel_emulator) as client:
        found = client.run(discovery_flow())

    assert (found.failures, found.warnings) == (0, [])
    configurations = by_id(found.configurations)
    assert list(configurations)[:2] == [NEON_CFG, UPSTASH_CFG]
    neon = configurations[NEON_CFG]
    assert (neon["integration_slug"], neon["integration_name"], neon["error"]) == ("neon", "Neon", None)
    (product,) = neon["products"]
    assert (product["id"], product["configuration_id"], product["plans_error"]) == (NEON_PRODUCT_ID, NEON_CFG, None)
    region = next(f for f in product["fields"] if f["name"] == "region")
    assert region["required"] is True and region["options"] == ["iad1", "fra1", "sfo1", "gru1"]
    assert [p["id"] for p in product["plans"]] == ["free", "launch", "scale", "business-legacy", "credits"]
    assert json.loads(json.dumps(found.configurations)) == found.configurations  # JSON-safe as it is


def test_filters_are_sent_and_without_plans_no_plans_call_is_made(vercel_emulator):
    with make_client(vercel_emulator) as client:
        found = client.run(discovery_flow("marketplace", "upstash", with_plans=False))

    assert [c["id"] for c in found.configurations] == [UPSTASH_CFG]
    assert all(p["plans"] is None for p in found.configurations[0]["products"])
    assert vercel_emulator.requests[0]["query"]["integrationIdOrSlug"] == "upstash"
    assert vercel_emulator.requests[0]["query"]["installationType"] == "marketplace"
    assert not any(PLANS_PATH.match(r["path"]) for r in vercel_emulator.requests)


def test_a_failing_plans_call_is_recorded_and_everything_else_is_listed(vercel_emulator):
    integration_id = vercel_emulator.state.integration("upstash")["id"]
    vector = product_id("upstash-vector")
    path = f"/v1/integrations/integration/{integration_id}/products/{vector}/plans"
    vercel_emulator.faults.server_error(n=5, status=503, path=path)

    with make_client(vercel_emulator) as client:
        found = client.run(discovery_flow(integration="upstash"))

    assert found.failures == 1
    products = {p["slug"]: p for p in found.configurations[0]["products"]}
    assert products["upstash-vector"]["plans"] is None
    assert products["upstash-vector"]["plans_error"].startswith("Vercel API answered 503 ")
    assert f"to GET {path}" in products["upstash-vector"]["plans_error"]
    assert {p["id"] for p in products["upstash-kv"]["plans"]} == {"free", "payg", "fixed-250mb"}
    assert found.warnings == [f"plans of upstash-vector ({UPSTASH_CFG}): {products['upstash-vector']['plans_error']}"]


def test_a_failing_products_call_is_recorded_on_its_configuration(vercel_emulator):
    vercel_emulator.faults.server_error(n=5, status=500, path=f"/v1/integrations/configuration/{NEON_CFG}/products")

    with make_client(vercel_emulator) as client:
        found = client.run(discovery_flow())

    configurations = by_id(found.configurations)
    assert configurations[NEON_CFG]["products"] == [] and "answered 500" in configurations[NEON_CFG]["error"]
    assert configurations[UPSTASH_CFG]["error"] is None and configurations[UPSTASH_CFG]["products"]
    assert found.failures == 1 and found.warnings[0].startswith(f"products of {NEON_CFG}: ")


def test_a_bad_token_stops_discovery_instead_of_being_collected(vercel_emulator):
    with make_client(vercel_emulator, token="vcl_not_a_real_token_7f3a9c2d") as client:
        with pytest.raises(VercelUnauthorizedError):
            client.run(discovery_flow())
    assert len(vercel_emulator.requests) == 1


def test_invalid_filters_are_refused_at_the_call_before_any_request(vercel_emulator):
    with pytest.raises(VercelInputError) as caught:
        discovery_flow("weird")
    assert caught.value.argument == "installation_type"
    with pytest.raises(VercelInputError) as caught:
        discovery_flow(integration="no way")
    assert caught.value.argument == "integration"
    assert vercel_emulator.requests == []


async def test_the_async_client_drives_the_same_flow_to_the_same_listing(vercel_emulator):
    with make_client(vercel_emulator) as client:
        expected = client.run(discovery_flow(integration="neon"))
    async with make_client(vercel_emulator, cls=AsyncVercelClient) as async_client:
        found = await async_client.run(discovery_flow(integration="neon"))

    assert found == expected and found.configurations[0]["id"] == NEON_CFG
