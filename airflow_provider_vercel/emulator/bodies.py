"""Parsing and field-level validation of request bodies and JSON query values (400 on any problem)."""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from typing import Any

from fastapi import Request

from .errors import bad_request
from .spec import CONFIGURATION_ID_PATTERN, ENV_PREFIX_PATTERN, NAME_PATTERN, SOURCES

_ID_PRODUCT = re.compile(r"^iap_[a-zA-Z0-9_]+$")
_SLUG_PRODUCT = re.compile(r"^[a-z0-9-]+$")
_MAX_DEPTH = 16


def _reject_constant(token: str) -> Any:
    raise ValueError(f"{token} is not valid JSON")


def _finite_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise ValueError("number out of range")
    return value


def parse_json(raw: bytes | str) -> Any:
    """Parse strict JSON: no NaN/Infinity, no overflowing floats, bounded nesting.

    raw: the JSON text.
    """
    try:
        return json.loads(raw, parse_constant=_reject_constant, parse_float=_finite_float)
    except (ValueError, RecursionError, UnicodeDecodeError) as exc:
        raise ValueError(str(exc)) from exc


def _depth(value: Any, level: int = 0) -> int:
    if level > _MAX_DEPTH:
        return level
    if isinstance(value, dict):
        return max([_depth(v, level + 1) for v in value.values()] or [level + 1])
    if isinstance(value, list):
        return max([_depth(v, level + 1) for v in value] or [level + 1])
    return level


async def json_object_body(request: Request) -> dict[str, Any]:
    """Read the request body as a JSON object.

    request: the current request.
    """
    raw = await request.body()
    if not raw.strip():
        raise bad_request("The request body must be a JSON object.")
    try:
        data = parse_json(raw)
    except ValueError:
        raise bad_request("The request body is not valid JSON.") from None
    if not isinstance(data, dict):
        raise bad_request("The request body must be a JSON object.")
    if _depth(data) > _MAX_DEPTH:
        raise bad_request("The request body is nested too deeply.")
    return data


def json_object_query(value: str | None, name: str) -> dict[str, Any] | None:
    """Decode a query parameter that must hold a JSON-encoded object.

    value: the raw parameter; None or empty means absent.
    name: the parameter's name, for the error message.
    """
    if not value:
        return None  # an empty parameter is an absent one
    try:
        data = parse_json(value)
    except ValueError:
        raise bad_request(f"Query parameter `{name}` must be a JSON-encoded object.") from None
    if not isinstance(data, dict):
        raise bad_request(f"Query parameter `{name}` must be a JSON-encoded object.")
    return data


def _optional_string(body: dict[str, Any], field: str) -> str | None:
    value = body.get(field)
    if value is None:
        return None
    if not isinstance(value, str) or not value:
        raise bad_request(f"`{field}` must be a non-empty string.")
    return value


def _required_string(body: dict[str, Any], field: str) -> str:
    if body.get(field) is None:
        raise bad_request(f"`{field}` is required.")
    value = _optional_string(body, field)
    assert value is not None
    return value


@dataclass(frozen=True)
class CreateStoreRequest:
    """A create-store body that passed field-level checks.

    name: store name.
    configuration_id: ``integrationConfigurationId``.
    product_ref: ``integrationProductIdOrSlug``.
    metadata: metadata object, or None.
    billing_plan_id: chosen plan, or None.
    payment_method_id: chosen payment method, or None.
    prepayment_amount_cents: prepayment amount, or None.
    external_id: caller's tracking id, or None.
    protocol_settings: protocol settings, or None.
    source: ``source`` (one of the published values), defaulting to ``marketplace``.
    """

    name: str
    configuration_id: str
    product_ref: str
    metadata: dict[str, Any] | None
    billing_plan_id: str | None
    payment_method_id: str | None
    prepayment_amount_cents: float | None
    external_id: str | None
    protocol_settings: dict[str, Any] | None
    source: str


def parse_create_store(body: dict[str, Any]) -> CreateStoreRequest:
    """Check every field of a create-store body that can be checked without the catalog.

    body: the decoded JSON object.
    """
    name = _required_string(body, "name")
    if len(name) > 128:
        raise bad_request("`name` must be at most 128 characters.")
    if not re.match(NAME_PATTERN, name):
        raise bad_request("`name` may only contain letters, digits, '-' and '_'.")
    configuration_id = _required_string(body, "integrationConfigurationId")
    if not re.match(CONFIGURATION_ID_PATTERN, configuration_id):
        raise bad_request("`integrationConfigurationId` must match ^icfg_[a-zA-Z0-9]+$.")
    product_ref = _required_string(body, "integrationProductIdOrSlug")
    if not (_ID_PRODUCT.match(product_ref) or _SLUG_PRODUCT.match(product_ref)):
        raise bad_request("`integrationProductIdOrSlug` must be a product id (iap_…) or a lower-case slug.")
    metadata = body.get("metadata")
    if metadata is not None and not isinstance(metadata, dict):
        raise bad_request("`metadata` must be a JSON object.")
    protocol_settings = body.get("protocolSettings")
    if protocol_settings is not None and not isinstance(protocol_settings, dict):
        raise bad_request("`protocolSettings` must be a JSON object.")
    amount = body.get("prepaymentAmountCents")
    if amount is not None:
        if isinstance(amount, bool) or not isinstance(amount, (int, float)):
            raise bad_request("`prepaymentAmountCents` must be a number.")
        if amount < 50:
            raise bad_request("`prepaymentAmountCents` must be at least 50.")
    source = body.get("source")
    if source is not None and not isinstance(source, str):
        raise bad_request("`source` must be a string.")
    if source is not None and source not in SOURCES:
        raise bad_request(f"`source` must be one of: {', '.join(SOURCES)}.")
    return CreateStoreRequest(
        name=name,
        configuration_id=configuration_id,
        product_ref=product_ref,
        metadata=metadata,
        billing_plan_id=_optional_string(body, "billingPlanId"),
        payment_method_id=_optional_string(body, "paymentMethodId"),
        prepayment_amount_cents=amount,
        external_id=_optional_string(body, "externalId") if body.get("externalId") != "" else None,
        protocol_settings=protocol_settings,
        source=source or "marketplace",
    )


@dataclass(frozen=True)
class ConnectRequest:
    """A connect body that passed field-level checks.

    project_id: project id or name.
    environments: env var targets.
    sensitive: write the env vars as ``sensitive``.
    prefix: env var name prefix, or None.
    """

    project_id: str
    environments: list[str]
    sensitive: bool
    prefix: str | None


def parse_connect(body: dict[str, Any], *, cli: bool) -> ConnectRequest:
    """Check a connect body (the documented route, or the CLI's with ``type`` and ``envVarPrefix``).

    body: the decoded JSON object.
    cli: whether this is the CLI route.
    """
    project_id = _required_string(body, "projectId")
    environments = body.get("envVarEnvironments")
    if environments is None:
        environments = ["production", "preview", "development"]
    if (
        not isinstance(environments, list)
        or not environments
        or not all(isinstance(e, str) and e for e in environments)
    ):
        raise bad_request("`envVarEnvironments` must be a non-empty array of environment names.")
    sensitive = body.get("makeEnvVarsSensitive", False)
    if sensitive is None:
        sensitive = False
    if not isinstance(sensitive, bool):
        raise bad_request("`makeEnvVarsSensitive` must be a boolean.")
    prefix = None
    if cli:
        kind = body.get("type")
        if kind is not None and kind != "integration":
            raise bad_request('`type` must be "integration".')
        prefix = body.get("envVarPrefix")
        if prefix is not None and (not isinstance(prefix, str) or not re.match(ENV_PREFIX_PATTERN, prefix)):
            raise bad_request("`envVarPrefix` must start with a letter and contain only letters, digits and '_'.")
        prefix = prefix or None
    return ConnectRequest(project_id, list(dict.fromkeys(environments)), sensitive, prefix)
