"""Bad input of any shape gets a 4xx with Vercel's error body, never a 5xx (only faults produce those)."""

from __future__ import annotations

import json
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

CREATE = "/v1/storage/stores/integration/direct"
FIELDS = [
    "name",
    "integrationConfigurationId",
    "integrationProductIdOrSlug",
    "metadata",
    "billingPlanId",
    "prepaymentAmountCents",
    "externalId",
    "protocolSettings",
    "source",
    "paymentMethodId",
    "projectId",
    "envVarEnvironments",
    "makeEnvVarsSensitive",
    "envVarPrefix",
    "type",
]

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=12,
)
bodies = st.dictionaries(st.sampled_from(FIELDS) | st.text(max_size=8), json_values, max_size=8)
FUZZ = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def _assert_client_error(response):
    assert 400 <= response.status_code < 500, (response.status_code, response.text)
    body = response.json()
    assert isinstance(body.get("error", body.get("err")), dict)


@FUZZ
@given(body=bodies)
def test_create_with_arbitrary_json_never_errors_on_the_server(admin, body):
    response = admin.post(CREATE, json=body)
    assert response.status_code < 500, response.text
    if response.status_code != 200:
        _assert_client_error(response)


@FUZZ
@given(
    metadata=st.dictionaries(
        st.sampled_from(
            ["region", "compute", "storageLimitGb", "autoscaling", "databaseName", "extensions", "autoscalingLimits"]
        ),
        json_values,
        max_size=7,
    )
)
def test_create_with_arbitrary_metadata_never_errors_on_the_server(admin, neon_body, metadata):
    response = admin.post(CREATE, json=neon_body(metadata=dict(metadata, region=metadata.get("region", "iad1"))))
    assert response.status_code < 500, response.text


@FUZZ
@given(raw=st.binary(max_size=64))
def test_create_with_arbitrary_bytes_never_errors_on_the_server(admin, raw):
    response = admin.post(CREATE, content=raw, headers={"content-type": "application/json"})
    _assert_client_error(response)


@FUZZ
@given(body=bodies)
def test_connect_with_arbitrary_json_never_errors_on_the_server(admin, create_store, emu, body):
    store = emu.state.team_stores(emu.team_id)[0].id if emu.state.team_stores(emu.team_id) else create_store()["id"]
    for path in (
        f"/v1/integrations/installations/{emu.configuration_id('neon')}/resources/{store}/connections",
        f"/v1/storage/stores/{store}/connections",
    ):
        assert admin.post(path, json=body).status_code < 500


@FUZZ
@given(
    value=st.text(max_size=30),
    name=st.sampled_from(
        [
            "view",
            "installationType",
            "integrationIdOrSlug",
            "metadata",
            "decrypt",
            "skip-metadata",
            "teamId",
            "slug",
            "gitBranch",
        ]
    ),
    segment=st.text(min_size=1, max_size=20),
)
def test_arbitrary_query_and_path_values_never_error_on_the_server(admin, value, name, segment):
    quoted = quote(segment, safe="")
    for path in (
        "/v1/integrations/configurations",
        f"/v1/integrations/configuration/{quoted}/products",
        f"/v1/integrations/integration/neon/products/{quoted}/plans",
        f"/v1/storage/stores/{quoted}",
        f"/v10/projects/{quoted}/env",
    ):
        response = admin.get(path, params={"view": "account", name: value})
        assert response.status_code < 500, (path, response.text)


@pytest.mark.parametrize(
    "raw",
    [
        b'{"name": "x", "integrationConfigurationId": "icfg_a", "integrationProductIdOrSlug": "neon-postgres",'
        b' "metadata": {"storageLimitGb": 1e400}}',
        b'{"name": "\\ud800", "integrationConfigurationId": "icfg_a", "integrationProductIdOrSlug": "p"}',
        b'{"name": "ok", "integrationConfigurationId": "icfg_qydHMs494om3b7RvjxoGixdI",'
        b' "integrationProductIdOrSlug": "neon-postgres", "metadata": {"region": "iad1"},'
        b' "protocolSettings": {"x": "\\udfff"}}',
        b'{"metadata": ' + b'{"a": ' * 40 + b"1" + b"}" * 41,
        json.dumps({"name": "a" * 100_000}).encode(),
    ],
)
def test_hostile_json_is_handled(admin, raw):
    response = admin.post(CREATE, content=raw, headers={"content-type": "application/json"})
    assert response.status_code < 500, response.text
    response.json()
