"""The store secrets backend on every supported Airflow: Airflow's own lookup, and the SQL operator in the PR pipeline.

The backend is configured by env (``AIRFLOW__SECRETS__BACKEND`` / ``_KWARGS``, set in ``tests/conftest.py``
before Airflow is imported), as a deployment would. ``make test-compat`` runs this on 2.11 and 3.1.
"""

from __future__ import annotations

import pytest

from tests.compat.harness import dag_run_state, task_states, xcoms
from tests.helpers.airflow import EXAMPLE_DAGS, emulator_connection

DAG_ID = "vercel_pr_database"


def test_airflows_connection_lookup_reaches_the_backend(compat_emulator, monkeypatch):
    from airflow.providers.common.compat.sdk import BaseHook

    from airflow_provider_vercel.hooks.vercel import VercelHook
    from airflow_provider_vercel.operators.lifecycle import VercelConnectStoreOperator
    from tests.helpers.stores import new_store

    compat_emulator.state.ready_delay = 0
    store = new_store(VercelHook(), compat_emulator, name="compat-db")
    VercelConnectStoreOperator(task_id="c", store_id=store.id, project_id="web-app", environments=["preview"]).execute({})
    conn = BaseHook.get_connection(f"vercel-store--{store.id}--web-app--preview")
    assert conn.conn_type == "postgres"
    assert conn.password == compat_emulator.state.stores[store.id].secrets["PGPASSWORD"]
    assert BaseHook.get_connection("vercel_default").conn_type == "vercel"  # not the backend's: the next one's


def test_the_pr_pipeline_runs_the_sql_operator_by_conn_id(compat_airflow_db, vercel_emulator_postgres, monkeypatch):
    from tests.compat.harness import dagbag_class

    server = vercel_emulator_postgres
    server.state.ready_delay = 0
    monkeypatch.setenv("AIRFLOW_CONN_VERCEL_DEFAULT", emulator_connection(server))
    bag = dagbag_class()(dag_folder=str(EXAMPLE_DAGS / f"{DAG_ID}.py"))
    assert not bag.import_errors, bag.import_errors
    dag_run = bag.get_dag(DAG_ID).test(run_conf={"pr_number": 12, "rows": 2})
    states = {task: state for (task, _), state in task_states(dag_run).items()}
    assert dag_run_state(dag_run) == "success", states
    rows = xcoms(dag_run)[("sql_roundtrip", -1, "return_value")]
    if isinstance(rows, list) and rows and isinstance(rows[0], dict):  # Airflow 3: serde-encoded tuples
        try:
            from airflow.sdk.serde import deserialize
        except ImportError:  # Airflow 3.1
            from airflow.serialization.serde import deserialize

        rows = deserialize(rows)
    assert [tuple(r) for r in rows] == [(1, "sql-operator-1"), (2, "sql-operator-2")]
    assert all(s.deleted for s in server.state.stores.values())


pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")
