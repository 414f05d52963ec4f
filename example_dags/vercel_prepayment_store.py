"""Example (c): a store on a prepayment (credits) plan.

Selects the product's prepayment plan that accepts the intended amount (checked against the plan's
minimum and maximum, and against ``max_prepayment_amount``), then creates the store paying that
amount up front (``prepayment_amount_cents``). The create step checks the amount again before it
sends anything.

Needs only the ``vercel_default`` connection.
"""

from __future__ import annotations

from datetime import datetime

from airflow.providers.common.compat.sdk import DAG

from airflow_provider_vercel.operators.discovery import (
    VercelListConfigurationsOperator,
    VercelSelectBillingPlanOperator,
)
from airflow_provider_vercel.operators.stores import VercelCreateStoreOperator

METADATA = {"region": "{{ params.region }}"}

with DAG(
    dag_id="vercel_prepayment_store",
    description="Create a Neon Postgres store on a prepayment plan with a chosen amount",
    schedule=None,
    start_date=datetime(2026, 1, 1),
    catchup=False,
    params={
        "store_name": "vercel-credits-db",
        "region": "iad1",
        "prepayment_amount_cents": 2500,
        "max_prepayment_amount": "50.00",
    },
    tags=["vercel", "example"],
) as dag:
    find_configuration = VercelListConfigurationsOperator(
        task_id="find_configuration",
        integration="neon",
        installation_type="marketplace",
        expect_one=True,
    )
    select_plan = VercelSelectBillingPlanOperator(
        task_id="select_plan",
        integration="neon",
        product="neon-postgres",
        rule="cheapest",
        plan_type="prepayment",
        prepayment_amount_cents="{{ params.prepayment_amount_cents }}",
        max_prepayment_amount="{{ params.max_prepayment_amount }}",
        metadata=METADATA,
        integration_configuration_id=find_configuration.output,
    )
    create_store = VercelCreateStoreOperator(
        task_id="create_store",
        integration_configuration_id=find_configuration.output,
        product="neon-postgres",
        name="{{ params.store_name }}",
        billing_plan_id=select_plan.output,
        prepayment_amount_cents="{{ params.prepayment_amount_cents }}",
        metadata=METADATA,
    )


if __name__ == "__main__":
    dag.test()
