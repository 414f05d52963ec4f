"""Command line (``python -m airflow_provider_vercel``): Marketplace discovery and a billing-plan dry run (read-only).

Modules: ``parser`` (flags and their API names), ``session`` (the client), ``output`` (streams scrubbed of the
token, exit statuses), ``tables``, and one per command (``discover``, ``plan``) driving an API-layer flow.
"""

from __future__ import annotations

import contextlib
import importlib
import os
import sys
import traceback
from collections.abc import Mapping, Sequence
from typing import Any, TextIO

from airflow_provider_vercel.api.constants import INSTALLATION_TYPES, PLAN_TYPES, RULES
from airflow_provider_vercel.cli.output import EXIT_INTERNAL, EXIT_INTERRUPTED, CliError, Output, error_line
from airflow_provider_vercel.cli.parser import build_parser, parse_args


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
            # Not at the top: the commands import httpx and pydantic, which --help must not pay for.
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


# Imported on first use, as the commands are: they import the API layer (httpx, pydantic).
_LAZY = {"parse_metadata": "plan", "plan_rule": "plan", "cell": "tables", "format_table": "tables"}


def __getattr__(name: str) -> Any:
    """``cell`` and ``format_table`` from ``cli.tables``, ``parse_metadata`` and ``plan_rule`` from ``cli.plan``."""
    if name in _LAZY:
        return getattr(importlib.import_module(f"{__name__}.{_LAZY[name]}"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = ["INSTALLATION_TYPES", "PLAN_TYPES", "RULES", "CliError", "Output", "build_parser", "cell", "format_table"]
__all__ += ["main", "parse_metadata", "plan_rule"]
