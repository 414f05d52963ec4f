"""A billing-plan rule (docs/api-contract.md §3): how to pick a plan, and the guardrails around it.

A rule names how to pick (``id``, ``name``, ``free`` or ``cheapest``) and may add guardrails: cost
ceilings, a plan type, whether prepayment plans are allowed and the intended prepayment. This module
checks that the arguments make one coherent rule, naming the argument when they do not; ``plans.py``
applies a rule to the plans a product lists.

Choices where the contract is silent:

- Ceilings are guardrails for every rule, not only ``cheapest``: a plan picked by id that costs more
  than ``max_monthly_cost`` is refused rather than bought.
- ``max_monthly_cost`` bounds subscription (non-prepayment) plans; prepayment plans are bounded by
  ``max_prepayment_amount``. Pass ``allow_prepayment=False`` to exclude them altogether.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from decimal import Decimal, InvalidOperation
from typing import Any

from airflow_provider_vercel.api.constants import PLAN_TYPE_PREPAYMENT, PLAN_TYPE_SUBSCRIPTION
from airflow_provider_vercel.api.constants import PLAN_TYPES as PLAN_TYPES
from airflow_provider_vercel.api.constants import RULES as RULES
from airflow_provider_vercel.api.errors import VercelInputError

Amount = Decimal | int | float | str

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
        self.limits()

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

    def limits(self) -> RuleLimits:
        """The rule's numbers in USD, once the combination is checked (``VercelInputError`` otherwise)."""
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
        limits = RuleLimits(
            monthly=_ceiling(self.max_monthly_cost, "max_monthly_cost"),
            initial=_ceiling(self.max_initial_charge, "max_initial_charge"),
            prepayment=_ceiling(self.max_prepayment_amount, "max_prepayment_amount"),
            amount=_prepayment_usd(self.prepayment_amount_cents),
        )
        self._check_prepayment_combination(limits)
        return limits

    def _check_prepayment_combination(self, limits: RuleLimits) -> None:
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
                f"{usd(limits.amount)} is above max_prepayment_amount {usd(limits.prepayment)}",
            )


@dataclass(frozen=True)
class RuleLimits:
    """A validated rule's numbers, in USD.

    :param monthly: ceiling on a subscription plan's monthly cost.
    :param initial: ceiling on the charge made at creation.
    :param prepayment: ceiling on a prepayment plan's prepaid amount.
    :param amount: the intended prepayment.
    """

    monthly: Decimal | None
    initial: Decimal | None
    prepayment: Decimal | None
    amount: Decimal | None


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


def usd(amount: Decimal | None) -> str:
    """A USD amount for a message (``$1,234.50``), or ``unknown``.

    :param amount: the amount, or None when not stated.
    """
    return "unknown" if amount is None else f"${amount:,.2f}"


