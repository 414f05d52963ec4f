"""An ephemeral Postgres database per pull request, used for real, removed whatever happens in between.

find the Neon configuration --> create the store ``pr-<n>-db`` (setup) --> wait until it is available
(deferrable sensor: the wait runs in the triggerer, not in a worker slot) --> connect it to the project
(Vercel writes the database's credentials into the project's env vars) --> run the checks: get a ready
Airflow connection for the store from the hook, create a table, load rows, check them; and the same
with a classic ``SQLExecuteQueryOperator`` that names the store in its ``conn_id`` --> delete the
store (teardown: disconnects the project, then deletes; it runs even when the checks fail).

The credentials never travel through XCom or the metadata database: ``run_checks`` reads them from the
project's env vars itself (``VercelHook.get_store_connection``), masked as soon as they are read, and
returns only counts. ``sql_roundtrip`` gets its connection from ``VercelStoreSecretsBackend`` at lookup
time on its worker (configure it with ``AIRFLOW__SECRETS__BACKEND`` and ``AIRFLOW__SECRETS__BACKEND_KWARGS``,
see the README; it needs ``apache-airflow-providers-postgres``); its XCom holds table rows only.

Trigger it per pull request, e.g. ``airflow dags trigger vercel_pr_database -c '{"pr_number": 42}'``.
Run with ``{"simulate_failure": true}`` to watch the teardown remove the store after a failed check.
Against the local emulator, start it with a real PostgreSQL behind it (``python -m
airflow_provider_vercel.emulator --postgres-dsn postgresql://postgres:...@127.0.0.1:5432/postgres``; without
one its database URLs are placeholders and ``run_checks`` cannot connect), and point the
``vercel_default`` connection at it (see the README).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from airflow.providers.common.compat.sdk import DAG, Param, get_current_context, task
from airflow.providers.common.sql.operators.sql import SQLExecuteQueryOperator

from airflow_provider_vercel.operators.discovery import VercelListConfigurationsOperator
from airflow_provider_vercel.operators.lifecycle import VercelConnectStoreOperator, VercelDeleteStoreOperator
from airflow_provider_vercel.operators.stores import VercelCreateStoreOperator
from airflow_provider_vercel.sensors.stores import VercelStoreReadySensor

with DAG(
    dag_id="vercel_pr_database",
    description="Ephemeral Vercel Marketplace Postgres per pull request, with guaranteed teardown",
    schedule=None,
    start_date=datetime(2026, 1, 1),
    catchup=False,
    max_active_runs=4,
    tags=["vercel", "example", "teardown"],
    doc_md=__doc__,
    params={
        "pr_number": Param(1, type="integer", minimum=1, description="Pull request number; names the store."),
        "project": Param("web-app", type="string", description="Vercel project id (prj_…) or name to connect."),
        "region": Param("iad1", type="string", description="Region of the database."),
        "rows": Param(3, type="integer", minimum=1, maximum=1000, description="Rows the checks load."),
        "simulate_failure": Param(False, type="boolean", description="Make the checks fail (teardown demo)."),
    },
) as dag:
    find_configuration = VercelListConfigurationsOperator(
        task_id="find_neon_configuration",
        integration="neon",
        installation_type="marketplace",
        expect_one=True,
    )

    create_store = VercelCreateStoreOperator(
        task_id="create_store",
        integration_configuration_id=find_configuration.output,
        product="neon-postgres",
        name="pr-{{ params.pr_number }}-db",
        metadata={"region": "{{ params.region }}"},
    )

    # The create operator pushes the new store's id under the XCom key "store_id".
    created_store_id = create_store.output["store_id"]

    wait_for_store = VercelStoreReadySensor(
        task_id="wait_for_store",
        store_id=created_store_id,
        deferrable=True,
        poke_interval=2,
        timeout=15 * 60,
    )

    connect_store = VercelConnectStoreOperator(
        task_id="connect_store",
        store_id=created_store_id,
        project_id="{{ params.project }}",
        environments=["preview", "development"],
    )

    @task
    def run_checks(store_id: str, connection: dict[str, Any]) -> dict[str, Any]:
        """Use the pull request's database: create a table, load rows, read them back and check them.

        The Airflow connection is built in this task from the project's env vars (selected by the
        store id, whatever their prefix), so no credential passes through XCom; the return value holds
        counts only.
        """
        import psycopg

        from airflow_provider_vercel.hooks.vercel import VercelHook

        params = get_current_context()["params"]
        db = VercelHook().get_store_connection(store_id, connection["project_id"], target="preview")
        rows = [(n, f"pr-{params['pr_number']}-event-{n}") for n in range(1, int(params["rows"]) + 1)]
        with psycopg.connect(
            host=db.host,
            port=db.port,
            user=db.login,
            password=db.password,
            dbname=db.schema,
            connect_timeout=10,
            **db.extra_dejson,  # e.g. sslmode from the URL
        ) as conn:
            conn.execute("CREATE TABLE IF NOT EXISTS pr_events (id integer PRIMARY KEY, name text NOT NULL)")
            with conn.cursor() as cursor:
                cursor.executemany(
                    "INSERT INTO pr_events (id, name) VALUES (%s, %s) ON CONFLICT (id) DO NOTHING", rows
                )
            count, id_sum = conn.execute("SELECT count(*), coalesce(sum(id), 0) FROM pr_events").fetchone()
            names = [name for (name,) in conn.execute("SELECT name FROM pr_events ORDER BY id")]
        print(f"Loaded {len(rows)} row(s) into pr_events of store {store_id}; the table holds {count}.")
        if params.get("simulate_failure"):
            raise RuntimeError(f"Checks failed for pull request store {store_id} (simulate_failure is set).")
        if count != len(rows) or id_sum != sum(n for n, _ in rows) or names != [name for _, name in rows]:
            raise RuntimeError(f"pr_events holds {count} row(s) (id sum {id_sum}); expected {len(rows)}.")
        return {
            "store_id": store_id,
            "conn_type": db.conn_type,
            "table": "pr_events",
            "rows_loaded": len(rows),
            "rows_checked": int(count),
            "first_rows": names[:3],  # table data, not credentials
        }

    checks = run_checks(created_store_id, connect_store.output)

    # A classic operator on the same database: the conn id names store, project and target, and
    # VercelStoreSecretsBackend builds the connection from the project's env vars when the task runs.
    sql_roundtrip = SQLExecuteQueryOperator(
        task_id="sql_roundtrip",
        conn_id="vercel-store--{{ ti.xcom_pull(task_ids='create_store', key='store_id') }}--{{ params.project }}--preview",
        sql=(
            "CREATE TABLE IF NOT EXISTS pr_sql_events (id integer PRIMARY KEY, source text NOT NULL);\n"
            "INSERT INTO pr_sql_events (id, source) SELECT n, 'sql-operator-' || n\n"
            "  FROM generate_series(1, {{ params.rows | int }}) AS n ON CONFLICT (id) DO NOTHING;\n"
            "SELECT id, source FROM pr_sql_events ORDER BY id;"
        ),
        split_statements=True,  # one statement at a time; XCom gets the last one's rows (table data only)
    )

    delete_store = VercelDeleteStoreOperator(
        task_id="delete_store",
        store_id=created_store_id,
    )

    wait_for_store >> connect_store >> sql_roundtrip
    [checks, sql_roundtrip] >> delete_store.as_teardown(setups=create_store)


if __name__ == "__main__":
    dag.test()
