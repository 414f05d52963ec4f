"""Argument checks run before any request is sent; each failure names the argument."""

from __future__ import annotations

import ipaddress
import math
import re
from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import urlsplit

from airflow_provider_vercel.api.constants import INSTALLATION_TYPES as INSTALLATION_TYPES  # re-exported
from airflow_provider_vercel.api.errors import VercelInputError
from airflow_provider_vercel.defaults import ENV_TARGETS as ENV_TARGETS  # re-exported: callers use check.ENV_TARGETS

CONFIGURATION_ID = re.compile(r"^icfg_[a-zA-Z0-9]+$")
PRODUCT_ID = re.compile(r"^iap_[a-zA-Z0-9_]+$")
PRODUCT_SLUG = re.compile(r"^[a-z0-9-]+$")
STORE_NAME = re.compile(r"^[A-Za-z0-9_-]{1,128}$")
# Ids we pass through to paths: Vercel ids and slugs are all of this alphabet.
SAFE_ID = re.compile(r"^[A-Za-z0-9_.-]{1,256}$")
CONFIGURATION_VIEWS = ("account", "project")
# envVarPrefix of a connection, as the Vercel CLI's connect route takes it (e.g. ``PR42_``).
ENV_VAR_PREFIX = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")
# What an Airflow template renders when the XCom it pulled was empty.
_UNRENDERED = {"none", "null", "undefined"}


def require_text(argument: str, value: Any) -> str:
    """A non-empty string, stripped; rejects the 'None' an empty XCom renders to."""
    if not isinstance(value, str):
        raise VercelInputError(argument, f"must be a string, got {type(value).__name__}")
    text = value.strip()
    _refuse_empty_rendering(argument, text)
    return text


def _refuse_empty_rendering(argument: str, text: str) -> None:
    """Refuse '' and the strings an empty upstream value renders to ('None', 'null'), saying so."""
    if not text:
        raise VercelInputError(
            argument, "must not be empty (if it comes from a template or an XCom, that upstream value was empty)"
        )
    if text.lower() in _UNRENDERED:
        raise VercelInputError(
            argument, f"is the string {text!r}: the upstream value (template or XCom) it came from was empty"
        )


def finite_number(
    argument: str,
    value: Any,
    *,
    minimum: float | None = None,
    above: float | None = None,
    text: bool = False,
) -> float:
    """A real, finite number: not a bool, NaN or an infinity, optionally bounded below.

    :param argument: the argument's name, for the error.
    :param value: the value to check.
    :param minimum: smallest allowed value, if any.
    :param above: the value must be greater than this, if given.
    :param text: also accept a string holding a number (connection extras, rendered templates).
    """
    if text and isinstance(value, str):
        try:
            value = float(value.strip())
        except ValueError:
            raise VercelInputError(argument, f"must be a number, got {value!r}") from None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise VercelInputError(argument, f"must be a number, got {value!r}")
    try:
        number = float(value)
    except OverflowError:
        raise VercelInputError(argument, "is too large to be a number of this kind") from None
    if not math.isfinite(number):
        raise VercelInputError(argument, f"must be a finite number, got {value!r}")
    if minimum is not None and number < minimum:
        raise VercelInputError(argument, f"must be >= {minimum:g}, got {value!r}")
    if above is not None and number <= above:
        raise VercelInputError(argument, f"must be > {above:g}, got {value!r}")
    return number


_MAX_JSON_DEPTH = 64


def finite_json(argument: str, value: Any, _depth: int = 0) -> Any:
    """A JSON-able value whose numbers are all finite; the error names the offending position.

    :param argument: the argument's name (positions are appended: ``json.items[2]``).
    :param value: the value to check; returned unchanged.
    """
    if _depth > _MAX_JSON_DEPTH:
        raise VercelInputError(argument, f"is nested more than {_MAX_JSON_DEPTH} levels deep")
    if isinstance(value, float) and not math.isfinite(value):
        raise VercelInputError(argument, f"must be a finite number (JSON has no NaN or Infinity), got {value!r}")
    if isinstance(value, Mapping):
        for key, item in value.items():
            finite_json(f"{argument}.{key}", item, _depth + 1)
    elif isinstance(value, (list, tuple)):
        for index, item in enumerate(value):
            finite_json(f"{argument}[{index}]", item, _depth + 1)
    return value


#: Made only of dots: a URL library resolves such a segment (``..`` climbs a level), so it would leave
#: its place in the path.
DOTS = re.compile(r"^\.+$")


def path_segment(argument: str, value: Any) -> str:
    """A value that goes into one URL path segment: a non-empty string that is not made only of dots."""
    if not isinstance(value, str):
        raise VercelInputError(argument, f"must be a string, got {type(value).__name__}")
    if not value:
        raise VercelInputError(argument, "must not be empty (it goes into the URL path)")
    if DOTS.match(value):
        raise VercelInputError(argument, f"{value!r} is not an id: a path segment made only of dots leaves its place")
    return value


def require_id(argument: str, value: Any, pattern: re.Pattern[str] = SAFE_ID, shape: str = "") -> str:
    """An id matching ``pattern``; ``shape`` describes it in the error."""
    text = require_text(argument, value)
    if not pattern.match(text):
        expected = shape or "letters, digits, '_', '-' or '.'"
        raise VercelInputError(argument, f"{text!r} is not a valid id ({expected})")
    return path_segment(argument, text)


def configuration_id(value: Any, argument: str = "integration_configuration_id") -> str:
    """A configuration id ``icfg_…``."""
    return require_id(argument, value, CONFIGURATION_ID, "expected icfg_ followed by letters and digits")


def product_id_or_slug(value: Any, argument: str = "product") -> str:
    """A product id ``iap_…`` or a lowercase product slug."""
    text = require_text(argument, value)
    if not (PRODUCT_ID.match(text) or PRODUCT_SLUG.match(text)):
        raise VercelInputError(
            argument, f"{text!r} is neither a product id (iap_…) nor a product slug (lowercase letters, digits, '-')"
        )
    return text


def store_name(value: Any, argument: str = "name") -> str:
    """A store name: 1–128 characters of letters, digits, '_' and '-'."""
    if not isinstance(value, str):
        raise VercelInputError(argument, f"must be a string, got {type(value).__name__}")
    # A store called 'None' would be created once and then reused by every run whose XCom was empty.
    _refuse_empty_rendering(argument, value.strip())
    if len(value) > 128:
        raise VercelInputError(argument, f"is {len(value)} characters long; the maximum is 128")
    if not STORE_NAME.match(value):
        bad = sorted({ch for ch in value if not re.match(r"[A-Za-z0-9_-]", ch)})
        raise VercelInputError(argument, f"may contain only letters, digits, '_' and '-'; found {bad}")
    return value


def choice(argument: str, value: Any, allowed: Iterable[str]) -> str:
    """One of ``allowed``."""
    options = tuple(allowed)
    if value not in options:
        raise VercelInputError(argument, f"must be one of {list(options)}, got {value!r}")
    return str(value)


def optional_bool(argument: str, value: Any) -> bool | None:
    """None or a real boolean (not 0/1 or 'true')."""
    if value is not None and not isinstance(value, bool):
        raise VercelInputError(argument, f"must be true or false, got {value!r}")
    return value


def prepayment_cents(value: Any, argument: str = "prepayment_amount_cents") -> int | None:
    """None, or a whole number of cents >= 50 (the API's minimum)."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        # ASCII digits only: str.isdigit() also admits '²' or '٣', which int() then refuses or reads oddly.
        if isinstance(value, str) and re.fullmatch(r"[0-9]{1,15}", value.strip()):
            value = int(value.strip())
        else:
            raise VercelInputError(argument, f"must be a whole number of cents, got {value!r}")
    if value < 50:
        raise VercelInputError(argument, f"must be at least 50 cents, got {value}")
    return int(value)


_METADATA_SCALARS = (str, int, float, bool)


def metadata_values(value: Any, argument: str = "metadata") -> dict[str, Any]:
    """A mapping of string keys to the value types the create body allows (§4)."""
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise VercelInputError(argument, f"must be a mapping of field names to values, got {type(value).__name__}")
    checked: dict[str, Any] = {}
    for key, item in value.items():
        if not isinstance(key, str) or not key:
            raise VercelInputError(argument, f"keys must be non-empty strings, got {key!r}")
        if isinstance(item, _METADATA_SCALARS):
            checked[key] = finite_json(f"{argument}.{key}", item)
        elif isinstance(item, (list, tuple)) and (
            all(isinstance(v, str) for v in item)
            or all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in item)
        ):
            checked[key] = finite_json(f"{argument}.{key}", list(item))
        else:
            raise VercelInputError(
                f"{argument}.{key}",
                "must be a string, number, boolean, or a list of strings or of numbers",
            )
    return checked


def environments(value: Any, argument: str = "environments") -> list[str]:
    """A non-empty list of target names (production, preview, development or a custom environment id)."""
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, (list, tuple)) or not value:
        raise VercelInputError(argument, f"must be a non-empty list such as {list(ENV_TARGETS)}, got {value!r}")
    return [require_text(argument, item) for item in value]


def env_var_prefix(value: Any, argument: str = "env_var_prefix") -> str:
    """A prefix for a connection's env var keys: a letter, then letters, digits or '_' (``PR42_``)."""
    text = require_text(argument, value)
    if not ENV_VAR_PREFIX.match(text):
        raise VercelInputError(
            argument, f"{text!r} is not a valid prefix (a letter, then letters, digits or '_', e.g. 'PR42_')"
        )
    return text


def is_loopback(host: str) -> bool:
    """True for localhost and loopback addresses (127.0.0.0/8, ::1)."""
    if host.lower() in {"localhost", "localhost.localdomain"}:
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def base_url(value: Any, argument: str = "base_url") -> str:
    """An http(s) URL; plain http only for loopback hosts (the token must never travel in clear)."""
    text = require_text(argument, value).rstrip("/")
    if "://" not in text:
        text = "https://" + text
    parts = urlsplit(text)
    # Checked first, and the URL never quoted after it: an error must not echo a password.
    if "@" in parts.netloc:
        raise VercelInputError(argument, "must not contain credentials; put the token in the connection password")
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise VercelInputError(argument, f"{text!r} is not an http(s) URL")
    if parts.query or parts.fragment:
        raise VercelInputError(argument, "must not contain a query string or fragment")
    if parts.scheme == "http" and not is_loopback(parts.hostname):
        raise VercelInputError(
            argument, f"plain http is allowed only for loopback hosts; use https://{parts.netloc}{parts.path}"
        )
    return text


def token_problem(value: Any) -> str | None:
    """What makes ``value`` unusable as a bearer token, or None; the value itself is never quoted.

    HTTP headers carry only visible ASCII here: a non-ASCII or control character (NUL, CR, LF) would
    fail deep inside the HTTP library with an error that quotes the header, so it is refused up front,
    by plain checks (no exception is raised and caught, so none can be chained to a later error).
    """
    if not isinstance(value, str) or not value.strip():
        return "is missing: set the API token (the connection's password)"
    text = value.strip()
    if any(ch.isspace() for ch in text):
        return "must not contain whitespace"
    for position, ch in enumerate(text):
        if not (ch.isascii() and ch.isprintable()):
            kind = "a control character" if ch.isascii() else "a non-ASCII character"
            return f"contains {kind} at position {position}; an API token is visible ASCII only"
    return None


def token(value: Any, argument: str = "token") -> str:
    """A bearer token: visible ASCII without whitespace. The value is never echoed."""
    problem = token_problem(value)
    if problem is not None:
        raise VercelInputError(argument, problem)
    return str(value).strip()
