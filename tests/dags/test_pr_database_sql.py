"""``SQLExecuteQueryOperator(conn_id="vercel-store--…")`` in ``vercel_pr_database``, through Airflow, on a real database.

The store secrets backend is configured as a deployment would configure it: ``AIRFLOW__SECRETS__BACKEND``
and ``AIRFLOW__SECRETS__BACKEND_KWARGS`` (``tests/conftest.py``). The run goes through ``dag.test()``
against the emulator whose Neon stores are real PostgreSQL databases. The SQL task creates a table,
loads rows and reads them back; the connection it used is nowhere in the metadata DB, and neither the
token nor the database password appears in any log line, XCom or rendered field (the checks of
``tests/reliability/test_secrets.py``).
"""

from __future__ import annotations

import os
import time

from tests.helpers.airflow import EXAMPLE_DAGS, task_states, xcoms
from tests.reliability.test_secrets import (  # noqa: F401  (the evidence fixture)
    add_dag_run,
    evidence,
    secret_probes,
    token_probes,
)

DAG_ID = "vercel_pr_database"
BACKEND = "airflow_provider_vercel.secrets.store_connections.VercelStoreSecretsBackend"


def test_the_sql_operator_reaches_the_store_by_conn_id_and_nothing_leaks(airflow_emulator_postgres, evidence):  # noqa: F811
    from airflow.dag_processing.dagbag import DagBag
    from airflow.models.connection import Connection
    from airflow.models.variable import Variable
    from airflow.utils.session import create_session

    assert os.environ["AIRFLOW__SECRETS__BACKEND"] == BACKEND  # configured by env, as a deployment would
    server = airflow_emulator_postgres
    server.state.ready_delay = 0
    started = time.time()
    dag = DagBag(dag_folder=str(EXAMPLE_DAGS / f"{DAG_ID}.py")).get_dag(DAG_ID)
    dag_run = dag.test(run_conf={"pr_number": 31, "rows": 4})
    states = {task: state for (task, _), state in task_states(dag_run).items()}
    assert str(dag_run.state) == "success", states
    assert states["sql_roundtrip"] == "success" and states["delete_store"] == "success"

    values = xcoms(dag_run)
    store_id = values[("create_store", -1, "store_id")]
    from airflow.sdk.serde import deserialize

    rows = deserialize(values[("sql_roundtrip", -1, "return_value")])  # stored with serde: tuples
    assert [tuple(row) for row in rows] == [(n, f"sql-operator-{n}") for n in range(1, 5)]

    with create_session() as session:
        conn_ids = [c.conn_id for c in session.query(Connection).all()]
        assert not [c for c in conn_ids if c.startswith("vercel-store--")], conn_ids
        assert session.query(Variable).count() == 0
    assert server.state.stores[store_id].deleted  # the teardown ran; the database is gone

    add_dag_run(evidence, dag_run, started)
    evidence.add_logs()
    stdout = "".join(text for source, text in evidence.texts if source == "stdout")
    assert "sql_roundtrip" in stdout, "the SQL task's logs were not captured: the search would prove nothing"
    probes = {**token_probes(server.admin_token), **secret_probes(server)}
    assert any("PGPASSWORD" in label for label in probes), probes.keys()
    evidence.assert_clean(probes)
