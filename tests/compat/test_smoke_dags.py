"""Smoke: the example DAGs import, and the paid-store DAG runs end to end against the emulator.

Runs on every supported Airflow (``make test-compat`` runs it on 2.11 and 3.1; ``make test`` on 3.3).
"""

from __future__ import annotations

import inspect

import pytest

from tests.compat.harness import AIRFLOW_3, dag_run_state, dagbag_class, task_states, xcoms
from tests.helpers.airflow import EXAMPLE_DAGS, VERCEL_POOL

CREATE_PATH = "/v1/storage/stores/integration/direct"
EXAMPLE_DAG_IDS = {
    "vercel_free_store",
    "vercel_paid_store",
    "vercel_pr_database",
    "vercel_prepayment_store",
    "vercel_preview_stores",
}


APPROVAL_DAG = "vercel_paid_store_approval.py"
try:
    import airflow.providers.standard.operators.hitl  # noqa: F401

    HAS_HITL = True
except ImportError:
    HAS_HITL = False


def create_posts(server):
    return [r for r in server.requests if r["method"] == "POST" and r["path"] == CREATE_PATH]


def live_stores(server):
    return [s for s in server.state.stores.values() if not s.deleted]


def test_every_example_dag_imports(compat_airflow_db):
    dagbag = dagbag_class()
    kwargs = {}
    if "known_pools" in inspect.signature(dagbag).parameters:  # Airflow 3: tasks naming unknown pools fail
        kwargs["known_pools"] = {"default_pool", VERCEL_POOL}
    bag = dagbag(dag_folder=str(EXAMPLE_DAGS), **kwargs)
    errors = dict(bag.import_errors)
    if not HAS_HITL:  # the approval DAG says at parse time that this Airflow has no human-in-the-loop
        (message,) = [m for f, m in errors.items() if f.endswith(APPROVAL_DAG)]
        assert "needs Airflow >= 3.1" in message
        errors = {f: m for f, m in errors.items() if not f.endswith(APPROVAL_DAG)}
    assert errors == {}
    assert set(bag.dag_ids) >= EXAMPLE_DAG_IDS


def test_paid_store_dag_runs_end_to_end(compat_dagbag, compat_emulator):
    server = compat_emulator
    dag = compat_dagbag.get_dag("vercel_paid_store")
    assert dag is not None, compat_dagbag.import_errors
    dag_run = dag.test()

    states = task_states(dag_run)
    assert dag_run_state(dag_run) == "success", states
    assert set(states.values()) == {"success"}, states
    values = xcoms(dag_run)
    assert values[("find_configuration", -1, "return_value")] == server.configuration_id("neon")
    assert values[("select_plan", -1, "return_value")] == "launch"
    (store,) = live_stores(server)
    assert (store.name, store.billing_plan["id"]) == ("vercel-paid-db", "launch")
    summary = values[("create_store", -1, "return_value")]
    assert (summary["id"], summary["outcome"]) == (store.id, "created")
    assert values[("create_store", -1, "store_url")] == summary["dashboard_url"]
    if AIRFLOW_3:  # Airflow 3 evaluates extra links on the worker and keeps the URL in XCom
        assert values[("create_store", -1, "_link_VercelStoreLink")] == summary["dashboard_url"]
    assert len(create_posts(server)) == 1
    for value in values.values():
        assert server.admin_token not in str(value)


@pytest.mark.parametrize("region", ["gru1"])
def test_paid_store_dag_fails_before_creating_when_no_plan_fits(compat_dagbag, compat_emulator, region):
    dag_run = compat_dagbag.get_dag("vercel_paid_store").test(run_conf={"region": region})
    states = task_states(dag_run)
    assert dag_run_state(dag_run) == "failed"
    assert states[("select_plan", -1)] == "failed"
    assert states[("create_store", -1)] == "upstream_failed"
    assert create_posts(compat_emulator) == []
