"""Choose a product's billing plan by a ``PlanRule`` (docs/api-contract.md §3), before any store is created.

Every plan seen is either chosen or rejected with a reason, and when none qualifies the error lists
them all, so a failed task says exactly why each plan was refused. The rule itself, and the checks of
its arguments, are in ``plan_rules.py``.

Choices where the contract is silent:

- A prepayment plan has a *fixed* amount only when ``minimumAmount`` and ``maximumAmount`` are both
  stated and equal; otherwise its amount is variable and ``prepayment_amount_cents`` is required.
- A plan's initial charge is ``initialCharge``, else ``preauthorizationAmount``, else 0 for a free
  plan, else the prepayment for a prepayment plan; otherwise it is not stated.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, NamedTuple

from airflow_provider_vercel.api.errors import VercelPlanSelectionError
from airflow_provider_vercel.api.models import BillingPlan, parse_money
from airflow_provider_vercel.api.plan_rules import (
    MIN_PREPAYMENT_CENTS,
    PLAN_TYPES,
    RULES,
    Amount,
    PlanRule,
    RuleLimits,
    usd,
)

# The rule is re-exported: operators, the CLI and tests import it from here.
__all__ = [
    "MIN_PREPAYMENT_CENTS",
    "PLAN_TYPES",
    "RULES",
    "Amount",
    "PlanRule",
    "PlanSelection",
    "RejectedPlan",
    "plan_by_id",
    "plan_summary",
    "plan_verdicts",
    "requires_prepayment_amount",
    "select_plan",
]


class RejectedPlan(NamedTuple):
    """A plan that was not chosen, and why.

    :param plan_id: the plan's id.
    :param plan_name: the plan's name, if any.
    :param reason: why it was not chosen.
    """

    plan_id: str
    plan_name: str | None
    reason: str


@dataclass(frozen=True)
class PlanSelection:
    """The outcome of ``select_plan``.

    :param plan: the chosen plan.
    :param rejected: every other plan, in the order given, with the reason it was not chosen.
    """

    plan: BillingPlan
    rejected: tuple[RejectedPlan, ...]


def select_plan(plans: Sequence[BillingPlan], rule: PlanRule) -> PlanSelection:
    """Choose one plan by ``rule``; raise ``VercelPlanSelectionError`` listing every plan if none fits.

    Disabled plans are never chosen. ``"id"`` matches the id exactly and ``"name"`` the name
    case-insensitively (several qualifying matches is an error). ``"free"`` takes a plan with
    ``paymentMethodRequired: false``, subscriptions before prepayment, then in the order given.
    ``"cheapest"`` takes the lowest *effective price*: the monthly cost for a subscription (0 when
    free), the intended prepayment (``prepayment_amount_cents / 100``) or else ``minimumAmount``
    for a prepayment plan. A plan whose price is not stated is refused when a ceiling applies to it
    and ranked last otherwise; ties go to the lower initial charge, then to the earlier plan.

    :param plans: the product's plans, as listed by the API.
    :param rule: the selection rule; validated first.
    """
    limits = rule.limits()
    verdicts = plan_verdicts(plans, rule)
    qualifying = [index for index, (_, reason) in enumerate(verdicts) if reason is None]
    if not qualifying:
        raise VercelPlanSelectionError(
            _nothing_fits(rule, verdicts),
            rejected=tuple(RejectedPlan(plan.id, plan.name, reason or "") for plan, reason in verdicts),
        )
    chosen = _choose(qualifying, [plan for plan, _ in verdicts], rule, limits)
    rejected = tuple(
        RejectedPlan(plan.id, plan.name, reason or _outranked(plan, verdicts[chosen][0], rule, limits))
        for index, (plan, reason) in enumerate(verdicts)
        if index != chosen
    )
    return PlanSelection(plan=verdicts[chosen][0], rejected=rejected)


def plan_verdicts(plans: Sequence[BillingPlan], rule: PlanRule) -> list[tuple[BillingPlan, str | None]]:
    """Each plan with the reason ``rule`` refuses it, or None when it qualifies (before any ranking).

    This is the judgement ``select_plan`` makes; a dry run can show it as a table.

    :param plans: the product's plans.
    :param rule: the selection rule; validated first.
    """
    limits = rule.limits()
    return [(plan, _rejection(plan, rule, limits)) for plan in plans]


def plan_by_id(plans: Sequence[BillingPlan], plan_id: str) -> BillingPlan | None:
    """The plan with this id, if listed.

    :param plans: the product's plans.
    :param plan_id: the plan id to look for, matched exactly.
    """
    return next((plan for plan in plans if plan.id == plan_id), None)


def requires_prepayment_amount(plan: BillingPlan) -> bool:
    """True for a prepayment plan whose amount is variable (min and max not both stated and equal).

    :param plan: the billing plan.
    """
    if not plan.is_prepayment:
        return False
    low, high = _finite(plan.minimum_amount_value), _finite(plan.maximum_amount_value)
    return low is None or high is None or low != high


def plan_summary(plan: BillingPlan) -> dict[str, Any]:
    """A small JSON-safe dict describing ``plan`` (an XCom value): amounts are strings, never Decimals.

    :param plan: the billing plan.
    """
    monthly = _finite(plan.monthly_cost)
    return {
        "id": plan.id,
        "name": plan.name,
        "type": plan.type,
        "scope": plan.scope,
        "is_free": plan.is_free,
        "cost": plan.cost,
        "monthly_cost": None if monthly is None else str(monthly),
        "initial_charge": plan.initial_charge,
        "minimum_amount": plan.minimum_amount,
        "maximum_amount": plan.maximum_amount,
        "disabled": plan.disabled,
        "requires_prepayment_amount": requires_prepayment_amount(plan),
    }


# --- judging plans ----------------------------------------------------------------------------


def _rejection(plan: BillingPlan, rule: PlanRule, limits: RuleLimits) -> str | None:
    """The first reason ``plan`` cannot be chosen, or None when it qualifies."""
    if plan.disabled:
        return "disabled"
    return (
        _rule_mismatch(plan, rule)
        or _type_mismatch(plan, rule)
        or _prepayment_problem(plan, limits)
        or _ceiling_problem(plan, limits)
    )


def _rule_mismatch(plan: BillingPlan, rule: PlanRule) -> str | None:
    if rule.rule == "id" and plan.id != rule.plan_id:
        return f"id is not {rule.plan_id!r}"
    if (
        rule.rule == "name"
        and (plan.name or "").strip().casefold() != (rule.plan_name or "").strip().casefold()
    ):
        return f"name is not {rule.plan_name!r}"
    if rule.rule == "free" and not plan.is_free:
        return "not free (requires a payment method)"
    return None


def _type_mismatch(plan: BillingPlan, rule: PlanRule) -> str | None:
    if rule.plan_type is not None and plan.type != rule.plan_type:
        return f"type is {plan.type or 'not stated'}, the rule asks for {rule.plan_type}"
    if plan.is_prepayment and not rule.allow_prepayment:
        return "prepayment plan, and allow_prepayment is False"
    if plan.is_free and rule.paid_only:
        return "free plan, and paid_only is True"
    return None


def _prepayment_problem(plan: BillingPlan, limits: RuleLimits) -> str | None:
    if not plan.is_prepayment:
        return None
    low, high = _finite(plan.minimum_amount_value), _finite(plan.maximum_amount_value)
    if limits.amount is None:
        return "prepayment plan needs prepayment_amount_cents" if requires_prepayment_amount(plan) else None
    if (low is not None and limits.amount < low) or (high is not None and limits.amount > high):
        asked = f"{usd(limits.amount)} ({int(limits.amount * 100)} cents)"
        return f"prepayment of {asked} is outside the plan's range: {_range(low, high)}"
    return None


def _ceiling_problem(plan: BillingPlan, limits: RuleLimits) -> str | None:
    if limits.monthly is not None and not plan.is_prepayment:
        monthly = _finite(plan.monthly_cost)
        if monthly is None:
            return f"price not stated (no monthly cost in cost {plan.cost!r})"
        if monthly > limits.monthly:
            return f"monthly cost {usd(monthly)} is above max_monthly_cost {usd(limits.monthly)}"
    if limits.initial is not None:
        initial = _initial_charge(plan, limits)
        if initial is None:
            return "price not stated (no initialCharge or preauthorizationAmount)"
        if initial > limits.initial:
            return f"initial charge {usd(initial)} is above max_initial_charge {usd(limits.initial)}"
    if limits.prepayment is not None and plan.is_prepayment:
        prepaid = _prepaid(plan, limits)
        if prepaid is None:
            return "price not stated (no prepayment amount)"
        if prepaid > limits.prepayment:
            return f"prepayment {usd(prepaid)} is above max_prepayment_amount {usd(limits.prepayment)}"
    return None


def _prepaid(plan: BillingPlan, limits: RuleLimits) -> Decimal | None:
    """What a prepayment plan will take: the intended amount, else its minimum."""
    return limits.amount if limits.amount is not None else _finite(plan.minimum_amount_value)


def _effective_price(plan: BillingPlan, limits: RuleLimits) -> Decimal | None:
    if plan.is_free:
        return Decimal(0)
    if plan.is_prepayment:
        return _prepaid(plan, limits)
    return _finite(plan.monthly_cost)


def _initial_charge(plan: BillingPlan, limits: RuleLimits) -> Decimal | None:
    stated = _finite(plan.initial_charge_amount)
    if stated is None and plan.preauthorization_amount is not None:
        stated = _finite(parse_money(plan.preauthorization_amount))
    if stated is not None:
        return stated
    if plan.is_free:
        return Decimal(0)
    return _prepaid(plan, limits) if plan.is_prepayment else None


# --- choosing ---------------------------------------------------------------------------------


def _choose(qualifying: list[int], plans: list[BillingPlan], rule: PlanRule, limits: RuleLimits) -> int:
    if rule.rule in ("id", "name") and len(qualifying) > 1:
        listed = "".join(f"\n- {_label(plans[index])}" for index in qualifying)
        raise VercelPlanSelectionError(
            f"{len(qualifying)} enabled plans match {rule.describe()}, which must match exactly one:{listed}"
        )
    if rule.rule == "free":
        return min(qualifying, key=lambda index: (plans[index].is_prepayment, index))
    if rule.rule == "cheapest":
        return min(qualifying, key=lambda index: _price_rank(plans[index], limits, index))
    return qualifying[0]


def _price_rank(plan: BillingPlan, limits: RuleLimits, index: int) -> tuple[bool, Decimal, bool, Decimal, int]:
    price, initial = _effective_price(plan, limits), _initial_charge(plan, limits)
    zero = Decimal(0)
    return (price is None, price or zero, initial is None, initial or zero, index)


def _outranked(plan: BillingPlan, chosen: BillingPlan, rule: PlanRule, limits: RuleLimits) -> str:
    """Why a plan that qualified lost to ``chosen``."""
    if rule.rule == "free":
        return f"also free; {chosen.id!r} ranks first (subscription before prepayment, then listed order)"
    price = _effective_price(plan, limits)
    if price is None:
        return f"price not stated, ranked after {chosen.id!r}"
    return f"costs {usd(price)}, not cheaper than {chosen.id!r} ({usd(_effective_price(chosen, limits))})"


def _nothing_fits(rule: PlanRule, verdicts: list[tuple[BillingPlan, str | None]]) -> str:
    if not verdicts:
        return f"The product has no billing plans, so {rule.describe()} cannot be satisfied."
    lines = "".join(f"\n- {_label(plan)}: {reason}" for plan, reason in verdicts)
    return f"No billing plan satisfies {rule.describe()}:{lines}"


# --- formatting -------------------------------------------------------------------------------


def _label(plan: BillingPlan) -> str:
    price = plan.cost or (f"{plan.type} plan" if plan.type else "type not stated")
    return f"{plan.id} ({plan.name or 'unnamed'}, {price})"


def _range(low: Decimal | None, high: Decimal | None) -> str:
    if low is not None and high is not None:
        return f"{usd(low)} to {usd(high)}"
    return f"at least {usd(low)}" if low is not None else f"at most {usd(high)}"


def _finite(amount: Decimal | None) -> Decimal | None:
    # A NaN would make every comparison raise; read it as "not stated".
    return amount if amount is not None and amount.is_finite() else None
