"""POST /v1/storage/stores/integration/direct: the success shape and one test per validation rule."""

from __future__ import annotations

import re

import pytest

CREATE = "/v1/storage/stores/integration/direct"


def _error(response, status, field=None, code="bad_request"):
    assert response.status_code == status, response.text
    error = response.json()["error"]
    assert error["code"] == code
    if field is not None:
        assert field in error["message"]
    return error


def test_create_answers_200_with_the_full_store_shape(admin, neon_body, emu):
    response = admin.post(CREATE, json=neon_body(name="ci-pr-1-db", billingPlanId="launch", externalId="pr-1"))
    assert response.status_code == 200
    store = response.json()["store"]
    assert re.fullmatch(r"store_[A-Za-z0-9]{16}", store["id"])
    assert store["name"] == "ci-pr-1-db" and store["type"] == "integration"
    assert isinstance(store["createdAt"], int) and isinstance(store["updatedAt"], int)
    assert store["status"] == "initializing" and store["externalResourceStatus"] == "pending"
    assert store["projectsMetadata"] == [] and store["totalConnectedProjects"] == 0
    assert store["usageQuotaExceeded"] is False and store["externalResourceId"]
    assert store["billingPlan"]["id"] == "launch" and store["billingPlan"]["cost"] == "$19.00/month"
    product = store["product"]
    assert product["slug"] == "neon-postgres" and product["integrationConfigurationId"] == emu.configuration_id("neon")
    assert product["integration"]["slug"] == "neon" and product["supportedProtocols"] == ["storage"]
    assert "postgres" in product["tags"]
    assert "externalId" not in store  # not echoed, as in the real API


def test_create_reports_secret_names_and_lengths_only(admin, neon_body, emu):
    store = admin.post(CREATE, json=neon_body()).json()["store"]
    names = [s["name"] for s in store["secrets"]]
    assert names == ["DATABASE_URL", "DATABASE_URL_UNPOOLED", "PGHOST", "PGUSER", "PGPASSWORD", "PGDATABASE"]
    assert all(set(s) == {"name", "length"} and s["length"] > 0 for s in store["secrets"])
    internal = emu.state.stores[store["id"]].secrets
    text = admin.get(f"/v1/storage/stores/{store['id']}").text
    assert internal["PGPASSWORD"] not in text and internal["DATABASE_URL"] not in text


def test_create_redis_store_has_redis_secrets(admin, emu):
    body = {
        "name": "cache",
        "integrationConfigurationId": emu.configuration_id("upstash"),
        "integrationProductIdOrSlug": "upstash-kv",
    }
    store = admin.post(CREATE, json=body).json()["store"]
    assert [s["name"] for s in store["secrets"]] == ["REDIS_URL", "KV_REST_API_URL", "KV_REST_API_TOKEN"]
    assert "redis" in store["product"]["tags"]


def test_create_applies_schema_defaults_to_the_metadata_echo(admin, neon_body):
    store = admin.post(CREATE, json=neon_body(metadata={"region": "fra1", "compute": "medium"})).json()["store"]
    assert store["metadata"] == {
        "region": "fra1",
        "compute": "medium",
        "storageLimitGb": 10,
        "autoscaling": True,
        "databaseName": "neondb",
        "extensions": [],
        "autoscalingLimits": [0.25, 2],
    }


def test_create_without_plan_picks_the_free_plan(admin, neon_body):
    store = admin.post(CREATE, json=neon_body()).json()["store"]
    assert store["billingPlan"]["id"] == "free" and store["billingPlan"]["paymentMethodRequired"] is False


def test_create_billing_plan_price_follows_the_metadata(admin, neon_body):
    store = admin.post(CREATE, json=neon_body(metadata={"region": "fra1"}, billingPlanId="launch")).json()["store"]
    assert store["billingPlan"]["initialCharge"] == "23.75"


def test_create_accepts_product_id_instead_of_slug(admin, neon_body):
    assert admin.post(CREATE, json=neon_body(integrationProductIdOrSlug="iap_yh4pXOJNh7Tzji90")).status_code == 200


@pytest.mark.parametrize("raw", [b"", b"{not json", b"[1, 2]", b'"name"', b"null", b'{"name": NaN}', b"[" * 5000])
def test_body_must_be_a_json_object(admin, raw):
    response = admin.post(CREATE, content=raw, headers={"content-type": "application/json"})
    _error(response, 400)


@pytest.mark.parametrize(
    ("name", "fragment"),
    [(None, "name"), ("", "name"), ("x" * 129, "name"), ("has space", "name"), ("dots.not.ok", "name"), (7, "name")],
)
def test_name_must_be_1_to_128_safe_characters(admin, neon_body, name, fragment):
    body = neon_body()
    if name is None:
        body.pop("name")
    else:
        body["name"] = name
    _error(admin.post(CREATE, json=body), 400, fragment)


def test_name_of_128_characters_is_accepted(admin, neon_body):
    assert admin.post(CREATE, json=neon_body(name="a" * 128)).status_code == 200


@pytest.mark.parametrize("value", ["", "cfg_abc", "icfg_", "icfg_has-dash", 12])
def test_configuration_id_must_match_the_pattern(admin, neon_body, value):
    _error(admin.post(CREATE, json=neon_body(integrationConfigurationId=value)), 400, "integrationConfigurationId")


def test_configuration_id_is_required(admin, neon_body):
    body = neon_body()
    body.pop("integrationConfigurationId")
    _error(admin.post(CREATE, json=body), 400, "integrationConfigurationId")


def test_unknown_well_formed_configuration_is_404(admin, neon_body):
    _error(admin.post(CREATE, json=neon_body(integrationConfigurationId="icfg_unknown123")), 404, code="not_found")


@pytest.mark.parametrize("value", ["Neon_Postgres", "iap_bad-dash", "neon postgres", 3])
def test_product_must_be_an_id_or_a_slug(admin, neon_body, value):
    _error(admin.post(CREATE, json=neon_body(integrationProductIdOrSlug=value)), 400, "integrationProductIdOrSlug")


def test_product_is_required(admin, neon_body):
    body = neon_body()
    body.pop("integrationProductIdOrSlug")
    _error(admin.post(CREATE, json=body), 400, "integrationProductIdOrSlug")


@pytest.mark.parametrize("value", ["upstash-kv", "iap_unknownProduct1"])
def test_product_unknown_in_the_configuration_is_404(admin, neon_body, value):
    _error(admin.post(CREATE, json=neon_body(integrationProductIdOrSlug=value)), 404, code="not_found")


@pytest.mark.parametrize(
    ("metadata", "field"),
    [
        ("region=iad1", "metadata"),
        ({}, "region"),  # required, no default
        ({"region": "xyz1"}, "region"),  # not an option
        ({"region": 5}, "region"),  # wrong type
        ({"region": "iad1", "storageLimitGb": 0}, "storageLimitGb"),  # below minimum
        ({"region": "iad1", "storageLimitGb": 257}, "storageLimitGb"),  # above maximum
        ({"region": "iad1", "storageLimitGb": "10"}, "storageLimitGb"),
        ({"region": "iad1", "autoscaling": "yes"}, "autoscaling"),
        ({"region": "iad1", "compute": "tiny"}, "compute"),
        ({"region": "iad1", "databaseName": "Bad-Name"}, "databaseName"),  # pattern
        ({"region": "iad1", "databaseName": "d" * 64}, "databaseName"),  # maxLength
        ({"region": "iad1", "databaseName": ""}, "databaseName"),  # minLength
        ({"region": "iad1", "extensions": "pgvector"}, "extensions"),
        ({"region": "iad1", "extensions": ["nope"]}, "extensions"),
        ({"region": "iad1", "extensions": ["pgvector", "postgis", "pg_trgm", "timescaledb"]}, "extensions"),  # maxItems
        ({"region": "iad1", "autoscalingLimits": [0.25]}, "autoscalingLimits"),  # minItems
        ({"region": "iad1", "autoscalingLimits": [0.25, 16]}, "autoscalingLimits"),  # item maximum
        ({"region": "iad1", "autoscalingLimits": [0.25, "2"]}, "autoscalingLimits"),
        ({"region": "iad1", "unknownKey": 1}, "unknownKey"),
        ({"region": "iad1", "compute": None}, "compute"),
        ({"region": "iad1", "compute": {"nested": 1}}, "compute"),
    ],
)
def test_metadata_is_validated_against_the_product_schema(admin, neon_body, metadata, field):
    _error(admin.post(CREATE, json=neon_body(metadata=metadata)), 400, field)


def test_metadata_hidden_options_and_expression_flags_never_fail(admin, neon_body):
    metadata = {
        "region": "sfo1",
        "compute": "large",
        "storageLimitGb": 100,
        "autoscaling": False,
        "extensions": ["timescaledb"],
    }
    assert admin.post(CREATE, json=neon_body(metadata=metadata)).status_code == 200
    # "xlarge" is disabled only by an expression: cannot be evaluated, so accepted
    assert (
        admin.post(CREATE, json=neon_body(name="b", metadata={"region": "iad1", "compute": "xlarge"})).status_code
        == 200
    )


def test_metadata_option_disabled_at_create_is_refused(admin, emu):
    body = {
        "name": "vec",
        "integrationConfigurationId": emu.configuration_id("upstash"),
        "integrationProductIdOrSlug": "upstash-vector",
        "billingPlanId": "payg",
        "metadata": {"similarity": "dot"},
    }
    assert admin.post(CREATE, json=body).status_code == 200  # disabled only on "update"
    vector = emu.state.product(emu.state.integration("upstash"), "upstash-vector")
    vector["metadataSchema"]["properties"]["similarity"]["ui:options"][2]["disabled"] = "create"  # undone by reset
    _error(admin.post(CREATE, json=dict(body, name="vec2")), 400, "similarity")


def test_unknown_billing_plan_is_400(admin, neon_body):
    _error(admin.post(CREATE, json=neon_body(billingPlanId="platinum")), 400, "billingPlanId")


def test_disabled_billing_plan_is_400(admin, neon_body):
    _error(
        admin.post(CREATE, json=neon_body(billingPlanId="business-legacy")),
        400,
        "disabled",
        code="billing_plan_disabled",
    )


def test_product_without_free_plan_needs_a_billing_plan(admin, emu):
    body = {
        "name": "vec",
        "integrationConfigurationId": emu.configuration_id("upstash"),
        "integrationProductIdOrSlug": "upstash-vector",
    }
    _error(admin.post(CREATE, json=body), 400, "billingPlanId", code="billing_plan_required")
    assert admin.post(CREATE, json=dict(body, billingPlanId="fixed-1m")).status_code == 200


@pytest.mark.parametrize(("amount", "fragment"), [(49, "at least 50"), (True, "number"), ("500", "number")])
def test_prepayment_amount_must_be_a_number_of_at_least_50(admin, neon_body, amount, fragment):
    _error(admin.post(CREATE, json=neon_body(billingPlanId="credits", prepaymentAmountCents=amount)), 400, fragment)


def test_prepayment_amount_is_required_for_a_variable_prepayment_plan(admin, neon_body):
    _error(admin.post(CREATE, json=neon_body(billingPlanId="credits")), 400, "prepaymentAmountCents")


@pytest.mark.parametrize("amount", [100, 100_001])
def test_prepayment_amount_must_be_within_the_plan_bounds(admin, neon_body, amount):
    _error(
        admin.post(CREATE, json=neon_body(billingPlanId="credits", prepaymentAmountCents=amount)),
        400,
        "prepaymentAmountCents",
    )


def test_prepayment_within_bounds_is_accepted(admin, neon_body):
    response = admin.post(CREATE, json=neon_body(billingPlanId="credits", prepaymentAmountCents=2500))
    assert response.status_code == 200
    assert response.json()["store"]["billingPlan"]["type"] == "prepayment"


def test_unknown_payment_method_is_400(admin, neon_body):
    _error(
        admin.post(CREATE, json=neon_body(billingPlanId="launch", paymentMethodId="pm_unknown")), 400, "paymentMethodId"
    )


@pytest.mark.parametrize(
    ("field", "value"), [("protocolSettings", "x"), ("source", 3), ("externalId", 4), ("billingPlanId", 5)]
)
def test_optional_fields_must_have_the_right_type(admin, neon_body, field, value):
    _error(admin.post(CREATE, json=neon_body(**{field: value})), 400, field)


def test_open_source_values_and_protocol_settings_are_accepted(admin, neon_body):
    body = neon_body(source="organization", protocolSettings={"experimentation": {"edgeConfigSyncingEnabled": True}})
    store = admin.post(CREATE, json=body).json()["store"]
    assert store["protocolSettings"] == {"experimentation": {"edgeConfigSyncingEnabled": True}}


def test_duplicate_names_are_allowed_by_default(admin, neon_body):
    first = admin.post(CREATE, json=neon_body(name="same")).json()["store"]
    second = admin.post(CREATE, json=neon_body(name="same")).json()["store"]
    assert first["id"] != second["id"]
    names = [s["name"] for s in admin.get("/v1/storage/stores").json()["stores"]]
    assert names.count("same") == 2


def test_duplicate_names_answer_409_when_the_flag_is_set(admin, neon_body, emu):
    emu.state.reject_duplicate_names = True
    assert admin.post(CREATE, json=neon_body(name="same")).status_code == 200
    _error(admin.post(CREATE, json=neon_body(name="same")), 409, "same", code="conflict")
