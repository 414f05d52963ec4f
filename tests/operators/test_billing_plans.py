"""The billing-plan operators against the emulator: the selection's every rule, guardrails and failure message; the listing."""

from __future__ import annotations

import pytest

from airflow_provider_vercel.api.errors import VercelInputError, VercelPlanSelectionError
from airflow_provider_vercel.operators.billing_plans import (
    PLAN_SUMMARY_XCOM_KEY,
    VercelListBillingPlansOperator,
    VercelSelectBillingPlanOperator,
)
from airflow_provider_vercel.tasks.base import VercelTaskError
from tests.helpers.cli import PLAN_SUMMARY_KEYS as PLAN_KEYS  # the plan summary shape, shared with the CLI tests
from tests.operators.conftest import api_requests


def select(context, **kwargs):
    kwargs.setdefault("integration", "neon")
    kwargs.setdefault("product", "neon-postgres")
    kwargs.setdefault("metadata", {"region": "iad1"})
    return VercelSelectBillingPlanOperator(task_id="select_plan", **kwargs).execute(context)


def test_rule_id_returns_the_plan_id_and_pushes_its_summary(emulator, context):
    assert select(context, rule="id", plan_id="launch") == "launch"
    summary = context["ti"].xcoms[PLAN_SUMMARY_XCOM_KEY]
    assert summary["id"] == "launch"
    assert summary["monthly_cost"] == "19.00"
    assert summary["is_free"] is False


def test_rule_name_is_case_insensitive(emulator, context):
    assert select(context, rule="name", plan_name="sCaLe") == "scale"


def test_rule_free_picks_the_plan_without_payment_method(emulator, context):
    assert select(context, rule="free") == "free"
    assert context["ti"].xcoms[PLAN_SUMMARY_XCOM_KEY]["is_free"] is True


def test_rule_free_fails_listing_every_plan_and_why(emulator, context):
    with pytest.raises(VercelTaskError) as info:
        select(context, integration="upstash", product="upstash-vector", rule="free", metadata=None)
    message = str(info.value)
    assert "No billing plan satisfies rule 'free'" in message
    assert "- payg (Pay as you go, $0.40 per 100K requests): not free (requires a payment method)" in message
    assert "- fixed-1m (Fixed 1M vectors, $60.00/month): not free" in message
    assert isinstance(info.value.__cause__, VercelPlanSelectionError)


def test_cheapest_without_guard_is_the_free_plan(emulator, context):
    assert select(context, rule="cheapest") == "free"


def test_cheapest_paid_plan_under_a_monthly_ceiling(emulator, context):
    assert select(context, rule="cheapest", paid_only=True, max_monthly_cost="25.00") == "launch"


def test_prices_follow_the_metadata_so_the_ceiling_can_exclude_every_paid_plan(emulator, context):
    with pytest.raises(VercelTaskError) as info:
        select(
            context,
            rule="cheapest",
            paid_only=True,
            plan_type="subscription",
            max_monthly_cost=25,
            metadata={"region": "gru1"},
        )
    message = str(info.value)
    assert "launch (Launch, $28.50/month): monthly cost $28.50 is above max_monthly_cost $25.00" in message
    assert "scale (Scale, $103.50/month): monthly cost $103.50 is above max_monthly_cost $25.00" in message
    assert "business-legacy" in message and "disabled" in message
    assert "credits" in message
    assert "free (Free, Free): free plan, and paid_only is True" in message
    (request,) = api_requests(emulator, "GET", "/v1/integrations/integration/")
    assert request["query"]["metadata"] == '{"region":"gru1"}'


def test_initial_charge_ceiling(emulator, context):
    chosen = select(context, rule="cheapest", paid_only=True, max_initial_charge=100, plan_type="subscription")
    assert chosen == "launch"
    with pytest.raises(VercelTaskError, match="initial charge \\$19.00 is above max_initial_charge \\$10.00"):
        select(context, rule="id", plan_id="launch", max_initial_charge=10)


def test_disabled_plans_are_never_chosen(emulator, context):
    with pytest.raises(VercelTaskError, match="business-legacy .*: disabled"):
        select(context, rule="id", plan_id="business-legacy")


def test_prepayment_plan_checks_the_amount_against_its_minimum_and_maximum(emulator, context):
    assert select(context, rule="id", plan_id="credits", prepayment_amount_cents=2500) == "credits"
    with pytest.raises(VercelTaskError, match="outside the plan's range") as info:
        select(context, rule="id", plan_id="credits", prepayment_amount_cents=100)
    assert "$5.00 to $1,000.00" in str(info.value)
    with pytest.raises(VercelTaskError, match="outside the plan's range"):
        select(context, rule="id", plan_id="credits", prepayment_amount_cents=100_001)
    with pytest.raises(VercelTaskError, match="prepayment plan needs prepayment_amount_cents"):
        select(context, rule="id", plan_id="credits")


def test_cheapest_prepayment_plan_under_a_prepayment_ceiling(emulator, context):
    chosen = select(
        context, rule="cheapest", plan_type="prepayment", prepayment_amount_cents="2500", max_prepayment_amount="50"
    )
    assert chosen == "credits"
    assert context["ti"].xcoms[PLAN_SUMMARY_XCOM_KEY]["requires_prepayment_amount"] is True


def test_rule_is_inferred_from_the_arguments(emulator, context):
    assert select(context, plan_name="Launch") == "launch"
    assert select(context) == "free"


@pytest.mark.parametrize(
    ("kwargs", "argument"),
    [
        ({"rule": "priciest"}, "rule"),
        ({"rule": "id"}, "plan_id"),
        ({"rule": "free", "plan_id": "launch"}, "plan_id"),
        ({"rule": "cheapest", "max_monthly_cost": "lots"}, "max_monthly_cost"),
        ({"rule": "id", "plan_id": "credits", "prepayment_amount_cents": 10}, "prepayment_amount_cents"),
        ({"rule": "free", "paid_only": True}, "paid_only"),
        ({"integration": "neon", "product": "Neon Postgres"}, "product"),
        ({"metadata": {"region": {"nested": 1}}}, "metadata.region"),
    ],
)
def test_bad_rules_fail_at_construction_naming_the_argument(emulator, kwargs, argument):
    kwargs.setdefault("integration", "neon")
    kwargs.setdefault("product", "neon-postgres")
    with pytest.raises(VercelInputError) as info:
        VercelSelectBillingPlanOperator(task_id="bad", **kwargs)
    assert info.value.argument == argument
    assert emulator.requests == []


def test_plan_id_rendered_to_none_is_rejected_before_any_request(emulator, context):
    op = VercelSelectBillingPlanOperator(
        task_id="s", integration="neon", product="neon-postgres", rule="id", plan_id="{{ ti.xcom_pull('x') }}"
    )
    op.plan_id = "None"
    with pytest.raises(VercelTaskError) as info:
        op.execute(context)
    assert info.value.argument == "plan_id"
    assert "renders 'None'" in str(info.value)
    assert emulator.requests == []


# --- listing billing plans ---------------------------------------------------------------------



def test_list_plans_leaves_out_disabled_plans_and_prices_them_for_the_metadata(emulator, context):
    op = VercelListBillingPlansOperator(
        task_id="plans", integration="neon", product="neon-postgres", metadata={"region": "fra1"}
    )
    plans = op.execute(context)
    assert all(set(plan) == PLAN_KEYS for plan in plans)
    by_id = {plan["id"]: plan for plan in plans}
    assert "business-legacy" not in by_id
    assert by_id["free"]["is_free"] is True
    assert by_id["launch"]["monthly_cost"] == "23.75"  # 19 USD x 1.25 in fra1
    assert by_id["credits"]["requires_prepayment_amount"] is True
    (request,) = api_requests(emulator, "GET", "/v1/integrations/integration/")
    assert request["query"]["metadata"] == '{"region":"fra1"}'


def test_list_plans_with_disabled_and_by_type(emulator, context):
    op = VercelListBillingPlansOperator(
        task_id="plans", integration="neon", product="neon-postgres", include_disabled=True
    )
    assert "business-legacy" in {plan["id"] for plan in op.execute(context)}
    op = VercelListBillingPlansOperator(
        task_id="plans", integration="neon", product="neon-postgres", plan_type="prepayment", expect_one=True
    )
    assert op.execute(context) == "credits"


def test_list_plans_accepts_metadata_rendered_as_json_text(emulator, context):
    op = VercelListBillingPlansOperator(
        task_id="plans", integration="neon", product="neon-postgres", metadata="{{ x }}"
    )
    op.metadata = '{"region": "gru1"}'
    by_id = {plan["id"]: plan for plan in op.execute(context)}
    assert by_id["launch"]["monthly_cost"] == "28.50"


def test_list_plans_bad_plan_type_fails_at_construction(emulator):
    with pytest.raises(VercelInputError) as info:
        VercelListBillingPlansOperator(task_id="p", integration="neon", product="neon-postgres", plan_type="monthly")
    assert info.value.argument == "plan_type"
