"""Example (a): a free store, found by discovery alone.

Finds the team's Upstash Marketplace installation, checks it offers the ``upstash-kv`` storage
product, picks the plan that needs no payment method (``rule="free"``) and creates the store with it.
Re-running it creates nothing new: the store of that name is reused.

Needs only the ``vercel_default`` connection (type ``vercel``: token in the password, ``team_id`` in
the extras; ``host`` set to the emulator's URL when run against it).
"""

from __future__ import annotations

from datetime import datetime

from airflow.providers.common.compat.sdk import DAG

from airflow_provider_vercel.operators.discovery import (
    VercelListConfigurationsOperator,
    VercelListProductsOperator,
    VercelSelectBillingPlanOperator,
)
from airflow_provider_vercel.operators.stores import VercelCreateStoreOperator

METADATA = {"primaryRegion": "{{ params.region }}"}

with DAG(
    dag_id="vercel_free_store",
    description="Create a free Upstash Redis store through free-plan discovery",
    schedule=None,
    start_date=datetime(2026, 1, 1),
    catchup=False,
    params={"store_name": "vercel-free-kv", "region": "iad1"},
    tags=["vercel", "example"],
) as dag:
    find_configuration = VercelListConfigurationsOperator(
        task_id="find_configuration",
        integration="upstash",
        installation_type="marketplace",
        expect_one=True,
    )
    find_product = VercelListProductsOperator(
        task_id="find_product",
        integration_configuration_id=find_configuration.output,
        product="upstash-kv",
        protocol="storage",
        expect_one=True,
    )
    select_plan = VercelSelectBillingPlanOperator(
        task_id="select_plan",
        integration="upstash",
        product=find_product.output,
        rule="free",
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


if __name__ == "__main__":
    dag.test()
