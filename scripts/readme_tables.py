"""Generate the README's tables from the code: the task classes' arguments, and the emulator's seed.

    python scripts/readme_tables.py           # print both tables
    python scripts/readme_tables.py --write   # rewrite them in README.md, between their markers
    python scripts/readme_tables.py --check   # exit 1 when README.md differs (CI runs the same in a test)

The argument table reads each class's ``__init__`` signature and ``template_fields``; the emulator table
reads ``airflow_provider_vercel/emulator/seed.json``. Each table sits between
``<!-- generated: NAME -->`` and ``<!-- end: NAME -->`` in README.md.
"""

from __future__ import annotations

import argparse
import inspect
import json
import re
import sys
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
SEED = ROOT / "airflow_provider_vercel" / "emulator" / "seed.json"

#: The task classes, in the order the README presents them: (package a DAG imports from, class name).
TASK_CLASSES = (
    ("operators", "VercelListConfigurationsOperator"),
    ("operators", "VercelListProductsOperator"),
    ("operators", "VercelListBillingPlansOperator"),
    ("operators", "VercelSelectBillingPlanOperator"),
    ("operators", "VercelCreateStoreOperator"),
    ("operators", "VercelConnectStoreOperator"),
    ("operators", "VercelDeleteStoreOperator"),
    ("operators", "VercelCleanupStoresOperator"),
    ("operators", "VercelApiOperator"),
    ("sensors", "VercelStoreReadySensor"),
)
#: Arguments every class takes from ``VercelBaseOperator``; the table says so once.
COMMON = ("vercel_conn_id", "retry_on_client_errors")
#: ``__init__`` names whose template field has another name (``dry_run`` is BaseOperator's method).
FIELD_NAMES = {"dry_run": "dry_run_mode"}


def task_class(package: str, name: str) -> type:
    """The class as a DAG file imports it, e.g. ``from airflow_provider_vercel.sensors import X``."""
    import importlib

    return getattr(importlib.import_module(f"airflow_provider_vercel.{package}"), name)


def own_arguments(cls: type) -> list[inspect.Parameter]:
    """The keyword arguments of ``cls.__init__`` (without ``**kwargs`` and the common ones)."""
    parameters = inspect.signature(cls.__init__).parameters.values()
    return [
        p for p in parameters
        if p.name != "self" and p.kind is inspect.Parameter.KEYWORD_ONLY and p.name not in COMMON
    ]


def is_templated(cls: type, argument: str) -> bool:
    """True when the argument (under its attribute name) is one of the class's ``template_fields``."""
    return FIELD_NAMES.get(argument, argument) in cls.template_fields  # type: ignore[attr-defined]


def _shown(parameter: inspect.Parameter) -> str:
    if parameter.default is inspect.Parameter.empty:
        return f"`{parameter.name}`"
    default = parameter.default
    if isinstance(default, tuple):
        default = list(default)
    return f"`{parameter.name}={default!r}`"


def operator_table() -> str:
    """The Markdown table of every task class's arguments, templated ones plain, others marked."""
    lines = [
        "| Class (import from) | Arguments: templated, except those marked † |",
        "|---|---|",
    ]
    for package, name in TASK_CLASSES:
        cls = task_class(package, name)
        shown = [_shown(p) + ("" if is_templated(cls, p.name) else " †") for p in own_arguments(cls)]
        lines.append(f"| `{name}` (`airflow_provider_vercel.{package}`) | {', '.join(shown)} |")
    common = ", ".join(f"`{name}`" for name in COMMON)
    lines.append("")
    lines.append(
        f"Every class also takes {common} (templated) and Airflow's own task arguments "
        "(`retries`, `pool`, ...). † marks what is fixed when the DAG is parsed."
    )
    return "\n".join(lines)


def emulator_table() -> str:
    """The emulator's seeded tokens, teams, configurations and projects, from ``seed.json``."""
    seed = json.loads(SEED.read_text())
    teams = {team["id"]: team for team in seed["teams"]}
    integrations = {i["id"]: i for i in seed["integrations"]}
    lines = [
        "| Send `Authorization: Bearer ...` | Alias | Team (`team_id`, slug) | Can |",
        "|---|---|---|---|",
    ]
    can = {
        "admin": "everything",
        "member": "read; create, connect and delete answer 403",
        "nopay_admin": "create free stores; a paid plan answers 402 (no payment method)",
        "other_team": "its own team only; `acme`'s resources answer 403",
    }
    for token in seed["tokens"]:
        team = teams[token["teamId"]]
        lines.append(
            f"| `{token['token']}` | `{token['alias']}` | `{team['id']}`, `{team['slug']}` | "
            f"{can.get(token['alias'], token['role'])} |"
        )
    lines += ["", "| Team | Configuration | Integration | Products | Projects |", "|---|---|---|---|---|"]
    for team in seed["teams"]:
        configurations = [c for c in seed["configurations"] if c["teamId"] == team["id"]]
        projects = ", ".join(f"`{p['name']}` (`{p['id']}`)" for p in seed["projects"] if p["teamId"] == team["id"])
        for index, configuration in enumerate(configurations):
            integration = integrations[configuration["integrationId"]]
            products = ", ".join(f"`{p['slug']}`" for p in integration["products"]) or "none"
            lines.append(
                f"| {'`' + team['slug'] + '`' if index == 0 else ''} | `{configuration['id']}` "
                f"({configuration['installationType']}) | `{integration['slug']}` | {products} | "
                f"{projects if index == 0 else ''} |"
            )
    return "\n".join(lines)


TABLES: dict[str, Callable[[], str]] = {"operator-arguments": operator_table, "emulator-seed": emulator_table}


def _pattern(name: str) -> re.Pattern[str]:
    return re.compile(rf"(<!-- generated: {name}[^\n]*-->\n)(.*?)(<!-- end: {name} -->)", re.S)


def readme_table(text: str, name: str) -> str | None:
    """The table called ``name`` as it stands in README text, or None when its markers are missing."""
    found = _pattern(name).search(text)
    return found.group(2).removesuffix("\n") if found else None


def rewrite(text: str) -> str:
    """README text with every generated table replaced by its current version."""
    for name, build in TABLES.items():
        pattern = _pattern(name)
        if not pattern.search(text):
            raise SystemExit(f"README.md has no markers for the table {name!r}")
        table = build() + "\n"
        text = pattern.sub(lambda m, t=table: m.group(1) + t + m.group(3), text)  # type: ignore[misc]
    return text


def main(argv: list[str] | None = None) -> int:
    """Print, write or check the tables; returns the exit status.

    :param argv: command-line arguments; None reads ``sys.argv``.
    """
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--write", action="store_true", help="rewrite the tables in README.md")
    mode.add_argument("--check", action="store_true", help="exit 1 if README.md's tables are stale")
    args = parser.parse_args(argv)
    text = README.read_text()
    if args.write:
        README.write_text(rewrite(text))
        return 0
    if args.check:
        stale = [name for name, build in TABLES.items() if readme_table(text, name) != build()]
        for name in stale:
            print(f"README.md table {name!r} is stale: run python scripts/readme_tables.py --write", file=sys.stderr)
        return 1 if stale else 0
    for name, build in TABLES.items():
        print(f"<!-- {name} -->\n{build()}\n")
    return 0




if __name__ == "__main__":
    sys.exit(main())
