"""The nightly sweep example DAG, run through Airflow (``dag.test()``) against the emulator."""

from __future__ import annotations

import time

from tests.helpers.airflow import run_dag, task_states, xcoms
from tests.operators.test_cleanup import make_stores

DAG_ID = "vercel_sweep_stale_stores"


def test_the_sweep_dag_is_scheduled_nightly(example_dagbag):
    dag = example_dagbag.get_dag(DAG_ID)
    assert dag is not None, example_dagbag.import_errors
    assert dag.schedule == "30 3 * * *"


def test_the_sweep_dag_deletes_old_pr_stores_and_keeps_the_rest(example_dagbag, airflow_emulator):
    server = airflow_emulator
    ids = make_stores(server, {"pr-1-db": 5, "pr-2-db": 0.5, "pr-3-db": None, "main-db": 30})
    dry = run_dag(example_dagbag, DAG_ID, run_conf={"dry_run": True})
    assert str(dry.state) == "success", task_states(dry)
    assert [s["name"] for s in xcoms(dry)[("sweep_stale_stores", -1, "return_value")]["would_delete"]] == ["pr-1-db"]
    assert not server.state.stores[ids["pr-1-db"]].deleted

    time.sleep(0.01)  # distinct run ids
    dag_run = run_dag(example_dagbag, DAG_ID)
    assert str(dag_run.state) == "success", task_states(dag_run)
    report = xcoms(dag_run)[("sweep_stale_stores", -1, "return_value")]
    assert report["deleted"] == [{"id": ids["pr-1-db"], "name": "pr-1-db"}]
    kept = {k["name"]: k["reason"] for k in report["kept"]}
    assert kept["pr-2-db"].startswith("younger than") and kept["pr-3-db"].startswith("age unknown")
    assert kept["main-db"] == "name does not match"
    assert {s.name for s in server.state.stores.values() if not s.deleted} == {"pr-2-db", "pr-3-db", "main-db"}
    assert server.admin_token not in str(report)
