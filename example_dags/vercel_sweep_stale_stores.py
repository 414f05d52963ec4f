"""Nightly sweep of leaked per-pull-request stores.

Teardown tasks fail, DAGs get deleted, pull requests close while their run is paused: ephemeral stores
leak and keep costing money. Every night this DAG finds the team's Neon installation and deletes its
stores named ``pr-…`` that are older than two days (each one disconnected from its projects first).

Guards: a store whose creation time the API does not establish is kept and reported; when more stores
match than ``max_deletions`` nothing is deleted and the run fails listing them; ``dry_run`` only
reports. The task's return value is ``{"deleted", "kept" (with reasons), "failed"}``, ids and names only.

Try it first with ``airflow dags trigger vercel_sweep_stale_stores -c '{"dry_run": true}'``.
"""

from __future__ import annotations

from datetime import datetime

from airflow.providers.common.compat.sdk import DAG, Param

from airflow_provider_vercel.operators.cleanup import VercelCleanupStoresOperator
from airflow_provider_vercel.operators.discovery import VercelListConfigurationsOperator

with DAG(
    dag_id="vercel_sweep_stale_stores",
    description="Delete leaked per-pull-request Vercel stores every night",
    schedule="30 3 * * *",  # nightly, 03:30 UTC
    start_date=datetime(2026, 1, 1),
    catchup=False,
    max_active_runs=1,
    tags=["vercel", "example", "cleanup"],
    doc_md=__doc__,
    params={
        "name_prefix": Param("pr-", type="string", description="Only stores whose name starts with this."),
        "product": Param("neon-postgres", type="string", description="Only stores of this product (id or slug)."),
        "older_than": Param("2d", type="string", description="Minimum age, e.g. 36h, 2d, 1w."),
        "only_unconnected": Param(False, type="boolean", description="Keep stores still connected to a project."),
        "max_deletions": Param(20, type="integer", minimum=0, description="More matches than this: delete none."),
        "dry_run": Param(False, type="boolean", description="Report what would be deleted, delete nothing."),
    },
) as dag:
    find_configuration = VercelListConfigurationsOperator(
        task_id="find_neon_configuration",
        integration="neon",
        installation_type="marketplace",
        expect_one=True,
    )

    sweep = VercelCleanupStoresOperator(
        task_id="sweep_stale_stores",
        integration_configuration_id=find_configuration.output,
        name_prefix="{{ params.name_prefix }}",
        product="{{ params.product }}",
        older_than="{{ params.older_than }}",
        only_unconnected="{{ params.only_unconnected }}",
        max_deletions="{{ params.max_deletions }}",
        dry_run="{{ params.dry_run }}",
        retries=1,  # a partial failure is retried: the retry lists the stores again
    )


if __name__ == "__main__":
    dag.test()
