"""Task retries through Airflow: try 1 fails after its POST reached Vercel, try 2 adopts the store.

A real ``dag.test()`` run of ``tests/reliability/dags/vercel_reliability_create_retry`` (one create task,
``retries=1``, ``retry_delay=0``). ``dag.test()`` retries like the scheduler does: a failed try with
retries left goes ``up_for_retry``, and its loop schedules the next try once the retry delay has passed
(measured on Airflow 3.3.2; no need to run the task twice by hand).

To make try 1 fail *after* the POST, the emulator: lets the check before the POST through (a no-op
``delay(0)`` fault eats it), commits the store and loses the answer (``commit_then_delay`` beyond the
read timeout, ``commit_then_drop`` or ``commit_then_error``), then fails the look-up that follows with
503 as many times as the retry budget allows. The operator's own recovery is thus defeated and the task
fails with a retryable error. Try 2 lists, finds the store and adopts it: one POST, one store, outcome
``reused`` on try number 2.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.helpers.airflow import run_dag, task_states, xcoms
from tests.reliability.conftest import (
    CREATE_PATH,
    LIST_PATH,
    create_posts,
    live_stores_named,
    logged,
    operator_connection,
)

DAG_ID = "vercel_reliability_create_retry"
MAX_ATTEMPTS = 3  # of the connection used here (operator_connection)
READ_TIMEOUT = 0.5

LOST_ANSWERS = {
    "commit_then_delay": lambda f: f.commit_then_delay(1, seconds=2.0),
    "commit_then_drop": lambda f: f.commit_then_drop(1),
    "commit_then_error 502": lambda f: f.commit_then_error(1, status=502),
}


def try_history(dag_run: Any, task_id: str) -> dict[int, str]:
    """``{try_number: state}`` of the task's earlier tries (Airflow 3 keeps them in task_instance_history)."""
    from airflow.models.taskinstancehistory import TaskInstanceHistory
    from airflow.utils.session import create_session

    with create_session() as session:
        rows = (
            session.query(TaskInstanceHistory)
            .filter(
                TaskInstanceHistory.dag_id == dag_run.dag_id,
                TaskInstanceHistory.run_id == dag_run.run_id,
                TaskInstanceHistory.task_id == task_id,
            )
            .all()
        )
        return {row.try_number: str(row.state) for row in rows}


@pytest.mark.parametrize("lost_answer", sorted(LOST_ANSWERS))
def test_a_retried_create_task_adopts_the_store_its_first_try_created(
    reliability_dagbag, airflow_emulator, monkeypatch, lost_answer
):
    server = airflow_emulator
    monkeypatch.setenv("AIRFLOW_CONN_VERCEL_DEFAULT", operator_connection(server, timeout=READ_TIMEOUT))
    server.faults.delay(1, seconds=0, method="GET", path=LIST_PATH)  # try 1's check before the POST passes
    LOST_ANSWERS[lost_answer](server.faults)
    server.faults.server_error(MAX_ATTEMPTS, status=503, method="GET", path=LIST_PATH)  # try 1's look-up fails

    name = f"retry-{lost_answer.split()[0].replace('_', '-')}"
    dag_run = run_dag(
        reliability_dagbag, DAG_ID, run_conf={"configuration_id": server.configuration_id("neon"), "name": name}
    )

    assert str(dag_run.state) == "success", task_states(dag_run)
    (ti,) = dag_run.get_task_instances()
    assert (ti.task_id, ti.try_number, str(ti.state)) == ("create_store", 2, "success")
    assert try_history(dag_run, "create_store") == {1: "failed"}

    (store,) = live_stores_named(server, name)
    values = xcoms(dag_run)
    summary = values[("create_store", -1, "return_value")]
    assert summary["outcome"] == "reused"
    assert summary["id"] == store.id == values[("create_store", -1, "store_id")]

    assert len(create_posts(server)) == 1
    lists = [r["status"] for r in logged(server, "GET", LIST_PATH, exact=True)]
    # try 1: check (200), look-up x3 (503, budget spent); try 2: check (200, finds the store)
    assert lists == [200, 503, 503, 503, 200]
    order = [r["method"] for r in server.requests if r["path"] in (LIST_PATH, CREATE_PATH)]
    assert order == ["GET", "POST", "GET", "GET", "GET", "GET"]
