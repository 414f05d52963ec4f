"""The argument parser: usage errors, the choices it offers, --version."""

from __future__ import annotations

import pytest

from airflow_provider_vercel import __version__
from airflow_provider_vercel.cli import INSTALLATION_TYPES, PLAN_TYPES, RULES, main
from tests.helpers.cli import run


@pytest.mark.parametrize(
    "argv",
    [
        ["plan", "--integration", "neon", "--product", "neon-postgres", "--rule", "priciest"],
        ["plan", "--integration", "neon"],
        ["discover", "--installation-type", "weird"],
        ["discover", "--max-attempts", "many"],
        [],
    ],
)
def test_argparse_usage_errors_exit_2(vercel_emulator, env, capsys, argv):
    status, out, err = run(capsys, env, *argv)
    assert status == 2 and "usage:" in err
    assert vercel_emulator.requests == []


def test_choices_repeated_in_the_cli_match_the_api_layer():
    from airflow_provider_vercel.api import plans, validation

    assert RULES == plans.RULES
    assert PLAN_TYPES == plans.PLAN_TYPES
    assert INSTALLATION_TYPES == validation.INSTALLATION_TYPES


def test_version_flag_in_process(capsys):
    assert main(["--version"]) == 0
    assert capsys.readouterr().out == f"airflow-provider-vercel {__version__}\n"


def test_the_choices_are_the_api_layers_own_objects_not_copies():
    from airflow_provider_vercel.api import constants, models, validation

    assert (RULES, PLAN_TYPES, INSTALLATION_TYPES) == (constants.RULES, constants.PLAN_TYPES, constants.INSTALLATION_TYPES)
    assert RULES is constants.RULES and PLAN_TYPES is constants.PLAN_TYPES
    assert INSTALLATION_TYPES is constants.INSTALLATION_TYPES is validation.INSTALLATION_TYPES
    assert (models.PLAN_TYPE_SUBSCRIPTION, models.PLAN_TYPE_PREPAYMENT) == constants.PLAN_TYPES
