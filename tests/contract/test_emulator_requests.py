"""The request side of the contract: the emulator takes every parameter and body field the contract lists,
and refuses what it forbids (a missing required field, a value outside a closed enum)."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from airflow_provider_vercel.emulator.server import EmulatorServer
from tests.contract.conformance import (
    TALLY,
    check_response,
    enum_parameters,
    operation,
    query_parameters,
    request_body_schema,
    required_body_fields,
)

NOT_PUBLISHED = "not-a-published-value"


def _query_value(emu: EmulatorServer, name: str, schema: dict[str, Any]) -> Any:
    if "enum" in schema:
        return schema["enum"][0]
    values: dict[str, Any] = {
        "teamId": emu.team_id,
        "slug": emu.team_slug,
        "integrationIdOrSlug": "neon",
        "integrationConfigurationId": emu.configuration_id("neon"),
        "metadata": '{"region":"iad1"}',
        "gitBranch": "main",
        "customEnvironmentId": "env_contract",
        "customEnvironmentSlug": "contract",
        "source": "contract-suite",
        "include-guides": "true",
        "skip-metadata": "true",
    }
    return values[name]


def _create_body(emu: EmulatorServer) -> dict[str, Any]:
    """A create body with every field the contract lists, valid together (a variable prepayment plan)."""
    return {
        "name": "contract-full",
        "integrationConfigurationId": emu.configuration_id("neon"),
        "integrationProductIdOrSlug": "neon-postgres",
        "metadata": {"region": "iad1"},
        "externalId": "contract-suite-1",
        "protocolSettings": {"storage": {}},
        "source": "marketplace",
        "billingPlanId": "credits",
        "paymentMethodId": emu.state.teams[emu.team_id]["paymentMethods"][0],
        "prepaymentAmountCents": 2500,
    }


def _request(emu: EmulatorServer, api: httpx.Client, operation_id: str) -> tuple[str, str, dict[str, Any] | None]:
    """``(method, path, body)`` of a valid request to ``operation_id``; makes a store when it needs one."""
    neon = emu.configuration_id("neon")
    if operation_id in ("connectIntegrationResourceToProject", "getStorageStoresById", "getProjectEnv"):
        store = api.post("/v1/storage/stores/integration/direct", json={**_create_body(emu), "name": "s"}).json()
    paths = {
        "getConfigurations": ("GET", "/v1/integrations/configurations", None),
        "getConfiguration": ("GET", f"/v1/integrations/configuration/{neon}", None),
        "getConfigurationProducts": ("GET", f"/v1/integrations/configuration/{neon}/products", None),
        "getBillingPlans": ("GET", "/v1/integrations/integration/neon/products/neon-postgres/plans", None),
        "createIntegrationStoreDirect": ("POST", "/v1/storage/stores/integration/direct", _create_body(emu)),
        "filterProjectEnvs": ("GET", "/v10/projects/web-app/env", None),
    }
    if operation_id in paths:
        return paths[operation_id]
    store_id = store["store"]["id"]
    if operation_id == "getStorageStoresById":
        return "GET", f"/storage/stores/{store_id}", None
    connect = f"/v1/integrations/installations/{neon}/resources/{store_id}/connections"
    body = {"projectId": "web-app", "envVarEnvironments": ["production", "preview"], "makeEnvVarsSensitive": False}
    if operation_id == "connectIntegrationResourceToProject":
        return "POST", connect, body
    api.post(connect, json=body).raise_for_status()
    env_id = api.get("/v10/projects/web-app/env").json()["envs"][0]["id"]
    return "GET", f"/v1/projects/web-app/env/{env_id}", None


OPERATIONS = [
    "getConfigurations",
    "getConfiguration",
    "getConfigurationProducts",
    "getBillingPlans",
    "createIntegrationStoreDirect",
    "connectIntegrationResourceToProject",
    "getStorageStoresById",
    "filterProjectEnvs",
    "getProjectEnv",
]


@pytest.mark.parametrize("operation_id", OPERATIONS)
def test_emulator_accepts_every_parameter_and_body_field_the_contract_lists(
    emu: EmulatorServer, api: httpx.Client, operation_id: str
) -> None:
    method, path, body = _request(emu, api, operation_id)
    params = {p["name"]: _query_value(emu, p["name"], p["schema"]) for p in query_parameters(operation_id)}
    schema = request_body_schema(operation_id)
    if schema is not None:
        assert body is not None and set(body) == set(schema["properties"]), "the body carries every listed field"
    TALLY["requests checked"] += 1
    check_response(operation_id, api.request(method, path, params=params, json=body))


def test_every_operation_of_the_contract_is_exercised() -> None:
    from tests.contract.conformance import operation_ids

    assert sorted(OPERATIONS) == operation_ids()


@pytest.mark.parametrize(
    ("operation_id", "field"),
    [(op, field) for op in ("createIntegrationStoreDirect", "connectIntegrationResourceToProject") for field in
     required_body_fields(op)],
)
def test_emulator_refuses_a_body_without_a_required_field(
    emu: EmulatorServer, api: httpx.Client, operation_id: str, field: str
) -> None:
    method, path, body = _request(emu, api, operation_id)
    assert body is not None
    body.pop(field)
    TALLY["requests checked"] += 1
    response = api.request(method, path, json=body)
    assert response.status_code == 400, response.text
    assert field in response.json()["error"]["message"]


@pytest.mark.parametrize(("operation_id", "parameter", "published"), enum_parameters())
def test_emulator_refuses_a_query_value_outside_a_closed_enum(
    emu: EmulatorServer, api: httpx.Client, operation_id: str, parameter: str, published: list[str]
) -> None:
    method, path, body = _request(emu, api, operation_id)
    params = {"view": "account"} if operation_id == "getConfigurations" else {}
    assert NOT_PUBLISHED not in published
    TALLY["requests checked"] += 1
    refused = api.request(method, path, params={**params, parameter: NOT_PUBLISHED}, json=body)
    assert refused.status_code == 400, refused.text
    for value in published:  # and takes every published value
        TALLY["requests checked"] += 1
        assert api.request(method, path, params={**params, parameter: value}, json=body).status_code == 200


def test_emulator_refuses_configurations_without_the_required_view(api: httpx.Client) -> None:
    assert [p["name"] for p in query_parameters("getConfigurations") if p["required"]] == ["view"]
    TALLY["requests checked"] += 1
    assert api.get("/v1/integrations/configurations").status_code == 400


def test_emulator_refuses_a_create_source_outside_the_published_enum(emu: EmulatorServer, api: httpx.Client) -> None:
    published = request_body_schema("createIntegrationStoreDirect")["properties"]["source"]["enum"]  # type: ignore[index]
    TALLY["requests checked"] += 1
    refused = api.post("/v1/storage/stores/integration/direct", json={**_create_body(emu), "source": "api"})
    assert refused.status_code == 400 and "source" in refused.json()["error"]["message"]
    for value in published:
        TALLY["requests checked"] += 1
        body = {**_create_body(emu), "name": f"src-{value}", "source": value}
        assert api.post("/v1/storage/stores/integration/direct", json=body).status_code == 200


def test_connect_success_status_is_the_published_one(emu: EmulatorServer, api: httpx.Client) -> None:
    method, path, body = _request(emu, api, "connectIntegrationResourceToProject")
    assert api.request(method, path, json=body).status_code == int(operation("connectIntegrationResourceToProject")["successStatus"])
