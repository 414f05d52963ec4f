"""The ``vercel_pr_database`` example DAG end to end through ``dag.test()``, against the emulator.

Happy path (the sensor really defers; the trigger runs inline; ``run_checks`` loads rows into the
store's real PostgreSQL database), a failing middle task, and a store that ends in ``error``: in every
case the teardown leaves no store, and no database, behind. The runs that reach ``run_checks`` need a
PostgreSQL server (``airflow_emulator_postgres``; skipped with the reason without one).
"""

from __future__ import annotations

import time

import pytest

from tests.helpers.airflow import EXAMPLE_DAGS, run_dag, task_states, xcoms
from tests.helpers.secrets import assert_no_secrets

DAG_ID = "vercel_pr_database"
TASKS = ["find_neon_configuration", "create_store", "wait_for_store", "connect_store", "run_checks", "sql_roundtrip",
         "delete_store"]


@pytest.fixture
def pr_dagbag(airflow_db):
    """The example DAG parsed afresh for each test.

    Airflow 3.3.2's ``process_params`` stores a run's conf values in the DAG's ``Param`` objects, so a
    DAG object reused by ``dag.test()`` would carry ``simulate_failure`` into the next run.
    """
    from airflow.dag_processing.dagbag import DagBag

    return DagBag(dag_folder=str(EXAMPLE_DAGS / f"{DAG_ID}.py"))


def run(bag, server, **conf):
    started = time.monotonic()
    dag_run = run_dag(bag, DAG_ID, run_conf=conf or None)
    print(f"{DAG_ID} {conf}: {time.monotonic() - started:.2f}s")
    return dag_run


def states_by_task(dag_run):
    return {task_id: state for (task_id, _), state in task_states(dag_run).items()}


def assert_no_leftovers(server):
    assert [s.name for s in server.state.stores.values() if not s.deleted] == []
    assert [e.key for e in server.state.env_vars.values() if (e.content_hint or {}).get("storeId")] == []
    backend = server.state.backends["postgres"]
    if hasattr(backend, "exists"):  # a real PostgreSQL: the databases are gone too
        assert [s.id for s in server.state.stores.values() if backend.exists(s.id)] == []


def test_the_dag_is_wired_with_a_teardown(example_dagbag):
    dag = example_dagbag.get_dag(DAG_ID)
    assert sorted(dag.task_ids) == sorted(TASKS)
    assert dag.get_task("create_store").is_setup
    delete = dag.get_task("delete_store")
    assert delete.is_teardown
    assert delete.trigger_rule == "all_done_setup_success"
    assert dag.get_task("wait_for_store").deferrable is True


def test_pull_request_database_lifecycle(pr_dagbag, airflow_emulator_postgres, trigger_runs):
    server = airflow_emulator_postgres
    server.state.ready_delay = 1.5  # long enough for the sensor's first check to find it initializing
    dag_run = run(pr_dagbag, server, pr_number=42)
    states = states_by_task(dag_run)
    assert str(dag_run.state) == "success", states
    assert set(states.values()) == {"success"}
    values = xcoms(dag_run)

    store_id = values[("create_store", -1, "store_id")]
    (store,) = server.state.stores.values()
    assert store.id == store_id and store.name == "pr-42-db"
    (record,) = trigger_runs  # the sensor deferred; the trigger waited
    assert record["kwargs"]["store_id"] == store_id
    assert record["event"]["status"] == "success"
    assert values[("wait_for_store", -1, "return_value")]["status"] == "available"

    web_app = server.project_id("web-app")
    connected = values[("connect_store", -1, "return_value")]
    assert connected == {
        "store_id": store_id,
        "project_id": web_app,
        "connected": True,
        "environments": ["preview", "development"],
        "env_var_names": list(store.secrets),
    }
    checks = values[("run_checks", -1, "return_value")]
    assert checks == {
        "store_id": store_id,
        "conn_type": "postgres",
        "table": "pr_events",
        "rows_loaded": 3,
        "rows_checked": 3,
        "first_rows": ["pr-42-event-1", "pr-42-event-2", "pr-42-event-3"],
    }
    deleted = values[("delete_store", -1, "return_value")]
    assert deleted["deleted"] is True
    assert deleted["disconnected_project_ids"] == [web_app]
    assert store.deleted
    assert_no_leftovers(server)
    assert_no_secrets(server, list(values.values()))


def test_teardown_deletes_the_store_when_a_middle_task_fails(pr_dagbag, airflow_emulator_postgres):
    server = airflow_emulator_postgres
    dag_run = run(pr_dagbag, server, pr_number=7, simulate_failure=True)
    states = states_by_task(dag_run)
    assert str(dag_run.state) == "failed"
    assert states["run_checks"] == "failed"
    assert states["connect_store"] == "success"
    assert states["delete_store"] == "success"
    (store,) = server.state.stores.values()
    assert store.name == "pr-7-db" and store.deleted
    deleted = xcoms(dag_run)[("delete_store", -1, "return_value")]
    assert deleted["deleted"] is True and deleted["disconnected_project_ids"] == [server.project_id("web-app")]
    assert_no_leftovers(server)


def test_teardown_deletes_a_store_that_ended_in_error(pr_dagbag, airflow_emulator, trigger_runs):
    server = airflow_emulator
    server.state.ready_delay = 0.5
    server.state.set_final_status_for("pr-9-", "error")
    dag_run = run(pr_dagbag, server, pr_number=9)
    states = states_by_task(dag_run)
    assert str(dag_run.state) == "failed"
    assert states["wait_for_store"] == "failed"
    assert states["connect_store"] == "upstream_failed"
    assert states["run_checks"] == "upstream_failed"
    assert states["delete_store"] == "success"
    assert [r["event"]["store_status"] for r in trigger_runs] in ([], ["error"])  # deferred unless already failed
    assert_no_leftovers(server)


def test_a_rerun_for_the_same_pull_request_starts_clean(pr_dagbag, airflow_emulator_postgres):
    server = airflow_emulator_postgres
    server.state.ready_delay = 0
    first = run(pr_dagbag, server, pr_number=5)
    second = run(pr_dagbag, server, pr_number=5)
    assert str(first.state) == str(second.state) == "success"
    ids = [xcoms(r)[("create_store", -1, "store_id")] for r in (first, second)]
    assert ids[0] != ids[1]  # the first store was deleted, so the second run created a new one
    assert xcoms(second)[("create_store", -1, "return_value")]["outcome"] == "created"
    assert_no_leftovers(server)
