"""The task graph of ``example_dags/vercel_paid_store.py`` written with ``HttpOperator`` (the http provider),
for the DAG-file parse comparison of ``bench_parse.py``. Never run: it only has to parse like a real DAG.
"""

from __future__ import annotations

from datetime import datetime

from airflow.providers.http.operators.http import HttpOperator
from airflow.sdk import DAG

with DAG(
    dag_id="http_paid_store",
    description="Benchmark twin: the vercel_paid_store task graph with HttpOperator",
    schedule=None,
    start_date=datetime(2026, 1, 1),
    catchup=False,
    params={"store_name": "vercel-paid-db", "region": "iad1", "database_name": "appdb"},
    tags=["benchmark"],
) as dag:
    find_configuration = HttpOperator(
        task_id="find_configuration",
        http_conn_id="vercel_http",
        method="GET",
        endpoint="/v1/integrations/configurations",
        data={"view": "account", "integrationIdOrSlug": "neon", "installationType": "marketplace"},
    )
    find_product = HttpOperator(
        task_id="find_product",
        http_conn_id="vercel_http",
        method="GET",
        endpoint="/v1/integrations/configuration/{{ ti.xcom_pull('find_configuration') }}/products",
    )
    list_plans = HttpOperator(
        task_id="list_plans",
        http_conn_id="vercel_http",
        method="GET",
        endpoint="/v1/integrations/integration/neon/products/{{ ti.xcom_pull('find_product') }}/plans",
    )
    select_plan = HttpOperator(
        task_id="select_plan",
        http_conn_id="vercel_http",
        method="GET",
        endpoint="/v1/integrations/integration/neon/products/{{ ti.xcom_pull('find_product') }}/plans",
    )
    create_store = HttpOperator(
        task_id="create_store",
        http_conn_id="vercel_http",
        method="POST",
        endpoint="/v1/storage/stores/integration/direct",
        data='{"name": "{{ params.store_name }}", "billingPlanId": "{{ ti.xcom_pull(\'select_plan\') }}"}',
    )

    find_configuration >> [find_product, list_plans, select_plan, create_store]
    find_product >> [list_plans, select_plan, create_store]
    list_plans >> select_plan >> create_store
