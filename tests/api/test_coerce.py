"""Rendered template values read back as what an argument means (``coerce.py``).

What ``rendered_bool``, ``rendered_number`` and ``rendered_list`` accept, and the accepted texts of
``rendered_mapping``, are tested with the operators' argument errors in
``tests/operators/test_argument_errors.py`` and ``test_base_helpers_and_imports.py``; this file covers
the rest of each helper without repeating those cases.
"""

from __future__ import annotations

from typing import Any

import pytest

from airflow_provider_vercel.api.coerce import (
    decode_text,
    optional_text,
    rendered_bool,
    rendered_count,
    rendered_list,
    rendered_mapping,
    rendered_optional_text,
)
from airflow_provider_vercel.api.errors import VercelInputError


def refused(helper: Any, argument: str, value: Any) -> VercelInputError:
    with pytest.raises(VercelInputError) as info:
        helper(argument, value)
    assert info.value.argument == argument
    return info.value


# --- optional_text ----------------------------------------------------------------------------------


@pytest.mark.parametrize("value", [None, "", "   "])
def test_optional_text_reads_nothing_and_blank_text_as_none(value):
    assert optional_text(value) is None


@pytest.mark.parametrize("value", ["abc", " a ", 0, "None", ["x"]])
def test_optional_text_passes_anything_else_through_unchanged(value):
    assert optional_text(value) is value


# --- decode_text ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('{"a": [1, true, null]}', {"a": [1, True, None]}),
        ("{'a': (1, True, None)}", {"a": (1, True, None)}),
        ("[]", []),
    ],
)
def test_decode_text_reads_json_and_the_python_literals_a_template_renders(text, expected):
    assert decode_text("body", text, "unreadable") == expected


@pytest.mark.parametrize("text", ["{region: iad1}", "{'a': __import__('os')}", "[1, 2"])
def test_decode_text_refuses_other_text_with_the_given_reason(text):
    with pytest.raises(VercelInputError) as info:
        decode_text("body", text, "must be JSON text")
    assert info.value.argument == "body" and str(info.value) == "body: must be JSON text"


# --- rendered_mapping -------------------------------------------------------------------------------


@pytest.mark.parametrize("value", [None, "", " none ", "null"])
def test_rendered_mapping_reads_every_rendering_of_nothing_as_none(value):
    assert rendered_mapping("metadata", value) is None


def test_rendered_mapping_copies_a_mapping_into_a_new_dict():
    given = {"region": "iad1"}
    result = rendered_mapping("metadata", given)
    assert result == given and result is not given


@pytest.mark.parametrize(("value", "kind"), [("[1, 2]", "list"), (["a"], "list"), (3, "int"), ("'iad1'", "str")])
def test_rendered_mapping_refuses_what_is_not_a_mapping_saying_what_it_got(value, kind):
    assert f"got {kind}" in str(refused(rendered_mapping, "metadata", value))


def test_rendered_mapping_refuses_text_that_does_not_parse():
    assert "JSON text of an object" in str(refused(rendered_mapping, "metadata", "{region: iad1}"))


# --- rendered_bool: what the operator tests leave out -----------------------------------------------


@pytest.mark.parametrize("value", ["", " null ", "NONE"])
def test_optional_rendered_bool_reads_every_rendering_of_nothing_as_none(value):
    assert rendered_bool("flag", value, optional=True) is None


@pytest.mark.parametrize("value", ["yes", 1, "1"])
def test_optional_rendered_bool_still_refuses_a_value_that_is_not_a_boolean(value):
    with pytest.raises(VercelInputError) as info:
        rendered_bool("flag", value, optional=True)
    assert info.value.argument == "flag"


# --- rendered_count ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("value", "expected"), [(0, 0), (7, 7), ("12", 12), (" 3 ", 3)])
def test_rendered_count_reads_whole_numbers_and_their_text(value, expected):
    assert rendered_count("retries", value) == expected


@pytest.mark.parametrize("value", [-1, "-1", 1.0, "1.5", True, None, "", "three", "²"])
def test_rendered_count_refuses_anything_but_a_whole_number_from_zero(value):
    assert "whole number >= 0" in str(refused(rendered_count, "retries", value))


# --- rendered_list: what the operator tests leave out -----------------------------------------------


@pytest.mark.parametrize("value", ["[]", []])
def test_rendered_list_keeps_an_empty_list_empty(value):
    assert rendered_list("environments", value) == []


@pytest.mark.parametrize(("value", "kind"), [({"a": 1}, "dict"), (3, "int")])
def test_rendered_list_refuses_a_value_that_is_not_a_list(value, kind):
    assert f"got {kind}" in str(refused(rendered_list, "environments", value))


# --- rendered_optional_text -------------------------------------------------------------------------


@pytest.mark.parametrize("value", [None, "", "None", " null "])
def test_rendered_optional_text_reads_every_rendering_of_nothing_as_none(value):
    assert rendered_optional_text("git_branch", value) is None


def test_rendered_optional_text_strips_the_text_it_keeps():
    assert rendered_optional_text("git_branch", "  feature/x ") == "feature/x"


@pytest.mark.parametrize("value", [3, ["main"], "undefined"])
def test_rendered_optional_text_refuses_a_non_string_or_an_empty_upstream_value(value):
    refused(rendered_optional_text, "git_branch", value)
