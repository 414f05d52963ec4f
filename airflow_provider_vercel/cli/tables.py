"""Plain-text tables, and the two documents the commands print (a discovery listing, a plan dry run) rendered as them."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from airflow_provider_vercel.cli.output import Output


def cell(value: Any) -> str:
    """One table cell: ``-`` for None, ``yes``/``no`` for booleans, lists comma-joined, one line."""
    if value is None:
        return "-"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (list, tuple)):
        return ", ".join(cell(item) for item in value) or "-"
    if isinstance(value, dict):
        return json.dumps(value, separators=(", ", ": "))
    # Remote data made safe for a terminal: control characters (escape sequences) become spaces.
    text = " ".join("".join(ch if ch.isprintable() else " " for ch in str(value)).split())
    return text or "-"


def format_table(headers: Sequence[str], rows: Sequence[Sequence[Any]], indent: str = "") -> str:
    """Plain-text table: upper-case headers, columns left-aligned two spaces apart, no trailing blanks.

    :param headers: column titles.
    :param rows: one sequence of values per row, as long as ``headers``.
    :param indent: prefix of every line.
    """
    if not rows:
        return f"{indent}(none)"
    table = [[str(title).upper() for title in headers], *([cell(value) for value in row] for row in rows)]
    widths = [max(len(line[column]) for line in table) for column in range(len(headers))]
    return "\n".join(
        indent + "  ".join(text.ljust(width) for text, width in zip(line, widths)).rstrip() for line in table
    )


def team_text(team: str | None) -> str:
    """Whose catalog it is, for headings and messages."""
    return f"team {team}" if team else "the token's personal account"


def _options_text(field: Mapping[str, Any]) -> str | None:
    if field["options"]:
        return ", ".join(str(option) for option in field["options"])
    low, high = (None if value is None else f"{value:g}" for value in (field["minimum"], field["maximum"]))
    if low is not None and high is not None:
        return f"{low} to {high}"
    return f">= {low}" if low is not None else (None if high is None else f"<= {high}")


def _cost_text(plan: Mapping[str, Any]) -> str | None:
    if plan.get("cost"):
        return str(plan["cost"])
    low, high = plan.get("minimum_amount"), plan.get("maximum_amount")
    if plan.get("type") == "prepayment" and (low or high):
        if low and high:
            return f"${low} to ${high} prepaid"
        return f"at least ${low} prepaid" if low else f"at most ${high} prepaid"
    return None


def _plans_table(plans: Sequence[Mapping[str, Any]], indent: str = "") -> str:
    rows = [(p["id"], p["name"], p["type"], _cost_text(p), p["is_free"], p["disabled"]) for p in plans]
    return format_table(("id", "name", "type", "cost", "free", "disabled"), rows, indent)


def _fields_table(fields: Sequence[Mapping[str, Any]], indent: str = "") -> str:
    def default(value: Any) -> Any:
        return value if value is None or isinstance(value, str) else json.dumps(value)

    rows = [(f["name"], f["type"], f["required"], default(f["default"]), _options_text(f)) for f in fields]
    return format_table(("name", "type", "required", "default", "options"), rows, indent)


def render_discovery(document: Mapping[str, Any], output: Output) -> None:
    """Print a discovery listing (``{"base_url", "team", "configurations"}``) as tables.

    :param document: the listing.
    :param output: where to print.
    """
    configurations = document["configurations"]
    output.out(f"Vercel API {document['base_url']} ({team_text(document['team'])})")
    output.out()
    output.out("Configurations")
    rows = [
        (c["id"], c["integration_slug"] or c["integration_id"], c["integration_name"], c["installation_type"], c["status"], c["source"])
        for c in configurations
    ]
    output.out(format_table(("id", "integration", "name", "type", "status", "source"), rows))
    for configuration in configurations:
        label = configuration["integration_slug"] or configuration["integration_id"] or "integration"
        output.out()
        output.out(f"Products of {label} ({configuration['id']})")
        if configuration["error"]:
            output.out(f"  (not listed: {configuration['error']})")
            continue
        products = configuration["products"]
        product_rows = [(p["id"], p["slug"], p["name"], p["protocols"], p["required_metadata"]) for p in products]
        output.out(format_table(("id", "slug", "name", "protocols", "required metadata"), product_rows, "  "))
        for product in products:
            output.out()
            output.out(f"  Metadata fields of {product['slug']}")
            output.out(_fields_table(product["fields"], "    "))
            if product["plans_error"] or product["plans"] is not None:
                output.out()
                output.out(f"  Plans of {product['slug']}")
            if product["plans_error"]:
                output.out(f"    (not listed: {product['plans_error']})")
            elif product["plans"] is not None:
                output.out(_plans_table(product["plans"], "    "))


def render_plan_preview(report: Mapping[str, Any], output: Output) -> None:
    """Print a plan dry run (``plan_preview_flow``'s report) as tables: the plans, the rule, the choice, the rejections.

    :param report: the report.
    :param output: where to print.
    """
    context = [f"integration {report['integration']}"]
    if report["configuration_id"]:
        context.append(f"configuration {report['configuration_id']}")
    if report["metadata"] is not None:
        context.append(f"metadata {json.dumps(report['metadata'])}")
    output.out(f"Plans of {report['product']} ({', '.join(context)})")
    output.out(_plans_table(report["plans"]))
    output.out()
    output.out(f"Rule: {report['rule']['description'].removeprefix('rule ')}")
    chosen = report["chosen"]
    if chosen is not None:
        price = _cost_text(chosen) or chosen["type"] or "price not stated"
        output.out(f"Chosen: {chosen['id']} ({chosen['name'] or 'unnamed'}, {price})")
    else:
        output.out("Chosen: none, no plan qualifies")
    output.out()
    output.out("Rejected")
    output.out(format_table(("id", "name", "reason"), [(r["id"], r["name"], r["reason"]) for r in report["rejected"]]))
