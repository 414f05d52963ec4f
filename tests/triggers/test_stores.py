"""VercelStoreStatusTrigger: serialization, a fresh-process import of its classpath, and its events.

The event tests run the trigger against the emulator over real HTTP (``vercel_default`` points at it).
"""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from airflow_provider_vercel.api.calls import ApiCall
from airflow_provider_vercel.api.client import AsyncVercelClient
from airflow_provider_vercel.api.models import Store
from airflow_provider_vercel.hooks.vercel import VercelHook
from airflow_provider_vercel.triggers.stores import VercelStoreStatusTrigger

CLASSPATH = "airflow_provider_vercel.triggers.stores.VercelStoreStatusTrigger"
REPO = Path(__file__).resolve().parents[2]
EVENT_KEYS = {"status", "store_id", "store_status", "message"}


def trigger_for(store_id: str, *, wait: float = 10.0, poll: float = 0.05, **kwargs: Any) -> VercelStoreStatusTrigger:
    return VercelStoreStatusTrigger(store_id=store_id, deadline=time.time() + wait, poll_interval=poll, **kwargs)


async def all_events(trigger: VercelStoreStatusTrigger) -> list[dict[str, Any]]:
    return [event.payload async for event in trigger.run()]


async def only_event(trigger: VercelStoreStatusTrigger) -> dict[str, Any]:
    events = await all_events(trigger)
    assert len(events) == 1, events
    assert set(events[0]) == EVENT_KEYS
    return events[0]


# --- serialization --------------------------------------------------------------------------------


def test_serialize_round_trips_with_json_only_kwargs():
    trigger = VercelStoreStatusTrigger(
        store_id="store_abc", deadline=1_900_000_000.5, vercel_conn_id="vercel_ci", poll_interval=3, team_id="team_x"
    )
    classpath, kwargs = trigger.serialize()
    assert classpath == CLASSPATH
    assert kwargs == {
        "store_id": "store_abc",
        "deadline": 1_900_000_000.5,
        "vercel_conn_id": "vercel_ci",
        "poll_interval": 3.0,
        "team_id": "team_x",
        "team_slug": None,
    }
    assert json.loads(json.dumps(kwargs)) == kwargs
    rebuilt = VercelStoreStatusTrigger(**kwargs)
    assert rebuilt.serialize() == (classpath, kwargs)


def test_kwargs_survive_airflow_serde_as_the_triggerer_stores_them():
    from airflow.sdk.serde import deserialize, serialize

    _, kwargs = VercelStoreStatusTrigger(store_id="store_abc", deadline=1_900_000_000.0).serialize()
    assert deserialize(serialize(kwargs)) == kwargs


def test_kwargs_never_hold_the_token(emulator):
    _, kwargs = trigger_for("store_abc").serialize()
    assert emulator.admin_token not in json.dumps(kwargs)
    assert set(kwargs) == {"store_id", "deadline", "vercel_conn_id", "poll_interval", "team_id", "team_slug"}


def test_classpath_imports_in_a_fresh_process():
    classpath, kwargs = VercelStoreStatusTrigger(store_id="store_abc", deadline=1_900_000_000.0).serialize()
    code = (
        "import importlib, json, sys\n"
        "module, _, name = sys.argv[1].rpartition('.')\n"
        "cls = getattr(importlib.import_module(module), name)\n"
        "trigger = cls(**json.loads(sys.argv[2]))\n"
        "path, kwargs = trigger.serialize()\n"
        "assert path == sys.argv[1], path\n"
        "print(json.dumps(kwargs, sort_keys=True))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, classpath, json.dumps(kwargs)],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert json.loads(done.stdout.strip().splitlines()[-1]) == kwargs


@pytest.mark.parametrize(
    ("kwargs", "problem"),
    [
        ({"store_id": "", "deadline": 1.0}, "store_id"),
        ({"store_id": "store_a", "deadline": "tomorrow"}, "deadline"),
        ({"store_id": "store_a", "deadline": float("nan")}, "deadline"),
        ({"store_id": "store_a", "deadline": 1.0, "poll_interval": 0}, "poll_interval"),
    ],
)
def test_bad_kwargs_are_refused_when_built(kwargs, problem):
    with pytest.raises(ValueError, match=problem):
        VercelStoreStatusTrigger(**kwargs)


# --- events against the emulator ------------------------------------------------------------------


async def test_success_event_once_the_store_is_available(emulator, make_store):
    emulator.state.ready_delay = 0.3
    store_id = make_store()
    started = time.monotonic()
    event = await only_event(trigger_for(store_id))
    assert event["status"] == "success"
    assert event["store_id"] == store_id
    assert event["store_status"] == "available"
    assert time.monotonic() - started >= 0.25  # it really waited through "initializing"
    gets = [r for r in emulator.requests if r["method"] == "GET" and r["path"] == f"/v1/storage/stores/{store_id}"]
    assert len(gets) >= 2
    assert all(r["method"] == "GET" for r in emulator.requests[-len(gets):])  # the trigger never writes


@pytest.mark.parametrize(
    "status", ["error", "suspended", "limits-exceeded-suspended", "limits-exceeded-suspended-store-count", "uninstalled"]
)
async def test_error_event_names_the_failure_status(emulator, make_store, status):
    emulator.state.ready_delay = 0.1
    store_id = make_store()
    emulator.state.set_final_status_for(store_id, status)
    event = await only_event(trigger_for(store_id))
    assert event["status"] == "error"
    assert event["store_status"] == status
    assert status in event["message"]


async def test_timeout_event_when_the_deadline_passes_first(emulator, make_store):
    store_id = make_store("emu-stuck-db")  # never leaves "initializing"
    started = time.monotonic()
    event = await only_event(trigger_for(store_id, wait=0.4, poll=0.1))
    elapsed = time.monotonic() - started
    assert event["status"] == "timeout"
    assert event["store_status"] == "initializing"
    assert "initializing" in event["message"]
    assert 0.3 <= elapsed < 3


async def test_a_deadline_already_past_still_reads_the_store_once(emulator, make_store):
    emulator.state.ready_delay = 0
    store_id = make_store()
    trigger = VercelStoreStatusTrigger(store_id=store_id, deadline=time.time() - 5, poll_interval=1)
    assert (await only_event(trigger))["status"] == "success"


async def test_transient_errors_are_retried_by_the_client(emulator, make_store):
    emulator.state.ready_delay = 0
    store_id = make_store()
    emulator.faults.server_error(n=2, status=503, method="GET", path="/v1/storage/stores/")
    event = await only_event(trigger_for(store_id))
    assert event["status"] == "success"


async def test_a_persistent_api_error_is_an_error_event_without_secrets(emulator, make_store):
    store_id = make_store()
    emulator.faults.server_error(n=50, status=500, method="GET", path="/v1/storage/stores/")
    event = await only_event(trigger_for(store_id))
    assert event["status"] == "error"
    assert "500" in event["message"]
    assert emulator.admin_token not in json.dumps(event)


async def test_a_missing_store_is_an_error_event(emulator):
    event = await only_event(trigger_for("store_doesNotExist123"))
    assert event["status"] == "error"
    assert event["store_status"] is None
    assert "does not exist" in event["message"]


async def test_a_missing_connection_is_an_error_event(emulator):
    event = await only_event(trigger_for("store_abc", vercel_conn_id="no_such_connection"))
    assert event["status"] == "error"
    assert "no_such_connection" in event["message"]


async def test_team_override_is_used(emulator, make_store, monkeypatch):
    store_id = make_store()
    # The connection names no team; the trigger's team_id must then scope the request.
    from tests.operators.conftest import connection_json

    monkeypatch.setenv("AIRFLOW_CONN_VERCEL_DEFAULT", connection_json(emulator, team_id=None))
    emulator.state.ready_delay = 0
    event = await only_event(trigger_for(store_id, team_id=emulator.team_id))
    assert event["status"] == "success"


# --- behaviour without the emulator ---------------------------------------------------------------


class ScriptedClient(AsyncVercelClient):
    """The async client with its network replaced: store reads answered from a list of statuses; records ``aclose``."""

    def __init__(self, statuses: list[str | None]) -> None:
        super().__init__("scripted-token", base_url="http://127.0.0.1:9")
        self.statuses = list(statuses)
        self.reads = 0
        self.closed = False

    async def execute(self, call: ApiCall) -> Store:
        assert call.method == "GET" and call.path.startswith("/v1/storage/stores/"), call
        status = self.statuses[min(self.reads, len(self.statuses) - 1)]
        self.reads += 1
        return Store(id=call.path.rsplit("/", 1)[-1], name="db", status=status)

    async def aclose(self) -> None:
        self.closed = True
        await super().aclose()


@pytest.fixture
def scripted(monkeypatch):
    def install(statuses: list[str | None]) -> ScriptedClient:
        client = ScriptedClient(statuses)

        async def aget_client(self):
            return client

        monkeypatch.setattr(VercelHook, "aget_client", aget_client)
        return client

    return install


async def test_unknown_statuses_keep_it_waiting(scripted):
    client = scripted(["initializing", "provisioning-v2", None, "warming-up", "available"])
    event = await only_event(trigger_for("store_abc", poll=0.01))
    assert event["status"] == "success"
    assert client.reads == 5
    assert client.closed


async def test_unknown_status_until_the_deadline_is_a_timeout(scripted):
    client = scripted(["something-new"])
    event = await only_event(trigger_for("store_abc", wait=0.2, poll=0.05))
    assert event["status"] == "timeout"
    assert event["store_status"] == "something-new"
    assert client.closed


async def test_null_status_with_ready_external_status_is_ready(monkeypatch):
    class Client(ScriptedClient):
        async def execute(self, call: ApiCall) -> Store:
            self.reads += 1
            return Store(id=call.path.rsplit("/", 1)[-1], status=None, external_resource_status="ready")

    client = Client([])

    async def aget_client(self):
        return client

    monkeypatch.setattr(VercelHook, "aget_client", aget_client)
    event = await only_event(trigger_for("store_abc"))
    assert event["status"] == "success"


async def test_cancellation_closes_the_client(scripted):
    client = scripted(["initializing"])
    task = asyncio.ensure_future(all_events(trigger_for("store_abc", wait=60, poll=0.05)))
    await asyncio.sleep(0.2)
    assert not task.done()  # still waiting: no event yet
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert client.closed


async def test_an_unexpected_exception_is_still_one_error_event(monkeypatch):
    class Broken(ScriptedClient):
        async def execute(self, call: ApiCall) -> Store:
            raise RuntimeError("boom")

    client = Broken([])

    async def aget_client(self):
        return client

    monkeypatch.setattr(VercelHook, "aget_client", aget_client)
    event = await only_event(trigger_for("store_abc"))
    assert event["status"] == "error"
    assert "RuntimeError: boom" in event["message"]
    assert client.closed
