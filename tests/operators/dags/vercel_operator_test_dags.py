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


# --- every operator and the sensor, mapped over its arguments -------------------------------------
from airflow.sdk import task_group  # noqa: E402

from airflow_provider_vercel.operators import (  # noqa: E402
    VercelCleanupStoresOperator,
    VercelConnectStoreOperator,
    VercelDeleteStoreOperator,
    VercelListBillingPlansOperator,
    VercelListConfigurationsOperator,
    VercelListProductsOperator,
    VercelSelectBillingPlanOperator,
)
from airflow_provider_vercel.sensors import VercelStoreReadySensor  # noqa: E402

NEON = "{{ params.neon }}"
UPSTASH = "{{ params.upstash }}"

with DAG(
    dag_id="vercel_test_mapped",
    schedule=None,
    start_date=START,
    catchup=False,
    params={"neon": Param("icfg_x", type="string"), "upstash": Param("icfg_y", type="string")},
):
    VercelListConfigurationsOperator.partial(task_id="list_configurations", installation_type="marketplace").expand_kwargs(
        [{"integration": "neon", "expect_one": True}, {"integration": "upstash", "expect_one": "False"}]
    )
    VercelListProductsOperator.partial(task_id="list_products").expand_kwargs(
        [
            {"integration_configuration_id": NEON, "product": "neon-postgres", "expect_one": True},
            {"integration_configuration_id": UPSTASH, "protocol": "storage", "expect_one": False},
        ]
    )
    VercelListBillingPlansOperator.partial(
        task_id="list_billing_plans", integration="neon", product="neon-postgres", metadata={"region": "iad1"}
    ).expand(include_disabled=[True, False], plan_type=[None])
    VercelSelectBillingPlanOperator.partial(
        task_id="select_plan", integration="neon", product="neon-postgres", metadata={"region": "iad1"}
    ).expand_kwargs(
        [
            {"rule": "cheapest", "max_monthly_cost": "25", "paid_only": True, "allow_prepayment": False},
            {"rule": "free", "paid_only": False},
            {"rule": "id", "plan_id": "credits", "prepayment_amount_cents": "1000", "allow_prepayment": "True"},
        ]
    )
    create = VercelCreateStoreOperator.partial(
        task_id="create_store", integration_configuration_id=NEON, product="neon-postgres", metadata={"region": "iad1"}
    ).expand_kwargs(
        [
            {"name": "mapped-a", "billing_plan_id": "launch", "wait_for_ready": True, "deferrable": False,
             "poll_interval": "0.2", "wait_timeout": 60},
            {"name": "mapped-b", "if_exists": "reuse", "dry_run": False, "wait_for_ready": "false"},
        ]
    )
    store_ids = create.output.map(lambda summary: summary["id"])
    wait = VercelStoreReadySensor.partial(task_id="wait_for_store", poke_interval=0.2, timeout=60).expand(
        store_id=store_ids, deferrable=[False]
    )
    # One project per store: a second store connected to the same project and target would collide
    # on DATABASE_URL (400 env_already_exists).
    connect = VercelConnectStoreOperator.partial(task_id="connect_store").expand_kwargs(
        create.output.map(
            lambda summary: {
                "store_id": summary["id"],
                "project_id": "web-app" if summary["name"] == "mapped-a" else "analytics",
                "environments": ["preview"],
                "make_env_vars_sensitive": "False",
            }
        )
    )
    read = VercelApiOperator.partial(task_id="read_store", method="GET").expand(
        path=store_ids.map(lambda sid: f"/v1/storage/stores/{sid}")
    )
    delete = VercelDeleteStoreOperator.partial(task_id="delete_store").expand_kwargs(
        store_ids.map(lambda sid: {"store_id": sid, "disconnect_projects": True})
    )
    wait >> connect >> read >> delete
    # A dry-run sweep of the stores this DAG made, mapped over selectors given as rendered text.
    sweep = VercelCleanupStoresOperator.partial(task_id="sweep_stores", integration_configuration_id=NEON).expand_kwargs(
        [
            {"name_prefix": "mapped-", "dry_run": "True", "max_deletions": "5", "only_unconnected": "false"},
            {"name_glob": "mapped-?", "older_than": "1s", "dry_run": True, "product": "neon-postgres"},
        ]
    )
    read >> sweep >> delete

    @task_group
    def per_customer(name: str, paid_only: bool, allow_prepayment: bool) -> None:
        # Inside a mapped task group every argument is a MappedArgument when the DAG is parsed.
        pick = VercelSelectBillingPlanOperator(
            task_id="pick_plan", integration="neon", product="neon-postgres", rule="cheapest",
            paid_only=paid_only, allow_prepayment=allow_prepayment, metadata={"region": "iad1"},
        )
        VercelCreateStoreOperator(
            task_id="plan_store", integration_configuration_id=NEON, product="neon-postgres", name=name,
            billing_plan_id=pick.output, metadata={"region": "iad1"}, dry_run=True,
        )

    per_customer.expand_kwargs(
        [
            {"name": "customer-free", "paid_only": False, "allow_prepayment": False},
            {"name": "customer-paid", "paid_only": True, "allow_prepayment": False},
        ]
    )
