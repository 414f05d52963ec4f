"""Check a store's intended ``metadata`` against a product's ``metadataSchema`` before any request.

The schema is converted to standard JSON Schema (``metadata_schema.py``) and checked with jsonschema;
what JSON Schema cannot say (the value types of §4, create-time flags) is checked here. Every problem
is collected, so one failed task shows every field to fix.

Choices where the contract is silent (the schema's own are in ``metadata_schema.py``):

- A field whose ``ui:read-only`` or ``ui:disabled`` is ``true`` or ``"create"`` may be set only to its
  default (a form would show it locked at that value). Expression or ``"update"`` flags never fail,
  and ``ui:hidden`` fields may be set (hidden is presentation, not a lock).
- ``ui:steps`` of a slider is not enforced (its meaning is undocumented); tuples count as lists.
"""

from __future__ import annotations

import copy
import difflib
from collections.abc import Iterable, Mapping
from typing import Any

from airflow_provider_vercel.api.errors import VercelInputError
from airflow_provider_vercel.api.metadata_schema import (
    CHOICE_CONTROLS,
    MetadataField,
    SchemaLike,
    blocks_create,
    describe_fields,
    is_finite,
    is_number,
    json_schema_of,
    jsonschema_module,
    known_names,
    options_of,
    parse_schema,
    to_json_schema,
)
from airflow_provider_vercel.api.models import MetadataSchema

# The schema readers are re-exported: operators, the CLI and tests import them from here.
__all__ = [
    "CHOICE_CONTROLS",
    "MetadataField",
    "SchemaLike",
    "apply_defaults",
    "describe_fields",
    "to_json_schema",
    "validate_metadata",
]
_LOCK_FLAGS = ("ui:read-only", "ui:disabled")
_MISSING = object()
_MAX_SHOWN = 60


def validate_metadata(
    schema: SchemaLike, metadata: Mapping[str, Any] | None, *, argument: str = "metadata"
) -> None:
    """Raise ``VercelInputError`` unless ``metadata`` satisfies the product's schema at create time.

    With one wrong field the error's ``argument`` is its path (``metadata.region``); with several it
    is ``argument`` itself and the reason lists one ``field: problem`` line per field.

    :param schema: the product's ``metadataSchema`` (model or raw wire mapping).
    :param metadata: the intended metadata; None means none.
    :param argument: the caller's argument name, used as the prefix of field paths in errors.
    """
    parsed = parse_schema(schema)
    values = _normalised(metadata, argument)
    wrong_types = {name: text for name, value in values.items() if (text := _value_type_problem(value))}
    known = set(known_names(parsed))
    problems: dict[str, list[str]] = {}
    for field, text in _schema_problems(parsed, values, skip=set(wrong_types)):
        _add(problems, field, text)
    for field, text in wrong_types.items():
        if field in known:  # an unknown field is reported as unknown, whatever its value
            _add(problems, field, text)
    for field, text in _lock_problems(parsed, values):
        _add(problems, field, text)
    _raise_problems(problems, _field_order(parsed, values), argument)


def apply_defaults(schema: SchemaLike, metadata: Mapping[str, Any] | None) -> dict[str, Any]:
    """Return a new dict: ``metadata`` plus the schema's defaults for absent keys (what the server stores).

    :param schema: the product's ``metadataSchema``.
    :param metadata: the intended metadata; None means none.
    """
    parsed = parse_schema(schema)
    result = dict(_normalised(metadata, "metadata"))
    for name, descriptor in parsed.properties.items():
        if name not in result and "default" in descriptor:
            # A copy, so a caller mutating the result cannot alter the product's schema.
            result[name] = copy.deepcopy(descriptor["default"])
    return result


# --- value checks -----------------------------------------------------------------------------


def _normalised(metadata: Mapping[str, Any] | None, argument: str) -> dict[str, Any]:
    if metadata is None:
        return {}
    if not isinstance(metadata, Mapping):
        raise VercelInputError(
            argument, f"must be a mapping of field name to value, got {type(metadata).__name__}"
        )
    bad_keys = [key for key in metadata if not isinstance(key, str)]
    if bad_keys:
        raise VercelInputError(argument, f"field names must be strings, got {bad_keys[0]!r}")
    return {key: list(value) if isinstance(value, tuple) else value for key, value in metadata.items()}


def _value_type_problem(value: Any) -> str | None:
    """Why ``value`` is not one of the types §4 allows in ``metadata``, or None."""
    if isinstance(value, (str, bool)):
        return None
    if is_number(value):
        return None if is_finite(value) else "must be a finite number (JSON has no NaN or infinity)"
    if isinstance(value, list):
        if all(isinstance(item, str) for item in value):
            return None
        if all(is_number(item) for item in value):
            finite = all(is_finite(item) for item in value)
            return None if finite else "list items must be finite numbers"
        return f"a list must hold only strings or only numbers, got {_shown(value)}"
    return f"must be a string, number, boolean, or a list of strings or of numbers, got {_kind(value)}"


def _lock_problems(parsed: MetadataSchema, values: Mapping[str, Any]) -> Iterable[tuple[str, str]]:
    for name, descriptor in parsed.properties.items():
        flag = next((f for f in _LOCK_FLAGS if blocks_create(descriptor.get(f))), None)
        if flag is None or name not in values:
            continue
        default = descriptor.get("default", _MISSING)
        if default is _MISSING:
            yield name, f"is locked at create time ({flag}) and has no default: leave it out"
        elif not _same_value(values[name], default):
            yield (
                name,
                f"is locked at create time ({flag}): leave it out or set it to its default {default!r}",
            )


def _same_value(left: Any, right: Any) -> bool:
    """JSON equality: ``True`` is not ``1``, ``1`` is ``1.0``."""
    if isinstance(left, list) and isinstance(right, list):
        return len(left) == len(right) and all(map(_same_value, left, right))
    if isinstance(left, bool) or isinstance(right, bool):
        return left is right
    return bool(left == right) and (is_number(left) == is_number(right))


# --- error translation ------------------------------------------------------------------------


def _schema_problems(
    parsed: MetadataSchema, values: Mapping[str, Any], skip: set[str]
) -> Iterable[tuple[str, str]]:
    """``(field, problem)`` pairs from jsonschema, leaving out the fields in ``skip``."""
    validator = jsonschema_module().Draft202012Validator(json_schema_of(parsed))
    errors = [
        e for e in validator.iter_errors(values) if not (e.absolute_path and e.absolute_path[0] in skip)
    ]
    # A value of the wrong type fails its other keywords too: the type is the one thing to report.
    mistyped = {tuple(e.absolute_path) for e in errors if e.validator == "type"}
    for error in errors:
        if error.validator == "type" or tuple(error.absolute_path) not in mistyped:
            yield from _translate(error, parsed)


def _translate(error: Any, parsed: MetadataSchema) -> list[tuple[str, str]]:
    """``(field, problem)`` pairs for one jsonschema error."""
    path = list(error.absolute_path)
    keyword = error.validator
    if not path and keyword == "required":
        return [(name, "is required") for name in error.validator_value if name not in error.instance]
    if not path and keyword == "additionalProperties":
        known = known_names(parsed)
        return [(name, _unknown_field(name, known)) for name in error.instance if name not in known]
    if not path:
        return [("", error.message)]
    field = str(path[0])
    text = _describe_error(str(keyword), error.validator_value, error.instance, parsed.properties.get(field))
    if len(path) > 1:
        text = f"item {path[1]} ({_shown(error.instance)}) {text}"
    return [(field, text)]


def _describe_error(keyword: str, expected: Any, value: Any, descriptor: Mapping[str, Any] | None) -> str:
    bounds = {
        "minimum": ">=",
        "maximum": "<=",
        "exclusiveMinimum": ">",
        "exclusiveMaximum": "<",
    }
    if keyword == "enum":
        return _enum_problem(expected, value, descriptor or {})
    if keyword == "type":
        names = [str(name) for name in (expected if isinstance(expected, list) else [expected])]
        wanted = " or ".join(_TYPE_WORDS.get(name, name) for name in names)
        return f"must be {wanted}, got {_kind(value)}"
    if keyword in bounds:
        return f"must be {bounds[keyword]} {_shown(expected)}, got {_shown(value)}"
    messages = {
        "minLength": f"must be at least {expected} characters long, got {_shown(value)}",
        "maxLength": f"must be at most {expected} characters long, got {_shown(value)}",
        "pattern": f"must match the pattern {expected!r}, got {_shown(value)}",
        "minItems": f"must have at least {expected} items, got {_count(value)}",
        "maxItems": f"must have at most {expected} items, got {_count(value)}",
        "uniqueItems": "must not repeat a value",
        "multipleOf": f"must be a multiple of {expected}, got {_shown(value)}",
        "const": f"must be {expected!r}, got {_shown(value)}",
    }
    return messages.get(keyword, f"fails {keyword}={expected!r}")


def _enum_problem(allowed: list[Any], value: Any, descriptor: Mapping[str, Any]) -> str:
    choices = ", ".join(str(choice) for choice in allowed) or "(none selectable at create time)"
    blocked_by = dict(options_of(descriptor) or []).get(value) if isinstance(value, str) else None
    if blocked_by:
        return f"{value!r} cannot be chosen at create time (option is {blocked_by}); allowed: {choices}"
    return f"must be one of: {choices}; got {_shown(value)}"


def _unknown_field(name: str, known: list[str]) -> str:
    text = f"is not a field of this product; known fields: {', '.join(known) or '(none)'}"
    close = difflib.get_close_matches(name, known, n=1)
    return f"{text} (did you mean {close[0]!r}?)" if close else text


_TYPE_WORDS = {
    "string": "a string",
    "number": "a number",
    "integer": "an integer",
    "boolean": "a boolean",
    "array": "a list",
    "object": "an object",
    "null": "null",
}


def _kind(value: Any) -> str:
    if value is None:
        return "None"
    if isinstance(value, bool):
        return f"boolean {value}"
    if is_number(value):
        return f"number {value!r}"
    if isinstance(value, str):
        return f"string {_shown(value)}"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, Mapping):
        return "a mapping"
    return type(value).__name__


def _shown(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= _MAX_SHOWN else text[: _MAX_SHOWN - 1] + "…"


def _count(value: Any) -> int | str:
    return len(value) if isinstance(value, list) else _shown(value)


def _add(problems: dict[str, list[str]], field: str, text: str) -> None:
    texts = problems.setdefault(field, [])
    if text not in texts:
        texts.append(text)


def _raise_problems(problems: dict[str, list[str]], order: list[str], argument: str) -> None:
    if not problems:
        return
    ranked = sorted(problems, key=lambda field: order.index(field) if field in order else len(order))
    if len(ranked) == 1:
        field = ranked[0]
        raise VercelInputError(_path(argument, field), "; ".join(problems[field]))
    lines = "".join(f"\n- {field or '(metadata)'}: {'; '.join(problems[field])}" for field in ranked)
    raise VercelInputError(argument, f"{len(ranked)} fields are invalid:{lines}")


def _path(argument: str, field: str) -> str:
    return f"{argument}.{field}" if field else argument


def _field_order(parsed: MetadataSchema, values: Mapping[str, Any]) -> list[str]:
    return list(dict.fromkeys(["", *known_names(parsed), *values]))


