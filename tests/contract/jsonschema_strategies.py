"""``from_schema`` of hypothesis-jsonschema, made to run on current Hypothesis.

hypothesis-jsonschema 0.23.1 (its latest release) drives Hypothesis's internal ``many`` helper with the
old ``while elements.more():`` protocol; Hypothesis 6.17x replaced it by ``with many(...) as e: for _ in
e:``. ``_LegacyMany`` speaks the old protocol over the new one, and is installed into that one module
only when the installed Hypothesis lacks ``more()``.
"""

from __future__ import annotations

import types
from typing import Any

import hypothesis_jsonschema._from_schema as _from_schema
from hypothesis.internal.conjecture import utils as conjecture_utils
from hypothesis_jsonschema import from_schema

__all__ = ["from_schema"]


class _LegacyMany:
    """``many(...)`` with ``more()``/``reject()``: enters the new context on the first ``more()``, leaves it
    when the elements run out."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self._many = conjecture_utils.many(*args, **kwargs)
        self._elements: Any = None

    def more(self) -> bool:
        if self._elements is None:
            self._many.__enter__()
            self._elements = iter(self._many)
        if next(self._elements, StopIteration) is StopIteration:
            self._many.__exit__(None, None, None)
            return False
        return True

    def reject(self, why: str | None = None) -> None:
        self._many.reject(why)


if not hasattr(conjecture_utils.many, "more"):
    _from_schema.cu = types.SimpleNamespace(**{**vars(conjecture_utils), "many": _LegacyMany})  # type: ignore[attr-defined]


def contract_bodies(schema: dict[str, Any]) -> Any:
    """A strategy of JSON values valid under ``schema`` (a response schema of the contract), fast enough
    to draw dozens of store-sized bodies per second.

    hypothesis-jsonschema rebuilds the strategies of an object's properties on every draw, which takes
    seconds per body for the contract's largest objects (a store's ``product`` is ~30 kB of schema).
    Here objects with listed ``properties``, ``anyOf`` lists, type lists and arrays are composed once
    from Hypothesis's own strategies, and everything else is left to ``from_schema``.
    """
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        return _compose(schema["definitions"][name])
    return _compose(schema)


def _compose(schema: Any) -> Any:
    from hypothesis import strategies as st

    if not isinstance(schema, dict):
        return from_schema(schema)
    if "anyOf" in schema:
        rest = {k: v for k, v in schema.items() if k != "anyOf"}
        return st.one_of([_compose({**rest, **branch}) for branch in schema["anyOf"]])
    kind = schema.get("type")
    if isinstance(kind, list):
        return st.one_of([_compose({**schema, "type": one}) for one in kind])
    if kind == "object" and "properties" in schema and not {"enum", "const"} & set(schema):
        properties = schema["properties"]
        required = [name for name in schema.get("required", []) if name]
        return st.fixed_dictionaries(
            {name: _compose(properties.get(name, {})) for name in required},
            optional={name: _compose(sub) for name, sub in properties.items() if name not in required},
        )
    extra = schema.get("additionalProperties")
    if kind == "object" and "properties" not in schema and isinstance(extra, dict) and not {"enum", "const"} & set(schema):
        return st.dictionaries(st.text(min_size=1, max_size=8), _compose(extra), max_size=3)
    if kind == "array" and isinstance(schema.get("items"), dict) and not {"enum", "const"} & set(schema):
        low = int(schema.get("minItems", 0))
        return st.lists(_compose(schema["items"]), min_size=low, max_size=max(low, 3))
    return from_schema(schema)
