"""Store status over time, final statuses, get/list/delete and 404s."""

from __future__ import annotations

import time

import pytest


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
