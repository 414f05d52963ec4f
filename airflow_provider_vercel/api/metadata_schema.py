"""A product's ``metadataSchema`` read: converted to standard JSON Schema, and listed field by field.

The Vercel schema (docs/api-contract.md §2) is JSON-Schema-like with UI extensions. ``to_json_schema``
turns it into a standard Draft 2020-12 schema (``ui:*`` keys dropped, the selectable ``ui:options``
turned into ``enum``) that ``metadata.validate_metadata`` checks values with; ``describe_fields`` lists
the fields as a person filling them in needs to see them.

Choices where the contract is silent:

- A ``required`` field that has a ``default`` is satisfied by it: Vercel's UIs pre-fill defaults.
- An option whose ``disabled`` or ``hidden`` is ``true`` or ``"create"`` cannot be chosen. ``"update"``
  and ``{"expr": ...}`` never fail: the phase is not ours and expressions cannot be evaluated here.
- Names listed in ``required`` but absent from ``properties`` are known fields with no constraint.
- A constraint that is malformed in the product's schema (say a regex Python cannot compile) is
  skipped: the server validates too, and a vendor quirk must not block every creation.
"""

from __future__ import annotations

import copy
import functools
import math
from collections.abc import Mapping
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
_OPTION_FLAGS = ("disabled", "hidden")


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


def describe_fields(schema: SchemaLike) -> list[MetadataField]:
    """List the schema's fields in ``ui:order`` order, then the rest in schema order.

    :param schema: the product's ``metadataSchema``.
    """
    parsed = parse_schema(schema)
    return [_describe(name, parsed) for name in known_names(parsed)]


def to_json_schema(schema: SchemaLike) -> dict[str, Any]:
    """Return the standard Draft 2020-12 JSON Schema that ``validate_metadata`` checks with.

    :param schema: the product's ``metadataSchema``.
    """
    return json_schema_of(parse_schema(schema))



# --- schema conversion ------------------------------------------------------------------------


def parse_schema(schema: SchemaLike) -> MetadataSchema:
    """The schema as a model; a mapping that is not a ``metadataSchema`` is a ``VercelInputError``.

    :param schema: the product's ``metadataSchema`` (model or raw wire mapping).
    """
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


def json_schema_of(parsed: MetadataSchema) -> dict[str, Any]:
    """The Draft 2020-12 schema of a parsed ``metadataSchema`` (see ``to_json_schema``).

    :param parsed: the parsed schema.
    """
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
    control = control_of(descriptor)
    result = {k: copy.deepcopy(v) for k, v in descriptor.items() if k in _STANDARD_KEYWORDS}
    if "type" not in result and control in _CONTROL_TYPES:
        result["type"] = _CONTROL_TYPES[control]
    is_array = result.get("type") == "array" or control in _ITEM_TYPES
    items = result.pop("items", None)
    items = {k: v for k, v in items.items() if k in _STANDARD_KEYWORDS} if isinstance(items, dict) else {}
    if control in _ITEM_TYPES:
        items.setdefault("type", _ITEM_TYPES[control])
    allowed = allowed_values(descriptor)
    if allowed is not None:
        (items if is_array else result)["enum"] = allowed
    if is_array and items:
        result["items"] = items
    return _checkable(result)


def allowed_values(descriptor: Mapping[str, Any]) -> list[Any] | None:
    """Values a choice may take at create time: selectable options, narrowed by any ``enum``.

    :param descriptor: the field's descriptor in ``properties``.
    """
    items = descriptor.get("items")
    is_array = descriptor.get("type") == "array" or control_of(descriptor) in _ITEM_TYPES
    holder = items if is_array and isinstance(items, Mapping) else descriptor
    enum = holder.get("enum") if isinstance(holder, Mapping) else None
    options = options_of(descriptor)
    if options is None:
        return list(enum) if isinstance(enum, list) else None
    selectable = [value for value, blocked_by in options if blocked_by is None]
    if isinstance(enum, list):
        selectable = [value for value in selectable if value in enum]
    return selectable


def options_of(descriptor: Mapping[str, Any]) -> list[tuple[str, str | None]] | None:
    """``(value, flag that blocks it at create time or None)`` per ``ui:options`` entry.

    :param descriptor: the field's descriptor in ``properties``.
    """
    raw = descriptor.get("ui:options")
    if control_of(descriptor) not in CHOICE_CONTROLS or not isinstance(raw, list):
        return None
    options: list[tuple[str, str | None]] = []
    for entry in raw:
        if isinstance(entry, str):
            options.append((entry, None))
        elif isinstance(entry, Mapping) and isinstance(entry.get("value"), str):
            blocked_by = next((f for f in _OPTION_FLAGS if blocks_create(entry.get(f))), None)
            options.append((entry["value"], blocked_by))
    return options


def control_of(descriptor: Mapping[str, Any]) -> str | None:
    """The field's ``ui:control``, when it is text.

    :param descriptor: the field's descriptor in ``properties``.
    """
    control = descriptor.get("ui:control")
    return control if isinstance(control, str) else None


def blocks_create(flag: object) -> bool:
    """Whether a ``disabled``/``hidden``/``ui:read-only`` flag applies when creating.

    :param flag: the flag's value.
    """
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
        return is_finite(value)
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
    draft7 = jsonschema_module().Draft7Validator
    return draft7(draft7.META_SCHEMA, format_checker=draft7.FORMAT_CHECKER)


def jsonschema_module() -> Any:
    """The ``jsonschema`` module, imported on first use."""
    # Imported on first use: DAG files import operator modules at parse time, and jsonschema adds
    # hundreds of milliseconds to an import that has pydantic already (``-X importtime``).
    import jsonschema  # type: ignore[import-untyped,unused-ignore]

    return jsonschema


def is_number(value: object) -> TypeGuard[int | float]:
    """Whether ``value`` is a JSON number (a bool is not).

    :param value: any value.
    """
    # bool is an int in Python but never a number in JSON Schema or in Vercel's metadata.
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def is_finite(number: float) -> bool:
    """Whether a number is finite, without converting huge ints to float.

    :param number: an int or float.
    """
    # math.isfinite converts to float and overflows on huge ints, which are finite by nature.
    return isinstance(number, int) or math.isfinite(number)



# --- field listing ----------------------------------------------------------------------------


def known_names(parsed: MetadataSchema) -> list[str]:
    """Schema fields: ``ui:order`` first, then ``properties``, then names only in ``required``.

    :param parsed: the parsed schema.
    """
    known = [*parsed.properties, *parsed.required]
    ordered = [name for name in parsed.ui_order or [] if name in known]
    return list(dict.fromkeys([*ordered, *known]))


def _describe(name: str, parsed: MetadataSchema) -> MetadataField:
    descriptor = parsed.properties.get(name, {})
    items = descriptor.get("items")
    bounds_from = items if control_of(descriptor) == "slider" and isinstance(items, Mapping) else descriptor
    description = descriptor.get("description")
    if not isinstance(description, str) and isinstance(descriptor.get("ui:description"), str):
        description = descriptor["ui:description"]
    control = control_of(descriptor)
    return MetadataField(
        name=name,
        label=_text_or_none(descriptor.get("ui:label")),
        type=_text_or_none(descriptor.get("type")) or _CONTROL_TYPES.get(str(control)),
        control=control,
        required=name in parsed.required,
        default=copy.deepcopy(descriptor.get("default")),
        options=tuple(allowed_values(descriptor) or ()),
        minimum=_bound(bounds_from, "minimum", "exclusiveMinimum"),
        maximum=_bound(bounds_from, "maximum", "exclusiveMaximum"),
        description=_text_or_none(description),
    )


def _bound(descriptor: Mapping[str, Any], inclusive: str, exclusive: str) -> float | None:
    for key in (inclusive, exclusive):
        value = descriptor.get(key)
        if is_number(value):
            return value
    return None


def _text_or_none(value: Any) -> str | None:
    return value if isinstance(value, str) else None
