"""The store routes: create (the success shape and one test per validation rule), status over time, get/list/delete.

Last, the listing lag fault and the light listing (``skip-metadata=true``) of ``GET /v1/storage/stores``:
a lag makes a new store invisible to the listing for a while although the per-store GET already serves
it (the listing is not read-after-write consistent); it combines with a commit-then-5xx on the create.
"""

from __future__ import annotations

import re
import time

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


# --- store status over time, final statuses, get/list/delete and 404s -----------------------------------


def _get(client, store_id):
    return client.get(f"/v1/storage/stores/{store_id}")


def test_store_becomes_available_after_the_ready_delay(admin, create_store, emu):
    emu.state.ready_delay = 0.15
    store = create_store()
    first = _get(admin, store["id"]).json()["store"]
    assert (first["status"], first["externalResourceStatus"]) == ("initializing", "pending")
    time.sleep(0.2)
    later = _get(admin, store["id"]).json()["store"]
    assert (later["status"], later["externalResourceStatus"]) == ("available", "ready")
    assert later["updatedAt"] >= first["updatedAt"]


def test_ready_delay_is_fixed_at_creation(admin, create_store, emu):
    emu.state.ready_delay = 0
    store = create_store()
    emu.state.ready_delay = 60
    assert _get(admin, store["id"]).json()["store"]["status"] == "available"


@pytest.mark.parametrize(
    ("prefix", "status", "external"),
    [
        ("emu-error-", "error", "error"),
        ("emu-suspended-", "suspended", "suspended"),
        ("emu-uninstalled-", "uninstalled", "uninstalled"),
    ],
)
def test_name_convention_makes_a_store_end_in_a_failed_status(admin, create_store, emu, prefix, status, external):
    emu.state.ready_delay = 0
    store = create_store(name=prefix + "db")
    body = _get(admin, store["id"]).json()["store"]
    assert (body["status"], body["externalResourceStatus"]) == (status, external)


def test_name_convention_stuck_stays_initializing(admin, create_store, emu):
    emu.state.ready_delay = 0
    store = create_store(name="emu-stuck-db")
    assert _get(admin, store["id"]).json()["store"]["status"] == "initializing"


def test_error_store_is_initializing_first(admin, create_store, emu):
    emu.state.ready_delay = 30
    store = create_store(name="emu-error-db")
    assert store["status"] == "initializing"


def test_set_final_status_for_a_store_id_or_a_name_prefix(admin, create_store, emu):
    emu.state.ready_delay = 0
    by_id = create_store(name="one")
    other = create_store(name="two")
    emu.state.set_final_status_for(by_id["id"], "error")
    emu.state.set_final_status_for("pr-", "limits-exceeded-suspended")
    future = create_store(name="pr-42-db")
    assert _get(admin, by_id["id"]).json()["store"]["status"] == "error"
    assert _get(admin, other["id"]).json()["store"]["status"] == "available"
    assert _get(admin, future["id"]).json()["store"]["status"] == "limits-exceeded-suspended"
    emu.state.clear_final_statuses()
    assert _get(admin, by_id["id"]).json()["store"]["status"] == "available"


def test_set_final_status_rejects_unknown_statuses(emu):
    with pytest.raises(ValueError):
        emu.state.set_final_status_for("x", "exploded")


def test_get_unknown_store_is_404_with_error_body(admin):
    response = _get(admin, "store_doesNotExist000")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_get_store_skip_metadata_and_include_guides(admin, create_store):
    store = create_store()
    slim = admin.get(
        f"/v1/storage/stores/{store['id']}", params={"skip-metadata": "true", "include-guides": "true"}
    ).json()["store"]
    assert "metadata" not in slim and "metadataSchema" not in slim["product"]
    assert slim["product"]["guides"] == []


def test_list_stores_filters_by_configuration(admin, create_store, emu):
    neon = create_store(name="pg")
    kv = admin.post(
        "/v1/storage/stores/integration/direct",
        json={
            "name": "kv",
            "integrationConfigurationId": emu.configuration_id("upstash"),
            "integrationProductIdOrSlug": "upstash-kv",
        },
    ).json()["store"]
    everything = admin.get("/v1/storage/stores").json()
    assert set(everything) == {"stores"}
    assert [s["id"] for s in everything["stores"]] == [neon["id"], kv["id"]]
    only_neon = admin.get(
        "/v1/storage/stores", params={"integrationConfigurationId": emu.configuration_id("neon")}
    ).json()
    assert [s["id"] for s in only_neon["stores"]] == [neon["id"]]
    assert only_neon["stores"][0]["product"]["integrationConfigurationId"] == emu.configuration_id("neon")


def test_delete_store_answers_200_with_an_empty_body_then_404(admin, create_store):
    store = create_store()
    deleted = admin.delete(f"/v1/storage/stores/integration/{store['id']}")
    assert deleted.status_code == 200 and deleted.content == b""
    assert _get(admin, store["id"]).status_code == 404
    assert admin.get("/v1/storage/stores").json()["stores"] == []
    again = admin.delete(f"/v1/storage/stores/integration/{store['id']}")
    assert again.status_code == 404
    assert again.json()["err"]["code"] == "not_found"


# --- the listing lag and the light listing ---------------------------------------------------------------

LIST = "/v1/storage/stores"
LAG = 0.6


def _listed_names(admin, **params):
    response = admin.get(LIST, params=params)
    assert response.status_code == 200
    return [s["name"] for s in response.json()["stores"]]


def test_a_store_created_under_a_listing_lag_is_served_by_id_but_listed_only_after_the_lag(admin, emu, neon_body):
    emu.faults.listing_lag(LAG)
    created_at = time.monotonic()
    store = admin.post(CREATE, json=neon_body(name="lagging")).json()["store"]
    assert admin.get(f"{LIST}/{store['id']}").status_code == 200  # the live per-store read sees it
    assert "lagging" not in _listed_names(admin)
    while "lagging" not in _listed_names(admin):
        assert time.monotonic() - created_at < LAG + 5, "never listed"  # generous: only proves it shows up
        time.sleep(0.05)
    assert time.monotonic() - created_at >= LAG


def test_stores_created_before_the_lag_was_set_stay_listed(admin, emu, neon_body):
    admin.post(CREATE, json=neon_body(name="older"))
    emu.faults.listing_lag(30)
    assert "older" in _listed_names(admin)


def test_clearing_the_faults_keeps_the_lag_of_stores_already_created(admin, emu, neon_body):
    emu.faults.listing_lag(30)
    admin.post(CREATE, json=neon_body(name="hidden"))
    emu.faults.clear()
    admin.post(CREATE, json=neon_body(name="shown"))
    assert _listed_names(admin) == ["shown"]


@pytest.mark.parametrize("status", [500, 502, 503, 504])
def test_listing_lag_combines_with_commit_then_error(admin, emu, neon_body, status):
    emu.faults.listing_lag(30)
    emu.faults.commit_then_error(1, status=status)
    response = admin.post(CREATE, json=neon_body(name="committed"))
    assert response.status_code == status
    assert [s.name for s in emu.state.team_stores(emu.team_id)] == ["committed"]  # it was saved
    assert "committed" not in _listed_names(admin)


def test_listing_lag_is_set_over_http_as_a_fault_spec_and_as_a_setting(admin, emu, neon_body):
    response = admin.post("/_emulator/faults", json={"kind": "listing_lag", "seconds": 30})
    assert response.status_code == 200 and response.json()["listing_lag_seconds"] == 30
    admin.post(CREATE, json=neon_body(name="via-fault-spec"))
    assert "via-fault-spec" not in _listed_names(admin)
    assert admin.post("/_emulator/settings", json={"listing_lag_seconds": 0}).json()["listing_lag_seconds"] == 0
    admin.post(CREATE, json=neon_body(name="no-lag"))
    assert "no-lag" in _listed_names(admin)
    assert admin.post("/_emulator/settings", json={"listing_lag_seconds": -1}).status_code == 400


def test_the_light_listing_omits_metadata_but_keeps_identity_and_product(admin, emu, neon_body):
    admin.post(CREATE, json=neon_body(name="light"))
    full = admin.get(LIST).json()["stores"][0]
    light = admin.get(LIST, params={"skip-metadata": "true"}).json()["stores"][0]
    assert "metadata" in full and "metadata" not in light
    assert "metadataSchema" in full["product"] and "metadataSchema" not in light["product"]
    for key in ("id", "name", "createdAt"):
        assert light[key] == full[key]
    assert {k: light["product"][k] for k in ("id", "slug")} == {k: full["product"][k] for k in ("id", "slug")}
    assert len(admin.get(LIST, params={"skip-metadata": "true"}).content) < len(admin.get(LIST).content)
