"""The in-flight counter under /_emulator/in-flight: concurrent requests per endpoint, and their peak."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from tests.emulator.conftest import CREATE_PATH

CREATE_KEY = f"POST {CREATE_PATH}"


@pytest.fixture
def control(emu):
    with httpx.Client(base_url=emu.url + "/_emulator", verify=False, timeout=5) as client:
        client.delete("/in-flight")  # the session's server is shared: start from zero
        yield client


def _endpoints(control):
    return control.get("/in-flight").json()["endpoints"]


def test_concurrent_held_creates_reach_a_peak_equal_to_their_number(control, emu, client_for, neon_body):
    emu.faults.delay(4, seconds=0.6, method="POST", path=CREATE_PATH)

    def create(n):
        with client_for(emu.admin_token) as client:
            return client.post(CREATE_PATH, json=neon_body(name=f"inflight-{n}")).status_code

    with ThreadPoolExecutor(4) as pool:
        statuses = list(pool.map(create, range(4)))
    assert statuses == [200] * 4
    assert _endpoints(control)[CREATE_KEY] == {"current": 0, "peak": 4, "total": 4}


def test_sequential_requests_peak_at_one_and_are_counted_per_endpoint(control, admin, neon_body):
    for n in range(3):
        assert admin.post(CREATE_PATH, json=neon_body(name=f"seq-{n}")).status_code == 200
    admin.get("/v1/storage/stores")
    endpoints = _endpoints(control)
    assert endpoints[CREATE_KEY] == {"current": 0, "peak": 1, "total": 3}
    assert endpoints["GET /v1/storage/stores"] == {"current": 0, "peak": 1, "total": 1}


def test_a_held_answer_counts_as_in_flight_until_it_is_sent(control, emu, admin, neon_body):
    emu.faults.commit_then_delay(1, seconds=1.0)
    with ThreadPoolExecutor(1) as pool:
        pending = pool.submit(admin.post, CREATE_PATH, json=neon_body(name="held"))
        deadline = time.monotonic() + 5  # generous: only proves the request shows up while held
        while (_endpoints(control).get(CREATE_KEY) or {}).get("current") != 1 and time.monotonic() < deadline:
            time.sleep(0.02)
        assert _endpoints(control)[CREATE_KEY]["current"] == 1
        assert not pending.done()  # still held: the count is not of a finished request
        assert pending.result(timeout=10).status_code == 200
    assert _endpoints(control)[CREATE_KEY]["current"] == 0


def test_control_requests_are_not_counted(control):
    control.get("/health")
    control.get("/requests")
    assert [key for key in _endpoints(control) if "/_emulator" in key] == []


def test_delete_zeroes_peaks_and_totals(control, admin, neon_body):
    admin.post(CREATE_PATH, json=neon_body(name="before-reset"))
    assert control.delete("/in-flight").json() == {"ok": True}
    assert _endpoints(control)[CREATE_KEY] == {"current": 0, "peak": 0, "total": 0}
