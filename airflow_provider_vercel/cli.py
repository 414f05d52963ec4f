"""Command line: Marketplace discovery and a billing-plan dry run, from a terminal.

Two commands, both read-only (nothing is created, nothing is bought)::

    python -m airflow_provider_vercel discover [--integration neon] [--no-plans] [--json]
    python -m airflow_provider_vercel plan --integration neon --product neon-postgres \\
        --rule cheapest --max-monthly 20 [--metadata '{"region": "fra1"}'] [--json]

``discover`` prints the team's integration configurations, the products each can provision (with
their metadata fields) and each product's billing plans. ``plan`` shows which plan
``VercelSelectBillingPlanOperator`` would choose under a rule, and why every other plan was not.

Credentials come from an Airflow connection (``--conn-id``, read through ``VercelHook``; the only path
that imports Airflow) or from ``VERCEL_TOKEN`` / ``VERCEL_TEAM`` / ``VERCEL_BASE_URL`` (or the
``--token`` / ``--team`` / ``--base-url`` flags, which win over the environment). The token is never
printed: every line written is scrubbed of it.

Exit statuses: 0 success; 1 no billing plan qualifies (the rejections are still printed); 2 bad usage
or input, reported before any request that depends on it is sent; 3 the API answered an error or could
not be reached; 4 an unexpected internal error; 130 interrupted.

This module imports only the standard library at import time, so ``--help`` and ``--version`` stay
fast; the API layer (httpx, pydantic) is imported when a command runs.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import logging
import os
import sys
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TextIO

from airflow_provider_vercel import __version__
from airflow_provider_vercel.defaults import DEFAULT_BASE_URL

if TYPE_CHECKING:
    from airflow_provider_vercel.api.client import VercelClient
    from airflow_provider_vercel.api.models import ConfigurationProducts, Product
    from airflow_provider_vercel.api.plans import PlanRule

PROG = "python -m airflow_provider_vercel"

EXIT_OK = 0
EXIT_NO_PLAN = 1
EXIT_USAGE = 2
EXIT_API = 3
EXIT_INTERNAL = 4
EXIT_INTERRUPTED = 130

ENV_TOKEN = "VERCEL_TOKEN"
ENV_TEAM = "VERCEL_TEAM"
ENV_BASE_URL = "VERCEL_BASE_URL"
# A person is waiting: fewer attempts and a shorter budget than the client's defaults.
DEFAULT_MAX_ATTEMPTS = 3
CLI_MAX_ELAPSED = 30.0

# Repeated from the API layer (api.plans.RULES, api.plans.PLAN_TYPES, api.validation.INSTALLATION_TYPES)
# so that building the parser imports nothing heavy; tests/test_cli.py checks they agree.
RULES = ("id", "name", "free", "cheapest")
PLAN_TYPES = ("subscription", "prepayment")
INSTALLATION_TYPES = ("marketplace", "external", "provisioning")

# API-layer argument names -> the flag a person typed.
_FLAGS = {
    "integration": "--integration",
    "product": "--product",
    "configuration_id": "--configuration-id",
    "integration_configuration_id": "--configuration-id",
    "installation_type": "--installation-type",
    "rule": "--rule",
    "plan_id": "--plan-id",
    "plan_name": "--plan-name",
    "max_monthly_cost": "--max-monthly",
    "max_initial_charge": "--max-initial-charge",
    "max_prepayment_amount": "--max-prepayment",
    "prepayment_amount_cents": "--prepayment-cents",
    "plan_type": "--plan-type",
    "allow_prepayment": "--no-prepayment",
    "paid_only": "--paid-only",
    "metadata": "--metadata",
    "max_attempts": "--max-attempts",
}
_SCRUBBED = "***"
_MIN_SECRET_LENGTH = 4


# --- errors and output ------------------------------------------------------------------------


class CliError(Exception):
    """A failure reported as one line on stderr, with an exit status.

    :param message: the line to print (without the ``error:`` prefix).
    :param status: the exit status.
    """

    def __init__(self, message: str, status: int = EXIT_USAGE) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


def _one_line(text: str) -> str:
    """Multi-line messages (``- item`` lists) joined into one line."""
    head, *rest = [line.strip() for line in str(text).splitlines() if line.strip()] or [""]
    items = [line[2:] if line.startswith("- ") else line for line in rest]
    return " ".join([head, "; ".join(items)]).strip() if items else head


def _printable(text: str) -> str:
    """Remote data made safe for a terminal: control characters (escape sequences) become spaces."""
    return "".join(ch if ch.isprintable() else " " for ch in text)


class Output:
    """Where the CLI writes; every line is scrubbed of the secrets it was told about.

    :param stdout: stream for results (tables or the one JSON document).
    :param stderr: stream for errors, warnings and notes.
    """

    def __init__(self, stdout: TextIO, stderr: TextIO) -> None:
        self.stdout = stdout
        self.stderr = stderr
        self._secrets: list[str] = []

    def hide(self, secret: str | None) -> None:
        """Never write ``secret`` (the API token) from now on."""
        if secret and len(secret) >= _MIN_SECRET_LENGTH and secret not in self._secrets:
            self._secrets.append(secret)

    def scrub(self, text: str) -> str:
        """``text`` with every known secret replaced by ``***``."""
        for secret in self._secrets:
            text = text.replace(secret, _SCRUBBED)
        return text

    def out(self, text: str = "") -> None:
        """Write a line to stdout."""
        self.stdout.write(self.scrub(text) + "\n")

    def err(self, text: str) -> None:
        """Write a line to stderr."""
        self.stderr.write(self.scrub(text) + "\n")
        self.stderr.flush()

    def json(self, document: Any) -> None:
        """Write ``document`` as the one JSON document on stdout."""
        self.out(json.dumps(document, indent=2, default=str))


# --- tables -----------------------------------------------------------------------------------


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
    text = " ".join(_printable(str(value)).split())
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


def _default_text(value: Any) -> Any:
    if value is None or isinstance(value, str):
        return value
    return json.dumps(value)


def _number(value: float | None) -> str:
    return "?" if value is None else (f"{value:g}")


def _options_text(field: Mapping[str, Any]) -> str | None:
    if field["options"]:
        return ", ".join(str(option) for option in field["options"])
    low, high = field["minimum"], field["maximum"]
    if low is None and high is None:
        return None
    if low is not None and high is not None:
        return f"{_number(low)} to {_number(high)}"
    return f">= {_number(low)}" if low is not None else f"<= {_number(high)}"


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
    return format_table(
        ("id", "name", "type", "cost", "free", "disabled"),
        [(p["id"], p["name"], p["type"], _cost_text(p), p["is_free"], p["disabled"]) for p in plans],
        indent,
    )


def _fields_table(fields: Sequence[Mapping[str, Any]], indent: str = "") -> str:
    return format_table(
        ("name", "type", "required", "default", "options"),
        [(f["name"], f["type"], f["required"], _default_text(f["default"]), _options_text(f)) for f in fields],
        indent,
    )


# --- the parser -------------------------------------------------------------------------------

_EPILOG = f"""\
credentials:
  Prefer the environment to --token (command-line flags are visible to other users in `ps`):
    export {ENV_TOKEN}=...        the API token (or --token)
    export {ENV_TEAM}=team_...    team id (team_...) or team slug (or --team)
    export {ENV_BASE_URL}=...     API base URL, default {DEFAULT_BASE_URL} (or --base-url)
  or read an Airflow connection of type vercel with --conn-id (needs Airflow installed); the
  VERCEL_* variables are then ignored, while --team and --base-url still override the connection.

examples:
  {PROG} discover
  {PROG} discover --integration neon --json
  {PROG} plan --integration neon --product neon-postgres --rule cheapest --max-monthly 20
  {PROG} plan --integration neon --product neon-postgres --metadata '{{"region": "fra1"}}' --rule free

exit status:
  0 ok / a plan was chosen, 1 no plan qualifies, 2 bad usage or input, 3 API error, 4 internal error
"""


def _common_options() -> argparse.ArgumentParser:
    """Options accepted before or after the command name (defaults are applied after parsing)."""
    common = argparse.ArgumentParser(add_help=False)
    api = common.add_argument_group("API access")
    api.add_argument(
        "--conn-id", default=argparse.SUPPRESS, metavar="ID", help="read token, base URL and team from this Airflow connection"
    )
    api.add_argument(
        "--token", default=argparse.SUPPRESS, metavar="T", help=f"API token (prefer the {ENV_TOKEN} environment variable)"
    )
    api.add_argument(
        "--team", default=argparse.SUPPRESS, metavar="TEAM", help=f"team id (team_...) or slug (default: ${ENV_TEAM})"
    )
    api.add_argument(
        "--base-url",
        default=argparse.SUPPRESS,
        metavar="URL",
        help=f"API base URL (default: ${ENV_BASE_URL}, else {DEFAULT_BASE_URL})",
    )
    api.add_argument(
        "--max-attempts",
        type=int,
        default=argparse.SUPPRESS,
        metavar="N",
        help=f"attempts per read call, retries included (default {DEFAULT_MAX_ATTEMPTS}; 1 fails fast)",
    )
    output = common.add_argument_group("output")
    output.add_argument(
        "--json", action="store_true", default=argparse.SUPPRESS, help="print one JSON document instead of tables"
    )
    output.add_argument(
        "-v", "--verbose", action="store_true", default=argparse.SUPPRESS, help="log HTTP calls and retries on stderr"
    )
    return common


_COMMON_DEFAULTS = {
    "conn_id": None,
    "token": None,
    "team": None,
    "base_url": None,
    "max_attempts": None,
    "json": False,
    "verbose": False,
}


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of ``python -m airflow_provider_vercel``."""
    common = _common_options()
    parser = argparse.ArgumentParser(
        prog=PROG,
        description="Discover Vercel Marketplace products and billing plans, and dry-run plan selection.",
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
        parents=[common],
    )
    parser.add_argument("--version", action="version", version=f"airflow-provider-vercel {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    discover = commands.add_parser(
        "discover",
        parents=[common],
        help="list configurations, their products (with metadata fields) and billing plans",
        description="List the team's integration configurations, the products each can provision\n"
        "(with their metadata fields) and each product's billing plans. Read-only.",
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    discover.add_argument("--integration", metavar="SLUG_OR_ID", help="only this integration (slug such as neon, or oac_...)")
    discover.add_argument("--installation-type", choices=INSTALLATION_TYPES, help="only configurations of this type")
    discover.add_argument("--no-plans", action="store_true", help="skip the billing-plans call of every product")
    discover.set_defaults(handler=run_discover)

    plan = commands.add_parser(
        "plan",
        parents=[common],
        help="show which billing plan a rule chooses, and why the others are rejected",
        description="Dry run of VercelSelectBillingPlanOperator: list a product's plans, apply the rule,\n"
        "show the chosen plan and why each other plan was rejected. Nothing is created or bought.\n"
        "Without --rule the rule is inferred: --plan-id means id, --plan-name name, a ceiling\n"
        "cheapest, nothing free.",
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    plan.add_argument("--integration", required=True, metavar="SLUG_OR_ID", help="integration slug (neon) or id (oac_...)")
    plan.add_argument("--product", required=True, metavar="SLUG_OR_ID", help="product slug (neon-postgres) or id (iap_...)")
    plan.add_argument(
        "--configuration-id",
        metavar="ICFG",
        help="configuration (icfg_...); with --metadata and without it, the integration's one configuration is used",
    )
    plan.add_argument(
        "--metadata",
        metavar="JSON",
        help="intended store metadata as a JSON object (or @file.json); checked against the product's "
        "schema, then sent with the plans call because prices may depend on it",
    )
    rule = plan.add_argument_group("selection rule (as VercelSelectBillingPlanOperator)")
    rule.add_argument("--rule", choices=RULES, help="how to choose; inferred when absent")
    rule.add_argument("--plan-id", metavar="ID", help="the plan id, for --rule id")
    rule.add_argument("--plan-name", metavar="NAME", help="the plan name (any case), for --rule name")
    rule.add_argument("--max-monthly", metavar="USD", help="ceiling on a subscription's monthly cost")
    rule.add_argument("--max-initial-charge", metavar="USD", help="ceiling on the charge made at creation")
    rule.add_argument("--max-prepayment", metavar="USD", help="ceiling on a prepayment plan's prepaid amount")
    rule.add_argument("--prepayment-cents", type=int, metavar="CENTS", help="intended prepayment, in cents (>= 50)")
    rule.add_argument("--plan-type", choices=PLAN_TYPES, help="only plans of this type")
    rule.add_argument("--no-prepayment", action="store_true", help="refuse every prepayment plan")
    rule.add_argument("--paid-only", action="store_true", help="refuse free plans (the cheapest paid plan)")
    plan.set_defaults(handler=run_plan)
    return parser


# --- API access -------------------------------------------------------------------------------


@dataclass
class Session:
    """An API client and where it points (for messages); close it when done.

    :param client: the Vercel client.
    :param base_url: the API base URL.
    :param team: team id or slug, or None for the token's personal account.
    :param close: releases the client's connections.
    """

    client: VercelClient
    base_url: str
    team: str | None
    close: Callable[[], None]


def _team_id_and_slug(team: str | None) -> tuple[str | None, str | None]:
    """``team_…`` is a team id, anything else a team slug."""
    if team is None:
        return None, None
    team = team.strip()
    return (team, None) if team.startswith("team_") else (None, team)


def _retry_policy(max_attempts: int | None) -> Any:
    from airflow_provider_vercel.api.retry import RetryPolicy

    attempts = DEFAULT_MAX_ATTEMPTS if max_attempts is None else max_attempts
    return RetryPolicy(max_attempts=attempts, max_elapsed=CLI_MAX_ELAPSED)


@contextlib.contextmanager
def _renamed(names: Mapping[str, str]) -> Iterator[None]:
    """Re-raise ``VercelInputError`` under the name the person used (a flag or an env var)."""
    from airflow_provider_vercel.api.errors import VercelInputError

    try:
        yield
    except VercelInputError as exc:
        if exc.argument in names:
            raise VercelInputError(names[exc.argument], exc.reason) from None
        raise


def open_session(args: argparse.Namespace, env: Mapping[str, str], output: Output) -> Session:
    """Build the client from ``--conn-id``, or from the token flags and ``VERCEL_*`` variables.

    :param args: parsed arguments.
    :param env: the environment to read ``VERCEL_*`` from.
    :param output: told about the token so that it is never written.
    """
    if args.conn_id is not None:
        return _session_from_connection(args, output)
    from airflow_provider_vercel.api.client import VercelClient

    token_source = "--token" if args.token is not None else ENV_TOKEN
    token = args.token if args.token is not None else env.get(ENV_TOKEN)
    output.hide(token)
    output.hide(token.strip() if token else None)
    if not token or not token.strip():
        raise CliError(f"no API token: set {ENV_TOKEN} (or pass --token, or --conn-id for an Airflow connection)")
    team_source = "--team" if args.team is not None else ENV_TEAM
    team = args.team if args.team is not None else (env.get(ENV_TEAM) or None)
    url_source = "--base-url" if args.base_url is not None else ENV_BASE_URL
    base_url = args.base_url if args.base_url is not None else (env.get(ENV_BASE_URL) or DEFAULT_BASE_URL)
    names = {"token": token_source, "base_url": url_source, "team_id": team_source, "team_slug": team_source}
    team_id, team_slug = _team_id_and_slug(team)
    with _renamed({**names, "max_attempts": "--max-attempts"}):
        client = VercelClient(
            token, base_url=base_url, team_id=team_id, team_slug=team_slug, retry_policy=_retry_policy(args.max_attempts)
        )
    return Session(client, client.base_url, client.team_id or client.team_slug, client.close)


def _session_from_connection(args: argparse.Namespace, output: Output) -> Session:
    """The client from an Airflow connection; ``--team``, ``--base-url`` and ``--max-attempts`` override it."""
    if args.token is not None:
        raise CliError("--token: cannot be combined with --conn-id (the connection holds the token)")
    # Airflow configures its logging on import with a handler on the *current* sys.stdout, and logs
    # while reading a connection (the secrets masker warns about short extras): keep stdout for the
    # results (one JSON document with --json) by pointing it at stderr while Airflow is set up.
    with contextlib.redirect_stdout(output.stderr):
        try:
            from airflow_provider_vercel.hooks.vercel import VercelHook
        except ImportError as exc:
            raise CliError(
                f"--conn-id: needs Apache Airflow ({exc.name or exc}); use {ENV_TOKEN} and {ENV_TEAM} instead"
            ) from None
        from airflow_provider_vercel.api.errors import VercelError

        with _renamed({"vercel_conn_id": "--conn-id"}):
            hook = VercelHook(args.conn_id)
        try:
            settings = hook.settings
        except VercelError:
            raise
        except Exception as exc:  # unknown connection, unreadable secrets backend...
            raise CliError(f"--conn-id: cannot read connection {args.conn_id!r}: {_one_line(str(exc))}") from None
    output.hide(settings.token)
    from airflow_provider_vercel.api.client import VercelClient

    # Overrides are applied here rather than through the hook: a slug given with --team must also
    # drop a team id stored in the connection, and a bad --base-url must be reported as such.
    kwargs = settings.client_kwargs()
    if args.team is not None:
        kwargs["team_id"], kwargs["team_slug"] = _team_id_and_slug(args.team)
    if args.base_url is not None:
        kwargs["base_url"] = args.base_url
    if args.max_attempts is not None:
        kwargs["retry_policy"] = _retry_policy(args.max_attempts)
    names = {"base_url": "--base-url", "team_id": "--team", "team_slug": "--team", "max_attempts": "--max-attempts"}
    with _renamed(names):
        client = VercelClient(settings.token, **kwargs)
    return Session(client, client.base_url, client.team_id or client.team_slug, client.close)


@contextlib.contextmanager
def _reaching(session: Session) -> Iterator[None]:
    """Close the session at the end; a transport failure names the base URL it could not reach."""
    from airflow_provider_vercel.api.errors import VercelTransportError

    try:
        yield
    except VercelTransportError as exc:
        raise CliError(f"could not reach the Vercel API at {session.base_url}: {exc}", EXIT_API) from None
    finally:
        session.close()


def _fill_defaults(args: argparse.Namespace) -> argparse.Namespace:
    for name, value in _COMMON_DEFAULTS.items():
        if not hasattr(args, name):
            setattr(args, name, value)
    return args


# --- discover ---------------------------------------------------------------------------------


def _api_failure(exc: Exception) -> str:
    """One line describing an API failure (never the token: the client scrubs Vercel's messages)."""
    from airflow_provider_vercel.api.errors import VercelApiError

    if isinstance(exc, VercelApiError):
        code = f" {exc.code}" if exc.code else ""
        text = f"Vercel API answered {exc.status}{code} to {exc.method} {exc.path}"
        return f"{text}: {exc.message}" if exc.message else text
    return _one_line(str(exc))


def _field_dict(field: Any) -> dict[str, Any]:
    return {
        "name": field.name,
        "label": field.label,
        "type": field.type,
        "control": field.control,
        "required": field.required,
        "default": field.default,
        "options": list(field.options),
        "minimum": field.minimum,
        "maximum": field.maximum,
        "description": field.description,
    }


def _product_entry(
    session: Session, configuration: Any, listing: ConfigurationProducts, product: Product, with_plans: bool, output: Output
) -> tuple[dict[str, Any], int]:
    """A product summary with its metadata fields and plans; returns it and the number of failed calls."""
    from airflow_provider_vercel.api.errors import VercelError, VercelInputError
    from airflow_provider_vercel.api.metadata import describe_fields
    from airflow_provider_vercel.api.plans import plan_summary
    from airflow_provider_vercel.api.summaries import product_summary

    entry = product_summary(product, integration=listing.integration, configuration_id=configuration.id)
    try:
        entry["fields"] = [_field_dict(field) for field in describe_fields(product.metadata_schema)]
    except VercelInputError as exc:  # a schema we cannot read is the API's problem, not the person's
        output.err(f"warning: metadata schema of {product.slug} is unreadable: {exc.reason}")
        entry["fields"] = []
    entry["plans"] = None
    entry["plans_error"] = None
    if not with_plans:
        return entry, 0
    integration = (listing.integration.id if listing.integration else None) or configuration.integration_id
    integration = integration or configuration.integration_slug
    try:
        plans = session.client.list_billing_plans(integration, product.id, configuration_id=configuration.id)
    except VercelError as exc:
        if _is_fatal(exc):
            raise
        entry["plans_error"] = _api_failure(exc)
        output.err(f"warning: plans of {product.slug} ({configuration.id}): {entry['plans_error']}")
        return entry, 1
    entry["plans"] = [plan_summary(plan) for plan in plans]
    return entry, 0


def _is_fatal(exc: Exception) -> bool:
    """Failures that would repeat on every call (a bad token): stop rather than collect them."""
    from airflow_provider_vercel.api.errors import VercelInputError, VercelUnauthorizedError

    return isinstance(exc, (VercelUnauthorizedError, VercelInputError))


def discover(session: Session, args: argparse.Namespace, output: Output) -> tuple[dict[str, Any], int]:
    """Configurations, their products and plans as one JSON-safe document; returns it and failed calls.

    One configuration's or product's failure is recorded in the document (``error``/``plans_error``)
    and discovery goes on; an invalid token stops it.

    :param session: the API session.
    :param args: parsed ``discover`` arguments.
    :param output: where warnings go.
    """
    from airflow_provider_vercel.api.errors import VercelError
    from airflow_provider_vercel.api.summaries import configuration_summary

    with _renamed(_FLAGS):
        configurations = session.client.list_configurations("account", args.installation_type, args.integration)
    failures = 0
    entries = []
    for configuration in configurations:
        entry = configuration_summary(configuration)
        entry["products"] = []
        entry["error"] = None
        entries.append(entry)
        try:
            listing = session.client.list_products(configuration.id)
        except VercelError as exc:
            if _is_fatal(exc):
                raise
            failures += 1
            entry["error"] = _api_failure(exc)
            output.err(f"warning: products of {configuration.id}: {entry['error']}")
            continue
        if entry["integration_name"] is None and listing.integration is not None:
            entry["integration_name"] = listing.integration.name
        for product in listing.products:
            product_entry, failed = _product_entry(session, configuration, listing, product, not args.no_plans, output)
            failures += failed
            entry["products"].append(product_entry)
    document = {"base_url": session.base_url, "team": session.team, "configurations": entries}
    return document, failures


def render_discovery(document: Mapping[str, Any], output: Output) -> None:
    """Print a discovery document as tables.

    :param document: what ``discover`` returned.
    :param output: where to print.
    """
    configurations = document["configurations"]
    output.out(f"Vercel API {document['base_url']} ({_team_text(document['team'])})")
    output.out()
    output.out("Configurations")
    output.out(
        format_table(
            ("id", "integration", "name", "type", "status", "source"),
            [
                (c["id"], c["integration_slug"] or c["integration_id"], c["integration_name"], c["installation_type"], c["status"], c["source"])
                for c in configurations
            ],
        )
    )
    for configuration in configurations:
        label = configuration["integration_slug"] or configuration["integration_id"] or "integration"
        output.out()
        output.out(f"Products of {label} ({configuration['id']})")
        if configuration["error"]:
            output.out(f"  (not listed: {configuration['error']})")
            continue
        products = configuration["products"]
        output.out(
            format_table(
                ("id", "slug", "name", "protocols", "required metadata"),
                [(p["id"], p["slug"], p["name"], p["protocols"], p["required_metadata"]) for p in products],
                "  ",
            )
        )
        for product in products:
            output.out()
            output.out(f"  Metadata fields of {product['slug']}")
            output.out(_fields_table(product["fields"], "    "))
            if product["plans_error"]:
                output.out()
                output.out(f"  Plans of {product['slug']}")
                output.out(f"    (not listed: {product['plans_error']})")
            elif product["plans"] is not None:
                output.out()
                output.out(f"  Plans of {product['slug']}")
                output.out(_plans_table(product["plans"], "    "))


def _team_text(team: str | None) -> str:
    return f"team {team}" if team else "the token's personal account"


def run_discover(args: argparse.Namespace, env: Mapping[str, str], output: Output) -> int:
    """The ``discover`` command; returns the exit status."""
    session = open_session(args, env, output)
    with _reaching(session):
        document, failures = discover(session, args, output)
    if args.json:
        output.json(document)
    else:
        render_discovery(document, output)
    if failures:
        output.err(f"error: {failures} call(s) failed; the listing above is incomplete")
        return EXIT_API
    return EXIT_OK


# --- plan -------------------------------------------------------------------------------------


def parse_metadata(raw: str | None) -> dict[str, Any] | None:
    """``--metadata``: a JSON object, inline or ``@file``; None when absent. Raises ``CliError`` (exit 2).

    :param raw: the option's value.
    """
    if raw is None:
        return None
    text = raw
    if raw.startswith("@"):
        try:
            with open(raw[1:], encoding="utf-8") as handle:
                text = handle.read()
        except OSError as exc:
            raise CliError(f"--metadata: cannot read {raw[1:]!r}: {exc.strerror or exc}") from None

    def no_constant(name: str) -> Any:
        raise ValueError(f"{name} is not valid JSON")

    try:
        value = json.loads(text, parse_constant=no_constant)
    except ValueError as exc:
        raise CliError(f"--metadata: is not valid JSON: {_one_line(str(exc))}") from None
    if not isinstance(value, dict):
        raise CliError(f"--metadata: must be a JSON object such as '{{\"region\": \"iad1\"}}', got {type(value).__name__}")
    return value


def plan_rule(args: argparse.Namespace) -> PlanRule:
    """The ``PlanRule`` the flags declare; raises ``VercelInputError`` naming the flag.

    :param args: parsed ``plan`` arguments.
    """
    from airflow_provider_vercel.api.plans import PlanRule

    with _renamed(_FLAGS):
        return PlanRule.from_kwargs(
            rule=args.rule,
            plan_id=args.plan_id,
            plan_name=args.plan_name,
            max_monthly_cost=args.max_monthly,
            max_initial_charge=args.max_initial_charge,
            max_prepayment_amount=args.max_prepayment,
            prepayment_amount_cents=args.prepayment_cents,
            allow_prepayment=not args.no_prepayment,
            plan_type=args.plan_type,
            paid_only=args.paid_only,
        )


def _check_plan_arguments(args: argparse.Namespace) -> None:
    from airflow_provider_vercel.api import validation as check

    with _renamed(_FLAGS):
        check.require_id("integration", args.integration)
        check.product_id_or_slug(args.product)
        if args.configuration_id is not None:
            check.configuration_id(args.configuration_id, "configuration_id")


def _the_configuration(session: Session, integration: str) -> str:
    """The id of the integration's one configuration; ``CliError`` when there are none or several."""
    configurations = [
        c
        for c in session.client.list_configurations("account", None, integration)
        if integration in (c.integration_id, c.integration_slug, c.id) or not (c.integration_id or c.integration_slug)
    ]
    if len(configurations) == 1:
        return configurations[0].id
    if not configurations:
        raise CliError(f"--integration: no configuration of {integration!r} is visible to {_team_text(session.team)}")
    listed = ", ".join(f"{c.id} ({c.effective_installation_type})" for c in configurations)
    raise CliError(f"--configuration-id: {integration!r} has {len(configurations)} configurations ({listed}); pick one")


def _the_product(listing: ConfigurationProducts, wanted: str, configuration_id: str) -> Product:
    for product in listing.products:
        if wanted in (product.id, product.slug):
            return product
    known = ", ".join(f"{p.slug} ({p.id})" for p in listing.products) or "none"
    raise CliError(f"--product: {wanted!r} is not a product of configuration {configuration_id}; products: {known}")


def _rule_dict(rule: PlanRule) -> dict[str, Any]:
    return {
        "rule": rule.rule,
        "plan_id": rule.plan_id,
        "plan_name": rule.plan_name,
        "max_monthly_cost": rule.max_monthly_cost,
        "max_initial_charge": rule.max_initial_charge,
        "max_prepayment_amount": rule.max_prepayment_amount,
        "prepayment_amount_cents": rule.prepayment_amount_cents,
        "allow_prepayment": rule.allow_prepayment,
        "plan_type": rule.plan_type,
        "paid_only": rule.paid_only,
        "description": rule.describe(),
    }


def dry_run(session: Session, args: argparse.Namespace, metadata: dict[str, Any] | None, rule: PlanRule) -> dict[str, Any]:
    """List the product's plans and apply ``rule``; the JSON-safe outcome (``chosen`` None if none fits).

    With ``metadata``, the product's schema is read first (resolving the configuration when not given)
    and the metadata checked against it; no plans call is made when it does not fit.

    :param session: the API session.
    :param args: parsed ``plan`` arguments.
    :param metadata: the intended store metadata, or None.
    :param rule: the selection rule.
    """
    from airflow_provider_vercel.api.errors import VercelPlanSelectionError
    from airflow_provider_vercel.api.metadata import validate_metadata
    from airflow_provider_vercel.api.plans import plan_summary, plan_verdicts, select_plan

    configuration_id = args.configuration_id
    if metadata is not None:
        with _renamed(_FLAGS):
            if configuration_id is None:
                configuration_id = _the_configuration(session, args.integration)
            product = _the_product(session.client.list_products(configuration_id), args.product, configuration_id)
            validate_metadata(product.metadata_schema, metadata, argument="--metadata")
    with _renamed(_FLAGS):
        plans = session.client.list_billing_plans(args.integration, args.product, metadata, configuration_id)
    document: dict[str, Any] = {
        "integration": args.integration,
        "product": args.product,
        "configuration_id": configuration_id,
        "metadata": metadata,
        "rule": _rule_dict(rule),
        "chosen": None,
        "rejected": [],
        "problem": None,
        "plans": [plan_summary(plan) for plan in plans],
    }
    try:
        selection = select_plan(plans, rule)
    except VercelPlanSelectionError as exc:
        verdicts = plan_verdicts(plans, rule)
        if all(reason is not None for _, reason in verdicts):
            document["problem"] = f"no billing plan of {args.product} satisfies {rule.describe()}"
        else:  # rule id/name matched several enabled plans
            document["problem"] = _one_line(str(exc))
        ambiguous = "matches too: the rule must match exactly one plan"
        document["rejected"] = [
            {"id": plan.id, "name": plan.name, "reason": reason or ambiguous} for plan, reason in verdicts
        ]
        return document
    document["chosen"] = plan_summary(selection.plan)
    document["rejected"] = [{"id": r.plan_id, "name": r.plan_name, "reason": r.reason} for r in selection.rejected]
    return document


def render_dry_run(document: Mapping[str, Any], output: Output) -> None:
    """Print a dry run as tables: the plans, the rule, the chosen plan and the rejected ones.

    :param document: what ``dry_run`` returned.
    :param output: where to print.
    """
    context = [f"integration {document['integration']}"]
    if document["configuration_id"]:
        context.append(f"configuration {document['configuration_id']}")
    if document["metadata"] is not None:
        context.append(f"metadata {json.dumps(document['metadata'])}")
    output.out(f"Plans of {document['product']} ({', '.join(context)})")
    output.out(_plans_table(document["plans"]))
    output.out()
    output.out(f"Rule: {document['rule']['description'].removeprefix('rule ')}")
    chosen = document["chosen"]
    if chosen is not None:
        price = _cost_text(chosen) or chosen["type"] or "price not stated"
        output.out(f"Chosen: {chosen['id']} ({chosen['name'] or 'unnamed'}, {price})")
    else:
        output.out("Chosen: none, no plan qualifies")
    output.out()
    output.out("Rejected")
    output.out(format_table(("id", "name", "reason"), [(r["id"], r["name"], r["reason"]) for r in document["rejected"]]))


def run_plan(args: argparse.Namespace, env: Mapping[str, str], output: Output) -> int:
    """The ``plan`` command; returns the exit status."""
    metadata = parse_metadata(args.metadata)
    rule = plan_rule(args)
    _check_plan_arguments(args)
    session = open_session(args, env, output)
    with _reaching(session):
        document = dry_run(session, args, metadata, rule)
    if args.json:
        output.json(document)
    else:
        render_dry_run(document, output)
    if document["chosen"] is None:
        output.err(f"error: {document['problem']}")
        return EXIT_NO_PLAN
    return EXIT_OK


# --- entry point ------------------------------------------------------------------------------


def _error_line(exc: BaseException) -> tuple[str, int]:
    """The one-line message and exit status for an exception raised by a command."""
    from airflow_provider_vercel.api.errors import (
        VercelApiError,
        VercelError,
        VercelInputError,
        VercelTransportError,
    )

    if isinstance(exc, CliError):
        return exc.message, exc.status
    if isinstance(exc, VercelInputError):
        return _one_line(f"{_FLAGS.get(exc.argument, exc.argument)}: {exc.reason}"), EXIT_USAGE
    if isinstance(exc, VercelApiError):
        return _api_failure(exc), EXIT_API
    if isinstance(exc, VercelTransportError):
        return f"could not reach the Vercel API: {exc}", EXIT_API
    if isinstance(exc, VercelError):
        return _one_line(str(exc)), EXIT_API
    return f"internal error: {type(exc).__name__}: {_one_line(str(exc))} (run with -v for the traceback)", EXIT_INTERNAL


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
    parser = build_parser()
    try:
        args = _fill_defaults(parser.parse_args(argv))
    except SystemExit as exc:  # --help, --version, usage errors
        return exc.code if isinstance(exc.code, int) else (EXIT_OK if exc.code is None else EXIT_USAGE)
    try:
        # Results go to output.stdout, which holds its own reference; anything else printing to
        # sys.stdout (Airflow 2's console log handler, httpx's INFO lines) would break --json.
        with _verbose_logging(args.verbose, output), contextlib.redirect_stdout(output.stderr):
            return int(args.handler(args, os.environ if env is None else env, output))
    except KeyboardInterrupt:
        output.err("interrupted")
        return EXIT_INTERRUPTED
    except Exception as exc:
        message, status = _error_line(exc)
        if status == EXIT_INTERNAL and args.verbose:
            import traceback

            output.err("".join(traceback.format_exception(exc)).rstrip())
        output.err(f"error: {message}")
        return status
    finally:
        output.stdout.flush()


__all__ = ["CliError", "Output", "build_parser", "cell", "format_table", "main", "parse_metadata", "plan_rule"]
