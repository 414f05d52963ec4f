"""Test-only DAG for the task-retry proof (``tests/reliability/test_task_retries.py``).

One create task with ``retries=1`` and no retry delay, so that a try that fails after its POST reached
Vercel is retried at once by Airflow. Served to ``dag.test()`` as an extra DAG bundle; the
configuration id and the store name come from the run conf.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from airflow.providers.common.compat.sdk import DAG, Param

from airflow_provider_vercel.operators.stores import VercelCreateStoreOperator

with DAG(
    dag_id="vercel_reliability_create_retry",
    schedule=None,
    start_date=datetime(2026, 1, 1),
    catchup=False,
    params={"configuration_id": Param("", type="string"), "name": Param("retry-db", type="string")},
) as dag:
    VercelCreateStoreOperator(
        task_id="create_store",
        integration_configuration_id="{{ params.configuration_id }}",
        product="neon-postgres",
        name="{{ params.name }}",
        metadata={"region": "iad1"},
        retries=1,
        retry_delay=timedelta(0),
    )
