"""Choose a product's billing plan by a declared rule (docs/api-contract.md §3), before any store is created.

A rule names how to pick (``id``, ``name``, ``free`` or ``cheapest``) and may add guardrails: cost
ceilings, a plan type, whether prepayment plans are allowed and the intended prepayment. Every plan
seen is either chosen or rejected with a reason, and when none qualifies the error lists them all,
so a failed task says exactly why each plan was refused.

Choices where the contract is silent:

- Ceilings are guardrails for every rule, not only ``cheapest``: a plan picked by id that costs more
  than ``max_monthly_cost`` is refused rather than bought.
- ``max_monthly_cost`` bounds subscription (non-prepayment) plans; prepayment plans are bounded by
  ``max_prepayment_amount``. Pass ``allow_prepayment=False`` to exclude them altogether.
- A prepayment plan has a *fixed* amount only when ``minimumAmount`` and ``maximumAmount`` are both
  stated and equal; otherwise its amount is variable and ``prepayment_amount_cents`` is required.
- A plan's initial charge is ``initialCharge``, else ``preauthorizationAmount``, else 0 for a free
  plan, else the prepayment for a prepayment plan; otherwise it is not stated.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, fields
from decimal import Decimal, InvalidOperation
from typing import Any, NamedTuple

from airflow_provider_vercel.api.errors import VercelInputError, VercelPlanSelectionError
from airflow_provider_vercel.api.models import (
    PLAN_TYPE_PREPAYMENT,
    PLAN_TYPE_SUBSCRIPTION,
    BillingPlan,
    parse_money,
)

Amount = Decimal | int | float | str

RULES = ("id", "name", "free", "cheapest")
PLAN_TYPES = (PLAN_TYPE_SUBSCRIPTION, PLAN_TYPE_PREPAYMENT)
# The create endpoint's documented minimum for prepaymentAmountCents (§4).
MIN_PREPAYMENT_CENTS = 50
# What an Airflow template renders when the value it pulled was missing.
_EMPTY_RENDERINGS = frozenset({"", "none", "null"})
_CEILINGS = ("max_monthly_cost", "max_initial_charge", "max_prepayment_amount")


@dataclass(frozen=True)
class PlanRule:
    """How to choose a billing plan. Construction never fails; ``validate()`` checks the combination.

    :param rule: ``"id"``, ``"name"``, ``"free"`` or ``"cheapest"``.
    :param plan_id: the plan id to pick (rule ``"id"`` only).
    :param plan_name: the plan name to pick, case-insensitive (rule ``"name"`` only).
    :param max_monthly_cost: USD ceiling on a subscription plan's monthly cost.
    :param max_initial_charge: USD ceiling on the charge made at creation.
    :param max_prepayment_amount: USD ceiling on a prepayment plan's prepaid amount.
    :param prepayment_amount_cents: the prepayment to make, in cents (at least 50).
    :param allow_prepayment: False refuses every prepayment plan.
    :param plan_type: only plans of this type (``"subscription"`` or ``"prepayment"``).
    :param paid_only: refuse free plans ("the cheapest paid plan"); contradicts rule ``"free"``.
    """

    rule: str
    plan_id: str | None = None
    plan_name: str | None = None
    max_monthly_cost: Amount | None = None
    max_initial_charge: Amount | None = None
    max_prepayment_amount: Amount | None = None
    prepayment_amount_cents: int | None = None
    allow_prepayment: bool = True
    plan_type: str | None = None
    paid_only: bool = False

    @classmethod
    def by_id(cls, plan_id: str, **guards: Any) -> PlanRule:
        """The plan with this exact id.

        :param plan_id: the partner-defined plan id (for example ``"launch"``).
        :param guards: other ``PlanRule`` fields (ceilings, prepayment).
        """
        return cls.from_kwargs(rule="id", plan_id=plan_id, **guards)

    @classmethod
    def by_name(cls, plan_name: str, **guards: Any) -> PlanRule:
        """The plan with this name, compared case-insensitively.

        :param plan_name: the plan's display name (for example ``"Launch"``).
        :param guards: other ``PlanRule`` fields (ceilings, prepayment).
        """
        return cls.from_kwargs(rule="name", plan_name=plan_name, **guards)

    @classmethod
    def free(cls, **guards: Any) -> PlanRule:
        """A plan that needs no payment method, subscriptions first.

        :param guards: other ``PlanRule`` fields.
        """
        return cls.from_kwargs(rule="free", **guards)

    @classmethod
    def cheapest(cls, **guards: Any) -> PlanRule:
        """The enabled plan with the lowest effective price within the ceilings.

        :param guards: ceilings and other ``PlanRule`` fields.
        """
        return cls.from_kwargs(rule="cheapest", **guards)

    @classmethod
    def from_kwargs(cls, rule: str | None = None, **kwargs: Any) -> PlanRule:
        """Build and validate a rule from operator-style keyword arguments.

        Without ``rule``, it is inferred: ``plan_id`` means ``"id"``, ``plan_name`` means ``"name"``,
        a ceiling means ``"cheapest"``, and nothing means ``"free"`` (the choice that costs nothing).

        :param rule: the rule name, or None to infer it.
        :param kwargs: the other ``PlanRule`` fields; None values count as not given.
        """
        known = [f.name for f in fields(cls) if f.name != "rule"]
        unknown = [name for name in kwargs if name not in known]
        if unknown:
            raise VercelInputError(unknown[0], f"is not a plan rule argument; known: {', '.join(known)}")
        built = cls(rule=_inferred_rule(kwargs) if rule is None else rule, **kwargs)
        built.validate()
        return built

    def validate(self) -> None:
        """Raise ``VercelInputError`` naming the argument when the rule cannot be applied."""
        self._checked()

    def describe(self) -> str:
        """One line naming the rule and the arguments it uses, for logs and errors."""
        shown = {f.name: getattr(self, f.name) for f in fields(self) if f.name != "rule"}
        extras = [
            f"{name}={value!r}"
            for name, value in shown.items()
            if value is not None
            and not (name == "allow_prepayment" and value is True)
            and not (name == "paid_only" and value is False)
        ]
        return f"rule {self.rule!r}" + (f" ({', '.join(extras)})" if extras else "")

    def _checked(self) -> _Limits:
        if self.rule not in RULES:
            raise VercelInputError("rule", f"must be one of {', '.join(map(repr, RULES))}, got {self.rule!r}")
        _check_selector(self.plan_id, "plan_id", self.rule, "id")
        _check_selector(self.plan_name, "plan_name", self.rule, "name")
        for flag in ("allow_prepayment", "paid_only"):
            if not isinstance(getattr(self, flag), bool):
                raise VercelInputError(flag, f"must be True or False, got {getattr(self, flag)!r}")
        if self.paid_only and self.rule == "free":
            raise VercelInputError("paid_only", "contradicts rule 'free'")
        if self.plan_type is not None and self.plan_type not in PLAN_TYPES:
            raise VercelInputError(
                "plan_type",
                f"must be one of {', '.join(map(repr, PLAN_TYPES))} or None, got {self.plan_type!r}",
            )
        limits = _Limits(
            monthly=_ceiling(self.max_monthly_cost, "max_monthly_cost"),
            initial=_ceiling(self.max_initial_charge, "max_initial_charge"),
            prepayment=_ceiling(self.max_prepayment_amount, "max_prepayment_amount"),
            amount=_prepayment_usd(self.prepayment_amount_cents),
        )
        self._check_prepayment_combination(limits)
        return limits

    def _check_prepayment_combination(self, limits: _Limits) -> None:
        if self.allow_prepayment is False and self.plan_type == PLAN_TYPE_PREPAYMENT:
            raise VercelInputError("plan_type", "asks for prepayment plans but allow_prepayment is False")
        if limits.amount is None:
            return
        if not self.allow_prepayment or self.plan_type == PLAN_TYPE_SUBSCRIPTION:
            raise VercelInputError(
                "prepayment_amount_cents", "is given but the rule excludes prepayment plans"
            )
        if limits.prepayment is not None and limits.amount > limits.prepayment:
            raise VercelInputError(
                "prepayment_amount_cents",
                f"{_usd(limits.amount)} is above max_prepayment_amount {_usd(limits.prepayment)}",
            )


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


@dataclass(frozen=True)
class _Limits:
    """A validated rule's numbers, in USD."""

    monthly: Decimal | None
    initial: Decimal | None
    prepayment: Decimal | None
    amount: Decimal | None


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
    limits = rule._checked()
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
    limits = rule._checked()
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


# --- rule arguments ---------------------------------------------------------------------------


def _inferred_rule(kwargs: dict[str, Any]) -> str:
    if kwargs.get("plan_id") is not None:
        return "id"
    if kwargs.get("plan_name") is not None:
        return "name"
    if any(kwargs.get(name) is not None for name in _CEILINGS):
        return "cheapest"
    return "free"


def _check_selector(value: str | None, argument: str, rule: str, used_by: str) -> None:
    if rule != used_by:
        if value is not None:
            raise VercelInputError(argument, f"is only used by rule {used_by!r}, but the rule is {rule!r}")
        return
    if not isinstance(value, str):
        raise VercelInputError(argument, f"is required by rule {rule!r} and must be a string, got {value!r}")
    if value.strip().lower() in _EMPTY_RENDERINGS:
        raise VercelInputError(
            argument, f"is {value!r}: a template that pulled nothing renders 'None'; check the upstream task"
        )


def _ceiling(value: Amount | None, argument: str) -> Decimal | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (Decimal, int, float, str)):
        raise VercelInputError(argument, f"must be a USD amount such as 20 or '20.00', got {value!r}")
    try:
        amount = Decimal(value.strip() if isinstance(value, str) else str(value))
    except InvalidOperation:
        raise VercelInputError(
            argument, f"must be a USD amount such as 20 or '20.00', got {value!r}"
        ) from None
    if not amount.is_finite() or amount < 0:
        raise VercelInputError(argument, f"must be a finite, non-negative USD amount, got {value!r}")
    return amount


def _prepayment_usd(cents: int | None) -> Decimal | None:
    if cents is None:
        return None
    if isinstance(cents, bool) or not isinstance(cents, int):
        raise VercelInputError("prepayment_amount_cents", f"must be a whole number of cents, got {cents!r}")
    if cents < MIN_PREPAYMENT_CENTS:
        raise VercelInputError(
            "prepayment_amount_cents", f"must be at least {MIN_PREPAYMENT_CENTS} (cents), got {cents}"
        )
    return Decimal(cents) / 100


# --- judging plans ----------------------------------------------------------------------------


def _rejection(plan: BillingPlan, rule: PlanRule, limits: _Limits) -> str | None:
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


def _prepayment_problem(plan: BillingPlan, limits: _Limits) -> str | None:
    if not plan.is_prepayment:
        return None
    low, high = _finite(plan.minimum_amount_value), _finite(plan.maximum_amount_value)
    if limits.amount is None:
        return "prepayment plan needs prepayment_amount_cents" if requires_prepayment_amount(plan) else None
    if (low is not None and limits.amount < low) or (high is not None and limits.amount > high):
        asked = f"{_usd(limits.amount)} ({int(limits.amount * 100)} cents)"
        return f"prepayment of {asked} is outside the plan's range: {_range(low, high)}"
    return None


def _ceiling_problem(plan: BillingPlan, limits: _Limits) -> str | None:
    if limits.monthly is not None and not plan.is_prepayment:
        monthly = _finite(plan.monthly_cost)
        if monthly is None:
            return f"price not stated (no monthly cost in cost {plan.cost!r})"
        if monthly > limits.monthly:
            return f"monthly cost {_usd(monthly)} is above max_monthly_cost {_usd(limits.monthly)}"
    if limits.initial is not None:
        initial = _initial_charge(plan, limits)
        if initial is None:
            return "price not stated (no initialCharge or preauthorizationAmount)"
        if initial > limits.initial:
            return f"initial charge {_usd(initial)} is above max_initial_charge {_usd(limits.initial)}"
    if limits.prepayment is not None and plan.is_prepayment:
        prepaid = _prepaid(plan, limits)
        if prepaid is None:
            return "price not stated (no prepayment amount)"
        if prepaid > limits.prepayment:
            return f"prepayment {_usd(prepaid)} is above max_prepayment_amount {_usd(limits.prepayment)}"
    return None


def _prepaid(plan: BillingPlan, limits: _Limits) -> Decimal | None:
    """What a prepayment plan will take: the intended amount, else its minimum."""
    return limits.amount if limits.amount is not None else _finite(plan.minimum_amount_value)


def _effective_price(plan: BillingPlan, limits: _Limits) -> Decimal | None:
    if plan.is_free:
        return Decimal(0)
    if plan.is_prepayment:
        return _prepaid(plan, limits)
    return _finite(plan.monthly_cost)


def _initial_charge(plan: BillingPlan, limits: _Limits) -> Decimal | None:
    stated = _finite(plan.initial_charge_amount)
    if stated is None and plan.preauthorization_amount is not None:
        stated = _finite(parse_money(plan.preauthorization_amount))
    if stated is not None:
        return stated
    if plan.is_free:
        return Decimal(0)
    return _prepaid(plan, limits) if plan.is_prepayment else None


# --- choosing ---------------------------------------------------------------------------------


def _choose(qualifying: list[int], plans: list[BillingPlan], rule: PlanRule, limits: _Limits) -> int:
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


def _price_rank(plan: BillingPlan, limits: _Limits, index: int) -> tuple[bool, Decimal, bool, Decimal, int]:
    price, initial = _effective_price(plan, limits), _initial_charge(plan, limits)
    zero = Decimal(0)
    return (price is None, price or zero, initial is None, initial or zero, index)


def _outranked(plan: BillingPlan, chosen: BillingPlan, rule: PlanRule, limits: _Limits) -> str:
    """Why a plan that qualified lost to ``chosen``."""
    if rule.rule == "free":
        return f"also free; {chosen.id!r} ranks first (subscription before prepayment, then listed order)"
    price = _effective_price(plan, limits)
    if price is None:
        return f"price not stated, ranked after {chosen.id!r}"
    return f"costs {_usd(price)}, not cheaper than {chosen.id!r} ({_usd(_effective_price(chosen, limits))})"


def _nothing_fits(rule: PlanRule, verdicts: list[tuple[BillingPlan, str | None]]) -> str:
    if not verdicts:
        return f"The product has no billing plans, so {rule.describe()} cannot be satisfied."
    lines = "".join(f"\n- {_label(plan)}: {reason}" for plan, reason in verdicts)
    return f"No billing plan satisfies {rule.describe()}:{lines}"


# --- formatting -------------------------------------------------------------------------------


def _label(plan: BillingPlan) -> str:
    price = plan.cost or (f"{plan.type} plan" if plan.type else "type not stated")
    return f"{plan.id} ({plan.name or 'unnamed'}, {price})"


def _usd(amount: Decimal | None) -> str:
    return "unknown" if amount is None else f"${amount:,.2f}"


def _range(low: Decimal | None, high: Decimal | None) -> str:
    if low is not None and high is not None:
        return f"{_usd(low)} to {_usd(high)}"
    return f"at least {_usd(low)}" if low is not None else f"at most {_usd(high)}"


def _finite(amount: Decimal | None) -> Decimal | None:
    # A NaN would make every comparison raise; read it as "not stated".
    return amount if amount is not None and amount.is_finite() else None
