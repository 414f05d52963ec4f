"""HTTP control endpoints under /_emulator/ (``routes_control.py``), store creation times included."""

from __future__ import annotations

import httpx
import pytest

CONFIGS = "/v1/integrations/configurations"


def _configs(client):
    return client.get(CONFIGS, params={"view": "account"})


def test_control_requests_are_not_logged_or_faulted(admin, control, emu):
    emu.faults.rate_limit(1)
    assert control.get("/health").json() == {"ok": True}
    assert control.get("/requests").json() == {"requests": [], "total": 0, "kept": emu.log.size}
    assert _configs(admin).status_code == 429  # the fault was still waiting for an API request
    assert len(control.get("/requests").json()["requests"]) == 1


def test_http_faults_endpoint_registers_lists_and_clears(admin, control):
    specs = [{"kind": "rate_limit", "count": 1, "retry_after": 7}, {"kind": "server_error", "n": 1, "status": 503}]
    described = control.post("/faults", json=specs).json()
    assert [f["kind"] for f in described["faults"]] == ["rate_limit", "server_error"]
    response = _configs(admin)
    assert response.status_code == 429 and response.headers["retry-after"] == "7"
    assert _configs(admin).status_code == 503
    control.post("/faults", json={"kind": "reset_connection", "n": 3})
    assert control.delete("/faults").json()["faults"] == []
    assert _configs(admin).status_code == 200


def test_http_faults_endpoint_drives_commit_then_drop(admin, control, emu, neon_body):
    control.post("/faults", json={"kind": "commit_then_drop"})
    with pytest.raises(httpx.TransportError):
        admin.post("/v1/storage/stores/integration/direct", json=neon_body(name="via-http"))
    assert [s["name"] for s in admin.get("/v1/storage/stores").json()["stores"]] == ["via-http"]


def test_http_faults_endpoint_sets_window_and_latency(admin, control, emu):
    control.post(
        "/faults",
        json=[{"kind": "rate_limit_window", "max_requests": 1, "per_seconds": 5}, {"kind": "latency", "seconds": 0.01}],
    )
    assert control.get("/faults").json()["rate_limit_window"] == {"max_requests": 1, "per_seconds": 5.0}
    assert emu.faults.latency_seconds == 0.01
    assert [_configs(admin).status_code for _ in range(2)] == [200, 429]


@pytest.mark.parametrize(
    "spec",
    [
        {"kind": "meteor"},
        {"kind": "rate_limit", "n": 0},
        {"kind": "server_error", "status": 404},
        {"kind": "delay", "bogus": 1},
        "rate_limit",
        [1],
    ],
)
def test_http_faults_endpoint_rejects_bad_specs(control, spec):
    response = control.post("/faults", json=spec)
    assert response.status_code == 400 and response.json()["error"]["code"] == "bad_request"


def test_http_reset_restores_seed_faults_and_log(admin, control, emu, create_store):
    create_store()
    emu.faults.rate_limit(3)
    emu.state.reject_duplicate_names = True
    assert control.post("/reset").json() == {"ok": True}
    assert emu.requests == []
    assert admin.get("/v1/storage/stores").json() == {"stores": []}
    assert emu.state.reject_duplicate_names is False


def test_http_settings_change_ready_delay_duplicates_and_latency(admin, control, emu, neon_body):
    assert control.get("/settings").json() == {
        "ready_delay": 0.2,
        "reject_duplicate_names": False,
        "env_page_size": None,
        "latency_seconds": 0.0,
        "listing_lag_seconds": 0.0,
    }
    changed = control.post("/settings", json={"ready_delay": 0, "reject_duplicate_names": True}).json()
    assert changed["ready_delay"] == 0 and changed["reject_duplicate_names"] is True
    store = admin.post("/v1/storage/stores/integration/direct", json=neon_body(name="n1")).json()["store"]
    assert store["status"] == "available"
    assert admin.post("/v1/storage/stores/integration/direct", json=neon_body(name="n1")).status_code == 409


@pytest.mark.parametrize(
    "body", [{"ready_delay": -1}, {"reject_duplicate_names": "yes"}, {"latency_seconds": "x"}, {"colour": "red"}]
)
def test_http_settings_reject_bad_values(control, body):
    assert control.post("/settings", json=body).status_code == 400


def test_http_store_status_rule_makes_stores_fail(admin, control, emu, create_store):
    emu.state.ready_delay = 0
    assert control.post("/store-status", json={"match": "nightly-", "status": "error"}).status_code == 200
    store = create_store(name="nightly-1")
    assert admin.get(f"/v1/storage/stores/{store['id']}").json()["store"]["status"] == "error"
    control.delete("/store-status")
    assert admin.get(f"/v1/storage/stores/{store['id']}").json()["store"]["status"] == "available"
    assert control.post("/store-status", json={"match": "x", "status": "exploded"}).status_code == 400


def test_http_requests_endpoint_lists_and_clears_the_log(admin, control):
    _configs(admin)
    (entry,) = control.get("/requests").json()["requests"]
    assert entry["path"] == CONFIGS and entry["status"] == 200
    control.delete("/requests")
    assert control.get("/requests").json()["requests"] == []


def test_http_info_gives_tokens_team_configurations_and_projects(control, emu):
    info = control.get("/info").json()
    assert info["team_id"] == emu.team_id and info["team_slug"] == "acme"
    assert info["tokens"]["admin"] == emu.admin_token and info["tokens"]["other_team"] == emu.other_team_token
    assert info["configurations"]["neon"] == emu.configuration_id("neon")
    assert info["projects"]["web-app"] == emu.project_id("web-app")


STORES = "/v1/storage/stores"


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
