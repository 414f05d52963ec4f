"""Command line: Marketplace discovery and a billing-plan dry run, from a terminal.

Two commands, both read-only (nothing is created, nothing is bought)::

    python -m airflow_provider_vercel discover [--integration neon] [--no-plans] [--json]
    python -m airflow_provider_vercel plan --integration neon --product neon-postgres \\
        --rule cheapest --max-monthly 20 [--metadata '{"region": "fra1"}'] [--json]

``discover`` prints the team's integration configurations, the products each can provision (with
their metadata fields) and each product's billing plans (``api.discovery``). ``plan`` shows which plan
``VercelSelectBillingPlanOperator`` would choose under a rule, and why every other plan was not
(``api.plan_preview``). Modules: ``parser`` (flags), ``session`` (the client), ``output`` (scrubbed
streams, exit statuses), ``tables`` (rendering), one per command (``discover``, ``plan``).

Credentials come from an Airflow connection (``--conn-id``, read through ``VercelHook``; the only path
that imports Airflow) or from ``VERCEL_TOKEN`` / ``VERCEL_TEAM`` / ``VERCEL_BASE_URL`` (or the
``--token`` / ``--team`` / ``--base-url`` flags, which win over the environment). The token is never
printed: every line written is scrubbed of it.

Exit statuses: 0 success; 1 no billing plan qualifies (the rejections are still printed); 2 bad usage
or input, reported before any request that depends on it is sent; 3 the API answered an error or could
not be reached; 4 an unexpected internal error; 130 interrupted.

Building the parser imports only the standard library and ``api.constants``, so ``--help`` and
``--version`` stay fast; a command's module (httpx, pydantic) is imported when it runs.
"""

from __future__ import annotations

import contextlib
import logging
import os
import sys
import traceback
from collections.abc import Iterator, Mapping, Sequence
from typing import Any, TextIO

from airflow_provider_vercel.api.constants import INSTALLATION_TYPES, PLAN_TYPES, RULES
from airflow_provider_vercel.cli.output import (
    EXIT_INTERNAL,
    EXIT_INTERRUPTED,
    EXIT_OK,
    EXIT_USAGE,
    CliError,
    Output,
    error_line,
)
from airflow_provider_vercel.cli.parser import build_parser, parse_args
from airflow_provider_vercel.cli.tables import cell, format_table


class _StderrLogHandler(logging.Handler):
    """Log records written through ``Output.err``, so they are scrubbed of the token too."""

    def __init__(self, output: Output) -> None:
        super().__init__(logging.DEBUG)
        self.output = output
        self.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))

    def emit(self, record: logging.LogRecord) -> None:
        try:
            self.output.err(self.format(record))
        except Exception:  # a log line must never break the command
            self.handleError(record)


@contextlib.contextmanager
def _verbose_logging(enabled: bool, output: Output) -> Iterator[None]:
    """With ``-v``, the client's and httpx's logs on stderr for the duration of the command."""
    if not enabled:
        yield
        return
    handler = _StderrLogHandler(output)
    loggers = [logging.getLogger(name) for name in ("airflow_provider_vercel", "httpx")]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.addHandler(handler)
        logger.setLevel(logging.DEBUG)
    try:
        yield
    finally:
        for logger, level in zip(loggers, levels):
            logger.removeHandler(handler)
            logger.setLevel(level)


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
    try:
        args = parse_args(argv)
    except SystemExit as exc:  # --help, --version, usage errors
        return exc.code if isinstance(exc.code, int) else (EXIT_OK if exc.code is None else EXIT_USAGE)
    try:
        # Results go to output.stdout, which holds its own reference; anything else printing to
        # sys.stdout (Airflow 2's console log handler, httpx's INFO lines) would break --json.
        with _verbose_logging(args.verbose, output), contextlib.redirect_stdout(output.stderr):
            # Imported here, not at the top: the commands import the API layer (httpx, pydantic), which
            # --help and --version must not pay for.
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
    """``parse_metadata`` and ``plan_rule`` (from ``cli.plan``), imported on first use for the reason above."""
    if name in ("parse_metadata", "plan_rule"):
        from airflow_provider_vercel.cli import plan

        return getattr(plan, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = ["INSTALLATION_TYPES", "PLAN_TYPES", "RULES", "CliError", "Output", "build_parser", "cell", "format_table"]
__all__ += ["main", "parse_metadata", "plan_rule"]
