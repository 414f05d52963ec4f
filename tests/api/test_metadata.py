"""Metadata validation against a product's metadataSchema (docs/api-contract.md §2 and §4)."""

from __future__ import annotations

import copy
import math
import string
import subprocess
import sys
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from airflow_provider_vercel.api.errors import VercelInputError
from airflow_provider_vercel.api.metadata import (
    apply_defaults,
    describe_fields,
    validate_metadata,
)
from airflow_provider_vercel.api.models import MetadataSchema, Product
from tests.api.metadata_examples import EXAMPLE, EXAMPLE_PRODUCT, one_field


def error_for(schema: Any, metadata: Any, **kwargs: Any) -> VercelInputError:
    with pytest.raises(VercelInputError) as caught:
        validate_metadata(schema, metadata, **kwargs)
    return caught.value


# --- the 12 property variants -----------------------------------------------------------------

OBJECT_OPTIONS = [{"value": "small", "label": "Small"}, {"value": "large", "label": "Large"}]
REGION_OPTIONS = ["iad1", {"value": "fra1"}, {"value": "sfo1", "label": "San Francisco"}]

VARIANTS = [
    pytest.param(
        {"type": "string", "ui:control": "input"}, "hello", 5, "must be a string", id="1-string-input"
    ),
    pytest.param(
        {"type": "number", "ui:control": "input"}, 2.5, "2.5", "must be a number", id="2-number-input"
    ),
    pytest.param(
        {"type": "boolean", "ui:control": "toggle"},
        False,
        "false",
        "must be a boolean",
        id="3-boolean-toggle",
    ),
    pytest.param(
        {
            "type": "array",
            "ui:control": "slider",
            "items": {"type": "number", "minimum": 0, "maximum": 10},
            "ui:steps": [0, 5, 10],
        },
        [0, 7.5],
        ["1", "2"],
        "must be a number",
        id="4-array-slider",
    ),
    pytest.param(
        {"type": "string", "ui:control": "select", "ui:options": OBJECT_OPTIONS},
        "large",
        "medium",
        "must be one of: small, large",
        id="5-select",
    ),
    pytest.param(
        {"type": "string", "ui:control": "radio-button", "ui:options": OBJECT_OPTIONS},
        "small",
        "tiny",
        "must be one of: small, large",
        id="6-radio-button",
    ),
    pytest.param(
        {
            "type": "array",
            "ui:control": "multi-select",
            "items": {"type": "string"},
            "ui:options": OBJECT_OPTIONS,
        },
        ["small", "large"],
        ["small", "huge"],
        "item 1 ('huge') must be one of: small, large",
        id="7-multi-select",
    ),
    pytest.param(
        {"type": "string", "ui:control": "vercel-region", "ui:options": REGION_OPTIONS},
        "fra1",
        "lhr1",
        "must be one of: iad1, fra1, sfo1",
        id="8-vercel-region",
    ),
    pytest.param(
        {
            "type": "array",
            "ui:control": "multi-vercel-region",
            "items": {"type": "string"},
            "ui:options": REGION_OPTIONS,
        },
        ["iad1", "sfo1"],
        ["iad1", "lhr1"],
        "item 1 ('lhr1') must be one of: iad1, fra1, sfo1",
        id="9-multi-vercel-region",
    ),
    pytest.param(
        {
            "type": "string",
            "ui:control": "vercel-country",
            "ui:options": ["US", {"value": "DE", "label": "Germany"}],
        },
        "DE",
        "FR",
        "must be one of: US, DE",
        id="10-vercel-country",
    ),
    pytest.param(
        {"type": "string", "ui:control": "domain", "pattern": "^[a-z0-9.-]+$"},
        "db.example.com",
        "Not A Domain",
        "must match the pattern '^[a-z0-9.-]+$'",
        id="11-domain",
    ),
    pytest.param(
        {"type": "string", "ui:control": "git-namespace", "git:providers": ["github", "gitlab"]},
        "acme",
        ["acme"],
        "must be a string",
        id="12-git-namespace",
    ),
]


@pytest.mark.parametrize(("descriptor", "good", "bad", "problem"), VARIANTS)
def test_each_variant_accepts_a_good_value(
    descriptor: dict[str, Any], good: Any, bad: Any, problem: str
) -> None:
    validate_metadata(one_field(descriptor), {"field": good})


@pytest.mark.parametrize(("descriptor", "good", "bad", "problem"), VARIANTS)
def test_each_variant_rejects_a_bad_value_naming_the_field(
    descriptor: dict[str, Any], good: Any, bad: Any, problem: str
) -> None:
    error = error_for(one_field(descriptor), {"field": bad})
    assert error.argument == "metadata.field"
    assert problem in error.reason


# --- the example product ----------------------------------------------------------------------


def test_example_product_accepts_empty_metadata_because_region_has_a_default() -> None:
    validate_metadata(EXAMPLE, {})


def test_example_product_accepts_a_full_valid_metadata() -> None:
    validate_metadata(EXAMPLE, {"region": "sfo1", "plan_tier": "small", "storage_gb": 10, "pooling": False})


def test_example_product_as_parsed_model_behaves_like_the_raw_mapping() -> None:
    schema = Product.model_validate(EXAMPLE_PRODUCT).metadata_schema
    validate_metadata(schema, {"region": "fra1"})
    assert error_for(schema, {"region": "lhr1"}).argument == "metadata.region"


def test_example_product_rejects_the_hidden_large_tier_and_lists_what_is_allowed() -> None:
    error = error_for(EXAMPLE, {"plan_tier": "large"})
    assert error.argument == "metadata.plan_tier"
    assert "'large' cannot be chosen at create time (option is hidden)" in error.reason
    assert "allowed: small" in error.reason


def test_example_product_region_error_lists_every_allowed_region() -> None:
    error = error_for(EXAMPLE, {"region": "lhr1"})
    assert error.reason == "must be one of: iad1, fra1, sfo1; got 'lhr1'"


def test_example_product_expression_read_only_flag_never_fails() -> None:
    # storage_gb is read-only under an expression we cannot evaluate: any in-range value passes.
    validate_metadata(EXAMPLE, {"storage_gb": 200})


# --- required and defaults --------------------------------------------------------------------


def test_missing_required_field_without_default_is_reported_at_its_path() -> None:
    schema = one_field({"type": "string", "ui:control": "input"}, required=True, name="database")
    error = error_for(schema, {})
    assert error.argument == "metadata.database"
    assert error.reason == "is required"


def test_none_metadata_still_has_to_provide_required_fields() -> None:
    schema = one_field({"type": "string", "ui:control": "input"}, required=True)
    assert error_for(schema, None).argument == "metadata.field"


def test_required_field_with_a_default_is_satisfied_by_the_default() -> None:
    schema = one_field({"type": "string", "ui:control": "input", "default": "x"}, required=True)
    validate_metadata(schema, None)


def test_required_name_missing_from_properties_is_known_and_required() -> None:
    schema = {"type": "object", "properties": {}, "required": ["token_scope"]}
    assert error_for(schema, {}).argument == "metadata.token_scope"
    validate_metadata(schema, {"token_scope": "read"})


# --- standard keywords ------------------------------------------------------------------------


def test_enum_on_a_plain_input_lists_allowed_values() -> None:
    schema = one_field({"type": "string", "ui:control": "input", "enum": ["pg15", "pg16"]})
    validate_metadata(schema, {"field": "pg16"})
    assert error_for(schema, {"field": "pg14"}).reason == "must be one of: pg15, pg16; got 'pg14'"


def test_enum_narrows_the_ui_options_of_a_select() -> None:
    schema = one_field(
        {"type": "string", "ui:control": "select", "ui:options": OBJECT_OPTIONS, "enum": ["small"]}
    )
    validate_metadata(schema, {"field": "small"})
    assert "must be one of: small;" in error_for(schema, {"field": "large"}).reason


def test_pattern_mismatch_is_rejected_and_names_the_pattern() -> None:
    schema = one_field({"type": "string", "ui:control": "input", "pattern": "^[a-z]+$"})
    validate_metadata(schema, {"field": "abc"})
    assert "must match the pattern '^[a-z]+$'" in error_for(schema, {"field": "ABC"}).reason


@pytest.mark.parametrize(
    ("keyword", "limit", "passes", "fails", "text"),
    [
        ("minLength", 3, "abc", "ab", "at least 3 characters"),
        ("maxLength", 3, "abc", "abcd", "at most 3 characters"),
    ],
)
def test_string_length_bounds(keyword: str, limit: int, passes: str, fails: str, text: str) -> None:
    schema = one_field({"type": "string", "ui:control": "input", keyword: limit})
    validate_metadata(schema, {"field": passes})
    assert text in error_for(schema, {"field": fails}).reason


@pytest.mark.parametrize(
    ("keyword", "passes", "fails", "text"),
    [
        ("minimum", 1, 0.99, "must be >= 1"),
        ("maximum", 1, 1.01, "must be <= 1"),
        ("exclusiveMinimum", 1.01, 1, "must be > 1"),
        ("exclusiveMaximum", 0.99, 1, "must be < 1"),
    ],
)
def test_number_bounds_inclusive_and_exclusive(keyword: str, passes: float, fails: float, text: str) -> None:
    schema = one_field({"type": "number", "ui:control": "input", keyword: 1})
    validate_metadata(schema, {"field": passes})
    assert text in error_for(schema, {"field": fails}).reason


def test_slider_items_are_bounded_and_the_error_names_the_item() -> None:
    schema = one_field(
        {
            "type": "array",
            "ui:control": "slider",
            "items": {"type": "number", "exclusiveMaximum": 10},
            "ui:steps": [1],
        }
    )
    validate_metadata(schema, {"field": [1, 9.5]})
    assert error_for(schema, {"field": [1, 10]}).reason == "item 1 (10) must be < 10, got 10"


@pytest.mark.parametrize(
    ("value", "text"),
    [(["a"], "at least 2 items, got 1"), (["a", "b", "c", "d"], "at most 3 items, got 4")],
)
def test_min_and_max_items(value: list[str], text: str) -> None:
    schema = one_field(
        {
            "type": "array",
            "ui:control": "multi-select",
            "items": {"type": "string"},
            "minItems": 2,
            "maxItems": 3,
            "ui:options": ["a", "b", "c", "d"],
        }
    )
    validate_metadata(schema, {"field": ["a", "b"]})
    assert text in error_for(schema, {"field": value}).reason


def test_multi_select_items_honour_length_and_pattern() -> None:
    schema = one_field(
        {
            "type": "array",
            "ui:control": "multi-select",
            "items": {"type": "string", "maxLength": 2, "pattern": "^x"},
            "ui:options": ["xa", "ya", "xyz"],
        }
    )
    validate_metadata(schema, {"field": ["xa"]})
    assert "item 0 ('ya') must match the pattern '^x'" in error_for(schema, {"field": ["ya"]}).reason
    assert "item 0 ('xyz') must be at most 2 characters long" in error_for(schema, {"field": ["xyz"]}).reason


def test_malformed_constraint_in_the_product_schema_is_skipped_not_fatal() -> None:
    # An ECMA-only regex Python cannot compile: the server checks it; we must not block creation.
    schema = one_field({"type": "string", "ui:control": "input", "pattern": "^(?<name>a)$", "maxLength": 3})
    validate_metadata(schema, {"field": "zz"})
    assert "at most 3 characters" in error_for(schema, {"field": "zzzz"}).reason


# --- create-time flags on options -------------------------------------------------------------


@pytest.mark.parametrize(
    ("flags", "blocked_by"),
    [
        ({"disabled": True}, "disabled"),
        ({"disabled": "create"}, "disabled"),
        ({"hidden": True}, "hidden"),
        ({"hidden": "create"}, "hidden"),
    ],
)
def test_disabled_or_hidden_option_cannot_be_chosen_at_create_time(
    flags: dict[str, Any], blocked_by: str
) -> None:
    schema = one_field(
        {
            "type": "string",
            "ui:control": "select",
            "ui:options": [{"value": "a", "label": "A"}, {"value": "b", "label": "B", **flags}],
        }
    )
    error = error_for(schema, {"field": "b"})
    assert error.reason == f"'b' cannot be chosen at create time (option is {blocked_by}); allowed: a"


def test_blocked_option_inside_a_multi_select_is_rejected() -> None:
    schema = one_field(
        {
            "type": "array",
            "ui:control": "multi-vercel-region",
            "items": {"type": "string"},
            "ui:options": ["iad1", {"value": "fra1", "disabled": True}],
        }
    )
    assert "'fra1' cannot be chosen at create time" in error_for(schema, {"field": ["iad1", "fra1"]}).reason


@pytest.mark.parametrize(
    "flags",
    [
        {"disabled": "update"},
        {"hidden": "update"},
        {"disabled": {"expr": "team.plan == 'hobby'"}},
        {"hidden": {"expr": "true"}},
        {"disabled": False},
    ],
)
def test_update_phase_and_expression_option_flags_never_fail(flags: dict[str, Any]) -> None:
    schema = one_field(
        {
            "type": "string",
            "ui:control": "radio-button",
            "ui:options": [{"value": "b", "label": "B", **flags}],
        }
    )
    validate_metadata(schema, {"field": "b"})


# --- create-time flags on fields --------------------------------------------------------------


@pytest.mark.parametrize("flag", ["ui:read-only", "ui:disabled"])
@pytest.mark.parametrize("phase", [True, "create"])
def test_locked_field_may_only_be_set_to_its_default(flag: str, phase: Any) -> None:
    schema = one_field({"type": "number", "ui:control": "input", "default": 1, flag: phase})
    validate_metadata(schema, {})
    validate_metadata(schema, {"field": 1.0})
    error = error_for(schema, {"field": 2})
    assert error.argument == "metadata.field"
    assert f"is locked at create time ({flag})" in error.reason


def test_locked_field_without_default_must_be_left_out() -> None:
    schema = one_field({"type": "string", "ui:control": "input", "ui:read-only": True})
    validate_metadata(schema, {})
    assert "has no default: leave it out" in error_for(schema, {"field": "x"}).reason


def test_locked_field_compares_with_its_default_as_json_values() -> None:
    # An untyped field, so only the lock can refuse: True must not pass for a default of 1.
    schema = one_field({"ui:control": "input", "default": 1, "ui:read-only": True})
    validate_metadata(schema, {"field": 1})
    assert "is locked at create time" in error_for(schema, {"field": True}).reason
    slider = one_field(
        {
            "type": "array",
            "ui:control": "slider",
            "items": {"type": "number"},
            "default": [1, 2],
            "ui:disabled": True,
        }
    )
    validate_metadata(slider, {"field": [1.0, 2]})
    assert error_for(slider, {"field": [1]}).argument == "metadata.field"


@pytest.mark.parametrize(
    "flags",
    [
        {"ui:read-only": "update"},
        {"ui:disabled": "update"},
        {"ui:read-only": {"expr": "x"}},
        {"ui:disabled": {"expr": "y"}},
        {"ui:read-only": False},
        {"ui:hidden": True},
    ],
)
def test_update_phase_expression_and_hidden_field_flags_never_fail(flags: dict[str, Any]) -> None:
    schema = one_field({"type": "string", "ui:control": "input", "default": "a", **flags})
    validate_metadata(schema, {"field": "something else"})


# --- ui:options forms -------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["iad1", "fra1", "sfo1"])
def test_plain_string_and_object_options_are_both_selectable(value: str) -> None:
    validate_metadata(
        one_field({"type": "string", "ui:control": "vercel-region", "ui:options": REGION_OPTIONS}),
        {"field": value},
    )


def test_option_label_is_not_a_selectable_value() -> None:
    schema = one_field({"type": "string", "ui:control": "vercel-region", "ui:options": REGION_OPTIONS})
    assert error_for(schema, {"field": "San Francisco"}).argument == "metadata.field"


# --- unknown keys -----------------------------------------------------------------------------


def test_unknown_key_is_rejected_listing_known_fields_and_the_likely_typo() -> None:
    error = error_for(EXAMPLE, {"regoin": "iad1"})
    assert error.argument == "metadata.regoin"
    assert "known fields: region, plan_tier, storage_gb, pooling" in error.reason
    assert "did you mean 'region'?" in error.reason


def test_unknown_key_is_reported_as_unknown_even_with_a_bad_value() -> None:
    error = error_for(EXAMPLE, {"extra": None})
    assert error.reason.startswith("is not a field of this product")


# --- several problems -------------------------------------------------------------------------


def test_several_wrong_fields_are_reported_together_in_field_order() -> None:
    error = error_for(EXAMPLE, {"pooling": "yes", "storage_gb": 0, "region": "mars1", "regoin": "iad1"})
    assert error.argument == "metadata"
    lines = error.reason.splitlines()
    assert lines[0] == "4 fields are invalid:"
    assert [line.split(":")[0] for line in lines[1:]] == ["- region", "- storage_gb", "- pooling", "- regoin"]
    assert "- storage_gb: must be >= 1, got 0" in lines


def test_one_field_with_two_problems_is_named_by_its_path() -> None:
    schema = one_field({"type": "string", "ui:control": "input", "minLength": 5, "pattern": "^[a-z]+$"})
    error = error_for(schema, {"field": "AB"})
    assert error.argument == "metadata.field"
    assert "at least 5 characters" in error.reason and "must match the pattern" in error.reason


def test_wrong_type_is_reported_alone_not_with_every_other_keyword() -> None:
    error = error_for(EXAMPLE, {"region": ["iad1"]})
    assert error.reason == "must be a string, got a list"


def test_custom_argument_name_prefixes_field_paths() -> None:
    assert error_for(EXAMPLE, {"region": "x"}, argument="store_metadata").argument == "store_metadata.region"


# --- value types of §4 ------------------------------------------------------------------------


@pytest.mark.parametrize("value", [True, False])
def test_bool_is_not_accepted_where_a_number_is_required(value: bool) -> None:
    assert "must be a number, got boolean" in error_for(EXAMPLE, {"storage_gb": value}).reason


def test_number_is_not_accepted_where_a_boolean_is_required() -> None:
    assert "must be a boolean, got number 1" in error_for(EXAMPLE, {"pooling": 1}).reason


def test_bool_is_not_accepted_inside_a_list_of_numbers() -> None:
    schema = one_field(
        {"type": "array", "ui:control": "slider", "items": {"type": "number"}, "ui:steps": [1]}
    )
    assert "only strings or only numbers" in error_for(schema, {"field": [1, True]}).reason


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (None, "got None"),
        ({"nested": 1}, "got a mapping"),
        (["a", 1], "only strings or only numbers"),
        ([True, False], "only strings or only numbers"),
        ([["a"]], "only strings or only numbers"),
        (float("nan"), "finite number"),
        (float("inf"), "finite number"),
        ([1.0, float("-inf")], "finite numbers"),
        (Decimal("1.5"), "got Decimal"),
        (b"bytes", "got bytes"),
    ],
)
def test_values_outside_the_types_of_section_4_are_rejected(value: Any, text: str) -> None:
    error = error_for(one_field({"ui:control": "input"}), {"field": value})
    assert error.argument == "metadata.field"
    assert text in error.reason


@pytest.mark.parametrize("value", ["s", 1, 1.5, 10**400, True, ["a", "b"], [1, 2.5], []])
def test_values_of_the_types_of_section_4_are_accepted_by_an_unconstrained_field(value: Any) -> None:
    validate_metadata(one_field({"ui:control": "input"}), {"field": value})


def test_tuple_is_accepted_as_a_list() -> None:
    schema = one_field(
        {
            "type": "array",
            "ui:control": "multi-vercel-region",
            "items": {"type": "string"},
            "ui:options": ["iad1", "fra1"],
        }
    )
    validate_metadata(schema, {"field": ("iad1", "fra1")})


@pytest.mark.parametrize("metadata", [["region", "iad1"], "region=iad1", 3])
def test_metadata_that_is_not_a_mapping_is_rejected(metadata: Any) -> None:
    error = error_for(EXAMPLE, metadata)
    assert error.argument == "metadata"
    assert "must be a mapping" in error.reason


def test_non_string_keys_are_rejected() -> None:
    assert "field names must be strings" in error_for(EXAMPLE, {1: "x"}).reason


@pytest.mark.parametrize("schema", [{"properties": ["region"]}, {"properties": {"a": "string"}}, "schema"])
def test_schema_that_is_not_a_metadata_schema_is_an_input_error(schema: Any) -> None:
    assert error_for(schema, {}).argument == "schema"


# --- conversion, defaults, listing ------------------------------------------------------------


def test_jsonschema_is_not_imported_with_the_module() -> None:
    code = "import sys, airflow_provider_vercel.api.metadata as m; print('jsonschema' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"


def test_apply_defaults_fills_absent_keys_only() -> None:
    assert apply_defaults(EXAMPLE, {"region": "fra1", "storage_gb": 3}) == {
        "region": "fra1",
        "storage_gb": 3,
        "pooling": True,
    }


def test_apply_defaults_with_no_metadata_returns_the_defaults() -> None:
    assert apply_defaults(MetadataSchema.model_validate(EXAMPLE), None) == {"region": "iad1", "pooling": True}


def test_apply_defaults_returns_a_new_dict_and_copies_defaults() -> None:
    schema = one_field(
        {
            "type": "array",
            "ui:control": "multi-select",
            "items": {"type": "string"},
            "default": ["a"],
            "ui:options": ["a", "b"],
        }
    )
    before = copy.deepcopy(schema)
    given: dict[str, Any] = {}
    result = apply_defaults(schema, given)
    result["field"].append("b")
    assert given == {}
    assert schema == before


# --- properties (hypothesis): only input errors, and allowed values always pass ---------------------

# No deadline and no slow-data check: CI machines are shared and timings vary; a failure must mean a bug.
FAST = settings(max_examples=200, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])

STRING_CONTROLS = ["input", "domain", "git-namespace"]
STRING_CHOICE_CONTROLS = ["select", "radio-button", "vercel-region", "vercel-country"]
ARRAY_CHOICE_CONTROLS = ["multi-select", "multi-vercel-region"]
# Flags that never block at create time, and those that do.
HARMLESS_FLAGS = st.sampled_from([False, "update", {"expr": "team.plan == 'pro'"}])
BLOCKING_FLAGS = st.sampled_from([True, "create"])
LOWER = string.ascii_lowercase + string.digits

finite = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False, allow_infinity=False)


@st.composite
def option_entries(draw: st.DrawFn, control: str) -> tuple[list[Any], list[str]]:
    """``ui:options`` entries in every form the contract allows, and the values selectable at create time."""
    values = draw(st.lists(st.text(LOWER, min_size=1, max_size=6), min_size=1, max_size=6, unique=True))
    entries: list[Any] = []
    selectable: list[str] = []
    for value in values:
        plain_allowed = control in ("vercel-region", "multi-vercel-region", "vercel-country")
        form = draw(st.sampled_from(["plain", "object", "unlabelled"] if plain_allowed else ["object"]))
        flag_name = draw(st.sampled_from(["disabled", "hidden"]))
        blocked = draw(st.booleans())
        if form == "plain":
            entries.append(value)
            selectable.append(value)
            continue
        entry: dict[str, Any] = {"value": value}
        if form == "object":
            entry["label"] = value.upper()
        entry[flag_name] = draw(BLOCKING_FLAGS if blocked else HARMLESS_FLAGS)
        entries.append(entry)
        if not blocked:
            selectable.append(value)
    return entries, selectable


@st.composite
def field_and_value(draw: st.DrawFn) -> tuple[dict[str, Any], Any]:
    """One property descriptor of any of the 12 variants, with a value it must accept (or a sentinel)."""
    variant = draw(
        st.sampled_from(["string", "number", "boolean", "slider", "string-choice", "array-choice"])
    )
    if variant == "string":
        shortest = draw(st.integers(0, 4))
        longest = draw(st.integers(shortest, 10))
        descriptor: dict[str, Any] = {
            "type": "string",
            "ui:control": draw(st.sampled_from(STRING_CONTROLS)),
            "minLength": shortest,
            "maxLength": longest,
            "pattern": "^[a-z0-9]*$",
        }
        if descriptor["ui:control"] == "git-namespace":
            descriptor["git:providers"] = ["github"]
        value: Any = draw(st.text(LOWER, min_size=shortest, max_size=longest))
    elif variant == "number":
        low, high = sorted((draw(finite), draw(finite)))
        descriptor = {"type": "number", "ui:control": "input", "minimum": low, "maximum": high}
        whole = (
            st.integers(math.ceil(low), math.floor(high))
            if math.ceil(low) <= math.floor(high)
            else st.just(low)
        )
        value = draw(st.one_of(st.floats(low, high), whole))
    elif variant == "boolean":
        descriptor = {"type": "boolean", "ui:control": "toggle", "default": draw(st.booleans())}
        value = draw(st.booleans())
    elif variant == "slider":
        low, high = sorted((draw(finite), draw(finite)))
        descriptor = {
            "type": "array",
            "ui:control": "slider",
            "ui:steps": [low, high],
            "items": {"type": "number", "minimum": low, "maximum": high},
            "minItems": 1,
            "maxItems": 2,
        }
        value = draw(st.lists(st.floats(low, high), min_size=1, max_size=2))
    elif variant == "string-choice":
        control = draw(st.sampled_from(STRING_CHOICE_CONTROLS))
        entries, selectable = draw(option_entries(control))
        descriptor = {"type": "string", "ui:control": control, "ui:options": entries}
        value = draw(st.sampled_from(selectable)) if selectable else None
    else:
        control = draw(st.sampled_from(ARRAY_CHOICE_CONTROLS))
        entries, selectable = draw(option_entries(control))
        descriptor = {
            "type": "array",
            "ui:control": control,
            "items": {"type": "string"},
            "ui:options": entries,
            "minItems": 0,
            "maxItems": len(entries),
        }
        value = draw(st.lists(st.sampled_from(selectable), unique=True)) if selectable else []
    for flag in ("ui:read-only", "ui:disabled", "ui:hidden"):
        if draw(st.booleans()):
            descriptor[flag] = draw(HARMLESS_FLAGS)
    if draw(st.booleans()) and value is not None:
        # A locked field: the only value it may take is its default.
        descriptor["default"] = value
        descriptor["ui:read-only"] = draw(BLOCKING_FLAGS)
    return descriptor, value


@st.composite
def schema_and_metadata(draw: st.DrawFn) -> tuple[dict[str, Any], dict[str, Any]]:
    """A schema and metadata that satisfies it: every required field without default is given."""
    names = draw(
        st.lists(st.text(string.ascii_lowercase + "_", min_size=1, max_size=8), max_size=5, unique=True)
    )
    properties: dict[str, Any] = {}
    metadata: dict[str, Any] = {}
    required: list[str] = []
    for name in names:
        descriptor, value = draw(field_and_value())
        properties[name] = descriptor
        can_give = value is not None
        give = can_give and draw(st.booleans())
        if give:
            metadata[name] = value
        if draw(st.booleans()) and (give or "default" in descriptor):
            required.append(name)
    order = draw(st.permutations(names)) if draw(st.booleans()) else []
    return {
        "type": "object",
        "properties": properties,
        "required": required,
        "ui:order": list(order),
    }, metadata


json_like = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats()
    | st.text(max_size=5)
    | st.decimals()
    | st.binary(max_size=3),
    lambda children: (
        st.lists(children, max_size=3)
        | st.tuples(children)
        | st.dictionaries(st.text(max_size=3), children, max_size=3)
    ),
    max_leaves=6,
)


def choice_fields(schema: dict[str, Any]) -> list[Any]:
    """Choice fields a caller may set to any listed option (a defaulted field here is locked to it)."""
    return [
        field
        for field in describe_fields(schema)
        if field.control in STRING_CHOICE_CONTROLS + ARRAY_CHOICE_CONTROLS
        and "default" not in schema["properties"][field.name]
    ]


def as_value(field: Any, option: str) -> Any:
    return [option] if field.control in ARRAY_CHOICE_CONTROLS else option


@FAST
@given(schema_and_metadata(), st.data())
def test_values_drawn_from_the_schemas_allowed_set_always_pass(
    case: tuple[dict[str, Any], Any], data: st.DataObject
) -> None:
    schema, metadata = case
    validate_metadata(schema, metadata)
    # The options describe_fields lists (what a CLI shows a person) are accepted too.
    chosen = dict(metadata)
    for field in choice_fields(schema):
        if field.options:
            chosen[field.name] = as_value(field, data.draw(st.sampled_from(field.options)))
    validate_metadata(schema, chosen)


@FAST
@given(schema_and_metadata(), st.text(string.ascii_letters + "-", min_size=1, max_size=8), st.data())
def test_values_outside_the_allowed_set_are_rejected_at_their_path(
    case: tuple[dict[str, Any], Any], key: str, data: st.DataObject
) -> None:
    schema, metadata = case
    if key not in schema["properties"]:
        with pytest.raises(VercelInputError) as unknown:
            validate_metadata(schema, {**metadata, key: "x"})
        assert unknown.value.argument == f"metadata.{key}"
        assert unknown.value.reason.startswith("is not a field of this product")
    fields = choice_fields(schema)
    if fields:
        field = data.draw(st.sampled_from(fields))
        entries = schema["properties"][field.name]["ui:options"]
        listed = [entry if isinstance(entry, str) else entry["value"] for entry in entries]
        bad = data.draw(st.sampled_from([v for v in [*listed, "not-an-option-!"] if v not in field.options]))
        with pytest.raises(VercelInputError) as outside:
            validate_metadata(schema, {**metadata, field.name: as_value(field, bad)})
        assert outside.value.argument == f"metadata.{field.name}"


@FAST
@given(schema_and_metadata(), st.dictionaries(st.text(max_size=8), json_like, max_size=4))
def test_any_metadata_raises_nothing_but_an_input_error(
    case: tuple[dict[str, Any], Any], junk: dict[str, Any]
) -> None:
    schema, metadata = case
    for candidate in (junk, {**metadata, **junk}):
        try:
            validate_metadata(schema, candidate)
        except VercelInputError as error:
            assert error.argument == "metadata" or error.argument.startswith("metadata.")
            assert error.reason


KEYWORDS = [
    "type",
    "ui:control",
    "enum",
    "minLength",
    "maxLength",
    "pattern",
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "minItems",
    "maxItems",
    "items",
    "default",
    "ui:options",
    "ui:read-only",
    "ui:disabled",
    "ui:hidden",
    "ui:steps",
    "description",
    "ui:description",
    "ui:label",
]
descriptor_values = st.one_of(
    json_like,
    st.sampled_from(
        [
            "string",
            "number",
            "array",
            "boolean",
            "select",
            "slider",
            "multi-select",
            "create",
            "(?<x>",
            Decimal("NaN"),
            Decimal("sNaN"),
            float("nan"),
            float("inf"),
            10**400,
            1e-320,
        ]
    ),
    st.lists(
        st.one_of(
            st.text(max_size=3),
            st.fixed_dictionaries({"value": st.text(max_size=3)}, optional={"hidden": json_like}),
        ),
        max_size=3,
    ),
)


@FAST
@given(st.dictionaries(st.sampled_from(KEYWORDS), descriptor_values, max_size=6), json_like)
def test_malformed_schema_raises_nothing_but_an_input_error(raw: dict[str, Any], metadata: Any) -> None:
    for schema in ({"type": "object", "properties": {"f": raw}, "required": ["f"]}, raw):
        try:
            validate_metadata(schema, metadata if isinstance(metadata, dict) else {"f": metadata})
            describe_fields(schema)
        except VercelInputError:
            pass


@pytest.mark.parametrize("control", STRING_CHOICE_CONTROLS)
def test_option_strategy_covers_blocked_and_selectable_options(control: str) -> None:
    # Guard against a vacuous property: the strategy must produce both kinds of option.
    @settings(FAST, max_examples=50)
    @given(option_entries(control))
    def draw_some(entries: tuple[list[Any], list[str]]) -> None:
        seen.add(len(entries[1]) < len(entries[0]))

    seen: set[bool] = set()
    draw_some()
    assert seen == {True, False}
