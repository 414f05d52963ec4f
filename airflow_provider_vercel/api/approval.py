"""When a chosen billing plan needs a human approval, and what the approver is shown. Pure: no I/O.

A plan needs approval when it costs more per month than a threshold, when it charges more than the
threshold up front (``initialCharge``; a subscription's is usually its first month), when it is a
prepayment plan (credits bought up front), or when its monthly price cannot be read from the API's
answer for a plan that is not free (an unknown cost is never waved through).
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from airflow_provider_vercel.api.errors import VercelInputError
from airflow_provider_vercel.api.models import parse_money
from airflow_provider_vercel.api.plans import PlanRule, PlanSelection


def selection_reasons(rule: PlanRule, selection: PlanSelection) -> dict[str, Any]:
    """Why a plan was chosen, as JSON: the rule and every rejected plan with its reason.

    :param rule: the rule the plan was chosen by.
    :param selection: the outcome of ``select_plan``.
    """
    return {
        "rule": rule.describe(),
        "rejected": [{"id": r.plan_id, "name": r.plan_name, "reason": r.reason} for r in selection.rejected],
    }


def threshold(value: Any, argument: str = "approval_threshold") -> Decimal:
    """A non-negative USD amount per month from a number or text (``"20"``, ``"20.00"``).

    :param value: the threshold (possibly rendered from a template).
    :param argument: the argument's name, for the error.
    """
    try:
        amount = Decimal(str(value).strip().lstrip("$"))
    except (InvalidOperation, ValueError):
        raise VercelInputError(argument, f"must be a USD amount such as '20.00', got {value!r}") from None
    if not amount.is_finite() or amount < 0:
        raise VercelInputError(argument, f"must be a USD amount >= 0, got {value!r}")
    return amount


def approval_reasons(plan: Mapping[str, Any], monthly_threshold: Decimal) -> list[str]:
    """Why ``plan`` needs a human approval; empty when it may be created straight away.

    :param plan: the plan summary ``VercelSelectBillingPlanOperator`` pushes (XCom ``billing_plan``).
    :param monthly_threshold: the most a plan may cost per month without approval (USD).
    """
    reasons = []
    monthly = parse_money(plan.get("monthly_cost"))
    if monthly is None and not plan.get("is_free"):
        reasons.append(f"its monthly price cannot be read from the API's answer (cost {plan.get('cost')!r})")
    elif monthly is not None and monthly > monthly_threshold:
        reasons.append(f"it costs ${monthly:.2f}/month, above the ${monthly_threshold:.2f} threshold")
    initial = parse_money(plan.get("initial_charge"))
    if initial is not None and initial > monthly_threshold:
        reasons.append(f"it charges ${initial:.2f} up front, above the ${monthly_threshold:.2f} threshold")
    if plan.get("type") == "prepayment" or plan.get("requires_prepayment_amount"):
        reasons.append("it is a prepayment plan (charged up front)")
    return reasons


def approval_body(plan: Mapping[str, Any], reasons: list[str], selection: Mapping[str, Any] | None) -> str:
    """The Markdown an approver reads: the plan, its price, why it needs approval and why it was chosen.

    :param plan: the plan summary.
    :param reasons: ``approval_reasons`` of the plan.
    :param selection: ``selection_reasons`` of the choice (XCom ``plan_selection``), if known.
    """
    lines = [
        f"**Plan:** {plan.get('name') or plan.get('id')} (`{plan.get('id')}`, {plan.get('type') or 'type unknown'})",
        f"**Price:** {plan.get('cost') or 'not stated'}"
        + (f"; initial charge {plan['initial_charge']}" if plan.get("initial_charge") else ""),
        "",
        "**Needs approval because** " + "; ".join(reasons) + ".",
    ]
    if selection:
        lines += ["", f"**Chosen by** {selection.get('rule')}."]
        rejected = selection.get("rejected") or []
        if rejected:
            lines.append("**Not chosen:**")
            lines += [f"- {r.get('name') or r.get('id')} (`{r.get('id')}`): {r.get('reason')}" for r in rejected]
    return "\n".join(lines)
