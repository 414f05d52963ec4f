"""Bad input is refused before any request is sent, with a message that names the argument.

One table, one row per distinct bad input: ``(case id, what to do, argument the message must name,
what the emulator may have seen)``. The last column is the proof from the emulator's request log:

- ``NONE``: the log is empty (the check needs nothing from the server);
- ``GETS``: only the reads the check itself needs (the configuration's products for the metadata
  schema and the product, the product's plans for a plan or a prepayment): no POST, and not even the
  get-or-create look-up of a store of that name.

Rows go through every layer that takes input: the API layer (client, ``CreateStoreRequest``,
``RetryPolicy``, metadata validation), the hook and its connection, operator constructors (parse time)
and ``execute`` (rendered values, and the checks that need the product's schema and plans).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

from airflow_provider_vercel.api.calls import CreateStoreRequest
from airflow_provider_vercel.api.client import VercelClient
from airflow_provider_vercel.api.metadata import validate_metadata
from airflow_provider_vercel.api.retry import RetryPolicy
from airflow_provider_vercel.hooks.vercel import VercelHook
from airflow_provider_vercel.operators.api import VercelApiOperator
from airflow_provider_vercel.operators.discovery import (
    VercelListBillingPlansOperator,
    VercelListConfigurationsOperator,
    VercelSelectBillingPlanOperator,
)
from airflow_provider_vercel.operators.lifecycle import (
    VercelConnectStoreOperator,
    VercelDeleteStoreOperator,
)
from airflow_provider_vercel.operators.stores import VercelCreateStoreOperator
from tests.operators.conftest import RecordingTaskInstance
from tests.reliability.conftest import make_client, record_figure

NONE = "no request"
GETS = "reads only, no POST"
NAME_129 = "n" * 129


def client(server: Any, **kwargs: Any) -> VercelClient:
    return make_client(server, **kwargs)


def request(server: Any, **overrides: Any) -> CreateStoreRequest:
    kwargs: dict[str, Any] = {
        "name": "bad-input-db",
        "integration_configuration_id": server.configuration_id("neon"),
        "product": "neon-postgres",
        "metadata": {"region": "iad1"},
    }
    kwargs.update(overrides)
    return CreateStoreRequest(**kwargs)


def create_op(server: Any, integration: str = "neon", **overrides: Any) -> VercelCreateStoreOperator:
    kwargs: dict[str, Any] = {
        "task_id": "create_store",
        "integration_configuration_id": server.configuration_id(integration),
        "product": "neon-postgres" if integration == "neon" else "upstash-kv",
        "name": "bad-input-db",
        "metadata": {"region": "iad1"} if integration == "neon" else {"primaryRegion": "iad1"},
    }
    kwargs.update(overrides)
    return VercelCreateStoreOperator(**kwargs)


def run(op: Any) -> Any:
    return op.execute({"ti": RecordingTaskInstance()})


def metadata(server: Any, value: dict[str, Any], integration: str = "neon") -> Any:
    """Execute a create whose metadata breaks the product's schema."""
    base = {"region": "iad1"} if integration == "neon" else {"primaryRegion": "iad1"}
    return run(create_op(server, integration, metadata={**base, **value}))


def rendered(server: Any, field: str, value: Any, **overrides: Any) -> Any:
    """Execute a create whose ``field`` was a template that rendered to ``value``."""
    op = create_op(server, **{field: "{{ ti.xcom_pull(task_ids='upstream') }}"}, **overrides)
    setattr(op, field, value)
    return run(op)


def set_connection(monkeypatch: pytest.MonkeyPatch, conn_id: str, **fields: Any) -> None:
    monkeypatch.setenv(f"AIRFLOW_CONN_{conn_id.upper()}", json.dumps({"conn_type": "vercel", **fields}))


def hook_settings(monkeypatch: pytest.MonkeyPatch, **fields: Any) -> Any:
    set_connection(monkeypatch, "vercel_bad", **fields)
    return VercelHook("vercel_bad").settings


LOCKED_SCHEMA = {
    "type": "object",
    "properties": {
        "tier": {"type": "string", "ui:control": "input", "default": "std", "ui:read-only": True},
        "zones": {
            "type": "array",
            "ui:control": "multi-select",
            "minItems": 2,
            "items": {"type": "string"},
            "ui:options": [{"value": "a", "label": "A"}, {"value": "b", "label": "B"}],
        },
        "ratio": {"type": "number", "ui:control": "input", "exclusiveMinimum": 0},
        "nodes": {"type": "number", "ui:control": "input", "multipleOf": 2},
    },
}

Case = tuple[str, Callable[[Any, pytest.MonkeyPatch], Any], str, str]

CASES: list[Case] = [
    # --- API layer: client construction ---
    ("client: missing token", lambda s, m: VercelClient("", base_url=s.url), "token", NONE),
    ("client: token is None", lambda s, m: VercelClient(None, base_url=s.url), "token", NONE),  # type: ignore[arg-type]
    (
        "client: http base URL for a non-loopback host",
        lambda s, m: VercelClient("t", base_url="http://api.vercel.com"),
        "base_url",
        NONE,
    ),
    (
        "client: base URL with credentials",
        lambda s, m: VercelClient("t", base_url="https://u:p@api.vercel.com"),
        "base_url",
        NONE,
    ),
    (
        "client: base URL with a query string",
        lambda s, m: VercelClient("t", base_url="https://api.vercel.com?x=1"),
        "base_url",
        NONE,
    ),
    ("client: zero timeout", lambda s, m: client(s, timeout=0), "timeout", NONE),
    ("client: team id with a space", lambda s, m: client(s, team_id="team 1"), "team_id", NONE),
    ("policy: max_attempts 0", lambda s, m: RetryPolicy(max_attempts=0), "max_attempts", NONE),
    ("policy: negative backoff", lambda s, m: RetryPolicy(backoff_initial=-1), "backoff_initial", NONE),
    # --- API layer: the create body ---
    ("request: empty name", lambda s, m: request(s, name=""), "name", NONE),
    ("request: name too long (129)", lambda s, m: request(s, name=NAME_129), "name", NONE),
    ("request: name with a space", lambda s, m: request(s, name="my db"), "name", NONE),
    ("request: name of the wrong type", lambda s, m: request(s, name=42), "name", NONE),
    (
        "request: configuration id of the wrong shape",
        lambda s, m: request(s, integration_configuration_id="cfg_1"),
        "integration_configuration_id",
        NONE,
    ),
    (
        "request: configuration id missing",
        lambda s, m: request(s, integration_configuration_id=None),
        "integration_configuration_id",
        NONE,
    ),
    ("request: product neither id nor slug", lambda s, m: request(s, product="Neon Postgres"), "product", NONE),
    (
        "request: prepayment below 50 cents",
        lambda s, m: request(s, billing_plan_id="credits", prepayment_amount_cents=49),
        "prepayment_amount_cents",
        NONE,
    ),
    (
        "request: prepayment without a plan",
        lambda s, m: request(s, prepayment_amount_cents=500),
        "prepayment_amount_cents",
        NONE,
    ),
    (
        "request: prepayment not a number",
        lambda s, m: request(s, billing_plan_id="credits", prepayment_amount_cents="lots"),
        "prepayment_amount_cents",
        NONE,
    ),
    ("request: metadata not a mapping", lambda s, m: request(s, metadata=["region"]), "metadata", NONE),
    (
        "request: metadata value of a wrong type",
        lambda s, m: request(s, metadata={"region": {"x": 1}}),
        "metadata.region",
        NONE,
    ),
    (
        "request: payment method id with a space",
        lambda s, m: request(s, payment_method_id="pm 1"),
        "payment_method_id",
        NONE,
    ),
    # --- API layer: other calls ---
    ("client: unknown configuration view", lambda s, m: client(s).list_configurations(view="everything"), "view", NONE),
    ("client: store id with a slash", lambda s, m: client(s).get_store("store/../x"), "store_id", NONE),
    (
        "client: empty environment list",
        lambda s, m: client(s).connect_store(s.configuration_id("neon"), "store_x", "prj_x", environments=[]),
        "environments",
        NONE,
    ),
    (
        "client: unknown if_exists",
        lambda s, m: client(s).get_or_create_store(request(s), if_exists="replace"),
        "if_exists",
        NONE,
    ),
    ("client: path without a leading slash", lambda s, m: client(s).request("GET", "v1/storage/stores"), "path", NONE),
    ("client: plans of an empty product", lambda s, m: client(s).list_billing_plans("neon", ""), "product", NONE),
    (
        "client: plans with a 'None' integration",
        lambda s, m: client(s).list_billing_plans("None", "neon-postgres"),
        "integration",
        NONE,
    ),
    # --- API layer: metadata rules the seed's products do not use ---
    (
        "metadata: field locked at create time",
        lambda s, m: validate_metadata(LOCKED_SCHEMA, {"tier": "max"}),
        "metadata.tier",
        NONE,
    ),
    (
        "metadata: fewer items than minItems",
        lambda s, m: validate_metadata(LOCKED_SCHEMA, {"zones": ["a"]}),
        "metadata.zones",
        NONE,
    ),
    (
        "metadata: not above exclusiveMinimum",
        lambda s, m: validate_metadata(LOCKED_SCHEMA, {"ratio": 0}),
        "metadata.ratio",
        NONE,
    ),
    ("metadata: not a multiple", lambda s, m: validate_metadata(LOCKED_SCHEMA, {"nodes": 3}), "metadata.nodes", NONE),
    # --- hook and connection ---
    ("hook: empty connection id", lambda s, m: VercelHook(""), "vercel_conn_id", NONE),
    ("hook: unknown connection", lambda s, m: VercelHook("vercel_nope").settings, "vercel_nope", NONE),
    ("hook: connection without a token", lambda s, m: hook_settings(m, host=s.url), "password", NONE),
    (
        "hook: http host that is not loopback",
        lambda s, m: hook_settings(m, host="http://api.vercel.com", password="t"),
        "host",
        NONE,
    ),
    (
        "hook: timeout extra that is not a number",
        lambda s, m: hook_settings(m, password="t", extra={"timeout": "soon"}),
        "timeout",
        NONE,
    ),
    (
        "hook: unknown retry setting",
        lambda s, m: hook_settings(m, password="t", extra={"retry": {"tries": 3}}),
        "retry",
        NONE,
    ),
    # --- operators at parse time ---
    ("create op: name missing", lambda s, m: create_op(s, name=None), "name", NONE),
    ("create op: name too long", lambda s, m: create_op(s, name=NAME_129), "name", NONE),
    (
        "create op: configuration id of the wrong shape",
        lambda s, m: create_op(s, integration_configuration_id="icfg-1"),
        "integration_configuration_id",
        NONE,
    ),
    ("create op: unknown if_exists", lambda s, m: create_op(s, if_exists="replace"), "if_exists", NONE),
    (
        "create op: protocol settings not a mapping",
        lambda s, m: create_op(s, protocol_settings=3),
        "protocol_settings",
        NONE,
    ),
    (
        "select op: unknown rule",
        lambda s, m: VercelSelectBillingPlanOperator(
            task_id="t", integration="neon", product="neon-postgres", rule="priciest"
        ),
        "rule",
        NONE,
    ),
    (
        "select op: paid_only with rule free",
        lambda s, m: VercelSelectBillingPlanOperator(
            task_id="t", integration="neon", product="neon-postgres", rule="free", paid_only=True
        ),
        "paid_only",
        NONE,
    ),
    (
        "select op: negative ceiling",
        lambda s, m: VercelSelectBillingPlanOperator(
            task_id="t", integration="neon", product="neon-postgres", max_monthly_cost="-5"
        ),
        "max_monthly_cost",
        NONE,
    ),
    (
        "select op: plan id with rule cheapest",
        lambda s, m: VercelSelectBillingPlanOperator(
            task_id="t", integration="neon", product="neon-postgres", rule="cheapest", plan_id="launch"
        ),
        "plan_id",
        NONE,
    ),
    (
        "list op: unknown configuration view",
        lambda s, m: VercelListConfigurationsOperator(task_id="t", view="everything"),
        "view",
        NONE,
    ),
    (
        "plans op: unknown plan type",
        lambda s, m: VercelListBillingPlansOperator(
            task_id="t", integration="neon", product="neon-postgres", plan_type="lifetime"
        ),
        "plan_type",
        NONE,
    ),
    (
        "connect op: empty environment list",
        lambda s, m: VercelConnectStoreOperator(task_id="t", store_id="store_x", project_id="web-app", environments=[]),
        "environments",
        NONE,
    ),
    ("delete op: empty store id", lambda s, m: VercelDeleteStoreOperator(task_id="t", store_id=""), "store_id", NONE),
    (
        "api op: path without a leading slash",
        lambda s, m: VercelApiOperator(task_id="t", path="v1/storage/stores"),
        "path",
        NONE,
    ),
    # --- operators at run time: rendered values ---
    (
        "create op: plan id rendered from an empty XCom",
        lambda s, m: rendered(s, "billing_plan_id", "None"),
        "billing_plan_id",
        NONE,
    ),
    ("create op: name rendered with a space", lambda s, m: rendered(s, "name", "pr 12"), "name", NONE),
    (
        "create op: prepayment rendered as words",
        lambda s, m: rendered(s, "prepayment_amount_cents", "lots", billing_plan_id="credits"),
        "prepayment_amount_cents",
        NONE,
    ),
    (
        "create op: unknown connection at run time",
        lambda s, m: run(create_op(s, vercel_conn_id="vercel_nope")),
        "vercel_nope",
        NONE,
    ),
    # --- operators at run time: checks that read the product's schema and plans ---
    (
        "create op: product not offered by the configuration",
        lambda s, m: run(create_op(s, product="upstash-kv")),
        "product",
        GETS,
    ),
    ("create op: unknown plan", lambda s, m: run(create_op(s, billing_plan_id="enterprise")), "billing_plan_id", GETS),
    (
        "create op: disabled plan",
        lambda s, m: run(create_op(s, billing_plan_id="business-legacy")),
        "billing_plan_id",
        GETS,
    ),
    (
        "create op: prepayment plan without an amount",
        lambda s, m: run(create_op(s, billing_plan_id="credits")),
        "prepayment_amount_cents",
        GETS,
    ),
    (
        "create op: prepayment below the plan's minimum",
        lambda s, m: run(create_op(s, billing_plan_id="credits", prepayment_amount_cents=200)),
        "prepayment_amount_cents",
        GETS,
    ),
    (
        "create op: prepayment above the plan's maximum",
        lambda s, m: run(create_op(s, billing_plan_id="credits", prepayment_amount_cents=200_000)),
        "prepayment_amount_cents",
        GETS,
    ),
    (
        "create op: prepayment on a subscription plan",
        lambda s, m: run(create_op(s, billing_plan_id="launch", prepayment_amount_cents=2500)),
        "prepayment_amount_cents",
        GETS,
    ),
    ("metadata: required field missing", lambda s, m: run(create_op(s, metadata={})), "metadata.region", GETS),
    ("metadata: value not among the options", lambda s, m: metadata(s, {"region": "ams1"}), "metadata.region", GETS),
    ("metadata: hidden option", lambda s, m: metadata(s, {"compute": "large"}), "metadata.compute", GETS),
    (
        "metadata: number above maximum",
        lambda s, m: metadata(s, {"storageLimitGb": 1000}),
        "metadata.storageLimitGb",
        GETS,
    ),
    (
        "metadata: number below minimum",
        lambda s, m: metadata(s, {"storageLimitGb": 0}),
        "metadata.storageLimitGb",
        GETS,
    ),
    (
        "metadata: text where a number is due",
        lambda s, m: metadata(s, {"storageLimitGb": "10"}),
        "metadata.storageLimitGb",
        GETS,
    ),
    (
        "metadata: text where a boolean is due",
        lambda s, m: metadata(s, {"autoscaling": "yes"}),
        "metadata.autoscaling",
        GETS,
    ),
    ("metadata: pattern mismatch", lambda s, m: metadata(s, {"databaseName": "App-DB"}), "metadata.databaseName", GETS),
    (
        "metadata: longer than maxLength",
        lambda s, m: metadata(s, {"databaseName": "x" * 64}),
        "metadata.databaseName",
        GETS,
    ),
    ("metadata: shorter than minLength", lambda s, m: metadata(s, {"databaseName": ""}), "metadata.databaseName", GETS),
    (
        "metadata: list item not among the options",
        lambda s, m: metadata(s, {"extensions": ["plv8"]}),
        "metadata.extensions",
        GETS,
    ),
    (
        "metadata: more items than maxItems",
        lambda s, m: metadata(s, {"extensions": ["pgvector", "postgis", "pg_trgm", "timescaledb"]}),
        "metadata.extensions",
        GETS,
    ),
    (
        "metadata: slider value below its range",
        lambda s, m: metadata(s, {"autoscalingLimits": [0.1, 2]}),
        "metadata.autoscalingLimits",
        GETS,
    ),
    ("metadata: unknown field", lambda s, m: metadata(s, {"regoin": "iad1"}), "metadata.regoin", GETS),
    (
        "metadata: region list item not among the options",
        lambda s, m: metadata(s, {"readRegions": ["mars1"]}, "upstash"),
        "metadata.readRegions",
        GETS,
    ),
    (
        "metadata: memory below minimum",
        lambda s, m: metadata(s, {"maxMemoryMb": 128}, "upstash"),
        "metadata.maxMemoryMb",
        GETS,
    ),
]

IDS = [case[0] for case in CASES]
assert len(set(IDS)) == len(IDS), "case ids must be distinct"


@pytest.mark.parametrize(("case", "action", "argument", "seen"), CASES, ids=IDS)
def test_bad_input_fails_before_any_request_naming_the_argument(emulator, monkeypatch, case, action, argument, seen):
    server = emulator  # vercel_default points at the emulator (tests/operators/conftest.py)
    with pytest.raises(Exception) as info:
        action(server, monkeypatch)
    message = str(info.value)
    assert argument in message, f"{case}: {message!r} does not name {argument!r}"
    named = getattr(info.value, "argument", None)
    if named is not None:
        assert argument in named or named.startswith("connection"), (named, argument)
    assert type(info.value).__name__ != "AssertionError"
    log = server.requests
    if seen == NONE:
        assert log == [], f"{case}: {len(log)} request(s) sent"
    else:
        assert log, "the check was expected to read the schema or plans"
        assert all(r["method"] == "GET" for r in log), log
        assert not any(r["path"] == "/v1/storage/stores" for r in log), "the get-or-create look-up started"
        assert {r["path"].split("/")[-1] for r in log} <= {"products", "plans"}, log


def test_the_table_is_big_enough_and_is_reported():
    by_layer: dict[str, int] = {}
    for case in IDS:
        layer = case.split(":")[0]
        by_layer[layer] = by_layer.get(layer, 0) + 1
    no_request = sum(1 for case in CASES if case[3] == NONE)
    record_figure(
        "bad input",
        f"{len(CASES)} distinct cases ({no_request} with no request at all, {len(CASES) - no_request} with "
        f"schema/plan reads only, 0 POSTs); by layer: " + ", ".join(f"{k}={v}" for k, v in sorted(by_layer.items())),
    )
    assert len(CASES) >= 30
