"""The argument parser of ``python -m airflow_provider_vercel``, and the flag each API argument name maps to."""

from __future__ import annotations

import argparse
from collections.abc import Mapping, Sequence
from typing import Any

from airflow_provider_vercel import __version__
from airflow_provider_vercel.api.constants import INSTALLATION_TYPES, PLAN_TYPES, RULES
from airflow_provider_vercel.defaults import DEFAULT_BASE_URL, ENV_BASE_URL, ENV_TEAM, ENV_TOKEN

PROG = "python -m airflow_provider_vercel"
# A person is waiting: fewer attempts than the client's default (and a shorter budget, see session).
DEFAULT_MAX_ATTEMPTS = 3

# The selection rule's flags; each one's dest is the ``PlanRule.from_kwargs`` argument it sets.
RULE_OPTIONS: dict[str, dict[str, Any]] = {
    "--rule": {"dest": "rule", "choices": RULES, "help": "how to choose; inferred when absent"},
    "--plan-id": {"dest": "plan_id", "metavar": "ID", "help": "the plan id, for --rule id"},
    "--plan-name": {"dest": "plan_name", "metavar": "NAME", "help": "the plan name (any case), for --rule name"},
    "--max-monthly": {"dest": "max_monthly_cost", "metavar": "USD", "help": "ceiling on a subscription's monthly cost"},
    "--max-initial-charge": {"dest": "max_initial_charge", "metavar": "USD",
        "help": "ceiling on the charge made at creation"},
    "--max-prepayment": {"dest": "max_prepayment_amount", "metavar": "USD",
        "help": "ceiling on a prepayment plan's prepaid amount"},
    "--prepayment-cents": {"dest": "prepayment_amount_cents", "type": int, "metavar": "CENTS",
        "help": "intended prepayment, in cents (>= 50)"},
    "--plan-type": {"dest": "plan_type", "choices": PLAN_TYPES, "help": "only plans of this type"},
    "--no-prepayment": {"dest": "allow_prepayment", "action": "store_false", "help": "refuse every prepayment plan"},
    "--paid-only": {"dest": "paid_only", "action": "store_true", "help": "refuse free plans (the cheapest paid plan)"},
}  # fmt: skip

# API-layer argument names -> the flag a person typed.
FLAGS = {
    "integration": "--integration", "product": "--product", "metadata": "--metadata",
    "configuration_id": "--configuration-id", "integration_configuration_id": "--configuration-id",
    "installation_type": "--installation-type", "max_attempts": "--max-attempts", "vercel_conn_id": "--conn-id",
    **{options["dest"]: flag for flag, options in RULE_OPTIONS.items()},
}  # fmt: skip


def flag_of(argument: str, names: Mapping[str, str] = FLAGS) -> str:
    """The flag (or variable) ``names`` gives for an API ``argument``; ``metadata.region`` is ``--metadata.region``."""
    head, dot, tail = argument.partition(".")
    return names[head] + dot + tail if head in names else argument


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


def _page(top: bool) -> dict[str, Any]:
    """What every help page has: the common options (unset on a command's page, so that a command never
    overwrites a value given before its name), the epilog, descriptions with their line breaks."""
    common = argparse.ArgumentParser(add_help=False)
    unset: dict[str, Any] = {} if top else {"default": argparse.SUPPRESS}
    api = common.add_argument_group("API access")
    api.add_argument("--conn-id", metavar="ID", help="read token, base URL and team from this Airflow connection", **unset)
    api.add_argument("--token", metavar="T", help=f"API token (prefer the {ENV_TOKEN} environment variable)", **unset)
    api.add_argument("--team", metavar="TEAM", help=f"team id (team_...) or slug (default: ${ENV_TEAM})", **unset)
    base_url = f"API base URL (default: ${ENV_BASE_URL}, else {DEFAULT_BASE_URL})"
    api.add_argument("--base-url", metavar="URL", help=base_url, **unset)
    attempts = f"attempts per read call, retries included (default {DEFAULT_MAX_ATTEMPTS}; 1 fails fast)"
    api.add_argument("--max-attempts", type=int, metavar="N", help=attempts, **unset)
    output = common.add_argument_group("output")
    output.add_argument("--json", action="store_true", help="print one JSON document instead of tables", **unset)
    output.add_argument("-v", "--verbose", action="store_true", help="log HTTP calls and retries on stderr", **unset)
    return {"parents": [common], "epilog": _EPILOG, "formatter_class": argparse.RawDescriptionHelpFormatter}


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace | int:
    """The parsed ``argv`` (None: ``sys.argv``), or the status argparse exits with (``--help``, usage errors)."""
    try:
        return build_parser().parse_args(argv)
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 2)


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of ``python -m airflow_provider_vercel``."""
    description = "Discover Vercel Marketplace products and billing plans, and dry-run plan selection."
    parser = argparse.ArgumentParser(prog=PROG, description=description, **_page(top=True))
    parser.add_argument("--version", action="version", version=f"airflow-provider-vercel {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    discover = commands.add_parser(
        "discover",
        help="list configurations, their products (with metadata fields) and billing plans",
        description="List the team's integration configurations, the products each can provision\n"
        "(with their metadata fields) and each product's billing plans. Read-only.",
        **_page(top=False),
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
        **_page(top=False),
    )
    plan.add_argument("--integration", required=True, metavar="SLUG_OR_ID", help="integration slug (neon) or id (oac_...)")
    plan.add_argument("--product", required=True, metavar="SLUG_OR_ID", help="product slug (neon-postgres) or id (iap_...)")
    configuration = "configuration (icfg_...); with --metadata and without it, the integration's one configuration is used"
    plan.add_argument("--configuration-id", metavar="ICFG", help=configuration)
    metadata = "intended store metadata as a JSON object (or @file.json); checked against the product's schema, "
    metadata += "then sent with the plans call because prices may depend on it"
    plan.add_argument("--metadata", metavar="JSON", help=metadata)
    rule = plan.add_argument_group("selection rule (as VercelSelectBillingPlanOperator)")
    for flag, options in RULE_OPTIONS.items():
        rule.add_argument(flag, **options)
    return parser
