"""Property tests of metadata validation: only input errors, and allowed values always pass."""

from __future__ import annotations

import math
import string
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from airflow_provider_vercel.api.errors import VercelInputError
from airflow_provider_vercel.api.metadata import describe_fields, validate_metadata

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
