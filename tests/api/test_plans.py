"""Billing-plan selection rules (docs/api-contract.md §3, §4, pitfall 7)."""

from __future__ import annotations

import json
from dataclasses import replace
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from airflow_provider_vercel.api.errors import VercelInputError, VercelPlanSelectionError
from airflow_provider_vercel.api.models import BillingPlan, BillingPlans
from airflow_provider_vercel.api.plans import (
    PlanRule,
    PlanSelection,
    RejectedPlan,
    plan_summary,
    plan_verdicts,
    requires_prepayment_amount,
    select_plan,
)

# A plans answer shaped as docs/api-contract.md §3 describes (composed).
EXAMPLE_RESPONSE: dict[str, Any] = {
    "plans": [
        {
            "id": "free",
            "type": "subscription",
            "name": "Free",
            "scope": "resource",
            "description": "0.5 GB storage, scale to zero",
            "paymentMethodRequired": False,
            "cost": "Free",
            "details": [{"label": "Storage", "value": "0.5 GB"}],
        },
        {
            "id": "launch",
            "type": "subscription",
            "name": "Launch",
            "scope": "resource",
            "description": "Usage-based",
            "paymentMethodRequired": True,
            "preauthorizationAmount": 5,
            "cost": "$19.00/month",
            "highlightedDetails": [{"label": "Autoscaling"}],
        },
        {
            "id": "credits",
            "type": "prepayment",
            "name": "Credits",
            "scope": "installation",
            "description": "Buy credits up front",
            "paymentMethodRequired": True,
            "minimumAmount": "5.00",
            "maximumAmount": "1000.00",
            "maximumAmountAutoPurchasePerPeriod": "500.00",
            "effectiveDate": "2026-01-01T00:00:00Z",
            "disabled": False,
        },
    ]
}
EXAMPLE = BillingPlans.model_validate(EXAMPLE_RESPONSE).plans


def plan(plan_id: str, **fields: Any) -> BillingPlan:
    """A paid subscription plan unless ``fields`` say otherwise."""
    data = {
        "id": plan_id,
        "type": "subscription",
        "name": plan_id.title(),
        "scope": "resource",
        "description": "",
        "paymentMethodRequired": True,
        **fields,
    }
    return BillingPlan.model_validate(data)


def monthly(plan_id: str, dollars: str, **fields: Any) -> BillingPlan:
    return plan(plan_id, cost=f"${dollars}/month", **fields)


def prepaid(plan_id: str, minimum: str | None, maximum: str | None, **fields: Any) -> BillingPlan:
    return plan(plan_id, type="prepayment", minimumAmount=minimum, maximumAmount=maximum, **fields)


def failure(plans: list[BillingPlan], rule: PlanRule) -> str:
    with pytest.raises(VercelPlanSelectionError) as caught:
        select_plan(plans, rule)
    return str(caught.value)


# --- rule "free" ------------------------------------------------------------------------------


def test_free_rule_picks_the_plan_without_payment_method() -> None:
    assert select_plan(EXAMPLE, PlanRule.free()).plan.id == "free"


def test_free_rule_prefers_subscription_over_prepayment_then_listed_order() -> None:
    plans = [
        prepaid("free-credits", "5.00", "5.00", paymentMethodRequired=False),
        plan("hobby", paymentMethodRequired=False),
        plan("hobby-2", paymentMethodRequired=False),
    ]
    selection = select_plan(plans, PlanRule.free())
    assert selection.plan.id == "hobby"
    assert "'hobby' ranks first" in dict((r.plan_id, r.reason) for r in selection.rejected)["hobby-2"]


def test_free_rule_without_free_plan_lists_every_plan_and_reason() -> None:
    message = failure(EXAMPLE[1:], PlanRule.free())
    assert message.splitlines() == [
        "No billing plan satisfies rule 'free':",
        "- launch (Launch, $19.00/month): not free (requires a payment method)",
        "- credits (Credits, prepayment plan): not free (requires a payment method)",
    ]


def test_plan_with_absent_payment_flag_is_not_taken_for_free() -> None:
    unknown = BillingPlan.model_validate({"id": "mystery", "name": "Mystery"})
    assert "not free" in failure([unknown], PlanRule.free())


# --- rule "id" --------------------------------------------------------------------------------


def test_id_rule_picks_the_exact_id_and_rejects_the_rest_with_reasons() -> None:
    selection = select_plan(EXAMPLE, PlanRule.by_id("launch"))
    assert selection == PlanSelection(
        plan=EXAMPLE[1],
        rejected=(
            RejectedPlan("free", "Free", "id is not 'launch'"),
            RejectedPlan("credits", "Credits", "id is not 'launch'"),
        ),
    )


def test_id_rule_is_case_sensitive() -> None:
    assert "- launch (Launch, $19.00/month): id is not 'Launch'" in failure(EXAMPLE, PlanRule.by_id("Launch"))


def test_id_rule_never_chooses_a_disabled_plan() -> None:
    plans = [monthly("pro", "20.00", disabled=True)]
    assert failure(plans, PlanRule.by_id("pro")).splitlines()[1] == "- pro (Pro, $20.00/month): disabled"


def test_id_rule_with_duplicate_enabled_ids_is_ambiguous() -> None:
    message = failure([monthly("pro", "10.00"), monthly("pro", "12.00")], PlanRule.by_id("pro"))
    assert "2 enabled plans match rule 'id'" in message


# --- rule "name" ------------------------------------------------------------------------------


def test_name_rule_matches_case_insensitively() -> None:
    assert select_plan(EXAMPLE, PlanRule.by_name("LAUNCH")).plan.id == "launch"


def test_name_rule_with_several_enabled_matches_lists_them() -> None:
    plans = [
        monthly("pro-a", "10.00", name="Pro"),
        monthly("pro-b", "12.00", name="pro"),
        monthly("pro-c", "1.00", name="Pro", disabled=True),
    ]
    message = failure(plans, PlanRule.by_name("Pro"))
    assert message.splitlines() == [
        "2 enabled plans match rule 'name' (plan_name='Pro'), which must match exactly one:",
        "- pro-a (Pro, $10.00/month)",
        "- pro-b (pro, $12.00/month)",
    ]


def test_name_rule_ignores_a_disabled_namesake() -> None:
    plans = [monthly("old", "5.00", name="Pro", disabled=True), monthly("new", "9.00", name="Pro")]
    selection = select_plan(plans, PlanRule.by_name("pro"))
    assert selection.plan.id == "new"
    assert selection.rejected == (RejectedPlan("old", "Pro", "disabled"),)


# --- rule "cheapest" --------------------------------------------------------------------------


def test_cheapest_picks_the_lowest_monthly_cost() -> None:
    plans = [monthly("pro", "20.00"), monthly("launch", "19.00"), monthly("scale", "69.00")]
    selection = select_plan(plans, PlanRule.cheapest())
    assert selection.plan.id == "launch"
    assert selection.rejected[0] == RejectedPlan(
        "pro", "Pro", "costs $20.00, not cheaper than 'launch' ($19.00)"
    )


def test_cheapest_counts_a_free_plan_as_zero() -> None:
    assert select_plan(EXAMPLE, PlanRule.cheapest()).plan.id == "free"


def test_cheapest_never_chooses_a_disabled_plan_even_if_it_is_cheapest() -> None:
    plans = [monthly("cheap", "1.00", disabled=True), monthly("pro", "20.00")]
    assert select_plan(plans, PlanRule.cheapest()).plan.id == "pro"


def test_cheapest_ranks_a_plan_without_stated_price_last_when_no_ceiling_applies() -> None:
    plans = [plan("usage", cost="Usage-based"), monthly("pro", "20.00")]
    selection = select_plan(plans, PlanRule.cheapest())
    assert selection.plan.id == "pro"
    assert selection.rejected == (RejectedPlan("usage", "Usage", "price not stated, ranked after 'pro'"),)


def test_cheapest_picks_an_unpriced_plan_when_it_is_the_only_one() -> None:
    assert select_plan([plan("usage", cost="Usage-based")], PlanRule.cheapest()).plan.id == "usage"


def test_max_monthly_cost_rejects_dearer_and_unpriced_plans() -> None:
    plans = [monthly("scale", "69.00"), plan("usage", cost="Usage-based"), monthly("launch", "19.00")]
    selection = select_plan(plans, PlanRule.cheapest(max_monthly_cost=20))
    assert selection.plan.id == "launch"
    assert selection.rejected == (
        RejectedPlan("scale", "Scale", "monthly cost $69.00 is above max_monthly_cost $20.00"),
        RejectedPlan("usage", "Usage", "price not stated (no monthly cost in cost 'Usage-based')"),
    )


def test_max_monthly_cost_is_inclusive() -> None:
    assert (
        select_plan([monthly("pro", "20.00")], PlanRule.cheapest(max_monthly_cost="20.00")).plan.id == "pro"
    )


def test_max_initial_charge_reads_initial_charge_then_preauthorization() -> None:
    plans = [
        monthly("a", "1.00", initialCharge="30.00"),
        monthly("b", "2.00", preauthorizationAmount=25.5),
        monthly("c", "3.00"),
        monthly("d", "4.00", initialCharge="10.00", preauthorizationAmount=50),
    ]
    selection = select_plan(plans, PlanRule.cheapest(max_initial_charge="20"))
    assert selection.plan.id == "d"
    assert [r.reason for r in selection.rejected] == [
        "initial charge $30.00 is above max_initial_charge $20.00",
        "initial charge $25.50 is above max_initial_charge $20.00",
        "price not stated (no initialCharge or preauthorizationAmount)",
    ]


def test_max_prepayment_amount_rejects_prepayment_plans_above_it() -> None:
    plans = [prepaid("big", "100.00", "100.00"), prepaid("small", "10.00", "10.00"), monthly("pro", "50.00")]
    selection = select_plan(plans, PlanRule.cheapest(max_prepayment_amount=50))
    assert selection.plan.id == "small"
    assert selection.rejected[0].reason == "prepayment $100.00 is above max_prepayment_amount $50.00"


def test_max_prepayment_amount_does_not_bound_subscriptions() -> None:
    plans = [monthly("pro", "50.00")]
    assert select_plan(plans, PlanRule.cheapest(max_prepayment_amount=1)).plan.id == "pro"


def test_cheapest_prices_a_prepayment_plan_at_the_intended_amount() -> None:
    plans = [monthly("pro", "19.00"), prepaid("credits", "5.00", "1000.00")]
    assert select_plan(plans, PlanRule.cheapest(prepayment_amount_cents=1800)).plan.id == "credits"
    assert select_plan(plans, PlanRule.cheapest(prepayment_amount_cents=2000)).plan.id == "pro"


def test_cheapest_prices_a_fixed_prepayment_plan_at_its_minimum() -> None:
    plans = [
        monthly("pro", "19.00"),
        prepaid("credits", "25.00", "25.00"),
        prepaid("starter", "9.00", "9.00"),
    ]
    assert select_plan(plans, PlanRule.cheapest()).plan.id == "starter"


def test_cheapest_tie_goes_to_the_lower_initial_charge_then_the_earlier_plan() -> None:
    plans = [
        monthly("a", "10.00", initialCharge="5.00"),
        monthly("b", "10.00"),
        monthly("c", "10.00", initialCharge="1.00"),
        monthly("d", "10.00", initialCharge="1.00"),
    ]
    assert select_plan(plans, PlanRule.cheapest()).plan.id == "c"
    assert select_plan(plans[:2], PlanRule.cheapest()).plan.id == "a"  # stated charge before unknown
    assert select_plan([plans[3], plans[2]], PlanRule.cheapest()).plan.id == "d"


def test_ceilings_are_guardrails_for_rule_id_too() -> None:
    message = failure(EXAMPLE, PlanRule.by_id("launch", max_monthly_cost=10))
    assert "- launch (Launch, $19.00/month): monthly cost $19.00 is above max_monthly_cost $10.00" in message


def test_allow_prepayment_false_excludes_prepayment_plans() -> None:
    plans = [prepaid("credits", "1.00", "1.00"), monthly("pro", "19.00")]
    selection = select_plan(plans, PlanRule.cheapest(allow_prepayment=False))
    assert selection.plan.id == "pro"
    assert selection.rejected[0].reason == "prepayment plan, and allow_prepayment is False"


def test_plan_type_filter_rejects_other_types() -> None:
    selection = select_plan(EXAMPLE, PlanRule.cheapest(plan_type="prepayment", prepayment_amount_cents=500))
    assert selection.plan.id == "credits"
    assert selection.rejected[0].reason == "type is subscription, the rule asks for prepayment"


def test_cheapest_failure_lists_every_plan_with_its_reason() -> None:
    plans = [*EXAMPLE, plan("usage", cost="Usage-based", disabled=True)]
    message = failure(plans[1:], PlanRule.cheapest(max_monthly_cost=10))
    assert message.splitlines() == [
        "No billing plan satisfies rule 'cheapest' (max_monthly_cost=10):",
        "- launch (Launch, $19.00/month): monthly cost $19.00 is above max_monthly_cost $10.00",
        "- credits (Credits, prepayment plan): prepayment plan needs prepayment_amount_cents",
        "- usage (Usage, Usage-based): disabled",
    ]


def test_no_plans_at_all_says_the_product_has_none() -> None:
    assert (
        failure([], PlanRule.free())
        == "The product has no billing plans, so rule 'free' cannot be satisfied."
    )


# --- prepayment amounts: cents versus USD ------------------------------------------------------


@pytest.mark.parametrize("cents", [500, 1234, 100000])
def test_prepayment_within_the_plans_usd_range_is_accepted(cents: int) -> None:
    assert select_plan(EXAMPLE, PlanRule.by_id("credits", prepayment_amount_cents=cents)).plan.id == "credits"


@pytest.mark.parametrize(
    ("cents", "shown"), [(499, "$4.99 (499 cents)"), (100001, "$1,000.01 (100001 cents)")]
)
def test_prepayment_outside_the_plans_usd_range_is_rejected_with_both_units(cents: int, shown: str) -> None:
    message = failure(EXAMPLE, PlanRule.by_id("credits", prepayment_amount_cents=cents))
    assert (
        f"- credits (Credits, prepayment plan): prepayment of {shown} is outside the plan's range: "
        "$5.00 to $1,000.00" in message
    )


def test_prepayment_against_a_plan_with_only_a_minimum() -> None:
    plans = [prepaid("topup", "20.00", None)]
    assert "outside the plan's range: at least $20.00" in failure(
        plans, PlanRule.cheapest(prepayment_amount_cents=1999)
    )
    assert select_plan(plans, PlanRule.cheapest(prepayment_amount_cents=2000)).plan.id == "topup"


def test_variable_prepayment_plan_without_amount_is_rejected() -> None:
    message = failure(EXAMPLE, PlanRule.by_id("credits"))
    assert "- credits (Credits, prepayment plan): prepayment plan needs prepayment_amount_cents" in message


def test_fixed_prepayment_plan_needs_no_amount() -> None:
    assert select_plan([prepaid("pack", "10.00", "10.00")], PlanRule.by_id("pack")).plan.id == "pack"


@pytest.mark.parametrize(
    ("minimum", "maximum", "expected"),
    [
        ("5.00", "1000.00", True),
        ("10.00", "10.00", False),
        ("10", "10.00", False),
        (None, "10.00", True),
        ("10.00", None, True),
        (None, None, True),
    ],
)
def test_requires_prepayment_amount_means_min_and_max_not_both_stated_and_equal(
    minimum: str | None, maximum: str | None, expected: bool
) -> None:
    assert requires_prepayment_amount(prepaid("p", minimum, maximum)) is expected


def test_subscription_never_requires_a_prepayment_amount() -> None:
    assert requires_prepayment_amount(monthly("pro", "19.00", minimumAmount="5.00")) is False


# --- rule validation --------------------------------------------------------------------------


def test_select_plan_validates_the_rule_before_looking_at_plans() -> None:
    with pytest.raises(VercelInputError):
        select_plan(EXAMPLE, PlanRule(rule="id", plan_id="None"))


@pytest.mark.parametrize("ceiling", [20, 20.0, "20", "20.00", " 20 ", Decimal("20")])
def test_ceilings_accept_decimal_compatible_values(ceiling: Any) -> None:
    selection = select_plan([monthly("pro", "20.00")], PlanRule.cheapest(max_monthly_cost=ceiling))
    assert selection.plan.id == "pro"


def test_plan_verdicts_judge_each_plan_before_ranking() -> None:
    verdicts = plan_verdicts(EXAMPLE, PlanRule.cheapest(max_monthly_cost=20))
    assert [(plan.id, reason) for plan, reason in verdicts] == [
        ("free", None),
        ("launch", None),
        ("credits", "prepayment plan needs prepayment_amount_cents"),
    ]


# --- summaries --------------------------------------------------------------------------------


def test_plan_summary_is_json_serialisable_with_amounts_as_strings() -> None:
    summaries = [plan_summary(p) for p in EXAMPLE]
    assert json.loads(json.dumps(summaries)) == summaries
    assert summaries[1] == {
        "id": "launch",
        "name": "Launch",
        "type": "subscription",
        "scope": "resource",
        "is_free": False,
        "cost": "$19.00/month",
        "monthly_cost": "19.00",
        "initial_charge": None,
        "minimum_amount": None,
        "maximum_amount": None,
        "disabled": False,
        "requires_prepayment_amount": False,
    }
    assert summaries[0]["monthly_cost"] == "0"
    assert summaries[2]["monthly_cost"] is None
    assert summaries[2]["requires_prepayment_amount"] is True


def test_paid_only_refuses_free_plans_so_cheapest_picks_the_cheapest_paid_one() -> None:
    plans = [plan("free", paymentMethodRequired=False, cost="Free"), monthly("launch", "19.00"), monthly("scale", "69.00")]
    selection = select_plan(plans, PlanRule.cheapest(paid_only=True))
    assert selection.plan.id == "launch"
    assert ("free", "free plan, and paid_only is True") in {(r.plan_id, r.reason) for r in selection.rejected}


def test_selection_error_carries_every_plan_and_reason_as_data() -> None:
    plans = [plan("free", paymentMethodRequired=False, cost="Free"), monthly("launch", "19.00")]
    with pytest.raises(VercelPlanSelectionError) as info:
        select_plan(plans, PlanRule.cheapest(max_monthly_cost=10, paid_only=True))
    assert {r.plan_id: r.reason for r in info.value.rejected} == {
        "free": "free plan, and paid_only is True",
        "launch": "monthly cost $19.00 is above max_monthly_cost $10.00",
    }


def test_plan_summary_is_json_safe():
    plan = BillingPlan.model_validate(
        {"id": "launch", "type": "subscription", "name": "Launch", "paymentMethodRequired": True, "cost": "$19/month"}
    )
    assert json.loads(json.dumps(plan_summary(plan)))["monthly_cost"] == "19"


# --- properties (hypothesis): guardrails hold for any plan list and rule ----------------------------

# No deadline and no slow-data check: CI machines are shared and timings vary; a failure must mean a bug.
FAST = settings(max_examples=200, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
NAMES = ["Free", "Launch", "launch", "Scale", "Credits"]

dollars = st.decimals(min_value=0, max_value=300, places=2, allow_nan=False, allow_infinity=False)


@st.composite
def billing_plan(draw: st.DrawFn, index: int) -> BillingPlan:
    kind = draw(st.sampled_from(["free", "subscription", "prepayment"]))
    data: dict[str, Any] = {
        "id": f"p{index}",
        "name": draw(st.sampled_from(NAMES)),
        "type": "prepayment" if kind == "prepayment" else "subscription",
        "paymentMethodRequired": kind != "free",
        "disabled": draw(st.booleans()),
    }
    if kind == "subscription":
        data["cost"] = draw(
            st.one_of(st.none(), st.just("Usage-based"), dollars.map(lambda d: f"${d}/month"))
        )
    if kind == "prepayment":
        low = draw(st.one_of(st.none(), dollars))
        fixed = draw(st.booleans())
        high = low if fixed and low is not None else draw(st.one_of(st.none(), dollars))
        data["minimumAmount"] = None if low is None else str(low)
        data["maximumAmount"] = None if high is None else str(high)
    if draw(st.booleans()):
        data["initialCharge"] = str(draw(dollars))
    if draw(st.booleans()):
        data["preauthorizationAmount"] = float(draw(dollars))
    return BillingPlan.model_validate(data)


@st.composite
def plan_list(draw: st.DrawFn) -> list[BillingPlan]:
    size = draw(st.integers(min_value=0, max_value=6))
    return [draw(billing_plan(index)) for index in range(size)]


@st.composite
def plan_rule(draw: st.DrawFn) -> PlanRule:
    """A valid rule: the combinations ``validate()`` refuses are tested in test_plans.py."""
    rule = draw(st.sampled_from(["id", "name", "free", "cheapest"]))
    # Mostly absent, so that some plans qualify and "cheapest" has a real choice to make.
    ceiling = st.sampled_from([None, None, None, "dollars"]).flatmap(
        lambda kind: st.none() if kind is None else st.one_of(dollars, dollars.map(str))
    )
    allow_prepayment = draw(st.booleans())
    plan_type = draw(st.sampled_from([None, "subscription"] + (["prepayment"] if allow_prepayment else [])))
    max_prepayment = draw(ceiling)
    cents = None
    if allow_prepayment and plan_type != "subscription":
        top = 40000 if max_prepayment is None else int(Decimal(max_prepayment) * 100)
        cents = draw(st.one_of(st.none(), st.integers(50, top))) if top >= 50 else None
    return PlanRule(
        rule=rule,
        plan_id=f"p{draw(st.integers(0, 6))}" if rule == "id" else None,
        plan_name=draw(st.sampled_from(NAMES)) if rule == "name" else None,
        max_monthly_cost=draw(ceiling),
        max_initial_charge=draw(ceiling),
        max_prepayment_amount=max_prepayment,
        prepayment_amount_cents=cents,
        allow_prepayment=allow_prepayment,
        plan_type=plan_type,
    )


# --- an oracle written from the rule's documented meaning, independent of the module's helpers ---


def usd(text: str | float | None) -> Decimal | None:
    if text is None:
        return None
    cleaned = str(text).replace("$", "").replace("/month", "")
    return Decimal(cleaned) if cleaned.replace(".", "").isdigit() else None


def intended(plan: BillingPlan, rule: PlanRule) -> Decimal | None:
    cents = rule.prepayment_amount_cents
    return Decimal(cents) / 100 if cents is not None else usd(plan.minimum_amount)


def price(plan: BillingPlan, rule: PlanRule) -> Decimal | None:
    if not plan.payment_method_required:
        return Decimal(0)
    if plan.type == "prepayment":
        return intended(plan, rule)
    return usd(plan.cost)


def initial(plan: BillingPlan, rule: PlanRule) -> Decimal | None:
    if plan.initial_charge is not None:
        return usd(plan.initial_charge)
    if plan.preauthorization_amount is not None:
        return Decimal(str(plan.preauthorization_amount))
    if not plan.payment_method_required:
        return Decimal(0)
    return intended(plan, rule) if plan.type == "prepayment" else None


def meets_ceilings(plan: BillingPlan, rule: PlanRule) -> bool:
    prepayment = plan.type == "prepayment"
    checks = [
        (rule.max_monthly_cost, None if prepayment else price(plan, rule), not prepayment),
        (rule.max_initial_charge, initial(plan, rule), True),
        (rule.max_prepayment_amount, intended(plan, rule) if prepayment else None, prepayment),
    ]
    for ceiling, amount, applies in checks:
        if ceiling is not None and applies and (amount is None or amount > Decimal(str(ceiling))):
            return False
    return True


def prepayment_ok(plan: BillingPlan, rule: PlanRule) -> bool:
    if plan.type != "prepayment":
        return True
    low, high = usd(plan.minimum_amount), usd(plan.maximum_amount)
    if rule.prepayment_amount_cents is None:
        return low is not None and low == high
    amount = Decimal(rule.prepayment_amount_cents) / 100
    return (low is None or amount >= low) and (high is None or amount <= high)


def qualifies(plan: BillingPlan, rule: PlanRule) -> bool:
    matches = {
        "id": plan.id == rule.plan_id,
        "name": (plan.name or "").lower() == (rule.plan_name or "").lower(),
        "free": not plan.payment_method_required,
        "cheapest": True,
    }[rule.rule]
    type_ok = rule.plan_type is None or plan.type == rule.plan_type
    allowed = rule.allow_prepayment or plan.type != "prepayment"
    return (
        not plan.disabled
        and matches
        and type_ok
        and allowed
        and prepayment_ok(plan, rule)
        and meets_ceilings(plan, rule)
    )


def select_or_none(plans: list[BillingPlan], rule: PlanRule) -> PlanSelection | None:
    """``select_plan``'s result, or None after checking that its error agrees with the oracle."""
    try:
        return select_plan(plans, rule)
    except VercelPlanSelectionError as error:
        message = str(error)
        if not plans:
            assert message.startswith("The product has no billing plans")
        elif message.startswith("No billing plan"):
            assert all(f"- {candidate.id} (" in message for candidate in plans)
            assert not any(qualifies(candidate, rule) for candidate in plans)
        else:  # an ambiguous id or name: it lists exactly the qualifying plans
            assert rule.rule in ("id", "name")
            listed = [p.id for p in plans if f"- {p.id} (" in message]
            assert listed == [p.id for p in plans if qualifies(p, rule)] and len(listed) > 1
        return None


@FAST
@given(plan_list(), plan_rule())
def test_chosen_plan_is_enabled_and_meets_every_guardrail(plans: list[BillingPlan], rule: PlanRule) -> None:
    selection = select_or_none(plans, rule)
    if selection is None:
        return
    assert not selection.plan.disabled
    assert qualifies(selection.plan, rule)
    # Every other plan is accounted for, in order, with a reason.
    assert [r.plan_id for r in selection.rejected] == [p.id for p in plans if p is not selection.plan]
    assert all(r.reason for r in selection.rejected)


@FAST
@given(plan_list(), plan_rule().map(lambda r: replace(r, rule="cheapest", plan_id=None, plan_name=None)))
def test_no_qualifying_plan_is_strictly_cheaper_than_the_cheapest_choice(
    plans: list[BillingPlan], rule: PlanRule
) -> None:
    selection = select_or_none(plans, rule)
    if selection is None:
        return
    chosen_price = price(selection.plan, rule)
    for other in plans:
        if not qualifies(other, rule):
            continue
        other_price = price(other, rule)
        if chosen_price is None:
            assert other_price is None  # an unpriced plan wins only when no priced one qualifies
        elif other_price is not None:
            assert not other_price < chosen_price
