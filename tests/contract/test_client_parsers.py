"""The other direction: the client's parsers accept any body the published response schemas allow.

Bodies are generated from each operation's response schema (``contract_bodies``: Hypothesis strategies
composed per object, hypothesis-jsonschema for the rest; a bounded number per operation), then handed to the parse function of the ``ApiCall`` the client sends for it. A second
pass turns every whole number of a body into a fraction, where the schema still allows it: the
contract types timestamps, lengths and counts as ``number`` (it has no ``integer``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jsonschema import Draft7Validator

from airflow_provider_vercel.api import calls
from tests.contract.conformance import TALLY, contract, response_schema
from tests.contract.jsonschema_strategies import contract_bodies

NEON = "icfg_qydHMs494om3b7RvjxoGixdI"

#: The client's parser of each operation with a response body: the ``parse`` of the call it sends.
PARSERS: dict[str, Callable[[Any], Any]] = {
    "getConfigurations": calls.list_configurations().parse,
    "getConfiguration": calls.get_configuration(NEON).parse,
    "getConfigurationProducts": calls.list_products(NEON).parse,
    "getBillingPlans": calls.list_billing_plans("neon", "neon-postgres").parse,
    "createIntegrationStoreDirect": calls.create_store(
        calls.CreateStoreRequest("db", NEON, "neon-postgres")
    ).parse,
    "getStorageStoresById": calls.get_store("store_x").parse,
    "filterProjectEnvs": calls.list_project_env("web-app").parse,
    "getProjectEnv": calls.get_project_env("web-app", "env_x").parse,
}

# Bounded: a few seconds per operation. The schemas are large, so generation gets no deadline.
GENERATED = settings(
    max_examples=30,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much],
)


def _fractional(value: Any) -> Any:
    """``value`` with every whole number ``n`` (not booleans) replaced by ``n + 0.5``."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return value + 0.5
    if isinstance(value, float) and value.is_integer():
        return value + 0.5
    if isinstance(value, list):
        return [_fractional(item) for item in value]
    if isinstance(value, dict):
        return {key: _fractional(item) for key, item in value.items()}
    return value


def test_every_operation_with_a_body_has_a_parser() -> None:
    with_body = {op for op, entry in contract()["operations"].items() if entry.get("responseSchema")}
    assert with_body == set(PARSERS)


def test_contract_declares_no_integer_so_every_whole_number_may_be_fractional() -> None:
    assert '"integer"' not in str(contract()).replace("'", '"')


@pytest.mark.parametrize("operation_id", sorted(PARSERS))
def test_client_parses_every_body_the_response_schema_allows(operation_id: str) -> None:
    schema = response_schema(operation_id)
    assert schema is not None
    validator = Draft7Validator(schema)
    parse = PARSERS[operation_id]
    fractions, whole_numbers = [], []

    @GENERATED
    @given(contract_bodies(schema), st.booleans())
    def parses(body: Any, make_fractional: bool) -> None:
        assert validator.is_valid(body), "the generator drew a body the schema refuses"
        if make_fractional:
            changed = _fractional(body)
            whole_numbers.append(changed != body)
            if changed == body or not validator.is_valid(changed):
                return  # nothing to change, or a const/enum number that must stay whole
            body = changed
            fractions.append(1)
        parse(body)  # raises VercelResponseError on a body the client cannot read
        TALLY["generated bodies parsed"] += 1

    parses()
    if any(whole_numbers):  # a body had numbers: at least one must have reached the parser as fractions
        assert fractions, f"{operation_id}: no generated body carried a fractional number"
