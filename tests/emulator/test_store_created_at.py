"""Setting a store's creation time: ``state.set_store_created_at`` and ``POST /_emulator/store-created-at``."""

from __future__ import annotations

import httpx
import pytest

STORES = "/v1/storage/stores"


@pytest.fixture
def control(emu):
    with httpx.Client(base_url=emu.url + "/_emulator", verify=False, timeout=5) as client:
        yield client


def shown_created_at(admin, store_id):
    return admin.get(f"{STORES}/{store_id}").json()["store"]["createdAt"]


def test_the_python_method_backdates_what_the_api_shows(admin, emu, create_store):
    store = create_store()
    emu.state.set_store_created_at(store["id"], 1_700_000_000_000)
    assert shown_created_at(admin, store["id"]) == 1_700_000_000_000


def test_the_control_endpoint_backdates_and_blanks_created_at(admin, control, create_store):
    store = create_store()
    assert control.post("/store-created-at", json={"store_id": store["id"], "created_at": 1_710_000_000_000}).status_code == 200
    assert shown_created_at(admin, store["id"]) == 1_710_000_000_000
    assert control.post("/store-created-at", json={"store_id": store["id"], "created_at": None}).status_code == 200
    assert shown_created_at(admin, store["id"]) is None


@pytest.mark.parametrize(
    "body",
    [{"store_id": "store_nope", "created_at": 1}, {"created_at": 1}, {"store_id": "X", "created_at": "2024"}],
    ids=["unknown-store", "no-store", "text-time"],
)
def test_the_control_endpoint_refuses_bad_bodies(control, create_store, body):
    if body.get("store_id") == "X":
        body = {**body, "store_id": create_store()["id"]}
    response = control.post("/store-created-at", json=body)
    assert response.status_code == 400, response.text
