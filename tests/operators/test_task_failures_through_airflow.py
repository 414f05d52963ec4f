"""Through ``dag.test()``: which Vercel answers use the task's retries, and the store link when there is no store.

``vercel_test_fail_fast`` runs one ``VercelApiOperator`` with ``retries=2`` and no retry delay, so a
retried try follows at once; the emulator's request log counts the tries.
"""

from __future__ import annotations

import logging
from typing import Any

from tests.helpers.airflow import run_dag, task_states
from tests.operators.conftest import connection_json

CREATE_PATH = "/v1/storage/stores/integration/direct"
LIST_PATH = "/v1/storage/stores"



def try_history(dag_run: Any, task_id: str) -> dict[int, str]:
    """``{try_number: state}`` of the task's earlier tries (Airflow 3 keeps them in task_instance_history)."""
    from airflow.models.taskinstancehistory import TaskInstanceHistory
    from airflow.utils.session import create_session

    with create_session() as session:
        rows = session.query(TaskInstanceHistory).filter(
            TaskInstanceHistory.dag_id == dag_run.dag_id, TaskInstanceHistory.run_id == dag_run.run_id,
            TaskInstanceHistory.task_id == task_id,
        )
        return {row.try_number: str(row.state) for row in rows}


def requests_to(server: Any, method: str, path: str) -> list[dict[str, Any]]:
    return [r for r in server.requests if r["method"] == method and r["path"] == path]


def bad_create(server: Any, **conf: Any) -> dict[str, Any]:
    # The emulator's validator answers 400: a create body without a product.
    body = {"name": "no-product", "integrationConfigurationId": server.configuration_id("neon")}
    return {"method": "POST", "path": CREATE_PATH, "body": body, **conf}


def test_a_400_fails_the_task_at_once_although_it_has_retries(operator_bag, airflow_emulator):
    server = airflow_emulator
    dag_run = run_dag(operator_bag, "vercel_test_fail_fast", run_conf=bad_create(server))
    assert str(dag_run.state) == "failed"
    (ti,) = dag_run.get_task_instances()
    assert (ti.try_number, str(ti.state)) == (1, "failed")  # retries=2, yet no second try
    assert [r["status"] for r in requests_to(server, "POST", CREATE_PATH)] == [400]


def test_retry_on_client_errors_gives_a_400_the_tasks_retries(operator_bag, airflow_emulator):
    server = airflow_emulator
    dag_run = run_dag(operator_bag, "vercel_test_fail_fast", run_conf=bad_create(server, retry_on_client_errors=True))
    assert str(dag_run.state) == "failed"
    (ti,) = dag_run.get_task_instances()
    assert ti.try_number == 3  # 1 + retries=2
    assert [r["status"] for r in requests_to(server, "POST", CREATE_PATH)] == [400, 400, 400]


def test_a_503_keeps_the_tasks_retries(operator_bag, airflow_emulator, monkeypatch):
    server = airflow_emulator
    monkeypatch.setenv("AIRFLOW_CONN_VERCEL_DEFAULT", connection_json(server, max_attempts=1))
    server.faults.server_error(1, status=503, method="GET", path=LIST_PATH)
    dag_run = run_dag(operator_bag, "vercel_test_fail_fast", run_conf={"method": "GET", "path": LIST_PATH})
    assert str(dag_run.state) == "success", task_states(dag_run)
    (ti,) = dag_run.get_task_instances()
    assert (ti.try_number, str(ti.state)) == (2, "success")
    assert try_history(dag_run, "call") == {1: "failed"}
    assert [r["status"] for r in requests_to(server, "GET", LIST_PATH)] == [503, 200]


def test_an_absent_store_link_logs_no_error(operator_bag, airflow_emulator, monkeypatch, caplog, capfd):
    server = airflow_emulator
    monkeypatch.setenv(
        "AIRFLOW_CONN_VERCEL_MEMBER", connection_json(server).replace(server.admin_token, server.member_token)
    )
    with caplog.at_level(logging.DEBUG):
        dag_run = run_dag(
            operator_bag, "vercel_test_link_absent", run_conf={"configuration_id": server.configuration_id("neon")}
        )
    states = task_states(dag_run)
    assert states == {("dry_run_create", -1): "success", ("refused_create", -1): "failed"}
    assert [r["status"] for r in requests_to(server, "POST", CREATE_PATH)] == [403]
    # The Task SDK logs through structlog to the console, the rest through logging: look at both.
    console = [line for line in capfd.readouterr().out.splitlines() if "[error" in line]
    records = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    assert not [line for line in console + records if "XCom not found" in line], console + records
    # The witness that the capture sees the task runner's ERROR lines at all: the refused task's failure.
    assert any("Task failed with exception" in line for line in console), console
