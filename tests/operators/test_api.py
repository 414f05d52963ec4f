"""VercelApiOperator against the emulator: any endpoint, with the hook's auth, team scope and retries."""

from __future__ import annotations

import pytest

from airflow_provider_vercel.api.errors import VercelForbiddenError, VercelInputError, VercelNotFoundError
from airflow_provider_vercel.operators.api import VercelApiOperator
from airflow_provider_vercel.tasks.base import VercelTaskError
from tests.helpers.secrets import assert_no_secrets
from tests.operators.conftest import api_requests, connection_json, posts


def test_get_returns_the_parsed_json_with_team_scoping(emulator, context, neon_cfg):
    op = VercelApiOperator(task_id="call", path="/v1/integrations/configurations", query={"view": "account"})
    result = op.execute(context)
    assert isinstance(result, list)
    assert neon_cfg in {item["id"] for item in result}
    (request,) = emulator.requests
    assert request["query"] == {"view": "account", "teamId": emulator.team_id}
    assert_no_secrets(emulator, result)


def test_response_filter_shapes_the_return_value(emulator, context, neon_cfg):
    op = VercelApiOperator(
        task_id="call",
        path=f"/v1/integrations/configuration/{neon_cfg}/products",
        response_filter=lambda data: [product["slug"] for product in data["products"]],
    )
    assert op.execute(context) == ["neon-postgres"]


def test_response_filter_may_take_context_variables(emulator, context):
    op = VercelApiOperator(
        task_id="call",
        path="/v1/storage/stores",
        response_filter=lambda data, ti: (len(data["stores"]), type(ti).__name__),
    )
    assert op.execute(context) == (0, "RecordingTaskInstance")


def test_post_with_a_json_body_is_sent_once(emulator, context, neon_cfg):
    body = {
        "name": "raw-db",
        "integrationConfigurationId": neon_cfg,
        "integrationProductIdOrSlug": "neon-postgres",
        "metadata": {"region": "iad1"},
    }
    op = VercelApiOperator(
        task_id="call",
        method="POST",
        path="/v1/storage/stores/integration/direct",
        body=body,
        response_filter=lambda data: data["store"]["id"],
    )
    store_id = op.execute(context)
    assert store_id.startswith("store_")
    assert len(posts(emulator)) == 1


def test_templated_body_and_query_rendered_as_text_are_decoded(emulator, context, neon_cfg):
    op = VercelApiOperator(task_id="call", path="/v1/storage/stores", query="{{ q }}")
    op.query = f'{{"integrationConfigurationId": "{neon_cfg}"}}'
    assert op.execute(context) == {"stores": []}
    (request,) = api_requests(emulator, "GET", "/v1/storage/stores")
    assert request["query"]["integrationConfigurationId"] == neon_cfg


def test_an_error_status_fails_with_vercels_code_and_never_the_token(emulator, context):
    op = VercelApiOperator(task_id="call", path="/v1/storage/stores/store_doesnotexist000")
    with pytest.raises(VercelTaskError) as info:  # a 404 fails without retries
        op.execute(context)
    assert isinstance(info.value.__cause__, VercelNotFoundError)
    assert "404" in str(info.value)
    assert emulator.admin_token not in str(info.value)


def test_safe_calls_are_retried_on_5xx(emulator, context):
    emulator.faults.server_error(1, status=503)
    assert VercelApiOperator(task_id="call", path="/v1/storage/stores").execute(context) == {"stores": []}
    assert [r["status"] for r in emulator.requests] == [503, 200]


def test_member_token_is_forbidden_to_create(vercel_emulator, monkeypatch, context):
    monkeypatch.setenv(
        "AIRFLOW_CONN_VERCEL_MEMBER",
        connection_json(vercel_emulator).replace(vercel_emulator.admin_token, vercel_emulator.member_token),
    )
    op = VercelApiOperator(
        task_id="call",
        vercel_conn_id="vercel_member",
        method="POST",
        path="/v1/storage/stores/integration/direct",
        body={
            "name": "x",
            "integrationConfigurationId": vercel_emulator.configuration_id("neon"),
            "integrationProductIdOrSlug": "neon-postgres",
            "metadata": {"region": "iad1"},
        },
    )
    with pytest.raises(VercelTaskError) as info:  # a 403 fails without retries
        op.execute(context)
    assert isinstance(info.value.__cause__, VercelForbiddenError)


@pytest.mark.parametrize(
    ("kwargs", "argument"),
    [
        ({"path": "v1/storage/stores"}, "path"),
        ({"path": "https://api.vercel.com/v1/storage/stores"}, "path"),
        ({"path": "/v1/storage/stores?teamId=x"}, "path"),
        ({"path": "/v1/storage/stores", "method": "FETCH"}, "method"),
        ({"path": "/v1/storage/stores", "query": [1, 2]}, "query"),
        ({"path": "/v1/storage/stores", "response_filter": "ids"}, "response_filter"),
        ({"path": "/v1/storage/stores", "vercel_conn_id": ""}, "vercel_conn_id"),
    ],
)
def test_bad_arguments_fail_at_construction(emulator, kwargs, argument):
    with pytest.raises(VercelInputError) as info:
        VercelApiOperator(task_id="call", **kwargs)
    assert info.value.argument == argument
    assert emulator.requests == []


def test_rendered_path_is_checked_before_any_request(emulator, context):
    op = VercelApiOperator(task_id="call", path="{{ params.path }}")
    op.path = "None"
    with pytest.raises(VercelTaskError) as info:
        op.execute(context)
    assert info.value.argument == "path"
    assert emulator.requests == []


def test_post_execute_closes_the_hooks_client(emulator, context):
    from airflow_provider_vercel.operators.api import VercelApiOperator

    op = VercelApiOperator(task_id="call", path="/v1/storage/stores")
    op.execute(context)
    client = op.hook.client
    op.post_execute(context)
    assert client._http.is_closed
    assert "hook" not in op.__dict__
