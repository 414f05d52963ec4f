"""Command line: Marketplace discovery and a billing-plan dry run, from a terminal (read-only).

    python -m airflow_provider_vercel discover [--integration neon] [--no-plans] [--json]
    python -m airflow_provider_vercel plan --integration neon --product neon-postgres --rule cheapest --max-monthly 20

``discover`` lists the team's configurations, their products (with metadata fields) and billing plans
(``api.discovery``); ``plan`` shows which plan ``VercelSelectBillingPlanOperator`` would choose under a
rule and why each other plan was not (``api.plan_preview``). Modules: ``parser`` (flags and their
API names), ``session`` (the client: ``--conn-id`` or ``VERCEL_TOKEN``/``VERCEL_TEAM``/``VERCEL_BASE_URL``),
``output`` (streams scrubbed of the token, exit statuses), ``tables``, and one per command.

Exit statuses: 0 success; 1 no billing plan qualifies; 2 bad usage or input, reported before any request
that depends on it; 3 the API answered an error or could not be reached; 4 internal error; 130 interrupted.
"""

from __future__ import annotations

import contextlib
import os
import sys
import traceback
from collections.abc import Mapping, Sequence
from typing import Any, TextIO

from airflow_provider_vercel.api.constants import INSTALLATION_TYPES, PLAN_TYPES, RULES
from airflow_provider_vercel.cli.output import EXIT_INTERNAL, EXIT_INTERRUPTED, CliError, Output, error_line
from airflow_provider_vercel.cli.parser import build_parser, parse_args
from airflow_provider_vercel.cli.tables import cell, format_table


def main(
    argv: Sequence[str] | None = None,
    *,
    env: Mapping[str, str] | None = None,
    stdout: TextIO | None = None,
    stderr: TextIO | None = None,
) -> int:
    """Run the CLI and return its exit status (argparse's usage errors included, as 2).

    :param argv: arguments without the program name; None reads ``sys.argv``.
    :param env: environment for ``VERCEL_*``; None reads ``os.environ``.
    :param stdout: stream for results; None is ``sys.stdout``.
    :param stderr: stream for errors and warnings; None is ``sys.stderr``.
    """
    output = Output(stdout or sys.stdout, stderr or sys.stderr)
    args = parse_args(argv)
    if isinstance(args, int):  # --help, --version, usage errors
        return args
    try:
        # Results go to output.stdout, which holds its own reference; anything else printing to
        # sys.stdout (Airflow 2's console log handler, httpx's INFO lines) would break --json.
        with output.logging_to_stderr(args.verbose), contextlib.redirect_stdout(output.stderr):
            # Imported here, not at the top: the commands import the API layer (httpx, pydantic),
            # which --help and --version must not pay for.
            from airflow_provider_vercel.cli import discover, plan

            command = {"discover": discover.run, "plan": plan.run}[args.command]
            return command(args, os.environ if env is None else env, output)
    except KeyboardInterrupt:
        output.err("interrupted")
        return EXIT_INTERRUPTED
    except Exception as exc:
        message, status = error_line(exc)
        if status == EXIT_INTERNAL and args.verbose:
            output.err("".join(traceback.format_exception(exc)).rstrip())
        output.err(f"error: {message}")
        return status
    finally:
        output.stdout.flush()


def __getattr__(name: str) -> Any:
    """``parse_metadata`` and ``plan_rule`` from ``cli.plan``, imported on first use (as the commands are)."""
    if name in ("parse_metadata", "plan_rule"):
        from airflow_provider_vercel.cli import plan

        return getattr(plan, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = ["INSTALLATION_TYPES", "PLAN_TYPES", "RULES", "CliError", "Output", "build_parser", "cell", "format_table"]
__all__ += ["main", "parse_metadata", "plan_rule"]
