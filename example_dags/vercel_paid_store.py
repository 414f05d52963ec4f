"""Example (b): discovery, then the cheapest paid plan under a ceiling, handed by XCom to the create step.

1. ``find_configuration``: the team's Neon Marketplace installation (one ``icfg_…`` id).
2. ``find_product``: its ``neon-postgres`` product (one ``iap_…`` id).
3. ``list_plans``: every selectable plan at the intended region's prices (for the record).
4. ``select_plan``: the cheapest *paid* plan whose monthly cost is at most ``max_monthly_cost``;
   its id is the task's return value, and its summary is pushed under the XCom key ``billing_plan``.
5. ``create_store``: creates the store with ``billing_plan_id=select_plan.output``, exactly once
   (a re-run reuses the store of the same name). The "Vercel store" extra link opens it.

Needs only the ``vercel_default`` connection. ``make demo`` runs this DAG against the emulator.
"""

from __future__ import annotations

from datetime import datetime

from airflow.providers.common.compat.sdk import DAG

from airflow_provider_vercel.operators.discovery import (
    VercelListBillingPlansOperator,
    VercelListConfigurationsOperator,
    VercelListProductsOperator,
    VercelSelectBillingPlanOperator,
)
from airflow_provider_vercel.operators.stores import VercelCreateStoreOperator

METADATA = {"region": "{{ params.region }}", "databaseName": "{{ params.database_name }}"}

with DAG(
    dag_id="vercel_paid_store",
    description="Create a Neon Postgres store on the cheapest paid plan under a monthly ceiling",
    schedule=None,
    start_date=datetime(2026, 1, 1),
    catchup=False,
    params={
        "store_name": "vercel-paid-db",
        "region": "iad1",
        "database_name": "appdb",
        "max_monthly_cost": "25.00",
    },
    tags=["vercel", "example"],
) as dag:
    find_configuration = VercelListConfigurationsOperator(
        task_id="find_configuration",
        integration="neon",
        installation_type="marketplace",
        expect_one=True,
    )
    find_product = VercelListProductsOperator(
        task_id="find_product",
        integration_configuration_id=find_configuration.output,
        product="neon-postgres",
        expect_one=True,
    )
    list_plans = VercelListBillingPlansOperator(
        task_id="list_plans",
        integration="neon",
        product=find_product.output,
        metadata=METADATA,
        integration_configuration_id=find_configuration.output,
    )
    select_plan = VercelSelectBillingPlanOperator(
        task_id="select_plan",
        integration="neon",
        product=find_product.output,
        rule="cheapest",
        paid_only=True,
        plan_type="subscription",
        max_monthly_cost="{{ params.max_monthly_cost }}",
        metadata=METADATA,
        integration_configuration_id=find_configuration.output,
    )
    create_store = VercelCreateStoreOperator(
        task_id="create_store",
        integration_configuration_id=find_configuration.output,
        product=find_product.output,
        name="{{ params.store_name }}",
        billing_plan_id=select_plan.output,
        metadata=METADATA,
    )
    list_plans >> select_plan


if __name__ == "__main__":
    dag.test()
