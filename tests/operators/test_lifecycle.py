"""VercelConnectStoreOperator and VercelDeleteStoreOperator against the emulator: idempotency, teardown."""

from __future__ import annotations

from typing import Any

import pytest

from airflow_provider_vercel.api.calls import CreateStoreRequest
from airflow_provider_vercel.api.client import VercelClient
from airflow_provider_vercel.api.errors import VercelBadRequestError, VercelInputError, VercelNotFoundError
from airflow_provider_vercel.api.models import Store
from airflow_provider_vercel.hooks.vercel import VercelHook
from airflow_provider_vercel.operators.lifecycle import VercelConnectStoreOperator, VercelDeleteStoreOperator
from airflow_provider_vercel.tasks.base import VercelTaskError
from tests.helpers.secrets import assert_no_secrets
from tests.operators.conftest import api_requests

CONNECT_KEYS = {"store_id", "project_id", "connected", "environments", "env_var_names"}
DELETE_KEYS = {"store_id", "name", "deleted", "already_gone", "disconnected_project_ids"}


def client_for(server: Any) -> VercelClient:
    return VercelClient(server.admin_token, base_url=server.url, team_id=server.team_id)


def new_store(server: Any, name: str = "life-db") -> str:
    with client_for(server) as client:
        request = CreateStoreRequest(
            name=name,
            integration_configuration_id=server.configuration_id("neon"),
            product="neon-postgres",
            metadata={"region": "iad1"},
        )
        return client.get_or_create_store(request).store.id


def connect(store_id: str, project: str, **kwargs: Any) -> VercelConnectStoreOperator:
    return VercelConnectStoreOperator(task_id="connect_store", store_id=store_id, project_id=project, **kwargs)


def delete(store_id: str, **kwargs: Any) -> VercelDeleteStoreOperator:
    return VercelDeleteStoreOperator(task_id="delete_store", store_id=store_id, **kwargs)


def connection_posts(server: Any) -> list[dict[str, Any]]:
    return [r for r in api_requests(server, "POST") if r["path"].endswith("/connections")]


def project_vars(server: Any, project_id: str, store_id: str) -> list[Any]:
    return [e for e in server.state.project_env_vars(project_id) if (e.content_hint or {}).get("storeId") == store_id]


# --- connect --------------------------------------------------------------------------------------


def test_connect_writes_env_vars_and_returns_names_only(emulator, context):
    store_id = new_store(emulator)
    web_app = emulator.project_id("web-app")
    result = connect(store_id, web_app, environments=["preview", "development"]).execute(context)
    assert set(result) == CONNECT_KEYS
    assert result["store_id"] == store_id
    assert result["project_id"] == web_app
    assert result["connected"] is True
    assert result["environments"] == ["preview", "development"]
    store = emulator.state.stores[store_id]
    assert sorted(result["env_var_names"]) == sorted(store.secrets)
    written = project_vars(emulator, web_app, store_id)
    assert sorted(e.key for e in written) == sorted(store.secrets)
    assert all(e.target == ["preview", "development"] for e in written)
    assert_no_secrets(emulator, result)
    assert len(connection_posts(emulator)) == 1


def test_connect_twice_is_idempotent_and_sends_no_second_post(emulator, context):
    store_id = new_store(emulator)
    first = connect(store_id, "web-app").execute(context)
    second = connect(store_id, "web-app").execute(context)
    assert first["connected"] is True
    assert second["connected"] is False
    assert second["env_var_names"] == first["env_var_names"]
    assert second["environments"] == ["production", "preview", "development"]
    assert len(connection_posts(emulator)) == 1
    assert len(emulator.state.stores[store_id].connections) == 1


def test_a_409_counts_as_already_connected(emulator, context, monkeypatch):
    store_id = new_store(emulator)
    with client_for(emulator) as client:
        client.connect_store(emulator.configuration_id("neon"), store_id, emulator.project_id("web-app"))
    real_get = VercelHook.get_store
    reads = []

    def stale_first_read(self, sid):
        store = real_get(self, sid)
        reads.append(sid)
        if len(reads) == 1:  # as if the connection was made after the operator looked
            return store.model_copy(update={"projects_metadata": []})
        return store

    monkeypatch.setattr(VercelHook, "get_store", stale_first_read)
    result = connect(store_id, emulator.project_id("web-app")).execute(context)
    assert result["connected"] is False
    assert result["env_var_names"]
    assert [r["status"] for r in connection_posts(emulator)] == [201, 409]


def test_connect_sensitive_and_by_project_name(emulator, context):
    store_id = new_store(emulator)
    result = connect(store_id, "analytics", make_env_vars_sensitive=True).execute(context)
    analytics = emulator.project_id("analytics")
    assert result["project_id"] == analytics
    assert {e.type for e in project_vars(emulator, analytics, store_id)} == {"sensitive"}


def test_rendered_template_values_are_normalised(emulator, context):
    store_id = new_store(emulator)
    made = connect("{{ x }}", "{{ y }}", environments="{{ z }}", make_env_vars_sensitive="{{ s }}")
    made.store_id, made.project_id = store_id, "web-app"
    made.environments, made.make_env_vars_sensitive = '["preview"]', "false"
    result = made.execute(context)
    assert result["environments"] == ["preview"]
    assert {e.type for e in project_vars(emulator, emulator.project_id("web-app"), store_id)} == {"encrypted"}


def test_connect_bad_literals_fail_at_parse_time():
    with pytest.raises(VercelInputError, match="environments"):
        connect("store_abc", "web-app", environments=[])
    with pytest.raises(VercelInputError, match="project_id"):
        connect("store_abc", "")
    with pytest.raises(VercelInputError, match="integration_configuration_id"):
        connect("store_abc", "web-app", integration_configuration_id="cfg-1")


def test_connect_with_an_empty_rendered_store_id_sends_nothing(emulator, context):
    made = connect("{{ x }}", "web-app")
    made.store_id = "None"
    with pytest.raises(VercelTaskError, match="store_id"):
        made.execute(context)
    assert emulator.requests == []


def test_connect_to_an_unknown_project_fails(emulator, context):
    store_id = new_store(emulator)
    with pytest.raises(VercelTaskError) as info:  # a 404 fails without retries
        connect(store_id, "no-such-project").execute(context)
    assert isinstance(info.value.__cause__, VercelNotFoundError)


# --- delete (teardown) ----------------------------------------------------------------------------


def test_delete_removes_the_store(emulator, context):
    store_id = new_store(emulator)
    result = delete(store_id).execute(context)
    assert set(result) == DELETE_KEYS
    assert result == {
        "store_id": store_id,
        "name": "life-db",
        "deleted": True,
        "already_gone": False,
        "disconnected_project_ids": [],
    }
    assert emulator.state.stores[store_id].deleted


def test_delete_twice_is_success_both_times(emulator, context):
    store_id = new_store(emulator)
    first = delete(store_id).execute(context)
    second = delete(store_id).execute(context)
    assert first["deleted"] is True
    assert second["deleted"] is False and second["already_gone"] is True
    assert len(api_requests(emulator, "DELETE")) == 1  # the second run only looked


def test_delete_of_a_never_existing_id_is_success(emulator, context):
    result = delete("store_neverExisted0001").execute(context)
    assert result["already_gone"] is True and result["deleted"] is False
    assert result["name"] is None
    assert api_requests(emulator, "DELETE") == []


def test_delete_disconnects_every_project_first(emulator, context):
    store_id = new_store(emulator)
    web_app, docs = emulator.project_id("web-app"), emulator.project_id("docs")
    connect(store_id, web_app).execute(context)
    connect(store_id, docs, environments=["preview"]).execute(context)
    assert project_vars(emulator, web_app, store_id)
    result = delete(store_id).execute(context)
    assert result["deleted"] is True
    assert sorted(result["disconnected_project_ids"]) == sorted([web_app, docs])
    assert emulator.state.stores[store_id].deleted
    assert project_vars(emulator, web_app, store_id) == []
    assert project_vars(emulator, docs, store_id) == []
    deletes = [r["path"] for r in api_requests(emulator, "DELETE")]
    assert deletes[-1] == f"/v1/storage/stores/integration/{store_id}"
    assert sum("/connections/" in path for path in deletes) == 2


def test_delete_without_disconnecting_is_refused_by_vercel(emulator, context):
    store_id = new_store(emulator)
    connect(store_id, "web-app").execute(context)
    with pytest.raises(VercelTaskError, match="connected") as info:  # a 400 fails without retries
        delete(store_id, disconnect_projects=False).execute(context)
    assert isinstance(info.value.__cause__, VercelBadRequestError)
    assert not emulator.state.stores[store_id].deleted


def test_delete_retries_transient_errors(emulator, context):
    store_id = new_store(emulator)
    emulator.faults.server_error(n=2, status=503, method="DELETE", path="/v1/storage/stores/integration/")
    assert delete(store_id).execute(context)["deleted"] is True
    assert emulator.state.stores[store_id].deleted


def test_a_store_vanishing_between_read_and_delete_is_success(emulator, context, monkeypatch):
    monkeypatch.setattr(VercelHook, "get_store", lambda self, sid: Store(id=sid, name="ghost", status="available"))
    result = delete("store_vanished000001").execute(context)
    assert result["deleted"] is False and result["already_gone"] is True
    assert [r["status"] for r in api_requests(emulator, "DELETE")] == [404]


def test_delete_with_an_empty_rendered_store_id_fails_before_any_request(emulator, context):
    made = delete("{{ x }}")
    made.store_id = ""
    with pytest.raises(VercelTaskError, match="store_id"):
        made.execute(context)
    assert emulator.requests == []


# --- env var prefix ---------------------------------------------------------------------------


def test_env_var_prefix_is_a_template_field():
    assert "env_var_prefix" in VercelConnectStoreOperator.template_fields


def test_prefixed_connection_writes_prefixed_keys_through_the_cli_route(emulator, context):
    store_id = new_store(emulator)
    result = connect(store_id, "web-app", env_var_prefix="PR42_").execute(context)
    secrets = emulator.state.stores[store_id].secrets
    assert result["connected"] is True
    assert sorted(result["env_var_names"]) == sorted(f"PR42_{key}" for key in secrets)
    web_app = emulator.project_id("web-app")
    assert sorted(e.key for e in project_vars(emulator, web_app, store_id)) == sorted(result["env_var_names"])
    assert [p["path"] for p in connection_posts(emulator)] == [f"/v1/storage/stores/{store_id}/connections"]


def test_rendered_prefix_is_validated_naming_the_argument(emulator, context):
    task = connect(new_store(emulator), "web-app", env_var_prefix="{{ params.prefix }}")
    task.env_var_prefix = "42-bad"  # what the template rendered to
    with pytest.raises(VercelTaskError) as failure:
        task.execute(context)
    assert failure.value.argument == "env_var_prefix"
    assert connection_posts(emulator) == []


def test_a_literal_bad_prefix_fails_when_the_dag_is_parsed():
    with pytest.raises(VercelInputError) as bad:
        connect("store_x", "web-app", env_var_prefix="pr-42")
    assert bad.value.argument == "env_var_prefix"


def test_second_store_without_a_prefix_fails_telling_to_set_env_var_prefix(emulator, context):
    connect(new_store(emulator, "pr-1"), "web-app").execute(context)
    with pytest.raises(VercelTaskError) as failure:
        connect(new_store(emulator, "pr-2"), "web-app").execute(context)
    message = str(failure.value)
    assert "env_var_prefix" in message and "VercelConnectStoreOperator" in message
    assert failure.value.argument == "env_var_prefix"
    assert connect(new_store(emulator, "pr-2"), "web-app", env_var_prefix="PR2_").execute(context)["connected"]
