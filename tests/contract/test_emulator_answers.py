"""Every answer the emulator gives for the operations of the published contract matches its response schema.

Each test makes real requests to the emulator and checks the whole body: every ``required`` field,
every type, enums as published, the exact success status (extra keys are allowed).
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from airflow_provider_vercel.emulator.server import EmulatorServer
from tests.contract.conformance import check_response


def _team_configurations(api: httpx.Client) -> list[dict[str, Any]]:
    return check_response("getConfigurations", api.get("/v1/integrations/configurations", params={"view": "account"}))


@pytest.mark.parametrize("view", ["account", "project"])
def test_configurations_answer_matches_the_contract_in_both_views(api: httpx.Client, view: str) -> None:
    items = check_response("getConfigurations", api.get("/v1/integrations/configurations", params={"view": view}))
    assert items, "the seed team has configurations"


@pytest.mark.parametrize("installation_type", ["marketplace", "external", "provisioning"])
def test_configurations_filtered_by_installation_type_match_the_contract(
    api: httpx.Client, installation_type: str
) -> None:
    params = {"view": "account", "installationType": installation_type}
    check_response("getConfigurations", api.get("/v1/integrations/configurations", params=params))


def test_each_configuration_answer_matches_the_contract(api: httpx.Client) -> None:
    configurations = _team_configurations(api)
    for item in configurations:
        body = check_response("getConfiguration", api.get(f"/v1/integrations/configuration/{item['id']}"))
        assert body["id"] == item["id"]


def test_products_answer_of_each_configuration_matches_the_contract(api: httpx.Client) -> None:
    for item in _team_configurations(api):
        check_response("getConfigurationProducts", api.get(f"/v1/integrations/configuration/{item['id']}/products"))


def test_plans_answer_matches_the_contract_by_id_and_by_slug(api: httpx.Client) -> None:
    checked = 0
    for item in _team_configurations(api):
        listing = api.get(f"/v1/integrations/configuration/{item['id']}/products").json()
        integration = listing["integration"]
        for product in listing["products"]:
            for integration_ref in (integration["id"], integration["slug"]):
                for product_ref in (product["id"], product["slug"]):
                    path = f"/v1/integrations/integration/{integration_ref}/products/{product_ref}/plans"
                    plans = check_response("getBillingPlans", api.get(path))["plans"]
                    assert plans
                    checked += 1
    assert checked >= 4, "the seed has products to look plans up for"


@pytest.mark.parametrize(
    "plan",
    [
        pytest.param({}, id="free-plan-chosen-by-the-server"),
        pytest.param({"billingPlanId": "launch"}, id="paid-subscription"),
        pytest.param({"billingPlanId": "credits", "prepaymentAmountCents": 2500}, id="paid-prepayment"),
    ],
)
def test_create_answer_matches_the_contract_for_free_and_paid_plans(
    api: httpx.Client, emu: EmulatorServer, plan: dict[str, Any]
) -> None:
    body = {
        "name": "contract-create",
        "integrationConfigurationId": emu.configuration_id("neon"),
        "integrationProductIdOrSlug": "neon-postgres",
        "metadata": {"region": "iad1"},
        **plan,
    }
    store = check_response("createIntegrationStoreDirect", api.post("/v1/storage/stores/integration/direct", json=body))
    assert store["store"]["billingPlan"]["paymentMethodRequired"] is bool(plan)


@pytest.mark.parametrize("path", ["/v1/storage/stores/{id}", "/storage/stores/{id}"])
@pytest.mark.parametrize("query", [{}, {"skip-metadata": "true"}, {"include-guides": "true"}])
def test_get_store_answer_matches_the_contract_on_both_paths_before_and_after_ready(
    api: httpx.Client, emu: EmulatorServer, new_store: Any, path: str, query: dict[str, str]
) -> None:
    emu.state.ready_delay = 30.0
    waiting = new_store()
    emu.state.ready_delay = 0.0
    ready = new_store()
    for store, status in ((waiting, "initializing"), (ready, "available")):
        body = check_response("getStorageStoresById", api.get(path.format(id=store["id"]), params=query))
        assert body["store"]["status"] == status


def test_published_and_cli_store_paths_answer_the_same_store(api: httpx.Client, new_store: Any) -> None:
    store = new_store()
    published = api.get(f"/storage/stores/{store['id']}").json()
    cli = api.get(f"/v1/storage/stores/{store['id']}").json()
    assert published == cli


def test_connect_answers_201_with_an_empty_body(api: httpx.Client, emu: EmulatorServer, new_store: Any) -> None:
    store = new_store()
    path = f"/v1/integrations/installations/{emu.configuration_id('neon')}/resources/{store['id']}/connections"
    body = check_response("connectIntegrationResourceToProject", api.post(path, json={"projectId": "web-app"}))
    assert body is None


def _connect(api: httpx.Client, emu: EmulatorServer, store: dict[str, Any], project: str, **extra: Any) -> None:
    path = f"/v1/integrations/installations/{emu.configuration_id('neon')}/resources/{store['id']}/connections"
    response = api.post(path, json={"projectId": project, **extra})
    assert response.status_code == 201, response.text


@pytest.mark.parametrize("decrypt", [None, "true", "false"])
def test_env_list_answer_matches_the_contract_with_and_without_decrypt(
    api: httpx.Client, emu: EmulatorServer, new_store: Any, decrypt: str | None
) -> None:
    _connect(api, emu, new_store(), "web-app")
    _connect(api, emu, new_store(), "analytics", makeEnvVarsSensitive=True)
    for project in ("web-app", "analytics", "docs"):
        params = {} if decrypt is None else {"decrypt": decrypt}
        body = check_response("filterProjectEnvs", api.get(f"/v10/projects/{project}/env", params=params))
        assert body["pagination"]["next"] is None


def test_env_list_pages_each_match_the_contract_and_add_up_to_the_whole(
    api: httpx.Client, emu: EmulatorServer, new_store: Any
) -> None:
    _connect(api, emu, new_store(), "web-app")
    whole = api.get("/v10/projects/web-app/env").json()["envs"]
    emu.state.env_page_size = 2
    pages, cursor = [], None
    while True:
        params = {} if cursor is None else {"until": cursor}
        body = check_response("filterProjectEnvs", api.get("/v10/projects/web-app/env", params=params))
        pages.append(body["envs"])
        assert body["pagination"]["count"] == len(body["envs"]) <= 2
        cursor = body["pagination"]["next"]
        if cursor is None:
            break
    assert len(pages) > 1
    assert [env["id"] for page in pages for env in page] == [env["id"] for env in whole]


def test_one_env_answer_matches_the_contract_for_every_variable(
    api: httpx.Client, emu: EmulatorServer, new_store: Any
) -> None:
    _connect(api, emu, new_store(), "web-app")
    _connect(api, emu, new_store(), "analytics", makeEnvVarsSensitive=True)
    for project in ("web-app", "analytics"):
        for env in api.get(f"/v10/projects/{project}/env").json()["envs"]:
            body = check_response("getProjectEnv", api.get(f"/v1/projects/{project}/env/{env['id']}"))
            assert body["id"] == env["id"]
