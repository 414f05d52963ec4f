"""Helpers of the CLI's tests (tests/cli): run it in-process, read its tables back, inspect imports."""

from __future__ import annotations

import os
import re
from pathlib import Path

from airflow_provider_vercel.cli import main

ROOT = Path(__file__).resolve().parents[2]
PLANS_PATH = re.compile(r"^/v1/integrations/integration/[^/]+/products/[^/]+/plans$")
PRODUCTS_PATH = re.compile(r"^/v1/integrations/configuration/[^/]+/products$")
NEON_PLANS = ["free", "launch", "scale", "business-legacy", "credits"]
PLAN_SUMMARY_KEYS = {
    "id",
    "name",
    "type",
    "scope",
    "is_free",
    "cost",
    "monthly_cost",
    "initial_charge",
    "minimum_amount",
    "maximum_amount",
    "disabled",
    "requires_prepayment_amount",
}


def run(capsys, env, *argv):
    """Run the CLI in-process; return (exit status, stdout, stderr)."""
    status = main(list(argv), env=env)
    out, err = capsys.readouterr()
    return status, out, err


def table_after(out, title):
    """The lines of the table printed under the line ``title`` (up to the next blank line)."""
    lines = out.splitlines()
    start = next(i for i, line in enumerate(lines) if line.strip() == title)
    table = []
    for line in lines[start + 1 :]:
        if not line.strip():
            break
        table.append(line)
    return table


def rows(table):
    """Rows as dicts, each cell cut at its header's column: only aligned columns read back right."""
    header = table[0]
    spans = [(m.start(), m.group()) for m in re.finditer(r"\S+(?: \S+)*", header)]
    result = []
    for line in table[1:]:
        row = {}
        for index, (start, title) in enumerate(spans):
            end = spans[index + 1][0] if index + 1 < len(spans) else None
            row[title] = line[start:end].strip()
        result.append(row)
    return result


def by(key, items):
    return {item[key]: item for item in items}


def plans_requests(emulator):
    return [r for r in emulator.requests if PLANS_PATH.match(r["path"])]


def imported_modules(importtime_stderr):
    """Top-level names of the modules a ``-X importtime`` run imported."""
    names = set()
    for line in importtime_stderr.splitlines():
        if line.startswith("import time:") and "|" in line:
            module = line.rsplit("|", 1)[1].strip()
            names.add(module.split(".")[0])
    return names


def subprocess_env(**extra):
    environ = {k: v for k, v in os.environ.items() if not k.startswith(("VERCEL_", "AIRFLOW_CONN_"))}
    environ["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), environ.get("PYTHONPATH")]))
    environ.update(extra)
    return environ
