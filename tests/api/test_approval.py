"""When a chosen plan needs a human approval, and what the approver reads (api/approval.py)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from airflow_provider_vercel.api.approval import approval_body, approval_reasons, threshold
from airflow_provider_vercel.api.errors import VercelInputError


def plan(**overrides):
    base = {"id": "launch", "name": "Launch", "type": "subscription", "is_free": False, "cost": "$19.00/month",
            "monthly_cost": "19.00", "initial_charge": None, "requires_prepayment_amount": False}
    return {**base, **overrides}


def test_under_the_threshold_no_approval_is_needed():
    assert approval_reasons(plan(), Decimal("20")) == []
    assert approval_reasons(plan(), Decimal("19.00")) == []  # at the threshold is not above it
    assert approval_reasons(plan(is_free=True, monthly_cost="0", cost="Free"), Decimal("0")) == []


def test_above_the_threshold_it_says_by_how_much():
    assert approval_reasons(plan(), Decimal("10")) == ["it costs $19.00/month, above the $10.00 threshold"]


def test_an_up_front_charge_above_the_threshold_or_a_prepayment_needs_approval():
    assert approval_reasons(plan(initial_charge="19.00"), Decimal("20")) == []  # the first month, under it
    assert approval_reasons(plan(monthly_cost="5.00", initial_charge="50.00"), Decimal("20")) == [
        "it charges $50.00 up front, above the $20.00 threshold"
    ]
    prepay = plan(type="prepayment", monthly_cost=None, cost=None, requires_prepayment_amount=True)
    reasons = approval_reasons(prepay, Decimal("100"))
    assert "it is a prepayment plan (charged up front)" in reasons


def test_a_paid_plan_whose_price_cannot_be_read_needs_approval():
    reasons = approval_reasons(plan(monthly_cost=None, cost="$0.20 per 100K commands"), Decimal("100"))
    assert reasons == ["its monthly price cannot be read from the API's answer (cost '$0.20 per 100K commands')"]


@pytest.mark.parametrize("bad", ["-1", "abc", "NaN", None])
def test_a_bad_threshold_is_refused_naming_it(bad):
    with pytest.raises(VercelInputError, match="approval_threshold"):
        threshold(bad)


def test_the_body_shows_plan_price_reasons_and_the_selection():
    selection = {"rule": "rule 'cheapest' (paid_only=True)", "rejected": [{"id": "scale", "name": "Scale", "reason": "costs more"}]}
    body = approval_body(plan(initial_charge="5.00"), ["it charges $5.00 up front"], selection)
    assert "**Plan:** Launch (`launch`, subscription)" in body
    assert "**Price:** $19.00/month; initial charge 5.00" in body
    assert "**Needs approval because** it charges $5.00 up front." in body
    assert "**Chosen by** rule 'cheapest' (paid_only=True)." in body
    assert "- Scale (`scale`): costs more" in body
