"""The create's argument checks (``create_arguments.py``): each accepts its value as passed and as a
template renders it, and refuses a bad one naming the argument."""

from __future__ import annotations

import pytest

from airflow_provider_vercel.api.create_arguments import CREATE_ARGUMENT_CHECKS
from airflow_provider_vercel.api.errors import VercelInputError

# argument -> (value as passed, its checked value), (value as a template renders it, its checked value), refused values
CASES = {
    "integration_configuration_id": (
        ("icfg_abc123", "icfg_abc123"),
        (" icfg_abc123 ", "icfg_abc123"),
        ["None", "cfg_1"],
    ),
    "product": (("neon-postgres", "neon-postgres"), (" iap_abc123 ", "iap_abc123"), ["Neon Postgres", "", 3]),
    "name": (("db-1", "db-1"), ("42", "42"), ["None", "bad name!", "x" * 129]),
    "billing_plan_id": ((None, None), (" launch ", "launch"), ["None", "", 5]),
    "metadata": (
        ({"region": "iad1"}, {"region": "iad1"}),
        ("{'region': 'iad1'}", {"region": "iad1"}),
        ["[1]", {"": 1}],
    ),
    "prepayment_amount_cents": ((500, 500), (" 500 ", 500), [10, "lots", True, "None"]),
    "payment_method_id": (("pm_123", "pm_123"), (" pm_123 ", "pm_123"), ["pm 123", "null"]),
    "external_id": (("ext-1", "ext-1"), (" ext-1 ", "ext-1"), ["null", 7]),
    "protocol_settings": (({"repl": True}, {"repl": True}), ('{"repl": true}', {"repl": True}), ["[1]", 3]),
    "if_exists": (("reuse", "reuse"), ("fail", "fail"), ["maybe", None, " reuse "]),
}


def test_every_create_argument_has_its_cases_here():
    assert CASES.keys() == CREATE_ARGUMENT_CHECKS.keys()


@pytest.mark.parametrize("argument", CASES)
def test_each_check_accepts_its_value_as_passed(argument):
    (value, expected), _, _ = CASES[argument]
    assert CREATE_ARGUMENT_CHECKS[argument](value) == expected


@pytest.mark.parametrize("argument", CASES)
def test_each_check_accepts_its_value_as_a_template_renders_it(argument):
    _, (rendered, expected), _ = CASES[argument]
    assert CREATE_ARGUMENT_CHECKS[argument](rendered) == expected


@pytest.mark.parametrize(
    ("argument", "value"), [(name, bad) for name, (_, _, refused) in CASES.items() for bad in refused]
)
def test_each_check_refuses_a_bad_value_naming_the_argument(argument, value):
    with pytest.raises(VercelInputError) as info:
        CREATE_ARGUMENT_CHECKS[argument](value)
    assert info.value.argument == argument


@pytest.mark.parametrize(
    ("argument", "empty", "expected"),
    [
        ("billing_plan_id", None, None),
        ("payment_method_id", None, None),
        ("external_id", None, None),
        ("metadata", None, {}),
        ("metadata", "None", {}),
        ("prepayment_amount_cents", None, None),
        ("prepayment_amount_cents", "", None),
        ("protocol_settings", None, None),
        ("protocol_settings", "", None),
    ],
)
def test_an_optional_argument_left_out_is_not_set(argument, empty, expected):
    assert CREATE_ARGUMENT_CHECKS[argument](empty) == expected
