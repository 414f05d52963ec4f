"""expect_one matching: the single id, or a failure listing the matches, or what exists when nothing matched."""

from __future__ import annotations

import pytest

from airflow_provider_vercel.operators.matching import criteria_text, describe_plan, only_one
from airflow_provider_vercel.tasks.base import VercelTaskError

PLAN = {"id": "launch", "name": "Launch", "cost": "$19/month", "type": "subscription", "disabled": False}


def test_one_match_is_its_id():
    assert only_one("billing plan", [PLAN], [PLAN], "rule", describe_plan) == "launch"


def test_several_matches_fail_listing_each():
    other = {**PLAN, "id": "scale", "name": "Scale"}
    with pytest.raises(VercelTaskError, match="2 billing plans match") as caught:
        only_one("billing plan", [PLAN, other], [PLAN, other], "rule", describe_plan)
    assert "- launch (Launch, $19/month)" in str(caught.value) and "- scale" in str(caught.value)


def test_no_match_fails_listing_what_is_visible():
    disabled = {**PLAN, "id": "old", "cost": None, "disabled": True}
    with pytest.raises(VercelTaskError, match="No billing plan matches x=1") as caught:
        only_one("billing plan", [], [disabled], "x=1", describe_plan)
    assert "- old (Launch, subscription plan, disabled)" in str(caught.value)


def test_criteria_name_only_the_filters_given():
    assert criteria_text(integration="neon", product=None) == "integration='neon'"
    assert criteria_text(product=None) == "no filter"
