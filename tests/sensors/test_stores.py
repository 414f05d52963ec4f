"""VercelStoreReadySensor, called directly against the emulator (no Airflow run); the wait helpers are tests/tasks/test_waiting.py.

End-to-end runs through ``dag.test()`` (poke and deferrable, the trigger inline) are in
``test_sensor_dag_runs.py``.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from airflow.providers.common.compat.sdk import (
    AirflowFailException,
    AirflowSensorTimeout,
    AirflowSkipException,
    TaskDeferred,
)

from airflow_provider_vercel.api.client import VercelClient
from airflow_provider_vercel.api.errors import VercelInputError
from airflow_provider_vercel.api.models import Store
from airflow_provider_vercel.sensors.stores import (
    VercelStoreFailedError,
    VercelStoreReadySensor,
    VercelStoreWaitError,
)
from airflow_provider_vercel.tasks.base import VercelTaskError
from airflow_provider_vercel.triggers.stores import VercelStoreStatusTrigger
from tests.helpers.secrets import assert_no_secrets

REPO = Path(__file__).resolve().parents[2]
SUMMARY_KEYS = {"id", "name", "status", "product", "plan", "configuration_id", "secret_names", "dashboard_url", "outcome"}


def sensor(store_id: str = "store_abc", **kwargs: Any) -> VercelStoreReadySensor:
    kwargs.setdefault("poke_interval", 0.05)
    kwargs.setdefault("timeout", 10)
    return VercelStoreReadySensor(task_id="wait_for_store", store_id=store_id, **kwargs)


# --- construction ---------------------------------------------------------------------------------


def test_deferrable_defaults_to_airflow_setting(monkeypatch):
    monkeypatch.setenv("AIRFLOW__OPERATORS__DEFAULT_DEFERRABLE", "True")
    assert sensor().deferrable is True
    monkeypatch.setenv("AIRFLOW__OPERATORS__DEFAULT_DEFERRABLE", "False")
    assert sensor().deferrable is False
    assert sensor(deferrable=True).deferrable is True


def test_defaults_and_templated_fields():
    made = VercelStoreReadySensor(task_id="w", store_id="{{ ti.xcom_pull(task_ids='create_store', key='store_id') }}")
    assert made.poke_interval == 10
    assert made.timeout == 1800
    assert tuple(made.template_fields) == ("store_id", "deferrable", "vercel_conn_id", "retry_on_client_errors")


def test_a_bad_literal_store_id_fails_at_parse_time():
    with pytest.raises(VercelInputError, match="store_id"):
        sensor("store id with spaces")


def test_an_empty_rendered_store_id_fails_before_any_request(emulator, context):
    made = sensor("{{ placeholder }}")
    made.store_id = "None"  # what a template renders when the XCom it pulled is missing
    with pytest.raises(VercelTaskError, match="store_id"):
        made.execute(context)
    assert emulator.requests == []


def test_module_is_cheap_to_import():
    code = (
        "import sys\n"
        "import airflow_provider_vercel.sensors.stores\n"
        "import airflow_provider_vercel.operators.lifecycle\n"
        "heavy = [m for m in ('airflow_provider_vercel.api.client', 'airflow_provider_vercel.triggers.stores',\n"
        "         'airflow.triggers.base', 'airflow_provider_vercel.hooks.vercel') if m in sys.modules]\n"
        "print(heavy)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip().splitlines()[-1] == "[]"


# --- poke mode ------------------------------------------------------------------------------------


def test_poke_mode_waits_then_returns_the_summary(emulator, make_store, context):
    emulator.state.ready_delay = 0.3
    store_id = make_store()
    result = sensor(store_id).execute(context)
    assert set(result) == SUMMARY_KEYS
    assert result["id"] == store_id
    assert result["status"] == "available"
    assert result["secret_names"]
    assert result["dashboard_url"].endswith(f"/stores/integration/{store_id}")
    assert_no_secrets(emulator, result)
    reads = [r for r in emulator.requests if r["path"] == f"/v1/storage/stores/{store_id}"]
    assert len(reads) >= 2


@pytest.mark.parametrize("status", ["error", "suspended", "limits-exceeded-suspended", "uninstalled"])
def test_poke_mode_fails_fast_on_a_failure_status(emulator, make_store, context, status):
    emulator.state.ready_delay = 0
    store_id = make_store()
    emulator.state.set_final_status_for(store_id, status)
    started = time.monotonic()
    with pytest.raises(VercelStoreFailedError, match=status) as caught:
        sensor(store_id, timeout=60).execute(context)
    assert isinstance(caught.value, AirflowFailException)  # no retry of a dead store
    assert caught.value.store_status == status
    assert time.monotonic() - started < 5


def test_poke_mode_times_out_on_a_stuck_store(emulator, make_store, context):
    store_id = make_store("emu-stuck-db")
    with pytest.raises(AirflowSensorTimeout):
        sensor(store_id, timeout=0.3).execute(context)


def test_poke_mode_soft_fail_skips_on_failure_status(emulator, make_store, context):
    emulator.state.ready_delay = 0
    store_id = make_store("emu-error-db")
    with pytest.raises(AirflowSkipException):
        sensor(store_id, soft_fail=True).execute(context)


def test_poke_keeps_waiting_on_unknown_statuses(monkeypatch, emulator, context):
    statuses = iter(["initializing", "brand-new-status", None, "available"])

    def execute(self, call):  # the client's store reads answered from the script; the flow above is real
        assert call.method == "GET" and call.path == "/v1/storage/stores/store_abc", call
        return Store(id="store_abc", name="db", status=next(statuses))

    monkeypatch.setattr(VercelClient, "execute", execute)
    made = sensor("store_abc")
    assert made.poke(context) is False
    assert made.poke(context) is False
    assert made.poke(context) is False
    done = made.poke(context)
    assert done.is_done and done.xcom_value["status"] == "available"


def test_a_missing_store_is_a_wait_error(emulator, context):
    with pytest.raises(VercelStoreWaitError, match="does not exist"):
        sensor("store_doesNotExist123").execute(context)


# --- deferrable mode ------------------------------------------------------------------------------


def test_deferrable_checks_once_then_defers_with_json_kwargs(emulator, make_store, context):
    emulator.state.ready_delay = 30
    store_id = make_store()
    before = time.time()
    with pytest.raises(TaskDeferred) as deferred:
        sensor(store_id, deferrable=True, timeout=120, poke_interval=4).execute(context)
    trigger = deferred.value.trigger
    assert isinstance(trigger, VercelStoreStatusTrigger)
    assert deferred.value.method_name == "execute_complete"
    classpath, kwargs = trigger.serialize()
    assert kwargs["store_id"] == store_id
    assert kwargs["vercel_conn_id"] == "vercel_default"
    assert kwargs["poll_interval"] == 4
    assert before + 120 <= kwargs["deadline"] <= time.time() + 120
    assert emulator.admin_token not in json.dumps(kwargs)
    assert deferred.value.timeout >= timedelta(seconds=120)  # Airflow's timeout is only a safety net
    reads = [r for r in emulator.requests if r["path"] == f"/v1/storage/stores/{store_id}"]
    assert len(reads) == 1


def test_deferrable_returns_at_once_when_already_ready(emulator, make_store, context):
    emulator.state.ready_delay = 0
    store_id = make_store()
    result = sensor(store_id, deferrable=True).execute(context)
    assert result["status"] == "available"


def test_deferrable_fails_fast_before_deferring(emulator, make_store, context):
    emulator.state.ready_delay = 0
    store_id = make_store("emu-suspended-db")
    with pytest.raises(VercelStoreFailedError, match="suspended"):
        sensor(store_id, deferrable=True).execute(context)


def test_execute_complete_returns_the_summary_on_success(emulator, make_store, context):
    emulator.state.ready_delay = 0
    store_id = make_store()
    event = {"status": "success", "store_id": store_id, "store_status": "available", "message": "ready"}
    result = sensor(store_id, deferrable=True).execute_complete(context, event)
    assert set(result) == SUMMARY_KEYS
    assert result["id"] == store_id


def test_timeout_event_is_a_sensor_timeout_and_soft_fail_skips(context):
    event = {"status": "timeout", "store_id": "store_abc", "store_status": "initializing", "message": "late"}
    with pytest.raises(AirflowSensorTimeout):
        sensor(deferrable=True).execute_complete(context, event)
    with pytest.raises(AirflowSkipException):
        sensor(deferrable=True, soft_fail=True).execute_complete(context, event)
