"""DAGs the operator tests run through Airflow (``dag.test()``) against the emulator.

- ``vercel_test_fail_fast``: one ``VercelApiOperator`` with ``retries=2`` and no retry delay; the test
  picks the call (method, path, body) and whether ``retry_on_client_errors`` is set, through params.
- ``vercel_test_link_absent``: a dry-run create and a create refused by Vercel (403, member token),
  for the "Vercel store" extra link when there is no store.
"""

from __future__ import annotations

from datetime import timedelta

import pendulum
from airflow.sdk import DAG, Param

from airflow_provider_vercel.operators import VercelApiOperator, VercelCreateStoreOperator

START = pendulum.datetime(2026, 1, 1, tz="UTC")

with DAG(
    dag_id="vercel_test_fail_fast",
    schedule=None,
    start_date=START,
    catchup=False,
    params={
        "method": Param("GET", type="string"),
        "path": Param("/v1/storage/stores", type="string"),
        "body": Param({}, type="object"),
        "retry_on_client_errors": Param(False, type="boolean"),
    },
):
    VercelApiOperator(
        task_id="call",
        method="{{ params.method }}",
        path="{{ params.path }}",
        body="{{ params.body | tojson }}",
        retry_on_client_errors="{{ params.retry_on_client_errors }}",
        retries=2,
        retry_delay=timedelta(seconds=0),
    )

with DAG(
    dag_id="vercel_test_link_absent",
    schedule=None,
    start_date=START,
    catchup=False,
    params={"configuration_id": Param("icfg_x", type="string")},
):
    VercelCreateStoreOperator(
        task_id="dry_run_create",
        integration_configuration_id="{{ params.configuration_id }}",
        product="neon-postgres",
        name="link-dry-run",
        metadata={"region": "iad1"},
        dry_run=True,
    )
    VercelCreateStoreOperator(
        task_id="refused_create",
        vercel_conn_id="vercel_member",
        integration_configuration_id="{{ params.configuration_id }}",
        product="neon-postgres",
        name="link-refused",
        metadata={"region": "iad1"},
    )
