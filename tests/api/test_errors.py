"""Error statuses and bodies mapped to the typed exceptions of ``errors.py``, over real HTTP."""

from __future__ import annotations

import pytest

from airflow_provider_vercel.api.calls import CreateStoreRequest
from airflow_provider_vercel.api.client import VercelClient
from airflow_provider_vercel.api.errors import (
    VercelApiError,
    VercelBadRequestError,
    VercelConflictError,
    VercelTransportError,
)
from airflow_provider_vercel.api.retry import RetryPolicy
from tests.api.seed import NEON_CFG, NEON_PRODUCT, WEB_APP
from tests.helpers.clients import create


def test_bad_request_carries_status_code_message_method_and_path(client):
    with pytest.raises(VercelBadRequestError) as info:
        create(client, billing_plan_id="no-such-plan")
    err = info.value
    assert (err.status, err.method, err.path) == (400, "POST", "/v1/storage/stores/integration/direct")
    assert err.code and err.message


def test_conflict_is_raised_when_the_server_rejects_duplicate_names(client, vercel_emulator):
    vercel_emulator.state.reject_duplicate_names = True
    req = CreateStoreRequest(
        name="dup", integration_configuration_id=NEON_CFG, product=NEON_PRODUCT, metadata={"region": "iad1"}
    )
    client.create_store(req)
    with pytest.raises(VercelConflictError):
        client.create_store(req)


def test_err_key_error_bodies_are_parsed_like_error_bodies(client):
    store = create(client).store
    client.connect_store(NEON_CFG, store.id, WEB_APP)
    with pytest.raises(VercelBadRequestError) as info:
        client.request("DELETE", f"/v1/storage/stores/integration/{store.id}")
    assert info.value.code and info.value.message


def test_connection_refused_is_a_transport_error_marked_unsent():
    c = VercelClient("tok_x", base_url="http://127.0.0.1:9", retry_policy=RetryPolicy(max_attempts=1))
    with pytest.raises(VercelTransportError) as info:
        c.list_stores()
    assert info.value.sent is False and info.value.kind == "connect"


def test_every_api_error_is_a_vercel_api_error(client):
    with pytest.raises(VercelApiError):
        client.get_store("store_doesnotexist0000")
