"""Billing-plan rules (``plan_rules.py``): how a ``PlanRule`` is built and validated, before any plan is read."""

from __future__ import annotations

from typing import Any

import pytest

from airflow_provider_vercel.api.errors import VercelInputError
from airflow_provider_vercel.api.plan_rules import PlanRule


def input_error(**kwargs: Any) -> VercelInputError:
    with pytest.raises(VercelInputError) as caught:
        PlanRule(**kwargs).validate()
    return caught.value


@pytest.mark.parametrize("value", ["None", "null", "NULL", "", "  ", " None "])
def test_plan_id_that_a_template_rendered_from_nothing_is_rejected(value: str) -> None:
    error = input_error(rule="id", plan_id=value)
    assert error.argument == "plan_id"
    assert "renders 'None'" in error.reason


def test_id_rule_without_plan_id_is_rejected() -> None:
    assert input_error(rule="id").argument == "plan_id"


@pytest.mark.parametrize("value", ["None", "null", ""])
def test_plan_name_that_a_template_rendered_from_nothing_is_rejected(value: str) -> None:
    assert input_error(rule="name", plan_name=value).argument == "plan_name"


@pytest.mark.parametrize(
    ("kwargs", "argument"),
    [
        ({"rule": "priciest"}, "rule"),
        ({"rule": "cheapest", "plan_id": "pro"}, "plan_id"),
        ({"rule": "free", "plan_name": "Pro"}, "plan_name"),
        ({"rule": "id", "plan_id": 7}, "plan_id"),
        ({"rule": "cheapest", "max_monthly_cost": -1}, "max_monthly_cost"),
        ({"rule": "cheapest", "max_monthly_cost": "twenty"}, "max_monthly_cost"),
        ({"rule": "cheapest", "max_monthly_cost": "None"}, "max_monthly_cost"),
        ({"rule": "cheapest", "max_initial_charge": float("nan")}, "max_initial_charge"),
        ({"rule": "cheapest", "max_initial_charge": True}, "max_initial_charge"),
        ({"rule": "cheapest", "max_prepayment_amount": "Infinity"}, "max_prepayment_amount"),
        ({"rule": "cheapest", "prepayment_amount_cents": 49}, "prepayment_amount_cents"),
        ({"rule": "cheapest", "prepayment_amount_cents": 500.0}, "prepayment_amount_cents"),
        ({"rule": "cheapest", "prepayment_amount_cents": "500"}, "prepayment_amount_cents"),
        ({"rule": "cheapest", "prepayment_amount_cents": True}, "prepayment_amount_cents"),
        ({"rule": "cheapest", "allow_prepayment": "False"}, "allow_prepayment"),
        ({"rule": "cheapest", "plan_type": "monthly"}, "plan_type"),
        ({"rule": "cheapest", "plan_type": "prepayment", "allow_prepayment": False}, "plan_type"),
        (
            {"rule": "cheapest", "prepayment_amount_cents": 500, "allow_prepayment": False},
            "prepayment_amount_cents",
        ),
        (
            {"rule": "cheapest", "prepayment_amount_cents": 500, "plan_type": "subscription"},
            "prepayment_amount_cents",
        ),
        (
            {"rule": "cheapest", "prepayment_amount_cents": 2001, "max_prepayment_amount": "20"},
            "prepayment_amount_cents",
        ),
    ],
)
def test_validate_names_the_bad_argument(kwargs: dict[str, Any], argument: str) -> None:
    assert input_error(**kwargs).argument == argument


def test_minimum_prepayment_of_50_cents_is_accepted() -> None:
    PlanRule(rule="cheapest", prepayment_amount_cents=50).validate()


@pytest.mark.parametrize(
    ("kwargs", "rule"),
    [
        ({"plan_id": "pro"}, "id"),
        ({"plan_name": "Pro"}, "name"),
        ({"max_monthly_cost": 5}, "cheapest"),
        ({}, "free"),
        ({"plan_id": None, "plan_name": "Pro"}, "name"),
    ],
)
def test_from_kwargs_infers_the_rule(kwargs: dict[str, Any], rule: str) -> None:
    assert PlanRule.from_kwargs(**kwargs).rule == rule


def test_from_kwargs_rejects_an_unknown_argument() -> None:
    with pytest.raises(VercelInputError) as caught:
        PlanRule.from_kwargs(rule="free", max_monthly=5)
    assert caught.value.argument == "max_monthly"


def test_convenience_constructors_build_the_rule_they_name() -> None:
    assert PlanRule.by_id("launch") == PlanRule(rule="id", plan_id="launch")
    assert PlanRule.by_name("Launch") == PlanRule(rule="name", plan_name="Launch")
    assert PlanRule.free() == PlanRule(rule="free")
    assert PlanRule.cheapest(max_monthly_cost=20) == PlanRule(rule="cheapest", max_monthly_cost=20)


def test_convenience_constructors_validate() -> None:
    with pytest.raises(VercelInputError):
        PlanRule.by_id("null")


def test_describe_shows_only_the_arguments_in_use() -> None:
    rule = PlanRule.cheapest(max_monthly_cost="20", allow_prepayment=False)
    assert rule.describe() == "rule 'cheapest' (max_monthly_cost='20', allow_prepayment=False)"


def test_paid_only_contradicts_the_free_rule() -> None:
    assert input_error(rule="free", paid_only=True).argument == "paid_only"
