"""The request log: what each request leaves in it, and its bound as a ring (``requestlog.py``)."""

from __future__ import annotations

import pytest

from airflow_provider_vercel.emulator.requestlog import DEFAULT_LOG_SIZE
from airflow_provider_vercel.emulator.server import EmulatorServer
from tests.emulator.conftest import admin_client

CONFIGS = "/v1/integrations/configurations"


def _configs(client):
    return client.get(CONFIGS, params={"view": "account"})


def test_request_log_records_method_path_query_status_time_and_fault(admin, emu):
    _configs(admin)
    admin.get("/v1/storage/stores/store_unknown0000000")
    first, second = emu.requests
    assert first["method"] == "GET" and first["path"] == CONFIGS
    assert first["query"] == {"view": "account", "teamId": emu.team_id}
    assert first["status"] == 200 and first["fault"] is None and isinstance(first["time"], float)
    assert second["status"] == 404 and second["time"] >= first["time"]


def test_requests_property_is_a_copy(admin, emu):
    _configs(admin)
    emu.requests.clear()
    emu.requests[0]["status"] = 999
    assert len(emu.requests) == 1 and emu.requests[0]["status"] == 200


def test_the_request_log_is_a_ring_that_keeps_the_last_entries_and_counts_all(small_server):
    with admin_client(small_server) as client:
        for index in range(12):
            client.get(CONFIGS, params={"view": "account", "n": str(index)})
        assert [r["query"]["n"] for r in small_server.requests] == ["7", "8", "9", "10", "11"]
        listed = client.get("/_emulator/requests").json()
        assert listed["total"] == 12 and listed["kept"] == 5 and len(listed["requests"]) == 5
        client.delete("/_emulator/requests")
        assert client.get("/_emulator/requests").json() == {"requests": [], "total": 0, "kept": 5}


def test_the_default_log_keeps_a_thousand_entries_and_the_size_must_be_positive():
    assert EmulatorServer().log.size == DEFAULT_LOG_SIZE == 1000
    with pytest.raises(ValueError):
        EmulatorServer(request_log_size=0)
    with pytest.raises(ValueError):
        EmulatorServer(max_body_bytes=0)
