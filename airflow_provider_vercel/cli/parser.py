"""The argument parser of ``python -m airflow_provider_vercel``, and the flag each API argument name maps to."""

from __future__ import annotations

import argparse
import contextlib
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from airflow_provider_vercel import __version__
from airflow_provider_vercel.api.constants import INSTALLATION_TYPES, PLAN_TYPES, RULES
from airflow_provider_vercel.api.errors import VercelInputError
from airflow_provider_vercel.defaults import DEFAULT_BASE_URL

PROG = "python -m airflow_provider_vercel"
ENV_TOKEN = "VERCEL_TOKEN"
ENV_TEAM = "VERCEL_TEAM"
ENV_BASE_URL = "VERCEL_BASE_URL"
# A person is waiting: fewer attempts than the client's default (and a shorter budget, see session).
DEFAULT_MAX_ATTEMPTS = 3

# API-layer argument names -> the flag a person typed.
FLAGS = {
    "integration": "--integration", "product": "--product", "metadata": "--metadata", "rule": "--rule",
    "configuration_id": "--configuration-id", "integration_configuration_id": "--configuration-id",
    "installation_type": "--installation-type", "plan_id": "--plan-id", "plan_name": "--plan-name",
    "max_monthly_cost": "--max-monthly", "max_initial_charge": "--max-initial-charge",
    "max_prepayment_amount": "--max-prepayment", "prepayment_amount_cents": "--prepayment-cents",
    "plan_type": "--plan-type", "allow_prepayment": "--no-prepayment", "paid_only": "--paid-only",
    "max_attempts": "--max-attempts",
}  # fmt: skip


@contextlib.contextmanager
def renamed(names: Mapping[str, str]) -> Iterator[None]:
    """Re-raise ``VercelInputError`` under the name the person used (a flag or an env var).

    A field path keeps its tail: ``metadata.region`` becomes ``--metadata.region``.

    :param names: API argument name -> the flag or variable.
    """
    try:
        yield
    except VercelInputError as exc:
        head, dot, tail = exc.argument.partition(".")
        if head in names:
            raise VercelInputError(names[head] + dot + tail, exc.reason) from None
        raise


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
    """Options accepted before or after the command name; their defaults are filled in after parsing
    (``SUPPRESS`` keeps the command's parser from overwriting a value given before the command)."""
    common = argparse.ArgumentParser(add_help=False)
    unset = argparse.SUPPRESS
    api = common.add_argument_group("API access")
    api.add_argument("--conn-id", default=unset, metavar="ID", help="read token, base URL and team from this Airflow connection")
    api.add_argument("--token", default=unset, metavar="T", help=f"API token (prefer the {ENV_TOKEN} environment variable)")
    api.add_argument("--team", default=unset, metavar="TEAM", help=f"team id (team_...) or slug (default: ${ENV_TEAM})")
    api.add_argument(
        "--base-url", default=unset, metavar="URL", help=f"API base URL (default: ${ENV_BASE_URL}, else {DEFAULT_BASE_URL})"
    )
    attempts = f"attempts per read call, retries included (default {DEFAULT_MAX_ATTEMPTS}; 1 fails fast)"
    api.add_argument("--max-attempts", type=int, default=unset, metavar="N", help=attempts)
    output = common.add_argument_group("output")
    output.add_argument("--json", action="store_true", default=unset, help="print one JSON document instead of tables")
    output.add_argument("-v", "--verbose", action="store_true", default=unset, help="log HTTP calls and retries on stderr")
    return common


_COMMON_DEFAULTS = {"conn_id": None, "token": None, "team": None, "base_url": None, "max_attempts": None, "json": False, "verbose": False}


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace | int:
    """The parsed arguments, common options defaulted; or the status argparse exits with (``--help``, usage errors).

    :param argv: arguments without the program name; None reads ``sys.argv``.
    """
    try:
        args = build_parser().parse_args(argv)
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 2)
    for name, value in _COMMON_DEFAULTS.items():
        if not hasattr(args, name):
            setattr(args, name, value)
    return args


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of ``python -m airflow_provider_vercel``."""
    # Every page shows the common options and the epilog; descriptions keep their line breaks.
    page: dict[str, Any] = {"parents": [_common_options()], "epilog": _EPILOG, "formatter_class": argparse.RawDescriptionHelpFormatter}
    description = "Discover Vercel Marketplace products and billing plans, and dry-run plan selection."
    parser = argparse.ArgumentParser(prog=PROG, description=description, **page)
    parser.add_argument("--version", action="version", version=f"airflow-provider-vercel {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    discover = commands.add_parser(
        "discover",
        help="list configurations, their products (with metadata fields) and billing plans",
        description="List the team's integration configurations, the products each can provision\n"
        "(with their metadata fields) and each product's billing plans. Read-only.",
        **page,
    )
    discover.add_argument("--integration", metavar="SLUG_OR_ID", help="only this integration (slug such as neon, or oac_...)")
    discover.add_argument("--installation-type", choices=INSTALLATION_TYPES, help="only configurations of this type")
    discover.add_argument("--no-plans", action="store_true", help="skip the billing-plans call of every product")

    plan = commands.add_parser(
        "plan",
        help="show which billing plan a rule chooses, and why the others are rejected",
        description="Dry run of VercelSelectBillingPlanOperator: list a product's plans, apply the rule,\n"
        "show the chosen plan and why each other plan was rejected. Nothing is created or bought.\n"
        "Without --rule the rule is inferred: --plan-id means id, --plan-name name, a ceiling\n"
        "cheapest, nothing free.",
        **page,
    )
    plan.add_argument("--integration", required=True, metavar="SLUG_OR_ID", help="integration slug (neon) or id (oac_...)")
    plan.add_argument("--product", required=True, metavar="SLUG_OR_ID", help="product slug (neon-postgres) or id (iap_...)")
    configuration = "configuration (icfg_...); with --metadata and without it, the integration's one configuration is used"
    plan.add_argument("--configuration-id", metavar="ICFG", help=configuration)
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
    return parser
