"""Check a store's intended ``metadata`` against a product's ``metadataSchema`` before any request.

The Vercel schema (docs/api-contract.md §2) is JSON-Schema-like with UI extensions. It is converted into a
standard Draft 2020-12 schema (``ui:*`` keys dropped, the selectable ``ui:options`` turned into
``enum``) and checked with jsonschema; what JSON Schema cannot say (the value types of §4, create-time
flags) is checked here. Every problem is collected, so one failed task shows every field to fix.

Choices where the contract is silent:

- A ``required`` field that has a ``default`` is satisfied by it: Vercel's UIs pre-fill defaults.
- An option whose ``disabled`` or ``hidden`` is ``true`` or ``"create"`` cannot be chosen. ``"update"``
  and ``{"expr": ...}`` never fail: the phase is not ours and expressions cannot be evaluated here.
- A field whose ``ui:read-only`` or ``ui:disabled`` is ``true`` or ``"create"`` may be set only to its
  default (a form would show it locked at that value). Expression or ``"update"`` flags never fail,
  and ``ui:hidden`` fields may be set (hidden is presentation, not a lock).
- Names listed in ``required`` but absent from ``properties`` are known fields with no constraint.
- A constraint that is malformed in the product's schema (say a regex Python cannot compile) is
  skipped: the server validates too, and a vendor quirk must not block every creation.
- ``ui:steps`` of a slider is not enforced (its meaning is undocumented); tuples count as lists.
"""

from __future__ import annotations

import copy
import difflib
import functools
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, TypeGuard

from pydantic import ValidationError

from airflow_provider_vercel.api.errors import VercelInputError
from airflow_provider_vercel.api.models import MetadataSchema

SchemaLike = MetadataSchema | Mapping[str, Any]

# Controls whose value must come from ``ui:options``.
CHOICE_CONTROLS = frozenset(
    {"select", "radio-button", "multi-select", "vercel-region", "multi-vercel-region", "vercel-country"}
)
# ``type`` implied by a control, for descriptors that leave it out.
_CONTROL_TYPES = {
    "toggle": "boolean",
    "slider": "array",
    "multi-select": "array",
    "multi-vercel-region": "array",
    "select": "string",
    "radio-button": "string",
    "vercel-region": "string",
    "vercel-country": "string",
    "domain": "string",
    "git-namespace": "string",
}
_ITEM_TYPES = {"slider": "number", "multi-select": "string", "multi-vercel-region": "string"}
# Only these keywords reach jsonschema: anything else in a descriptor is UI or vendor vocabulary.
_STANDARD_KEYWORDS = frozenset(
    {
        "type",
        "enum",
        "const",
        "minLength",
        "maxLength",
        "pattern",
        "minimum",
        "maximum",
        "exclusiveMinimum",
        "exclusiveMaximum",
        "multipleOf",
        "minItems",
        "maxItems",
        "uniqueItems",
        "items",
    }
)
_LOCK_FLAGS = ("ui:read-only", "ui:disabled")
_OPTION_FLAGS = ("disabled", "hidden")
_MISSING = object()
_MAX_SHOWN = 60


@dataclass(frozen=True)
class MetadataField:
    """One field of a product's metadata, as a person filling it in needs to see it.

    :param name: the key to use in ``metadata``.
    :param label: the UI label (``ui:label``), if any.
    :param type: the JSON type (``string``, ``number``, ``boolean``, ``array``).
    :param control: the UI control (``input``, ``select``, ``vercel-region``...).
    :param required: whether the schema lists it in ``required``.
    :param default: the schema's default, or None.
    :param options: values selectable at create time (empty when the field is free-form).
    :param minimum: lower bound of a number or of slider items, if any.
    :param maximum: upper bound of a number or of slider items, if any.
    :param description: ``description`` (or a plain-string ``ui:description``), if any.
    """

    name: str
    label: str | None
    type: str | None
    control: str | None
    required: bool
    default: Any
    options: tuple[Any, ...]
    minimum: float | None
    maximum: float | None
    description: str | None


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
    parsed = _parse_schema(schema)
    values = _normalised(metadata, argument)
    wrong_types = {name: text for name, value in values.items() if (text := _value_type_problem(value))}
    known = set(_known_names(parsed))
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
    parsed = _parse_schema(schema)
    result = dict(_normalised(metadata, "metadata"))
    for name, descriptor in parsed.properties.items():
        if name not in result and "default" in descriptor:
            # A copy, so a caller mutating the result cannot alter the product's schema.
            result[name] = copy.deepcopy(descriptor["default"])
    return result


def describe_fields(schema: SchemaLike) -> list[MetadataField]:
    """List the schema's fields in ``ui:order`` order, then the rest in schema order.

    :param schema: the product's ``metadataSchema``.
    """
    parsed = _parse_schema(schema)
    return [_describe(name, parsed) for name in _known_names(parsed)]


def to_json_schema(schema: SchemaLike) -> dict[str, Any]:
    """Return the standard Draft 2020-12 JSON Schema that ``validate_metadata`` checks with.

    :param schema: the product's ``metadataSchema``.
    """
    return _to_json_schema(_parse_schema(schema))


# --- schema conversion ------------------------------------------------------------------------


def _parse_schema(schema: SchemaLike) -> MetadataSchema:
    if isinstance(schema, MetadataSchema):
        return schema
    if not isinstance(schema, Mapping):
        raise VercelInputError("schema", f"must be a metadataSchema mapping, got {type(schema).__name__}")
    try:
        return MetadataSchema.model_validate(dict(schema))
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first["loc"]) or "(root)"
        raise VercelInputError("schema", f"is not a valid metadataSchema: {where}: {first['msg']}") from None


def _to_json_schema(parsed: MetadataSchema) -> dict[str, Any]:
    properties: dict[str, Any] = {name: {} for name in parsed.required}
    properties.update({name: _property_schema(d) for name, d in parsed.properties.items()})
    required = [name for name in parsed.required if "default" not in parsed.properties.get(name, {})]
    return {
        "type": "object",
        "properties": properties,
        "required": list(dict.fromkeys(required)),
        "additionalProperties": False,
    }


def _property_schema(descriptor: Mapping[str, Any]) -> dict[str, Any]:
    control = _control(descriptor)
    result = {k: copy.deepcopy(v) for k, v in descriptor.items() if k in _STANDARD_KEYWORDS}
    if "type" not in result and control in _CONTROL_TYPES:
        result["type"] = _CONTROL_TYPES[control]
    is_array = result.get("type") == "array" or control in _ITEM_TYPES
    items = result.pop("items", None)
    items = {k: v for k, v in items.items() if k in _STANDARD_KEYWORDS} if isinstance(items, dict) else {}
    if control in _ITEM_TYPES:
        items.setdefault("type", _ITEM_TYPES[control])
    allowed = _allowed_values(descriptor)
    if allowed is not None:
        (items if is_array else result)["enum"] = allowed
    if is_array and items:
        result["items"] = items
    return _checkable(result)


def _allowed_values(descriptor: Mapping[str, Any]) -> list[Any] | None:
    """Values a choice may take at create time: selectable options, narrowed by any ``enum``."""
    items = descriptor.get("items")
    is_array = descriptor.get("type") == "array" or _control(descriptor) in _ITEM_TYPES
    holder = items if is_array and isinstance(items, Mapping) else descriptor
    enum = holder.get("enum") if isinstance(holder, Mapping) else None
    options = _options(descriptor)
    if options is None:
        return list(enum) if isinstance(enum, list) else None
    selectable = [value for value, blocked_by in options if blocked_by is None]
    if isinstance(enum, list):
        selectable = [value for value in selectable if value in enum]
    return selectable


def _options(descriptor: Mapping[str, Any]) -> list[tuple[str, str | None]] | None:
    """``(value, flag that blocks it at create time or None)`` per ``ui:options`` entry."""
    raw = descriptor.get("ui:options")
    if _control(descriptor) not in CHOICE_CONTROLS or not isinstance(raw, list):
        return None
    options: list[tuple[str, str | None]] = []
    for entry in raw:
        if isinstance(entry, str):
            options.append((entry, None))
        elif isinstance(entry, Mapping) and isinstance(entry.get("value"), str):
            blocked_by = next((f for f in _OPTION_FLAGS if _blocks_create(entry.get(f))), None)
            options.append((entry["value"], blocked_by))
    return options


def _control(descriptor: Mapping[str, Any]) -> str | None:
    control = descriptor.get("ui:control")
    return control if isinstance(control, str) else None


def _blocks_create(flag: object) -> bool:
    # Identity with True so 1 or {"expr": ...} never count; "update" does not apply at create time.
    return flag is True or flag == "create"


def _checkable(schema: dict[str, Any]) -> dict[str, Any]:
    """The schema without the keywords the metaschema rejects (a vendor quirk must not crash us)."""
    schema = {key: value for key, value in schema.items() if _is_json(value)}
    if _is_valid_schema(schema):
        return schema
    kept: dict[str, Any] = {}
    for key, value in schema.items():
        candidate = _checkable(value) if key == "items" and isinstance(value, dict) else value
        if _is_valid_schema({key: candidate}):
            kept[key] = candidate
    return kept


def _is_json(value: Any) -> bool:
    """True for plain JSON data; a NaN (float or Decimal) would make jsonschema's comparisons raise."""
    if value is None or isinstance(value, (str, bool)):
        return True
    if isinstance(value, Decimal):
        return value.is_finite()
    if isinstance(value, (int, float)):
        return _is_finite(value)
    if isinstance(value, list):
        return all(map(_is_json, value))
    if isinstance(value, Mapping):
        return all(isinstance(key, str) and _is_json(item) for key, item in value.items())
    return False


def _is_valid_schema(schema: Mapping[str, Any]) -> bool:
    return bool(_keyword_checker().is_valid(schema))


@functools.cache
def _keyword_checker() -> Any:
    """A validator of schemas: Draft 7's metaschema, with regexes compiled.

    The keywords kept (``_STANDARD_KEYWORDS``, ``items`` as one schema) mean the same in Draft 7 and
    2020-12, and Draft 7's metaschema is several times cheaper to apply than 2020-12's.
    """
    draft7 = _jsonschema().Draft7Validator
    return draft7(draft7.META_SCHEMA, format_checker=draft7.FORMAT_CHECKER)


def _jsonschema() -> Any:
    # Imported on first use: DAG files import operator modules at parse time and jsonschema is heavy.
    import jsonschema  # type: ignore[import-untyped,unused-ignore]

    return jsonschema


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
    if _is_number(value):
        return None if _is_finite(value) else "must be a finite number (JSON has no NaN or infinity)"
    if isinstance(value, list):
        if all(isinstance(item, str) for item in value):
            return None
        if all(_is_number(item) for item in value):
            finite = all(_is_finite(item) for item in value)
            return None if finite else "list items must be finite numbers"
        return f"a list must hold only strings or only numbers, got {_shown(value)}"
    return f"must be a string, number, boolean, or a list of strings or of numbers, got {_kind(value)}"


def _is_number(value: object) -> TypeGuard[int | float]:
    # bool is an int in Python but never a number in JSON Schema or in Vercel's metadata.
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _is_finite(number: float) -> bool:
    # math.isfinite converts to float and overflows on huge ints, which are finite by nature.
    return isinstance(number, int) or math.isfinite(number)


def _lock_problems(parsed: MetadataSchema, values: Mapping[str, Any]) -> Iterable[tuple[str, str]]:
    for name, descriptor in parsed.properties.items():
        flag = next((f for f in _LOCK_FLAGS if _blocks_create(descriptor.get(f))), None)
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
    return bool(left == right) and (_is_number(left) == _is_number(right))


# --- error translation ------------------------------------------------------------------------


def _schema_problems(
    parsed: MetadataSchema, values: Mapping[str, Any], skip: set[str]
) -> Iterable[tuple[str, str]]:
    """``(field, problem)`` pairs from jsonschema, leaving out the fields in ``skip``."""
    validator = _jsonschema().Draft202012Validator(_to_json_schema(parsed))
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
        known = _known_names(parsed)
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
    blocked_by = dict(_options(descriptor) or []).get(value) if isinstance(value, str) else None
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
    if _is_number(value):
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


# --- field listing ----------------------------------------------------------------------------


def _known_names(parsed: MetadataSchema) -> list[str]:
    """Schema fields: ``ui:order`` first, then ``properties``, then names only in ``required``."""
    known = [*parsed.properties, *parsed.required]
    ordered = [name for name in parsed.ui_order or [] if name in known]
    return list(dict.fromkeys([*ordered, *known]))


def _field_order(parsed: MetadataSchema, values: Mapping[str, Any]) -> list[str]:
    return list(dict.fromkeys(["", *_known_names(parsed), *values]))


def _describe(name: str, parsed: MetadataSchema) -> MetadataField:
    descriptor = parsed.properties.get(name, {})
    items = descriptor.get("items")
    bounds_from = items if _control(descriptor) == "slider" and isinstance(items, Mapping) else descriptor
    description = descriptor.get("description")
    if not isinstance(description, str) and isinstance(descriptor.get("ui:description"), str):
        description = descriptor["ui:description"]
    control = _control(descriptor)
    return MetadataField(
        name=name,
        label=_text_or_none(descriptor.get("ui:label")),
        type=_text_or_none(descriptor.get("type")) or _CONTROL_TYPES.get(str(control)),
        control=control,
        required=name in parsed.required,
        default=copy.deepcopy(descriptor.get("default")),
        options=tuple(_allowed_values(descriptor) or ()),
        minimum=_bound(bounds_from, "minimum", "exclusiveMinimum"),
        maximum=_bound(bounds_from, "maximum", "exclusiveMaximum"),
        description=_text_or_none(description),
    )


def _bound(descriptor: Mapping[str, Any], inclusive: str, exclusive: str) -> float | None:
    for key in (inclusive, exclusive):
        value = descriptor.get(key)
        if _is_number(value):
            return value
    return None


def _text_or_none(value: Any) -> str | None:
    return value if isinstance(value, str) else None
