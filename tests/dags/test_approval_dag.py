"""``vercel_paid_store_approval`` through Airflow: a plan above the threshold waits for a human, answered through Airflow's own REST API.

``dag.test()`` (Airflow 3.3) parks a human-in-the-loop task in ``awaiting_input`` and polls the metadata
DB until someone answers. The answer here comes the way a person's would: a ``PATCH
.../taskInstances/approve_plan/-1/hitlDetails`` to Airflow's Core REST API (its FastAPI app, in this
process, on the same metadata DB), authenticated with a JWT from the configured auth manager. A
responder thread waits for the task to park, reads the request (subject, body) through the API,
answers it, and if anything goes wrong fails the task so the run cannot hang.
"""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest

from tests.helpers.airflow import EXAMPLE_DAGS, task_states, xcoms

DAG_ID = "vercel_paid_store_approval"
CREATE_PATH = "/v1/storage/stores/integration/direct"
#: Generous: the first API app build and the first Execution API request take ~10 s on 2 busy cores.
RESPONDER_TIMEOUT_S = 300

pytest.importorskip("airflow.providers.standard.operators.hitl", reason="needs Airflow >= 3.1 (human-in-the-loop)")


class Responder(threading.Thread):
    """Answers the approval task through Airflow's REST API once it waits for input."""

    def __init__(self, answer: str | None) -> None:
        super().__init__(daemon=True)
        self.answer = answer  # None: no approval is expected; one that waits anyway fails the run
        self.stop = threading.Event()
        self.request: dict[str, Any] | None = None
        self.status: int | None = None
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            run_id = self._wait_for_the_task()
            if run_id is None:
                return
            if self.answer is None:
                raise AssertionError("the run waited for an approval although none was needed")
            self._answer(run_id)
        except BaseException as exc:  # fail the task so dag.test() ends; the test reports the error
            self.error = exc
            self._fail_waiting_task()

    @staticmethod
    def _waiting():
        from airflow.models.taskinstance import TaskInstance
        from airflow.utils.session import create_session
        from airflow.utils.state import TaskInstanceState

        with create_session() as session:
            ti = (
                session.query(TaskInstance)
                .filter(TaskInstance.dag_id == DAG_ID, TaskInstance.state == TaskInstanceState.AWAITING_INPUT)
                .first()
            )
            return None if ti is None else (ti.run_id, ti.task_id)

    def _wait_for_the_task(self) -> str | None:
        deadline = time.monotonic() + RESPONDER_TIMEOUT_S
        while time.monotonic() < deadline:
            if self.stop.is_set():  # the run ended without waiting
                return None
            found = self._waiting()
            if found:
                assert found[1] == "approve_plan", found
                return found[0]
            time.sleep(0.5)
        raise TimeoutError("the approval task never waited for input")

    def _answer(self, run_id: str) -> None:
        from airflow.api_fastapi.app import create_app, get_auth_manager
        from airflow.api_fastapi.auth.managers.simple.user import SimpleAuthManagerUser
        from fastapi.testclient import TestClient

        app = create_app(apps="core")
        token = get_auth_manager().generate_jwt(SimpleAuthManagerUser(username="approver", role="admin"))
        path = f"/api/v2/dags/{DAG_ID}/dagRuns/{run_id}/taskInstances/approve_plan/-1/hitlDetails"
        with TestClient(app, headers={"Authorization": f"Bearer {token}"}) as client:
            shown = client.get(path)
            shown.raise_for_status()
            self.request = shown.json()
            answered = client.patch(path, json={"chosen_options": [self.answer], "params_input": {}})
            self.status = answered.status_code
            answered.raise_for_status()

    @staticmethod
    def _fail_waiting_task() -> None:
        from airflow.models.taskinstance import TaskInstance
        from airflow.utils.session import create_session
        from airflow.utils.state import TaskInstanceState

        with create_session() as session:
            for ti in session.query(TaskInstance).filter(
                TaskInstance.dag_id == DAG_ID, TaskInstance.state == TaskInstanceState.AWAITING_INPUT
            ):
                ti.state = TaskInstanceState.FAILED


@pytest.fixture
def approval_dag(airflow_db):
    from airflow.dag_processing.dagbag import DagBag

    def fresh():
        bag = DagBag(dag_folder=str(EXAMPLE_DAGS / f"{DAG_ID}.py"))
        assert not bag.import_errors, bag.import_errors
        return bag.get_dag(DAG_ID)

    return fresh


def posts(server):
    return [r for r in server.requests if r["method"] == "POST" and r["path"] == CREATE_PATH]


def run_answered(dag, answer, conf):
    responder = Responder(answer)
    responder.start()
    try:
        dag_run = dag.test(run_conf=conf)
    finally:
        responder.stop.set()
        responder.join(timeout=30)
    assert responder.error is None, repr(responder.error)
    return dag_run, responder


def test_under_the_threshold_the_run_goes_straight_to_create(approval_dag, airflow_emulator):
    dag_run, _ = run_answered(approval_dag(), None, {"approval_threshold": "50.00"})  # launch: $19.00/month
    states = {task: state for (task, _), state in task_states(dag_run).items()}
    assert str(dag_run.state) == "success", states
    assert states["approve_plan"] == "skipped" and states["create_store"] == "success"
    assert len(posts(airflow_emulator)) == 1


def test_above_the_threshold_an_approval_shows_the_plan_and_then_creates(approval_dag, airflow_emulator):
    dag_run, responder = run_answered(approval_dag(), "Approve", {"approval_threshold": "10.00"})
    states = {task: state for (task, _), state in task_states(dag_run).items()}
    assert str(dag_run.state) == "success", states
    assert states["approve_plan"] == "success" and states["create_store"] == "success"
    shown = responder.request
    assert shown["subject"] == "Create vercel-approved-db on the paid plan Launch?"
    body = shown["body"]
    assert "**Plan:** Launch (`launch`" in body and "$19.00/month" in body
    assert "above the $10.00 threshold" in body
    assert "**Chosen by** rule 'cheapest'" in body and "**Not chosen:**" in body and "scale" in body
    assert shown["options"] == ["Approve", "Reject"]
    (post,) = posts(airflow_emulator)
    (store,) = [s for s in airflow_emulator.state.stores.values() if not s.deleted]
    assert store.billing_plan["id"] == "launch"
    assert xcoms(dag_run)[("create_store", -1, "return_value")]["outcome"] == "created"


def test_a_rejection_ends_the_run_with_no_post(approval_dag, airflow_emulator):
    dag_run, responder = run_answered(approval_dag(), "Reject", {"approval_threshold": "10.00"})
    states = {task: state for (task, _), state in task_states(dag_run).items()}
    assert responder.status == 200
    assert states["approve_plan"] == "success" and states["create_store"] == "skipped", states
    assert posts(airflow_emulator) == []
    assert not airflow_emulator.state.stores
