"""Example (e): one Postgres store per pull request, all connected to the same project, each with its own prefix.

A project can hold only one ``DATABASE_URL``: a second Neon store connected to it without a prefix is
refused (``env_already_exists``). With ``env_var_prefix`` each pull request's store writes its own keys
(``PR101_DATABASE_URL``, ``PR102_DATABASE_URL``...), so the preview deployments of several pull requests
share one project.

find the Neon configuration --> create ``pr-<n>-db`` per pull request (mapped) --> wait until each is
available --> connect each to the project with prefix ``PR<n>_`` (mapped) --> read each store's URL back
(masked, never returned: only counts go to XCom) --> delete every store (teardown, even after a failure).

Trigger it with the pull requests to serve, e.g.
``airflow dags trigger vercel_preview_stores_one_project -c '{"pull_requests": [41, 42]}'``.
Needs the ``vercel_default`` connection and the ``vercel_api`` pool (see ``vercel_preview_stores``).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from airflow.providers.common.compat.sdk import DAG, task

from airflow_provider_vercel.operators.discovery import VercelListConfigurationsOperator
from airflow_provider_vercel.operators.lifecycle import VercelConnectStoreOperator, VercelDeleteStoreOperator
from airflow_provider_vercel.operators.stores import VercelCreateStoreOperator
from airflow_provider_vercel.sensors.stores import VercelStoreReadySensor

VERCEL_POOL = "vercel_api"

with DAG(
    dag_id="vercel_preview_stores_one_project",
    description="One Neon store per pull request, all connected to one project with per-PR env var prefixes",
    schedule=None,
    start_date=datetime(2026, 1, 1),
    catchup=False,
    params={"pull_requests": [101, 102, 103], "project": "web-app", "region": "iad1"},
    tags=["vercel", "example", "teardown"],
    doc_md=__doc__,
) as dag:
    find_configuration = VercelListConfigurationsOperator(
        task_id="find_configuration",
        integration="neon",
        installation_type="marketplace",
        expect_one=True,
    )

    @task
    def pull_requests(params: dict | None = None) -> list[int]:
        """The pull request numbers of this run."""
        return [int(number) for number in (params or {}).get("pull_requests") or []]

    @task
    def store_names(numbers: list[int]) -> list[str]:
        """``pr-<number>-db`` for each pull request."""
        return [f"pr-{number}-db" for number in numbers]

    numbers = pull_requests()
    create_store = VercelCreateStoreOperator.partial(
        task_id="create_store",
        integration_configuration_id=find_configuration.output,
        product="neon-postgres",
        metadata={"region": "{{ params.region }}"},
        pool=VERCEL_POOL,
        map_index_template="{{ task.name }}",
    ).expand(name=store_names(numbers))

    @task
    def ids_of(summaries: list[dict[str, Any]]) -> list[str]:
        """The new stores' ids, in pull request order (mapping needs a task's return value)."""
        return [summary["id"] for summary in summaries]

    store_ids = ids_of(create_store.output)

    wait_for_store = VercelStoreReadySensor.partial(
        task_id="wait_for_store", poke_interval=1, timeout=10 * 60, pool=VERCEL_POOL
    ).expand(store_id=store_ids)

    @task
    def connections(store_ids: list[str], numbers: list[int]) -> list[dict[str, str]]:
        """One connect per store: the store and its pull request's prefix (``PR<n>_``)."""
        return [
            {"store_id": store_id, "env_var_prefix": f"PR{number}_"}
            for store_id, number in zip(store_ids, numbers, strict=True)
        ]

    plan = connections(store_ids, numbers)
    connect_store = VercelConnectStoreOperator.partial(
        task_id="connect_store",
        project_id="{{ params.project }}",
        environments=["preview"],
        pool=VERCEL_POOL,
    ).expand_kwargs(plan)

    @task
    def check_credentials(plan: list[dict[str, str]], params: dict | None = None) -> dict[str, Any]:
        """Read each store's URL from the project (matched by store id, whatever the prefix) and check that
        every pull request got its own database. The URLs are masked as they are read and never returned."""
        from airflow_provider_vercel.hooks.vercel import VercelHook

        project = (params or {})["project"]
        hook = VercelHook()
        try:
            urls = {entry["store_id"]: hook.get_store_url(entry["store_id"], project, target="preview") for entry in plan}
        finally:
            hook.close()
        if len(set(urls.values())) != len(plan):
            raise RuntimeError(f"{len(plan)} stores share {len(set(urls.values()))} URL(s): expected one each.")
        print(f"{len(plan)} pull request stores in project {project}, each with its own URL.")
        return {
            "stores": len(plan),
            "prefixes": sorted(entry["env_var_prefix"] for entry in plan),
            "distinct_urls": len(set(urls.values())),
        }

    checks = check_credentials(plan)

    delete_store = VercelDeleteStoreOperator.partial(task_id="delete_store", pool=VERCEL_POOL).expand(
        store_id=store_ids
    )

    wait_for_store >> connect_store >> checks
    checks >> delete_store.as_teardown(setups=create_store)


if __name__ == "__main__":
    dag.test()
