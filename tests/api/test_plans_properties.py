"""Property tests of billing-plan selection: guardrails hold for any plan list and rule."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from airflow_provider_vercel.api.errors import VercelPlanSelectionError
from airflow_provider_vercel.api.models import BillingPlan
from airflow_provider_vercel.api.plans import PlanRule, PlanSelection, select_plan

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
