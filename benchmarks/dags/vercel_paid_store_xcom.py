"""A second floor for the e2e benchmark: the task graph of ``example_dags/vercel_paid_store.py`` with the
same XCom hand-offs (ids, a plan list, a plan id plus a pushed plan summary, a store summary plus pushed
``store_id``/``store_url``) and templated params, but task bodies that send no request. The gap between
this DAG and ``vercel_paid_store`` is the cost of the provider itself; the gap between this DAG and
``vercel_paid_store_empty`` is Airflow's cost of moving the XComs.
"""

from __future__ import annotations

from datetime import datetime

from airflow.sdk import DAG, task

with DAG(
    dag_id="vercel_paid_store_xcom",
    description="Benchmark floor: the vercel_paid_store task graph and XComs, no HTTP",
    schedule=None,
    start_date=datetime(2026, 1, 1),
    catchup=False,
    params={"store_name": "vercel-paid-db", "region": "iad1", "database_name": "appdb", "max_monthly_cost": "25.00"},
    tags=["benchmark"],
) as dag:

    @task
    def find_configuration() -> str:
        return "icfg_0000000000000000000000"

    @task
    def find_product(configuration_id: str) -> str:
        return "iap_00000000000000"

    @task
    def list_plans(configuration_id: str, product: str, params=None) -> list[dict]:
        return [
            {"id": plan, "name": plan.title(), "type": "subscription", "region": params["region"]}
            for plan in ("free", "launch", "scale")
        ]

    @task
    def select_plan(configuration_id: str, product: str, ti=None, params=None) -> str:
        ti.xcom_push(key="billing_plan", value={"id": "launch", "name": "Launch", "max": params["max_monthly_cost"]})
        return "launch"

    @task
    def create_store(configuration_id: str, product: str, plan_id: str, ti=None, params=None) -> dict:
        url = "https://vercel.com/acme/~/stores/integration/store_0000000000000000"
        ti.xcom_push(key="store_id", value="store_0000000000000000")
        ti.xcom_push(key="store_url", value=url)
        return {"id": "store_0000000000000000", "name": params["store_name"], "plan": plan_id, "dashboard_url": url}

    cfg = find_configuration()
    product = find_product(cfg)
    plans = list_plans(cfg, product)
    plan = select_plan(cfg, product)
    plans >> plan
    create_store(cfg, product, plan)
