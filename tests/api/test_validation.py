"""The shared checks of ``api/validation.py``: finite numbers, finite JSON, path segments, empty renderings."""

from __future__ import annotations

import math

import pytest

from airflow_provider_vercel.api import validation
from airflow_provider_vercel.api import validation as check
from airflow_provider_vercel.api.errors import (
    VercelInputError,
)
from airflow_provider_vercel.emulator import spec


@pytest.mark.parametrize("value", [math.nan, math.inf, -math.inf, "nan", "inf", "-Infinity", 10**400, True, None, "x"])
def test_finite_number_refuses_what_is_not_a_finite_number_naming_the_argument(value):
    with pytest.raises(VercelInputError) as caught:
        check.finite_number("wait_timeout", value, text=True)
    assert caught.value.argument == "wait_timeout"


def test_finite_number_bounds_and_text():
    assert check.finite_number("t", " 2.5 ", text=True) == 2.5
    assert check.finite_number("t", 0, minimum=0) == 0.0
    with pytest.raises(VercelInputError, match="> 0"):
        check.finite_number("t", 0, above=0)
    with pytest.raises(VercelInputError, match=">= 1"):
        check.finite_number("t", 0.5, minimum=1)
    with pytest.raises(VercelInputError):
        check.finite_number("t", "2.5")  # text only when asked for


def test_finite_json_names_the_position_of_a_bad_number_and_bounds_the_depth():
    assert check.finite_json("json", {"a": [1, 2.5, "x", None]}) == {"a": [1, 2.5, "x", None]}
    with pytest.raises(VercelInputError) as caught:
        check.finite_json("json", {"a": [{"b": math.nan}]})
    assert caught.value.argument == "json.a[0].b"
    deep: list = []
    for _ in range(200):
        deep = [deep]
    with pytest.raises(VercelInputError, match="nested"):
        check.finite_json("json", deep)


@pytest.mark.parametrize("value", ["", ".", "..", "...", "....."])
def test_path_segment_refuses_empty_and_dot_only_values(value):
    with pytest.raises(VercelInputError) as caught:
        check.path_segment("store_id", value)
    assert caught.value.argument == "store_id"


@pytest.mark.parametrize("value", ["store_1", "a.b", ".hidden", "v1.2", "..x"])
def test_path_segment_keeps_ids_that_contain_dots_among_other_characters(value):
    assert check.path_segment("store_id", value) == value


@pytest.mark.parametrize("value", ["None", "null", "NULL", "undefined", "", "   "])
def test_an_empty_upstream_rendering_is_refused_saying_so(value):
    with pytest.raises(VercelInputError) as caught:
        check.store_name(value)
    assert "upstream" in caught.value.reason
    with pytest.raises(VercelInputError) as caught:
        check.require_id("store_id", value)
    assert "upstream" in caught.value.reason


def test_client_prefix_rule_is_the_emulators():
    assert validation.ENV_VAR_PREFIX.pattern == spec.ENV_PREFIX_PATTERN
