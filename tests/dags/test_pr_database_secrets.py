"""The real per-pull-request pipeline leaks no credential: not in XCom, rendered fields, logs or errors.

``vercel_pr_database`` runs through Airflow (``dag.test()``) against the emulator, whose Neon stores
are real databases on a real PostgreSQL server. ``run_checks`` reads the store's credentials from the
project's env vars and loads rows with them. Afterwards no env var value of that store (the URLs, the
user, the password, the database name) may appear in:

- any XCom of the run (values are stored unmasked: only never writing them keeps them out);
- any rendered template field of the run;
- any log record or console output captured during the run (``dag.test()`` does not redact its
  console, so this proves the values are never logged at all);
- the failing task's error (run with ``simulate_failure``).

``PGHOST`` is left out of the search: it is the server's address, 127.0.0.1, which the emulator's own
URL shows everywhere. Every value is also registered with Airflow's secret masker by the task.
"""

from __future__ import annotations

import json
import logging

import pytest

from tests.helpers.airflow import EXAMPLE_DAGS, run_dag, task_states, xcoms

DAG_ID = "vercel_pr_database"
PUBLIC = {"PGHOST"}


@pytest.fixture
def pr_dagbag(airflow_db):
    from airflow.dag_processing.dagbag import DagBag

    return DagBag(dag_folder=str(EXAMPLE_DAGS / f"{DAG_ID}.py"))


def rendered_fields(dag_run):
    from airflow.models.renderedtifields import RenderedTaskInstanceFields as Rendered
    from airflow.utils.session import create_session

    with create_session() as session:
        query = session.query(Rendered).filter(Rendered.dag_id == dag_run.dag_id, Rendered.run_id == dag_run.run_id)
        rows = query.all()
        return {row.task_id: row.rendered_fields for row in rows}


def secret_values(server, store_id):
    secrets = server.state.stores[store_id].secrets
    values = {key: value for key, value in secrets.items() if key not in PUBLIC}
    assert len(values) == 5 and all(len(v) > 8 for v in values.values())
    return values


def assert_absent(values, where, text):
    for key, value in values.items():
        assert value not in text, f"the value of {key} appears in {where}"


@pytest.mark.parametrize("simulate_failure", [False, True], ids=["success", "failing-checks"])
def test_the_real_pipeline_keeps_every_credential_out_of_xcom_rendered_fields_logs_and_errors(
    pr_dagbag, airflow_emulator_postgres, caplog, capfd, simulate_failure
):
    server = airflow_emulator_postgres
    server.state.ready_delay = 0
    caplog.set_level(logging.DEBUG)
    dag_run = run_dag(pr_dagbag, DAG_ID, run_conf={"pr_number": 77, "simulate_failure": simulate_failure, "rows": 5})
    captured = capfd.readouterr()
    states = {task: state for (task, _), state in task_states(dag_run).items()}
    values = xcoms(dag_run)
    store_id = values[("create_store", -1, "store_id")]

    if simulate_failure:
        assert str(dag_run.state) == "failed" and states["run_checks"] == "failed", states
        assert "simulate_failure is set" in captured.out + captured.err + caplog.text  # the error was logged
    else:
        assert str(dag_run.state) == "success", states
        assert values[("run_checks", -1, "return_value")]["rows_checked"] == 5
    assert states["delete_store"] == "success"
    backend = server.state.backends["postgres"]
    assert not backend.exists(store_id)  # teardown dropped the database and its role

    secrets = secret_values(server, store_id)
    assert_absent(secrets, "XCom", json.dumps(list(values.values()), default=str))
    assert_absent(secrets, "rendered fields", json.dumps(rendered_fields(dag_run), default=str))
    assert_absent(secrets, "log records", "\n".join(r.getMessage() for r in caplog.records) + caplog.text)
    assert_absent(secrets, "console output", captured.out + captured.err)
    assert server.admin_token not in json.dumps(list(values.values()), default=str) + captured.out + captured.err

    # run_checks registered what it read with the masker (in this process, as on a worker): the URL it
    # chose, and the URL's user and password on their own. It read no other variable.
    from airflow.providers.common.compat.sdk import redact

    for key in ("DATABASE_URL", "PGPASSWORD", "PGUSER"):
        shown = redact(f"x {secrets[key]} y")
        assert secrets[key] not in shown and "***" in shown, key
