"""Connecting stores to projects, env vars written and read back, disconnecting, delete refusal."""

from __future__ import annotations

import pytest


def _connect(client, emu, store, project="web-app", **body):
    icfg = store["product"]["integrationConfigurationId"]
    path = f"/v1/integrations/installations/{icfg}/resources/{store['id']}/connections"
    return client.post(path, json={"projectId": project, **body})


def _store_envs(client, project, store_id, **params):
    envs = client.get(f"/v10/projects/{project}/env", params=params).json()["envs"]
    return [e for e in envs if (e.get("contentHint") or {}).get("storeId") == store_id]


def test_connect_answers_201_with_an_empty_body(admin, emu, create_store):
    response = _connect(admin, emu, create_store())
    assert response.status_code == 201
    assert response.content == b""


def test_connecting_twice_to_the_same_project_is_409(admin, emu, create_store):
    store = create_store()
    assert _connect(admin, emu, store).status_code == 201
    again = _connect(admin, emu, store)
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "conflict"


def test_connect_adds_projects_metadata(admin, emu, create_store):
    store = create_store()
    _connect(admin, emu, store, envVarEnvironments=["production", "preview"])
    body = admin.get(f"/v1/storage/stores/{store['id']}").json()["store"]
    assert body["totalConnectedProjects"] == 1
    (meta,) = body["projectsMetadata"]
    assert meta["id"].startswith("spc_")
    assert meta["projectId"] == emu.project_id("web-app") and meta["name"] == "web-app"
    assert meta["environments"] == ["production", "preview"] and meta["envVarPrefix"] is None
    assert meta["environmentVariables"] == [s["name"] for s in store["secrets"]]


def test_connect_writes_env_vars_with_a_content_hint(admin, emu, create_store):
    store = create_store()
    _connect(admin, emu, store, envVarEnvironments=["production", "preview"])
    envs = _store_envs(admin, "web-app", store["id"])
    assert [e["key"] for e in envs] == [s["name"] for s in store["secrets"]]
    for env in envs:
        assert env["type"] == "encrypted" and env["target"] == ["production", "preview"]
        assert env["configurationId"] == emu.configuration_id("neon")
        assert env["contentHint"] == {
            "type": "integration-store-secret",
            "storeId": store["id"],
            "integrationId": store["product"]["integration"]["id"],
            "integrationProductId": store["product"]["id"],
            "integrationConfigurationId": emu.configuration_id("neon"),
        }
        assert isinstance(env["createdAt"], int) and env["id"]


def test_env_values_are_ciphertext_unless_decrypted(admin, emu, create_store):
    store = create_store()
    _connect(admin, emu, store)
    real = emu.state.stores[store["id"]].secrets
    hidden = {e["key"]: e for e in _store_envs(admin, "web-app", store["id"])}
    assert all(not e["decrypted"] and e["value"] != real[k] and real[k] not in e["value"] for k, e in hidden.items())
    shown = {e["key"]: e for e in _store_envs(admin, "web-app", store["id"], decrypt="true")}
    assert {k: e["value"] for k, e in shown.items()} == real
    assert all(e["decrypted"] for e in shown.values())
    assert real["DATABASE_URL"].startswith("postgres://") and "@127.0.0.1:5432/" in real["DATABASE_URL"]


def test_single_env_var_is_returned_decrypted(admin, emu, create_store):
    store = create_store()
    _connect(admin, emu, store)
    env = next(e for e in _store_envs(admin, "web-app", store["id"]) if e["key"] == "DATABASE_URL")
    one = admin.get(f"/v1/projects/web-app/env/{env['id']}").json()
    assert one["decrypted"] is True
    assert one["value"] == emu.state.stores[store["id"]].secrets["DATABASE_URL"]
    by_id = admin.get(f"/v1/projects/{emu.project_id('web-app')}/env/{env['id']}")
    assert by_id.status_code == 200
    assert admin.get(f"/v1/projects/analytics/env/{env['id']}").status_code == 404


def test_sensitive_env_vars_cannot_be_read_back(admin, emu, create_store):
    store = create_store()
    _connect(admin, emu, store, makeEnvVarsSensitive=True)
    listed = _store_envs(admin, "web-app", store["id"], decrypt="true")
    assert listed and all(e["type"] == "sensitive" and e["value"] == "" and e["decrypted"] is False for e in listed)
    one = admin.get(f"/v1/projects/web-app/env/{listed[0]['id']}").json()
    assert one["value"] == "" and one["decrypted"] is False


def test_cli_route_connects_with_a_prefix_and_answers_200_empty_object(admin, emu, create_store):
    store = create_store()
    body = {"projectId": "analytics", "envVarEnvironments": ["preview"], "type": "integration", "envVarPrefix": "PR7_"}
    response = admin.post(f"/v1/storage/stores/{store['id']}/connections", json=body)
    assert response.status_code == 200 and response.json() == {}
    keys = [e["key"] for e in _store_envs(admin, "analytics", store["id"])]
    assert keys == ["PR7_" + s["name"] for s in store["secrets"]]
    meta = admin.get(f"/v1/storage/stores/{store['id']}").json()["store"]["projectsMetadata"][0]
    assert meta["envVarPrefix"] == "PR7_" and meta["environmentVariables"] == keys


def test_custom_environment_ids_go_to_custom_environment_ids(admin, emu, create_store):
    store = create_store()
    _connect(admin, emu, store, envVarEnvironments=["production", "env_customStaging1"])
    env = _store_envs(admin, "web-app", store["id"])[0]
    assert env["target"] == ["production"] and env["customEnvironmentIds"] == ["env_customStaging1"]
    filtered = _store_envs(admin, "web-app", store["id"], customEnvironmentId="env_customStaging1")
    assert len(filtered) == len(store["secrets"])


def test_git_branch_filter_keeps_unbranched_and_matching_vars(admin):
    keys = {e["key"] for e in admin.get("/v10/projects/web-app/env", params={"gitBranch": "main"}).json()["envs"]}
    assert "FEATURE_PREVIEW_BANNER" not in keys and "NEXT_PUBLIC_SITE_URL" in keys
    keys = {e["key"] for e in admin.get("/v10/projects/web-app/env", params={"gitBranch": "staging"}).json()["envs"]}
    assert "FEATURE_PREVIEW_BANNER" in keys


def test_a_second_store_with_the_same_keys_needs_a_prefix(admin, emu, create_store):
    first, second = create_store(name="a"), create_store(name="b")
    assert _connect(admin, emu, first).status_code == 201
    clash = _connect(admin, emu, second)
    assert clash.status_code == 400 and clash.json()["error"]["code"] == "env_already_exists"
    cli = admin.post(
        f"/v1/storage/stores/{second['id']}/connections",
        json={"projectId": "web-app", "type": "integration", "envVarPrefix": "B_"},
    )
    assert cli.status_code == 200


def test_connect_unknown_project_is_404(admin, emu, create_store):
    assert _connect(admin, emu, create_store(), project="prj_doesNotExist").status_code == 404
    assert _connect(admin, emu, create_store(name="x"), project="globex-site").status_code == 404  # another team's


def test_connect_store_outside_the_configuration_is_404(admin, emu, create_store):
    store = create_store()
    path = f"/v1/integrations/installations/{emu.configuration_id('upstash')}/resources/{store['id']}/connections"
    assert admin.post(path, json={"projectId": "web-app"}).status_code == 404
    unknown = (
        f"/v1/integrations/installations/{emu.configuration_id('neon')}/resources/store_unknown0000000/connections"
    )
    assert admin.post(unknown, json={"projectId": "web-app"}).status_code == 404


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"projectId": 5},
        {"projectId": "web-app", "envVarEnvironments": []},
        {"projectId": "web-app", "envVarEnvironments": "production"},
        {"projectId": "web-app", "makeEnvVarsSensitive": "yes"},
    ],
)
def test_connect_body_is_validated(admin, emu, create_store, body):
    store = create_store()
    path = f"/v1/integrations/installations/{emu.configuration_id('neon')}/resources/{store['id']}/connections"
    response = admin.post(path, json=body)
    assert response.status_code == 400 and response.json()["error"]["code"] == "bad_request"


@pytest.mark.parametrize(
    "body", [{"projectId": "web-app", "type": "blob"}, {"projectId": "web-app", "envVarPrefix": "1BAD"}]
)
def test_cli_connect_body_is_validated(admin, create_store, body):
    store = create_store()
    assert admin.post(f"/v1/storage/stores/{store['id']}/connections", json=body).status_code == 400


def test_disconnect_one_removes_its_metadata_and_env_vars(admin, emu, create_store):
    store = create_store()
    _connect(admin, emu, store, project="web-app")
    _connect(admin, emu, store, project="analytics")
    meta = admin.get(f"/v1/storage/stores/{store['id']}").json()["store"]["projectsMetadata"]
    web = next(m for m in meta if m["name"] == "web-app")
    response = admin.delete(f"/v1/storage/stores/{store['id']}/connections/{web['id']}")
    assert response.status_code == 200 and response.content == b""
    assert _store_envs(admin, "web-app", store["id"]) == []
    assert len(_store_envs(admin, "analytics", store["id"])) == len(store["secrets"])
    after = admin.get(f"/v1/storage/stores/{store['id']}").json()["store"]
    assert [m["name"] for m in after["projectsMetadata"]] == ["analytics"] and after["totalConnectedProjects"] == 1
    assert admin.delete(f"/v1/storage/stores/{store['id']}/connections/{web['id']}").status_code == 404


def test_disconnect_all_removes_every_connection(admin, emu, create_store):
    store = create_store()
    _connect(admin, emu, store, project="web-app")
    _connect(admin, emu, store, project="docs")
    response = admin.delete(f"/v1/storage/stores/{store['id']}/connections")
    assert response.status_code == 200 and response.content == b""
    assert admin.get(f"/v1/storage/stores/{store['id']}").json()["store"]["projectsMetadata"] == []
    assert _store_envs(admin, "web-app", store["id"]) == [] and _store_envs(admin, "docs", store["id"]) == []
    seeded = {e["key"] for e in admin.get("/v10/projects/web-app/env").json()["envs"]}
    assert seeded == {"NEXT_PUBLIC_SITE_URL", "SENTRY_AUTH_TOKEN", "FEATURE_PREVIEW_BANNER"}


def test_delete_is_refused_while_projects_are_connected(admin, emu, create_store):
    store = create_store()
    _connect(admin, emu, store)
    refused = admin.delete(f"/v1/storage/stores/integration/{store['id']}")
    assert refused.status_code == 400
    assert refused.json()["err"]["code"] == "store_has_connected_projects"
    admin.delete(f"/v1/storage/stores/{store['id']}/connections")
    assert admin.delete(f"/v1/storage/stores/integration/{store['id']}").status_code == 200
