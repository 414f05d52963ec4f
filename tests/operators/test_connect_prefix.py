"""``VercelConnectStoreOperator(env_var_prefix=...)``: several stores of one product in one project."""

from __future__ import annotations

import pytest

from airflow_provider_vercel.api.errors import VercelInputError
from airflow_provider_vercel.operators.lifecycle import VercelConnectStoreOperator
from airflow_provider_vercel.tasks.base import VercelTaskError
from tests.operators.test_lifecycle import connect, connection_posts, new_store, project_vars


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
