"""DAGs of the distributed check (``tests/integration/distributed.py``), run by Celery workers.

- ``vercel_pr_stores``: one store per pull request, ``create_store`` mapped over the names and bound
  by the ``vercel_api`` pool (the recipe of ``example_dags/vercel_preview_stores.py``).
- ``vercel_pr_stores_deferred``: the same, each task then waiting for its store deferred, in the triggerer.
- ``vercel_store_crash``: one store, waited for in the worker slot, so a worker can be killed at any
  moment of the create (before the POST, after it, while waiting for ready).

The connection comes from the environment (``AIRFLOW_CONN_VERCEL_DEFAULT``), as on any worker of a
deployment. ``retries`` is what makes a killed worker harmless: the retry looks the store up by name
before any POST and adopts it.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from airflow.providers.common.compat.sdk import DAG, task

from airflow_provider_vercel.operators.discovery import VercelListConfigurationsOperator
from airflow_provider_vercel.operators.stores import VercelCreateStoreOperator

POOL = "vercel_api"
# The retry must come quickly in a test; a deployment keeps Airflow's default delay or longer.
DEFAULT_ARGS = {"retries": 3, "retry_delay": timedelta(seconds=1)}

def pr_stores_dag(dag_id: str, *, wait_deferred: bool) -> DAG:
    """One store per pull request, ``create_store`` mapped over the names and bound by the pool.

    :param dag_id: the DAG id.
    :param wait_deferred: also wait for each store to be ready, deferred to the triggerer.
    """
    with DAG(
        dag_id=dag_id,
        schedule=None,
        start_date=datetime(2026, 1, 1),
        catchup=False,
        default_args=DEFAULT_ARGS,
        params={"pull_requests": [1, 2, 3], "prefix": "pr"},
        tags=["vercel", "distributed-check"],
    ) as dag:
        find_configuration = VercelListConfigurationsOperator(
            task_id="find_configuration", integration="neon", installation_type="marketplace", expect_one=True
        )

        @task
        def store_names(params: dict | None = None) -> list[str]:
            """``<prefix>-<number>-db`` for each pull request number."""
            params = params or {}
            return [f"{params.get('prefix', 'pr')}-{int(n)}-db" for n in params.get("pull_requests") or []]

        VercelCreateStoreOperator.partial(
            task_id="create_store",
            integration_configuration_id=find_configuration.output,
            product="neon-postgres",
            metadata={"region": "iad1"},
            pool=POOL,
            wait_for_ready=wait_deferred,
            deferrable=wait_deferred,
            poll_interval=1,
            map_index_template="{{ task.name }}",
        ).expand(name=store_names())
    return dag


pr_stores = pr_stores_dag("vercel_pr_stores", wait_deferred=False)
pr_stores_deferred = pr_stores_dag("vercel_pr_stores_deferred", wait_deferred=True)

with DAG(
    dag_id="vercel_store_crash",
    schedule=None,
    start_date=datetime(2026, 1, 1),
    catchup=False,
    default_args=DEFAULT_ARGS,
    params={"configuration_id": "", "store_name": ""},
    tags=["vercel", "distributed-check"],
) as store_crash:
    VercelCreateStoreOperator(
        task_id="create_store",
        integration_configuration_id="{{ params.configuration_id }}",
        product="neon-postgres",
        name="{{ params.store_name }}",
        metadata={"region": "iad1"},
        pool=POOL,
        wait_for_ready=True,
        deferrable=False,
        poll_interval=1,
    )
