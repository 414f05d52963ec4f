"""Matching listed items against a task's filters: the ``expect_one`` answer, or a failure saying what exists."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from airflow_provider_vercel.tasks.base import VercelTaskError


def criteria_text(**filters: Any) -> str:
    shown = [f"{name}={value!r}" for name, value in filters.items() if value is not None]
    return ", ".join(shown) or "no filter"


def only_one(
    kind: str,
    matched: list[dict[str, Any]],
    visible: list[dict[str, Any]],
    criteria: str,
    describe: Callable[[dict[str, Any]], str],
) -> str:
    """The id of the single match, or ``VercelTaskError`` listing the matches (or what exists).

    :param kind: what is listed (``configuration``, ``product``, ``billing plan``), for the message.
    :param matched: summaries that match the filters.
    :param visible: every summary listed before filtering.
    :param criteria: the filters, for the message.
    :param describe: one-line description of a summary.
    """
    if len(matched) == 1:
        return str(matched[0]["id"])
    if not matched:
        listing = "".join(f"\n- {describe(item)}" for item in visible) or " (none)"
        raise VercelTaskError(f"No {kind} matches {criteria}. Visible {kind}s:{listing}")
    listing = "".join(f"\n- {describe(item)}" for item in matched)
    raise VercelTaskError(
        f"expect_one: {len(matched)} {kind}s match {criteria}, expected exactly one; "
        f"narrow the filters or pass an id:{listing}"
    )


def describe_configuration(item: dict[str, Any]) -> str:
    integration = item["integration_slug"] or item["integration_id"] or "unknown integration"
    return f"{item['id']} ({integration}, {item['installation_type']}, {item['status']})"


def describe_product(item: dict[str, Any]) -> str:
    protocols = ", ".join(item["protocols"]) or "no protocol"
    return f"{item['id']} ({item['slug']}, {item['name']}; {protocols})"


def describe_plan(item: dict[str, Any]) -> str:
    price = item["cost"] or (f"{item['type']} plan" if item["type"] else "price not stated")
    flags = ", disabled" if item["disabled"] else ""
    return f"{item['id']} ({item['name']}, {price}{flags})"
