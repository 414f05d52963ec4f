"""The emulator's own validator for store ``metadata`` against a product's ``metadataSchema``.

Deliberately independent of the client's validator (and of jsonschema): a shared misunderstanding of
the schema dialect would otherwise pass every test. Rules (docs/api-contract.md §2, §4):

- unknown keys are rejected; required keys must be present after defaults are applied;
- values are string | number | boolean | string[] | number[], checked against the property ``type``;
- ``enum`` and ``ui:options`` restrict string values (plain-string and object options both count;
  options ``disabled`` literally ``true`` or ``"create"`` are refused, ``hidden`` ones are accepted);
- minimum/maximum/exclusive*, minLength/maxLength/pattern, minItems/maxItems and ``items`` apply;
- a ``ui:read-only``/``ui:disabled`` flag literally ``true`` or ``"create"`` refuses a non-default value;
  expression-valued (``{"expr": …}``) and ``"update"`` flags never fail a create.
"""

from __future__ import annotations

import copy
import re
from typing import Any

_OPTION_CONTROLS = {"select", "radio-button", "multi-select", "vercel-region", "multi-vercel-region", "vercel-country"}


class MetadataError(ValueError):
    """Metadata does not satisfy the schema; the message names the field."""


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _blocks_create(flag: Any) -> bool:
    """Whether a ``ui:*`` phase flag forbids choosing a value at create time."""
    # Expressions cannot be evaluated here: they never fail (docs/api-contract.md §2 note).
    return flag is True or flag == "create"


def _option_values(options: Any) -> tuple[set[str], set[str]] | None:
    """Return (allowed, refused) option values, or None when options are absent or unusable."""
    if not isinstance(options, list):
        return None
    allowed: set[str] = set()
    refused: set[str] = set()
    for option in options:
        if isinstance(option, str):
            allowed.add(option)
        elif isinstance(option, dict) and isinstance(option.get("value"), str):
            (refused if _blocks_create(option.get("disabled")) else allowed).add(option["value"])
    return allowed, refused


def _check_number(field: str, value: Any, rules: dict[str, Any]) -> None:
    if not _is_number(value):
        raise MetadataError(f"metadata.{field} must be a number")
    if _is_number(rules.get("minimum")) and value < rules["minimum"]:
        raise MetadataError(f"metadata.{field} must be >= {rules['minimum']}")
    if _is_number(rules.get("maximum")) and value > rules["maximum"]:
        raise MetadataError(f"metadata.{field} must be <= {rules['maximum']}")
    if _is_number(rules.get("exclusiveMinimum")) and value <= rules["exclusiveMinimum"]:
        raise MetadataError(f"metadata.{field} must be > {rules['exclusiveMinimum']}")
    if _is_number(rules.get("exclusiveMaximum")) and value >= rules["exclusiveMaximum"]:
        raise MetadataError(f"metadata.{field} must be < {rules['exclusiveMaximum']}")


def _check_string(field: str, value: Any, rules: dict[str, Any], options: tuple[set[str], set[str]] | None) -> None:
    if not isinstance(value, str):
        raise MetadataError(f"metadata.{field} must be a string")
    if isinstance(rules.get("minLength"), int) and len(value) < rules["minLength"]:
        raise MetadataError(f"metadata.{field} must be at least {rules['minLength']} characters")
    if isinstance(rules.get("maxLength"), int) and len(value) > rules["maxLength"]:
        raise MetadataError(f"metadata.{field} must be at most {rules['maxLength']} characters")
    pattern = rules.get("pattern")
    if isinstance(pattern, str):
        try:
            matched = re.search(pattern, value) is not None
        except re.error:
            matched = True  # a broken pattern in a seed must not turn into a client-visible failure
        if not matched:
            raise MetadataError(f"metadata.{field} must match the pattern {pattern}")
    enum = rules.get("enum")
    if isinstance(enum, list) and value not in enum:
        raise MetadataError(f"metadata.{field} must be one of {', '.join(map(str, enum))}")
    if options is not None:
        allowed, refused = options
        if value in refused:
            raise MetadataError(f"metadata.{field}: option {value!r} is disabled")
        if value not in allowed:
            raise MetadataError(f"metadata.{field}: {value!r} is not one of the options {', '.join(sorted(allowed))}")


def _check_array(field: str, value: Any, prop: dict[str, Any], options: tuple[set[str], set[str]] | None) -> None:
    if not isinstance(value, list):
        raise MetadataError(f"metadata.{field} must be an array")
    if isinstance(prop.get("minItems"), int) and len(value) < prop["minItems"]:
        raise MetadataError(f"metadata.{field} must have at least {prop['minItems']} items")
    if isinstance(prop.get("maxItems"), int) and len(value) > prop["maxItems"]:
        raise MetadataError(f"metadata.{field} must have at most {prop['maxItems']} items")
    raw_items = prop.get("items")
    items: dict[str, Any] = raw_items if isinstance(raw_items, dict) else {}
    item_type = items.get("type", "number" if prop.get("ui:control") == "slider" else "string")
    for index, item in enumerate(value):
        where = f"{field}[{index}]"
        if item_type == "number":
            _check_number(where, item, items)
        else:
            _check_string(where, item, items, options)


def _check_flags(field: str, value: Any, prop: dict[str, Any]) -> None:
    for flag in ("ui:read-only", "ui:disabled"):
        if _blocks_create(prop.get(flag)) and value != prop.get("default"):
            raise MetadataError(f"metadata.{field} cannot be set when creating a store ({flag})")


def validate_metadata(schema: Any, metadata: Any) -> dict[str, Any]:
    """Validate ``metadata`` for a create and return it with schema defaults filled in.

    schema: the product's ``metadataSchema``.
    metadata: the caller's metadata object (None means empty).
    """
    if metadata is None:
        metadata = {}
    if not isinstance(metadata, dict):
        raise MetadataError("metadata must be a JSON object")
    properties = schema.get("properties") if isinstance(schema, dict) else None
    properties = properties if isinstance(properties, dict) else {}
    unknown = sorted(set(metadata) - set(properties))
    if unknown:
        raise MetadataError(f"metadata.{unknown[0]} is not defined by the product's metadataSchema")
    result = copy.deepcopy(metadata)
    for name, prop in properties.items():
        if not isinstance(prop, dict):
            continue
        if name not in result:
            if "default" in prop:
                result[name] = copy.deepcopy(prop["default"])
            continue
        value = result[name]
        if value is None or isinstance(value, dict):
            raise MetadataError(f"metadata.{name} must be a string, number, boolean or an array of those")
        _check_flags(name, value, prop)
        options = _option_values(prop.get("ui:options")) if prop.get("ui:control") in _OPTION_CONTROLS else None
        kind = prop.get("type")
        if kind == "string":
            _check_string(name, value, prop, options)
        elif kind == "number":
            _check_number(name, value, prop)
        elif kind == "boolean":
            if not isinstance(value, bool):
                raise MetadataError(f"metadata.{name} must be a boolean")
        elif kind == "array":
            _check_array(name, value, prop, options)
    required = schema.get("required") if isinstance(schema, dict) else None
    for name in required if isinstance(required, list) else []:
        if name not in result:
            raise MetadataError(f"metadata.{name} is required")
    return result
