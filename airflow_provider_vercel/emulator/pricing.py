"""Billing plans as the API shows them, with prices that depend on the intended metadata.

A seed plan may carry ``monthlyUsd`` (internal, never emitted): its ``cost`` and ``initialCharge`` are then
computed, multiplied by the product's ``pricing.multipliers[metadata[pricing.metadataField]]``. This is what
makes ``metadata`` on the plans endpoint matter: a database in ``fra1`` costs more than one in ``iad1``.
"""

from __future__ import annotations

import copy
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

_INTERNAL_KEYS = ("monthlyUsd",)


def price_multiplier(product: dict[str, Any], metadata: dict[str, Any] | None) -> Decimal:
    """Return the price multiplier the metadata selects (1 when none applies).

    product: the product's seed entry.
    metadata: the intended resource metadata, possibly unvalidated.
    """
    pricing = product.get("pricing") or {}
    field = pricing.get("metadataField")
    value = (metadata or {}).get(field) if field else None
    multipliers = pricing.get("multipliers") or {}
    if isinstance(value, str) and value in multipliers:
        return Decimal(str(multipliers[value]))
    return Decimal(1)


def render_plan(plan: dict[str, Any], multiplier: Decimal) -> dict[str, Any]:
    """Return one plan as the API shows it.

    plan: the plan's seed entry.
    multiplier: price multiplier from ``price_multiplier``.
    """
    shown = {k: copy.deepcopy(v) for k, v in plan.items() if k not in _INTERNAL_KEYS}
    monthly = plan.get("monthlyUsd")
    if monthly is not None:
        amount = (Decimal(str(monthly)) * multiplier).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
        shown["cost"] = f"${amount}/month"
        shown["initialCharge"] = str(amount)
        shown.setdefault("quote", [{"line": plan.get("name", "Plan"), "amount": f"${amount}"}])
    return shown


def render_plans(product: dict[str, Any], metadata: dict[str, Any] | None) -> list[dict[str, Any]]:
    """Return all of a product's plans priced for the given metadata.

    product: the product's seed entry.
    metadata: the intended resource metadata.
    """
    multiplier = price_multiplier(product, metadata)
    return [render_plan(plan, multiplier) for plan in product.get("plans") or []]
