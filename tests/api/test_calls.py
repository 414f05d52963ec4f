"""The endpoints as data (``calls.py``), each executed by the sync client against the emulator over real HTTP."""

from __future__ import annotations

import time

import pytest

from airflow_provider_vercel.api.errors import (
    VercelNotFoundError,
)
from tests.api.seed import NEON_CFG, NEON_PRODUCT, NEON_PRODUCT_ID, UPSTASH_CFG, WEB_APP
from tests.helpers.clients import api_requests, create


def test_list_configurations_reads_the_bare_array_and_filters_by_integration(client):
    every = client.list_configurations()
    assert {NEON_CFG, UPSTASH_CFG} <= {c.id for c in every}
    neon = client.list_configurations(integration="neon")
    assert [c.id for c in neon] == [NEON_CFG]
    assert neon[0].integration_slug == "neon"


def test_list_configurations_filters_on_installation_type(client):
    external = client.list_configurations(installation_type="external")
    assert external and all(c.effective_installation_type == "external" for c in external)


def test_project_view_items_without_integration_object_still_parse(client):
    items = client.list_configurations(view="project")
    assert items and all(c.id.startswith("icfg_") for c in items)


def test_get_configuration_returns_the_one_asked_for(client):
    assert client.get_configuration(NEON_CFG).id == NEON_CFG


def test_list_products_returns_products_with_metadata_schemas(client):
    result = client.list_products(NEON_CFG)
    product = next(p for p in result.products if p.slug == NEON_PRODUCT)
    assert product.id == NEON_PRODUCT_ID
    assert product.metadata_schema.properties
    assert result.configuration.id == NEON_CFG


def test_billing_plans_accept_slugs_and_send_metadata_as_a_json_string(client, vercel_emulator):
    cheap = client.list_billing_plans("neon", NEON_PRODUCT, metadata={"region": "iad1"})
    dear = client.list_billing_plans("neon", NEON_PRODUCT, metadata={"region": "fra1"})
    assert {p.id for p in cheap} == {p.id for p in dear}
    assert any(a.cost != b.cost for a, b in zip(cheap, dear)), "price must depend on the metadata sent"
    (last,) = api_requests(vercel_emulator, "GET", "/v1/integrations/integration/")[-1:]
    assert last["query"]["metadata"] == '{"region":"fra1"}'


def test_get_store_and_list_stores_and_find_stores(client):
    store = create(client).store
    assert client.get_store(store.id).id == store.id
    assert store.id in {s.id for s in client.list_stores(NEON_CFG)}
    assert [s.id for s in client.find_stores("unit-db", NEON_CFG)] == [store.id]
    assert client.find_stores("unit-db", UPSTASH_CFG) == []


def test_store_becomes_available_after_the_emulated_delay(client, vercel_emulator):
    store = create(client).store
    deadline = time.monotonic() + 5
    while not client.get_store(store.id).is_ready:
        assert time.monotonic() < deadline, "store never became available"
        time.sleep(0.05)


def test_connected_store_env_vars_are_listed_and_readable_by_store_id(client):
    store = create(client).store
    client.connect_store(NEON_CFG, store.id, WEB_APP)
    envs = [e for e in client.list_project_env(WEB_APP) if e.store_id == store.id]
    assert {e.key for e in envs} == set(store.secret_names)
    one = client.get_project_env(WEB_APP, envs[0].id)
    assert one.decrypted and one.value


def test_disconnect_then_delete_then_delete_again_is_idempotent(client):
    store = create(client).store
    client.connect_store(NEON_CFG, store.id, WEB_APP)
    assert client.disconnect_store(store.id) is True
    assert client.delete_store(store.id) is True
    assert client.delete_store(store.id) is False
    with pytest.raises(VercelNotFoundError):
        client.get_store(store.id)


def test_generic_request_returns_parsed_json(client):
    data = client.request("GET", "/v1/integrations/configurations", params={"view": "account"})
    assert isinstance(data, list) and data
