"""Values as a template renders them, turned back into what an argument means.

Airflow renders a templated argument to text: ``"True"``, ``"300"``, ``"{'region': 'iad1'}"``, ``"None"``.
Every adapter (operators, sensor, CLI) reads such values through these helpers, so a flag, a number, a
mapping or a list means the same thing wherever it is passed. Each raises ``VercelInputError`` naming
the argument; range and shape checks come after, in ``validation``.
"""

from __future__ import annotations

import ast
import json
import math
from collections.abc import Mapping
from typing import Any, Literal, overload

from airflow_provider_vercel.api.errors import VercelInputError
from airflow_provider_vercel.api.validation import require_text

#: Texts a template renders for "no value" (``{{ none_var }}`` gives "None", JSON null gives "null").
_NO_VALUE = ("", "none", "null")


def optional_text(value: Any) -> Any:
    """None for None or an empty string, else the value unchanged (checks come later).

    :param value: a rendered optional argument.
    """
    if isinstance(value, str) and not value.strip():
        return None
    return value


def _is_no_value(value: Any) -> bool:
    return value is None or (isinstance(value, str) and value.strip().lower() in _NO_VALUE)


def decode_text(argument: str, text: str, unreadable: str) -> Any:
    """Decode the JSON (or Python literal) text a template rendered from a dict or list.

    :param argument: the argument's name, for the error.
    :param text: the rendered text.
    :param unreadable: the error's reason when the text parses as neither.
    """
    try:
        return json.loads(text)
    except ValueError:
        try:
            return ast.literal_eval(text.strip())
        except (ValueError, SyntaxError):
            raise VercelInputError(argument, unreadable) from None


def rendered_mapping(argument: str, value: Any) -> dict[str, Any] | None:
    """A mapping argument, also accepted as JSON (or a Python literal) text; None, "" and "None" are None.

    :param argument: the argument's name, for the error.
    :param value: None, a mapping or its text.
    """
    if _is_no_value(value):
        return None
    if isinstance(value, str):
        value = decode_text(argument, value.strip(), "must be a mapping, or JSON text of an object")
    if not isinstance(value, Mapping):
        raise VercelInputError(argument, f"must be a mapping, got {type(value).__name__}")
    return dict(value)


@overload
def rendered_bool(argument: str, value: Any, *, optional: Literal[False] = False) -> bool: ...


@overload
def rendered_bool(argument: str, value: Any, *, optional: bool) -> bool | None: ...


def rendered_bool(argument: str, value: Any, *, optional: bool = False) -> bool | None:
    """A boolean argument: a bool, or the text a template renders (``"True"``, ``"false"``).

    :param argument: the argument's name, for the error.
    :param value: the rendered value.
    :param optional: accept None (and ``""``, ``"None"``, ``"null"``) as "not set".
    """
    if isinstance(value, str) and value.strip().lower() in ("true", "false"):
        return value.strip().lower() == "true"
    if optional and _is_no_value(value):
        return None
    if not isinstance(value, bool):
        raise VercelInputError(argument, f"must be True or False, got {value!r}")
    return value


def rendered_number(argument: str, value: Any) -> float | int | None:
    """A finite int or float, or its text; None (and "", "None", "null") stays None.

    :param argument: the argument's name, for the error.
    :param value: the rendered value.
    """
    if _is_no_value(value):
        return None
    if isinstance(value, str):
        text = value.strip()
        try:
            value = int(text)
        except ValueError:
            try:
                value = float(text)
            except ValueError:
                raise VercelInputError(argument, f"must be a number, got {text!r}") from None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise VercelInputError(argument, f"must be a finite number, got {value!r}")
    return value


def rendered_count(argument: str, value: Any) -> int:
    """A whole number >= 0, or its text.

    :param argument: the argument's name, for the error.
    :param value: the rendered value.
    """
    if isinstance(value, str) and value.strip().isascii() and value.strip().isdigit():
        value = int(value.strip())
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise VercelInputError(argument, f"must be a whole number >= 0, got {value!r}")
    return value


def rendered_list(argument: str, value: Any) -> list[Any] | None:
    """A list or tuple, or JSON (or Python literal) text of one; a single other string is a one-item list.

    :param argument: the argument's name, for the error.
    :param value: the rendered value; None stays None.
    """
    if value is None:
        return None
    if isinstance(value, str):
        text = value.strip()
        if not text.startswith("["):
            return [value]
        value = decode_text(argument, text, "must be a list, or JSON text of an array")
    if not isinstance(value, (list, tuple)):
        raise VercelInputError(argument, f"must be a list, got {type(value).__name__}")
    return list(value)


def rendered_optional_text(argument: str, value: Any) -> str | None:
    """An optional text argument: None for None, "", "None" or "null"; else non-empty text, stripped.

    :param argument: the argument's name, for the error.
    :param value: the rendered value.
    """
    return None if _is_no_value(value) else require_text(argument, value)
