"""Airflow's own floor for the e2e benchmark: the task graph of ``example_dags/vercel_paid_store.py``
(five tasks, same edges), with every task an ``EmptyOperator``.

Edges of the example DAG (``.output`` references make upstream links):
find_configuration -> find_product, list_plans, select_plan, create_store
find_product -> list_plans, select_plan, create_store
list_plans -> select_plan -> create_store
"""

from __future__ import annotations

from datetime import datetime

from airflow.providers.standard.operators.empty import EmptyOperator
from airflow.sdk import DAG

with DAG(
    dag_id="vercel_paid_store_empty",
    description="Benchmark floor: the vercel_paid_store task graph with empty tasks",
    schedule=None,
    start_date=datetime(2026, 1, 1),
    catchup=False,
    tags=["benchmark"],
) as dag:
    find_configuration = EmptyOperator(task_id="find_configuration")
    find_product = EmptyOperator(task_id="find_product")
    list_plans = EmptyOperator(task_id="list_plans")
    select_plan = EmptyOperator(task_id="select_plan")
    create_store = EmptyOperator(task_id="create_store")

    find_configuration >> [find_product, list_plans, select_plan, create_store]
    find_product >> [list_plans, select_plan, create_store]
    list_plans >> select_plan >> create_store
