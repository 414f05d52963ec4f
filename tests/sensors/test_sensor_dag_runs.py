"""The sensor through real ``dag.test()`` runs: poke mode, deferrable (trigger run inline), failure, timeout."""

from __future__ import annotations

import time

from tests.helpers.airflow import run_dag, task_states, xcoms


def run(bag, dag_id, server, name="wait-db"):
    conf = {"configuration_id": server.configuration_id("neon"), "name": name}
    started = time.monotonic()
    dag_run = run_dag(bag, dag_id, run_conf=conf)
    print(f"{dag_id}: {time.monotonic() - started:.2f}s")
    return dag_run


def store_reads(server, store_id):
    return [r for r in server.requests if r["method"] == "GET" and r["path"] == f"/v1/storage/stores/{store_id}"]


def test_poke_mode_waits_in_the_worker(test_dagbag, airflow_emulator, trigger_runs):
    server = airflow_emulator
    # Long enough that the sensor's first poke still sees "initializing" on a loaded machine (where the
    # create task and the sensor's start can be seconds apart), at a 0.3 s poke interval.
    server.state.ready_delay = 4.0
    dag_run = run(test_dagbag, "vercel_test_wait_poke", server)
    states = task_states(dag_run)
    assert str(dag_run.state) == "success", states
    assert set(states.values()) == {"success"}
    values = xcoms(dag_run)
    store_id = values[("create_store", -1, "store_id")]
    summary = values[("wait_for_store", -1, "return_value")]
    assert summary["id"] == store_id and summary["status"] == "available"
    assert trigger_runs == []  # never deferred
    assert len(store_reads(server, store_id)) >= 2  # poked through "initializing", then saw it ready
    assert server.state.stores[store_id].deleted  # the teardown ran


def test_deferrable_mode_defers_to_the_trigger_and_resumes(test_dagbag, airflow_emulator, trigger_runs):
    server = airflow_emulator
    server.state.ready_delay = 1.5
    dag_run = run(test_dagbag, "vercel_test_wait_deferred", server)
    states = task_states(dag_run)
    assert str(dag_run.state) == "success", states
    assert set(states.values()) == {"success"}
    values = xcoms(dag_run)
    store_id = values[("create_store", -1, "store_id")]
    (record,) = trigger_runs
    assert record["kwargs"]["store_id"] == store_id
    assert record["kwargs"]["vercel_conn_id"] == "vercel_default"
    assert record["event"]["status"] == "success"
    assert record["event"]["store_status"] == "available"
    summary = values[("wait_for_store", -1, "return_value")]
    assert summary["id"] == store_id and summary["status"] == "available"
    assert server.admin_token not in str(values)
    assert server.state.stores[store_id].deleted


def test_deferrable_mode_fails_fast_on_a_failure_status(test_dagbag, airflow_emulator, trigger_runs):
    server = airflow_emulator
    server.state.ready_delay = 1.0
    started = time.monotonic()
    dag_run = run(test_dagbag, "vercel_test_wait_deferred", server, name="emu-error-wait-db")
    states = task_states(dag_run)
    assert str(dag_run.state) == "failed"
    assert states[("wait_for_store", -1)] == "failed"
    assert states[("delete_store", -1)] == "success"
    (record,) = trigger_runs
    assert record["event"]["status"] == "error" and record["event"]["store_status"] == "error"
    assert time.monotonic() - started < 25  # well before the sensor's 30 s timeout
    (store,) = server.state.stores.values()
    assert store.deleted


def test_deferrable_mode_times_out_through_the_trigger(test_dagbag, airflow_emulator, trigger_runs):
    server = airflow_emulator
    dag_run = run(test_dagbag, "vercel_test_wait_deferred_short", server, name="emu-stuck-wait-db")
    states = task_states(dag_run)
    assert str(dag_run.state) == "failed"
    assert states[("wait_for_store", -1)] == "failed"
    (record,) = trigger_runs
    assert record["event"]["status"] == "timeout"
    assert record["event"]["store_status"] == "initializing"
    (store,) = server.state.stores.values()
    assert store.deleted  # teardown after the failed wait


def test_create_operator_with_wait_for_ready_defers_after_posting_and_resumes_ready(
    test_dagbag, airflow_emulator, trigger_runs
):
    server = airflow_emulator
    # Long enough that the worker's first read, right after the POST, still finds it pending on a loaded machine.
    server.state.ready_delay = 4.0
    dag_run = run(test_dagbag, "vercel_test_create_and_wait", server)
    assert str(dag_run.state) == "success", task_states(dag_run)
    values = xcoms(dag_run)
    summary = values[("create_store", -1, "return_value")]
    (record,) = trigger_runs
    assert record["kwargs"]["store_id"] == summary["id"]
    assert summary["status"] == "available"
    # The trigger only reads: the one POST came from the worker before deferring.
    assert [r["method"] for r in server.requests if r["path"] == "/v1/storage/stores/integration/direct"] == ["POST"]
