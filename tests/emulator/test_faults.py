"""Fault injection from Python: each kind, its filters and counts, and what the client sees."""

from __future__ import annotations

import asyncio
import email.utils
import json
import time

import httpx
import pytest

CONFIGS = "/v1/integrations/configurations"
CREATE = "/v1/storage/stores/integration/direct"


def _configs(client):
    return client.get(CONFIGS, params={"view": "account"})


def _store_names(emu):
    return [s.name for s in emu.state.team_stores(emu.team_id)]


def test_rate_limit_answers_429_for_the_next_n_requests(admin, emu):
    emu.faults.rate_limit(2, retry_after=3, limit=50)
    first = _configs(admin)
    assert first.status_code == 429
    assert first.headers["retry-after"] == "3"
    assert first.headers["x-ratelimit-limit"] == "50" and first.headers["x-ratelimit-remaining"] == "0"
    assert int(first.headers["x-ratelimit-reset"]) >= int(time.time())
    error = first.json()["error"]
    assert error["code"] == "rate_limited"
    assert error["limit"]["remaining"] == 0 and error["limit"]["total"] == 50
    assert error["limit"]["resetMs"] // 1000 == error["limit"]["reset"]
    assert _configs(admin).status_code == 429
    assert _configs(admin).status_code == 200
    assert [r["fault"] for r in emu.requests] == ["rate_limit", "rate_limit", None]
    assert [r["status"] for r in emu.requests] == [429, 429, 200]


def test_rate_limit_retry_after_as_http_date(admin, emu):
    emu.faults.rate_limit(1, retry_after="http-date:5")
    header = _configs(admin).headers["retry-after"]
    when = email.utils.parsedate_to_datetime(header).timestamp()
    assert 3 <= when - time.time() <= 6


def test_rate_limit_without_retry_after_header(admin, emu):
    emu.faults.rate_limit(1, retry_after=None)
    response = _configs(admin)
    assert response.status_code == 429 and "retry-after" not in response.headers


def test_fault_filters_by_method_and_path_prefix(admin, emu, create_store):
    emu.faults.rate_limit(1, method="GET", path="/v1/storage/")
    assert _configs(admin).status_code == 200
    store = create_store()  # a POST under /v1/storage/ is not affected
    assert admin.get(f"/v1/storage/stores/{store['id']}").status_code == 429
    assert admin.get(f"/v1/storage/stores/{store['id']}").status_code == 200


@pytest.mark.parametrize(
    ("status", "code"),
    [(500, "internal_server_error"), (502, "bad_gateway"), (503, "service_unavailable"), (504, "gateway_timeout")],
)
def test_server_error_answers_the_status_without_calling_the_endpoint(admin, emu, neon_body, status, code):
    emu.faults.server_error(1, status=status)
    response = admin.post(CREATE, json=neon_body())
    assert response.status_code == status and response.json()["error"]["code"] == code
    assert _store_names(emu) == []
    assert emu.requests[-1]["fault"] == "server_error"


def test_server_error_can_carry_retry_after(admin, emu):
    emu.faults.server_error(1, status=503, retry_after=2)
    assert _configs(admin).headers["retry-after"] == "2"


async def test_delay_does_not_block_other_requests(emu):
    emu.faults.delay(1, seconds=0.6, path="/v1/storage/stores")
    headers = {"Authorization": f"Bearer {emu.admin_token}"}
    params = {"teamId": emu.team_id}
    async with httpx.AsyncClient(base_url=emu.url, headers=headers, params=params) as client:
        started = time.monotonic()
        slow = asyncio.create_task(client.get("/v1/storage/stores"))
        await asyncio.sleep(0.05)
        fast = await client.get(CONFIGS, params={"view": "account"})
        fast_elapsed = time.monotonic() - started
        slow_response = await slow
        slow_elapsed = time.monotonic() - started
    assert fast.status_code == 200 and fast_elapsed < 0.4
    assert slow_response.status_code == 200 and slow_elapsed >= 0.6


def test_delay_then_client_timeout_does_not_create_the_store(client_for, emu, neon_body):
    emu.faults.delay(1, seconds=5.0)
    impatient = client_for(emu.admin_token, timeout=0.2)
    with pytest.raises(httpx.ReadTimeout):
        impatient.post(CREATE, json=neon_body())
    deadline = time.monotonic() + 3
    while emu.requests[-1]["status"] is None and time.monotonic() < deadline:
        time.sleep(0.01)  # the server notices the hang-up and gives up at once
    assert emu.requests[-1]["status"] == 499
    assert _store_names(emu) == []


def test_malformed_json_sends_a_body_that_does_not_parse(admin, emu):
    emu.faults.malformed_json(1)
    response = _configs(admin)
    assert response.status_code == 200
    with pytest.raises(json.JSONDecodeError):
        response.json()
    assert _configs(admin).json()


def test_reset_connection_drops_without_a_response(admin, emu, neon_body):
    emu.faults.reset_connection(1)
    with pytest.raises(httpx.TransportError):
        admin.post(CREATE, json=neon_body())
    assert _store_names(emu) == []
    assert emu.requests[-1]["status"] == 0 and emu.requests[-1]["fault"] == "reset_connection"
    assert _configs(admin).status_code == 200  # the client recovers on a new connection


def test_commit_then_drop_creates_the_store_but_the_client_sees_a_transport_error(admin, emu, neon_body):
    emu.faults.commit_then_drop(1)
    with pytest.raises((httpx.RemoteProtocolError, httpx.ReadError)):
        admin.post(CREATE, json=neon_body(name="dropped"))
    assert _store_names(emu) == ["dropped"]
    listed = admin.get("/v1/storage/stores").json()["stores"]
    assert [s["name"] for s in listed] == ["dropped"]
    first = emu.requests[0]
    assert (first["method"], first["status"], first["fault"]) == ("POST", 0, "commit_then_drop")


def test_commit_then_drop_only_targets_the_create_post_by_default(admin, emu):
    emu.faults.commit_then_drop(1)
    assert _configs(admin).status_code == 200
    assert emu.faults.describe()["faults"][0]["remaining"] == 1


@pytest.mark.parametrize("status", [500, 502, 503, 504])
def test_commit_then_error_creates_the_store_and_answers_5xx(admin, emu, neon_body, status):
    emu.faults.commit_then_error(1, status=status)
    response = admin.post(CREATE, json=neon_body(name="half-done"))
    assert response.status_code == status
    assert _store_names(emu) == ["half-done"]


def test_commit_then_delay_creates_the_store_while_the_client_times_out(client_for, emu, neon_body):
    emu.faults.commit_then_delay(1, seconds=2.0)
    impatient = client_for(emu.admin_token, timeout=0.3)
    with pytest.raises(httpx.ReadTimeout):
        impatient.post(CREATE, json=neon_body(name="slow-one"))
    assert _store_names(emu) == ["slow-one"]
    assert emu.requests[0]["status"] == 200 and emu.requests[0]["fault"] == "commit_then_delay"


def test_rate_limit_window_answers_429_with_the_exact_retry_after(admin, emu):
    emu.faults.rate_limit_window(3, per_seconds=2.5)
    statuses = [_configs(admin).status_code for _ in range(3)]
    limited = _configs(admin)
    assert statuses == [200, 200, 200]
    assert limited.status_code == 429 and limited.headers["retry-after"] == "3"
    assert limited.json()["error"]["limit"]["total"] == 3
    assert emu.requests[-1]["fault"] == "rate_limit_window"


def test_rate_limit_window_frees_up_after_the_window(admin, emu):
    emu.faults.rate_limit_window(2, per_seconds=0.3)
    ok = _configs(admin)
    assert ok.headers["x-ratelimit-limit"] == "2" and ok.headers["x-ratelimit-remaining"] == "1"
    _configs(admin)
    assert _configs(admin).status_code == 429
    time.sleep(0.35)
    assert _configs(admin).status_code == 200


def test_latency_is_added_to_every_request(admin, emu):
    emu.faults.latency_seconds = 0.15
    started = time.monotonic()
    _configs(admin)
    assert time.monotonic() - started >= 0.15


def test_faults_are_consumed_in_registration_order(admin, emu):
    emu.faults.server_error(1, status=502)
    emu.faults.rate_limit(1)
    assert [_configs(admin).status_code for _ in range(3)] == [502, 429, 200]


def test_clear_removes_every_fault_and_setting(admin, emu):
    emu.faults.rate_limit(5)
    emu.faults.rate_limit_window(1, 10)
    emu.faults.latency_seconds = 1
    emu.faults.listing_lag(3)
    emu.faults.clear()
    assert _configs(admin).status_code == 200 and _configs(admin).status_code == 200
    assert emu.faults.describe() == {
        "faults": [],
        "rate_limit_window": None,
        "latency_seconds": 0.0,
        "listing_lag_seconds": 0.0,
    }


@pytest.mark.parametrize(
    "call",
    [
        lambda f: f.rate_limit(0),
        lambda f: f.rate_limit(1, retry_after="tomorrow"),
        lambda f: f.server_error(1, status=404),
        lambda f: f.delay(1, seconds=-1),
        lambda f: f.commit_then_error(1, status=418),
        lambda f: f.rate_limit_window(0, 1),
        lambda f: f.reset_connection(1, path="no-slash"),
        lambda f: f.listing_lag(-1),
        lambda f: f.listing_lag(float("inf")),
    ],
)
def test_bad_fault_arguments_raise_value_error(emu, call):
    with pytest.raises(ValueError):
        call(emu.faults)


async def test_concurrent_creates_and_the_window_budget_hold_under_load(emu):
    headers = {"Authorization": f"Bearer {emu.admin_token}"}
    body = {
        "integrationConfigurationId": emu.configuration_id("upstash"),
        "integrationProductIdOrSlug": "upstash-kv",
    }
    async with httpx.AsyncClient(base_url=emu.url, headers=headers, params={"teamId": emu.team_id}) as client:
        created = await asyncio.gather(*(client.post(CREATE, json={**body, "name": f"kv-{i}"}) for i in range(20)))
        assert [r.status_code for r in created] == [200] * 20
        assert len({r.json()["store"]["id"] for r in created}) == 20
        emu.faults.rate_limit_window(5, per_seconds=10)
        burst = await asyncio.gather(*(client.get("/v1/storage/stores") for _ in range(12)))
    assert sorted(r.status_code for r in burst) == [200] * 5 + [429] * 7
    assert {r.headers["retry-after"] for r in burst if r.status_code == 429} == {"10"}
