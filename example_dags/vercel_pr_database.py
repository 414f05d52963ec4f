"""An ephemeral Postgres database per pull request, removed whatever happens in between.

find the Neon configuration --> create the store ``pr-<n>-db`` (setup) --> wait until it is available
(deferrable sensor: the wait runs in the triggerer, not in a worker slot) --> connect it to the project
(Vercel writes the database's secrets into the project's env vars) --> run the checks --> delete the
store (teardown: disconnects the project, then deletes; it runs even when the checks fail).

Trigger it per pull request, e.g. ``airflow dags trigger vercel_pr_database -c '{"pr_number": 42}'``.
Run with ``{"simulate_failure": true}`` to watch the teardown remove the store after a failed check.
Against the local emulator the defaults work as they are: point the ``vercel_default`` connection at it
(see the README).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from airflow.providers.common.compat.sdk import DAG, Param, get_current_context, task

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
        """Stand-in for the pull request's tests: read the store's status and secret names.

        Only names are read and returned; the values stay in Vercel (and in the project's env vars).
        """
        from airflow_provider_vercel.hooks.vercel import VercelHook

        hook = VercelHook()
        store = hook.get_store(store_id)
        project_vars = [env.key for env in hook.list_project_env(connection["project_id"]) if env.store_id == store_id]
        print(f"Store {store.name} ({store_id}) is {store.status}; secrets: {', '.join(store.secret_names)}")
        print(f"Project {connection['project_id']} received: {', '.join(sorted(project_vars))}")
        if get_current_context()["params"].get("simulate_failure"):
            raise RuntimeError(f"Checks failed for pull request store {store_id} (simulate_failure is set).")
        return {
            "store_id": store_id,
            "status": store.status,
            "secret_names": store.secret_names,
            "project_env_var_names": sorted(project_vars),
        }

    checks = run_checks(created_store_id, connect_store.output)

    delete_store = VercelDeleteStoreOperator(
        task_id="delete_store",
        store_id=created_store_id,
    )

    wait_for_store >> connect_store
    checks >> delete_store.as_teardown(setups=create_store)


if __name__ == "__main__":
    dag.test()
