"""``discover``: the team's configurations, their products (with metadata fields) and billing plans."""

from __future__ import annotations

import argparse
from collections.abc import Mapping
from typing import Any

from airflow_provider_vercel.api.discovery import discovery_flow
from airflow_provider_vercel.cli.output import EXIT_API, EXIT_OK, Output
from airflow_provider_vercel.cli.session import open_client
from airflow_provider_vercel.cli.tables import render_discovery


def run(args: argparse.Namespace, env: Mapping[str, str], output: Output) -> int:
    """The ``discover`` command; returns the exit status (3 when a call failed and the listing is incomplete)."""
    with open_client(args, env, output) as client:
        found = client.run(discovery_flow(args.installation_type, args.integration, with_plans=not args.no_plans))
        document: dict[str, Any] = {"base_url": client.base_url, "team": client.team_id or client.team_slug}
    for warning in found.warnings:
        output.err(f"warning: {warning}")
    document["configurations"] = found.configurations
    output.result(document, render_discovery, args.json)
    if found.failures:
        output.err(f"error: {found.failures} call(s) failed; the listing above is incomplete")
        return EXIT_API
    return EXIT_OK
