"""Test-only DAGs for the store-ready sensor: create, wait (poke or deferred), teardown delete.

Served to ``dag.test()`` as a second DAG bundle by ``tests/sensors/test_sensor_dag_runs.py``; the
configuration id and store name come from the run conf.
"""

from __future__ import annotations

from datetime import datetime

from airflow.providers.common.compat.sdk import DAG, Param

from airflow_provider_vercel.operators.lifecycle import VercelDeleteStoreOperator
from airflow_provider_vercel.operators.stores import VercelCreateStoreOperator
from airflow_provider_vercel.sensors.stores import VercelStoreReadySensor


def build(dag_id: str, *, deferrable: bool, timeout: float = 30) -> DAG:
    with DAG(
        dag_id=dag_id,
        schedule=None,
        start_date=datetime(2026, 1, 1),
        catchup=False,
        params={"configuration_id": Param("", type="string"), "name": Param("wait-db", type="string")},
    ) as dag:
        create = VercelCreateStoreOperator(
            task_id="create_store",
            integration_configuration_id="{{ params.configuration_id }}",
            product="neon-postgres",
            name="{{ params.name }}",
            metadata={"region": "iad1"},
        )
        wait = VercelStoreReadySensor(
            task_id="wait_for_store",
            store_id="{{ ti.xcom_pull(task_ids='create_store', key='store_id') }}",
            deferrable=deferrable,
            poke_interval=0.3,
            timeout=timeout,
        )
        delete = VercelDeleteStoreOperator(task_id="delete_store", store_id=create.output["store_id"])
        create >> wait >> delete.as_teardown(setups=create)
    return dag


poke_dag = build("vercel_test_wait_poke", deferrable=False)
deferred_dag = build("vercel_test_wait_deferred", deferrable=True)
deferred_short_dag = build("vercel_test_wait_deferred_short", deferrable=True, timeout=1.5)


with DAG(
    dag_id="vercel_test_create_and_wait",
    schedule=None,
    start_date=datetime(2026, 1, 1),
    catchup=False,
    params={"configuration_id": Param("", type="string"), "name": Param("wait-db", type="string")},
) as create_and_wait_dag:
    VercelCreateStoreOperator(
        task_id="create_store",
        integration_configuration_id="{{ params.configuration_id }}",
        product="neon-postgres",
        name="{{ params.name }}",
        metadata={"region": "iad1"},
        wait_for_ready=True,
        deferrable=True,
        poll_interval=0.3,
        wait_timeout=30,
    )
