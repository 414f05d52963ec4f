"""Plain-text tables, and the two documents the commands print (a discovery listing, a plan dry run) as them."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from airflow_provider_vercel.api.summaries import allowed_values_text, price_text
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


def _plans_table(plans: Sequence[Mapping[str, Any]], indent: str = "") -> str:
    rows = [(p["id"], p["name"], p["type"], price_text(p), p["is_free"], p["disabled"]) for p in plans]
    return format_table(("id", "name", "type", "cost", "free", "disabled"), rows, indent)


def _fields_table(fields: Sequence[Mapping[str, Any]], indent: str = "") -> str:
    def default(value: Any) -> Any:
        return value if value is None or isinstance(value, str) else json.dumps(value)

    rows = [(f["name"], f["type"], f["required"], default(f["default"]), allowed_values_text(f)) for f in fields]
    return format_table(("name", "type", "required", "default", "options"), rows, indent)


def _section(output: Output, title: str, body: str) -> None:
    """A blank line, the title, then the body (a table or a note)."""
    output.out(f"\n{title}\n{body}")


def render_discovery(document: Mapping[str, Any], output: Output) -> None:
    """Print a discovery listing (``{"base_url", "team", "configurations"}``) to ``output`` as tables."""
    configurations = document["configurations"]
    output.out(f"Vercel API {document['base_url']} ({team_text(document['team'])})")
    rows = [(c["id"], c["integration_slug"] or c["integration_id"], c["integration_name"], c["installation_type"],
             c["status"], c["source"]) for c in configurations]  # fmt: skip
    _section(output, "Configurations", format_table(("id", "integration", "name", "type", "status", "source"), rows))
    for configuration in configurations:
        label = configuration["integration_slug"] or configuration["integration_id"] or "integration"
        title = f"Products of {label} ({configuration['id']})"
        if configuration["error"]:
            _section(output, title, f"  (not listed: {configuration['error']})")
            continue
        products = configuration["products"]
        product_rows = [(p["id"], p["slug"], p["name"], p["protocols"], p["required_metadata"]) for p in products]
        _section(output, title, format_table(("id", "slug", "name", "protocols", "required metadata"), product_rows, "  "))
        for product in products:
            _section(output, f"  Metadata fields of {product['slug']}", _fields_table(product["fields"], "    "))
            if product["plans_error"]:
                _section(output, f"  Plans of {product['slug']}", f"    (not listed: {product['plans_error']})")
            elif product["plans"] is not None:
                _section(output, f"  Plans of {product['slug']}", _plans_table(product["plans"], "    "))


def render_plan_preview(report: Mapping[str, Any], output: Output) -> None:
    """Print a plan dry run (``plan_preview_flow``'s report) to ``output``: the plans, the rule, the choice, the rejections."""
    context = [f"integration {report['integration']}"]
    if report["configuration_id"]:
        context.append(f"configuration {report['configuration_id']}")
    if report["metadata"] is not None:
        context.append(f"metadata {json.dumps(report['metadata'])}")
    output.out(f"Plans of {report['product']} ({', '.join(context)})")
    output.out(_plans_table(report["plans"]))
    output.out(f"\nRule: {report['rule']['description'].removeprefix('rule ')}")
    chosen = report["chosen"]
    if chosen is not None:
        price = price_text(chosen) or chosen["type"] or "price not stated"
        output.out(f"Chosen: {chosen['id']} ({chosen['name'] or 'unnamed'}, {price})")
    else:
        output.out("Chosen: none, no plan qualifies")
    rejected = [(r["id"], r["name"], r["reason"]) for r in report["rejected"]]
    _section(output, "Rejected", format_table(("id", "name", "reason"), rejected))
