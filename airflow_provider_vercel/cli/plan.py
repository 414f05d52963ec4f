"""``plan``: which billing plan a rule chooses and why each other plan is rejected (``plan_preview_flow``)."""

from __future__ import annotations

import argparse
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from airflow_provider_vercel.api.errors import one_line
from airflow_provider_vercel.api.plan_preview import check_preview_arguments, plan_preview_flow
from airflow_provider_vercel.api.plans import PlanRule
from airflow_provider_vercel.cli.output import EXIT_NO_PLAN, EXIT_OK, CliError, Output
from airflow_provider_vercel.cli.parser import RULE_OPTIONS
from airflow_provider_vercel.cli.session import open_client
from airflow_provider_vercel.cli.tables import render_plan_preview, team_text


def parse_metadata(raw: str | None) -> dict[str, Any] | None:
    """The ``--metadata`` value ``raw``: a JSON object, inline or ``@file``; None when absent. Raises ``CliError``."""
    if raw is None:
        return None
    text = raw
    if raw.startswith("@"):
        try:
            text = Path(raw[1:]).read_text(encoding="utf-8")
        except OSError as exc:
            raise CliError(f"--metadata: cannot read {raw[1:]!r}: {exc.strerror or exc}") from None

    def no_constant(name: str) -> Any:
        raise ValueError(f"{name} is not valid JSON")

    try:
        value = json.loads(text, parse_constant=no_constant)
    except ValueError as exc:
        raise CliError(f"--metadata: is not valid JSON: {one_line(str(exc))}") from None
    if not isinstance(value, dict):
        raise CliError(f"--metadata: must be a JSON object such as '{{\"region\": \"iad1\"}}', got {type(value).__name__}")
    return value


def plan_rule(args: argparse.Namespace) -> PlanRule:
    """The ``PlanRule`` the parsed ``plan`` flags ``args`` declare; a ``VercelInputError`` names its API argument."""
    given = {options["dest"]: getattr(args, options["dest"]) for options in RULE_OPTIONS.values()}
    return PlanRule.from_kwargs(**given)


def run(args: argparse.Namespace, env: Mapping[str, str], output: Output) -> int:
    """The ``plan`` command; returns the exit status (1 when no plan qualifies). Input is checked before any request."""
    metadata = parse_metadata(args.metadata)
    rule = plan_rule(args)
    check_preview_arguments(args.integration, args.product, args.configuration_id)
    with open_client(args, env, output) as client:
        account = team_text(client.team_id or client.team_slug)
        flow = plan_preview_flow(
            args.integration, args.product, rule, configuration_id=args.configuration_id, metadata=metadata, account=account
        )
        report = client.run(flow)
    output.result(report, render_plan_preview, args.json)
    if report["chosen"] is None:
        output.err(f"error: {report['problem']}")
        return EXIT_NO_PLAN
    return EXIT_OK
