"""Configurations (bare array, two shapes, filters), configuration detail, products, billing plans."""

from __future__ import annotations

import json

import pytest

CONFIGS = "/v1/integrations/configurations"


def _plans_path(integration: str, product: str) -> str:
    return f"/v1/integrations/integration/{integration}/products/{product}/plans"


def test_configurations_are_a_bare_json_array(admin):
    response = admin.get(CONFIGS, params={"view": "account"})
    assert response.status_code == 200
    assert isinstance(response.json(), list)
    assert {c["slug"] for c in response.json()} == {"neon", "upstash", "checkmate", "deploy-notifier"}


@pytest.mark.parametrize("params", [{}, {"view": "everything"}])
def test_view_is_required_and_validated(admin, params):
    response = admin.get(CONFIGS, params=params)
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "bad_request"
    assert "view" in response.json()["error"]["message"]


def test_account_view_returns_shape_b_with_integration(admin):
    for item in admin.get(CONFIGS, params={"view": "account"}).json():
        for key in ("id", "integrationId", "slug", "ownerId", "userId", "scopes", "type", "createdAt", "updatedAt"):
            assert key in item
        assert item["type"] == "integration-configuration"
        assert set(item["integration"]) >= {"name", "icon", "isLegacy"}
        assert item["id"].startswith("icfg_") and len(item["id"]) == 29


def test_project_view_returns_shape_a_without_oauth_only_installs(admin):
    items = admin.get(CONFIGS, params={"view": "project"}).json()
    assert all("integration" not in item for item in items)
    assert "deploy-notifier" not in {item["slug"] for item in items}
    assert {item["slug"] for item in items} == {"neon", "upstash", "checkmate"}


@pytest.mark.parametrize(
    ("installation_type", "slugs"),
    [("marketplace", {"neon", "upstash"}), ("external", {"checkmate", "deploy-notifier"}), ("provisioning", set())],
)
def test_installation_type_filter(admin, installation_type, slugs):
    items = admin.get(CONFIGS, params={"view": "account", "installationType": installation_type}).json()
    assert {item["slug"] for item in items} == slugs
    assert all(item["installationType"] in ("marketplace", "external") for item in items)


def test_installation_type_filter_rejects_unknown_values(admin):
    assert admin.get(CONFIGS, params={"view": "account", "installationType": "bogus"}).status_code == 400


def test_integration_filter_accepts_id_or_slug(admin, emu):
    by_slug = admin.get(CONFIGS, params={"view": "account", "integrationIdOrSlug": "neon"}).json()
    integration_id = by_slug[0]["integrationId"]
    by_id = admin.get(CONFIGS, params={"view": "account", "integrationIdOrSlug": integration_id}).json()
    assert [c["id"] for c in by_slug] == [c["id"] for c in by_id] == [emu.configuration_id("neon")]


def test_single_configuration_has_the_full_shape(admin, emu):
    cfg = admin.get(f"/v1/integrations/configuration/{emu.configuration_id('neon')}").json()
    assert cfg["id"] == emu.configuration_id("neon")
    assert cfg["projectSelection"] == "all"
    assert set(cfg["notification"]) >= {"level", "title"}
    assert cfg["transferRequest"]["kind"] in ("transfer-to-marketplace", "transfer-from-marketplace")
    assert admin.get("/v1/integrations/configuration/icfg_unknown000000000000000000").status_code == 404


def test_products_endpoint_returns_products_integration_and_configuration(admin, emu):
    body = admin.get(f"/v1/integrations/configuration/{emu.configuration_id('upstash')}/products").json()
    assert set(body) == {"products", "integration", "configuration"}
    assert body["integration"]["slug"] == "upstash"
    assert body["configuration"] == {"id": emu.configuration_id("upstash")}
    slugs = {p["slug"]: p for p in body["products"]}
    assert set(slugs) == {"upstash-kv", "upstash-vector"}
    assert "redis" in slugs["upstash-kv"]["tags"]
    for product in body["products"]:
        assert product["id"].startswith("iap_")
        assert product["primaryProtocol"] == "storage"
        assert product["protocols"]["storage"]["status"] == "enabled"
        assert product["metadataSchema"]["type"] == "object"


def test_external_configuration_has_no_products(admin, emu):
    body = admin.get(f"/v1/integrations/configuration/{emu.configuration_id('checkmate')}/products").json()
    assert body["products"] == []


def test_neon_metadata_schema_covers_every_descriptor_kind(admin, emu):
    body = admin.get(f"/v1/integrations/configuration/{emu.configuration_id('neon')}/products").json()
    (product,) = body["products"]
    assert product["slug"] == "neon-postgres" and "postgres" in product["tags"]
    schema = product["metadataSchema"]
    props = schema["properties"]
    assert schema["required"] == ["region"] and "default" not in props["region"]
    region_options = props["region"]["ui:options"]
    assert any(isinstance(o, str) for o in region_options) and any(isinstance(o, dict) for o in region_options)
    assert any(o.get("hidden") is True for o in props["compute"]["ui:options"])
    assert props["storageLimitGb"]["type"] == "number" and {"minimum", "maximum"} <= set(props["storageLimitGb"])
    assert props["autoscaling"]["ui:control"] == "toggle" and props["autoscaling"]["default"] is True
    assert props["extensions"]["ui:control"] == "multi-select" and props["extensions"]["type"] == "array"
    assert props["autoscalingLimits"]["ui:control"] == "slider" and props["autoscalingLimits"]["ui:steps"]
    assert {"pattern", "maxLength"} <= set(props["databaseName"])
    flags = [v for p in props.values() for k, v in p.items() if k in ("ui:hidden", "ui:read-only", "ui:disabled")]
    assert any(isinstance(f, dict) and "expr" in f for f in flags)
    assert "update" in flags


@pytest.mark.parametrize("integration", ["neon", "oac_1TGbcueVNYQdoOWmamspXKGa"])
@pytest.mark.parametrize("product", ["neon-postgres", "iap_yh4pXOJNh7Tzji90"])
def test_plans_accept_ids_or_slugs(admin, integration, product):
    response = admin.get(_plans_path(integration, product))
    assert response.status_code == 200
    plans = {p["id"]: p for p in response.json()["plans"]}
    assert set(plans) == {"free", "launch", "scale", "business-legacy", "credits"}
    assert plans["free"]["paymentMethodRequired"] is False
    assert plans["launch"]["cost"] == "$19.00/month" and plans["launch"]["initialCharge"] == "19.00"
    assert plans["scale"]["cost"] == "$69.00/month"
    assert plans["business-legacy"]["disabled"] is True
    assert plans["credits"]["type"] == "prepayment"
    assert (plans["credits"]["minimumAmount"], plans["credits"]["maximumAmount"]) == ("5.00", "1000.00")
    assert "monthlyUsd" not in plans["launch"]


def test_plan_prices_depend_on_metadata(admin):
    def launch(region):
        params = {"metadata": json.dumps({"region": region})}
        plans = admin.get(_plans_path("neon", "neon-postgres"), params=params).json()["plans"]
        return next(p for p in plans if p["id"] == "launch")

    assert launch("iad1")["initialCharge"] == "19.00"
    assert launch("fra1")["initialCharge"] == "23.75"
    assert launch("fra1")["cost"] == "$23.75/month"
    assert launch("gru1")["initialCharge"] == "28.50"


@pytest.mark.parametrize("metadata", ["{not json", "[1, 2]", '"region"', "NaN"])
def test_plans_metadata_must_be_a_json_object(admin, metadata):
    response = admin.get(_plans_path("neon", "neon-postgres"), params={"metadata": metadata})
    assert response.status_code == 400
    assert "metadata" in response.json()["error"]["message"]


def test_plans_unknown_integration_or_product_is_404(admin):
    assert admin.get(_plans_path("nope", "neon-postgres")).status_code == 404
    assert admin.get(_plans_path("neon", "upstash-kv")).status_code == 404


def test_plans_configuration_must_belong_to_the_team_and_integration(admin, emu):
    path = _plans_path("neon", "neon-postgres")
    assert admin.get(path, params={"integrationConfigurationId": emu.configuration_id("neon")}).status_code == 200
    assert admin.get(path, params={"integrationConfigurationId": emu.configuration_id("upstash")}).status_code == 404
    assert admin.get(path, params={"integrationConfigurationId": "icfg_unknown"}).status_code == 404


def test_plans_accept_an_open_source_value(admin):
    assert admin.get(_plans_path("neon", "neon-postgres"), params={"source": "organization"}).status_code == 200


def test_upstash_vector_has_no_free_plan(admin):
    plans = admin.get(_plans_path("upstash", "upstash-vector")).json()["plans"]
    assert plans and all(p["paymentMethodRequired"] for p in plans)
