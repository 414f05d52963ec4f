"""A human approval before paying: an expensive or up-front-charging plan waits for someone to approve it.

find the Neon configuration --> choose the cheapest paid plan under ``max_monthly_cost`` --> does it need
approval? (it costs more than ``approval_threshold`` per month or charges more than that up front, is a
prepayment plan, or its price cannot be read) --> yes: ``approve_plan`` (an ``ApprovalOperator``: the approver sees the plan, its price, why it
needs approval and why it was chosen) --> create the store. Under the threshold the run goes straight
to create. A rejection skips the create task: no ``POST`` is sent.

Answer the approval in the UI (Required Actions) or through the REST API:
``PATCH /api/v2/dags/vercel_paid_store_approval/dagRuns/{run_id}/taskInstances/approve_plan/-1/hitlDetails``
with ``{"chosen_options": ["Approve"], "params_input": {}}``.

Needs Airflow >= 3.1 (human-in-the-loop operators of ``apache-airflow-providers-standard``); on older
Airflow this file fails to parse and says so.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from airflow.providers.common.compat.sdk import DAG, get_current_context, task

try:
    from airflow.providers.standard.operators.hitl import ApprovalOperator
except ImportError as exc:  # Airflow < 3.1: no human-in-the-loop operators
    raise ImportError(
        "vercel_paid_store_approval needs Airflow >= 3.1 with apache-airflow-providers-standard's "
        "human-in-the-loop operators (ApprovalOperator); this Airflow has none. Use vercel_paid_store "
        "with a max_monthly_cost ceiling instead."
    ) from exc

from airflow_provider_vercel.operators.discovery import (
    VercelListConfigurationsOperator,
    VercelSelectBillingPlanOperator,
)
from airflow_provider_vercel.operators.stores import VercelCreateStoreOperator

METADATA = {"region": "{{ params.region }}", "databaseName": "{{ params.database_name }}"}

with DAG(
    dag_id="vercel_paid_store_approval",
    description="Create a paid Neon Postgres store; plans above a monthly threshold wait for a human approval",
    schedule=None,
    start_date=datetime(2026, 1, 1),
    catchup=False,
    params={
        "store_name": "vercel-approved-db",
        "region": "iad1",
        "database_name": "appdb",
        "max_monthly_cost": "100.00",
        "approval_threshold": "20.00",
    },
    tags=["vercel", "example", "approval"],
    doc_md=__doc__,
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
        paid_only=True,
        max_monthly_cost="{{ params.max_monthly_cost }}",
        metadata=METADATA,
        integration_configuration_id=find_configuration.output,
    )

    @task.branch
    def needs_approval() -> str:
        """``approve_plan`` when the chosen plan needs a human's approval, else ``create_store``."""
        from airflow_provider_vercel.api.approval import approval_body, approval_reasons, threshold

        context = get_current_context()
        ti = context["ti"]
        plan = ti.xcom_pull(task_ids="select_plan", key="billing_plan")
        selection = ti.xcom_pull(task_ids="select_plan", key="plan_selection")
        reasons = approval_reasons(plan, threshold(context["params"]["approval_threshold"]))
        if not reasons:
            print(f"Plan {plan['id']} ({plan['cost']}) is under the approval threshold: creating.")
            return "create_store"
        ti.xcom_push(key="approval_body", value=approval_body(plan, reasons, selection))
        print(f"Plan {plan['id']} ({plan['cost']}) needs approval: {'; '.join(reasons)}.")
        return "approve_plan"

    decide = needs_approval()

    approve_plan = ApprovalOperator(
        task_id="approve_plan",
        subject="Create {{ params.store_name }} on the paid plan "
        "{{ ti.xcom_pull(task_ids='select_plan', key='billing_plan')['name'] }}?",
        body="{{ ti.xcom_pull(task_ids='needs_approval', key='approval_body') }}",
        response_timeout=timedelta(days=1),  # no answer in a day: the default (Reject) applies
        defaults="Reject",
    )

    create_store = VercelCreateStoreOperator(
        task_id="create_store",
        integration_configuration_id=find_configuration.output,
        product="neon-postgres",
        name="{{ params.store_name }}",
        billing_plan_id=select_plan.output,
        metadata=METADATA,
        # Runs after the approval, or straight after the branch when none was needed; a rejection
        # skips it (ApprovalOperator skips its downstream tasks).
        trigger_rule="none_failed_min_one_success",
    )

    select_plan >> decide >> [approve_plan, create_store]
    approve_plan >> create_store


if __name__ == "__main__":
    dag.test()
