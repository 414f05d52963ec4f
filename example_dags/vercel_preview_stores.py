"""Example (d): one store per pull request, with dynamic task mapping; idempotent on re-run.

``create_store`` is mapped over the names built from the ``pull_requests`` param (or the DAG run's
conf), one task instance per pull request. Each is a get-or-create, so re-running the DAG reuses the
existing stores and creates nothing new.

Concurrency against Vercel's API is bounded with an Airflow pool, not inside the operator (tasks
keep no local state, so this holds across Celery or Kubernetes workers). Create the pool once:

    airflow pools set vercel_api 4 "Concurrent Vercel API tasks"

Needs only the ``vercel_default`` connection (and the ``vercel_api`` pool).
"""

from __future__ import annotations

from datetime import datetime

from airflow.providers.common.compat.sdk import DAG, task

from airflow_provider_vercel.operators.discovery import VercelListConfigurationsOperator
from airflow_provider_vercel.operators.stores import VercelCreateStoreOperator

VERCEL_POOL = "vercel_api"

with DAG(
    dag_id="vercel_preview_stores",
    description="Create one free Neon Postgres store per pull request (dynamic task mapping)",
    schedule=None,
    start_date=datetime(2026, 1, 1),
    catchup=False,
    params={"pull_requests": [101, 102, 103], "region": "iad1"},
    tags=["vercel", "example"],
) as dag:
    find_configuration = VercelListConfigurationsOperator(
        task_id="find_configuration",
        integration="neon",
        installation_type="marketplace",
        expect_one=True,
    )

    @task
    def store_names(params: dict | None = None) -> list[str]:
        """``pr-<number>-db`` for each pull request number."""
        numbers = (params or {}).get("pull_requests") or []
        return [f"pr-{int(number)}-db" for number in numbers]

    # No billing_plan_id: Vercel picks the product's free plan itself.
    create_store = VercelCreateStoreOperator.partial(
        task_id="create_store",
        integration_configuration_id=find_configuration.output,
        product="neon-postgres",
        metadata={"region": "{{ params.region }}"},
        pool=VERCEL_POOL,
        map_index_template="{{ task.name }}",  # the UI labels each mapped task with its store name
    ).expand(name=store_names())


if __name__ == "__main__":
    dag.test()
