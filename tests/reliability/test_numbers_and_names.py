"""Numbers that are not numbers, and names that are not names, are refused before any request.

NaN never compares, so ``wait_timeout=nan`` would never time out; an infinity would wait forever (or, once
deferred, fail in the triggerer after the store was created); ``"²"`` passes ``str.isdigit()``. Every
numeric argument of the clients, the retry policy, the hook and its connection, the operators and the
sensor is tried with NaN and both infinities (the list is checked against the signatures, so a new
numeric argument cannot be missed), and so are the numbers inside metadata and generic request bodies.
"""

from __future__ import annotations

import asyncio
import dataclasses
import inspect
import json
import math
from collections.abc import Callable
from typing import Any

import pytest

from airflow_provider_vercel.api.async_client import AsyncVercelClient
from airflow_provider_vercel.api.calls import CreateStoreRequest
from airflow_provider_vercel.api.client_core import ClientCore
from airflow_provider_vercel.api.errors import VercelInputError
from airflow_provider_vercel.api.retry import RetryPolicy
from airflow_provider_vercel.hooks.vercel import VercelHook
from airflow_provider_vercel.operators.api import VercelApiOperator
from airflow_provider_vercel.operators.discovery import (
    VercelListBillingPlansOperator,
    VercelSelectBillingPlanOperator,
)
from airflow_provider_vercel.operators.stores import VercelCreateStoreOperator
from airflow_provider_vercel.sensors.stores import VercelStoreReadySensor
from airflow_provider_vercel.tasks.base import VercelTaskError
from tests.operators.conftest import RecordingTaskInstance, connection_json
from tests.reliability.conftest import make_client

NOT_FINITE = [math.nan, math.inf, -math.inf]
REFUSED = (VercelInputError, VercelTaskError)


def _create_op(server: Any, **overrides: Any) -> VercelCreateStoreOperator:
    kwargs: dict[str, Any] = {
        "task_id": "create",
        "integration_configuration_id": server.configuration_id("neon"),
        "product": "neon-postgres",
        "name": "numbers-db",
        "metadata": {"region": "iad1"},
    }
    kwargs.update(overrides)
    return VercelCreateStoreOperator(**kwargs)


def _select_op(**overrides: Any) -> VercelSelectBillingPlanOperator:
    return VercelSelectBillingPlanOperator(task_id="select", integration="neon", product="neon-postgres", **overrides)


def _connection_extra(monkeypatch: pytest.MonkeyPatch, server: Any, key: str, value: Any) -> Any:
    monkeypatch.setenv("AIRFLOW_CONN_VERCEL_DEFAULT", connection_json(server, **{key: value}))
    return VercelHook().settings


#: (owner, argument, build with the value). Each is tried with NaN, +inf and -inf.
Build = Callable[[Any, pytest.MonkeyPatch, Any], Any]
NUMERIC: list[tuple[str, str, Build]] = [
    ("VercelClient", "timeout", lambda s, m, v: make_client(s, timeout=v)),
    ("VercelClient", "connect_timeout", lambda s, m, v: make_client(s, connect_timeout=v)),
    ("VercelClient", "create_settle_seconds", lambda s, m, v: make_client(s, create_settle_seconds=v)),
    ("VercelClient", "max_connections", lambda s, m, v: make_client(s, max_connections=v)),
    ("VercelClient", "deadline", lambda s, m, v: make_client(s, deadline=v)),
    ("VercelClient", "max_response_bytes", lambda s, m, v: make_client(s, max_response_bytes=v)),
    ("AsyncVercelClient", "timeout", lambda s, m, v: AsyncVercelClient("t", base_url=s.url, timeout=v)),
    ("RetryPolicy", "max_attempts", lambda s, m, v: RetryPolicy(max_attempts=v)),
    ("RetryPolicy", "backoff_initial", lambda s, m, v: RetryPolicy(backoff_initial=v)),
    ("RetryPolicy", "backoff_max", lambda s, m, v: RetryPolicy(backoff_max=v)),
    ("RetryPolicy", "max_elapsed", lambda s, m, v: RetryPolicy(max_elapsed=v)),
    ("RetryPolicy", "jitter", lambda s, m, v: RetryPolicy(jitter=v)),
    ("RetryPolicy", "retry_statuses", lambda s, m, v: RetryPolicy(retry_statuses=(v,))),
    ("RetryPolicy.from_mapping", "max_elapsed", lambda s, m, v: RetryPolicy.from_mapping({"max_elapsed": str(v)})),
    ("VercelHook", "timeout", lambda s, m, v: VercelHook(timeout=v)),
    ("VercelHook", "deadline", lambda s, m, v: VercelHook(deadline=v)),
    ("connection extra", "timeout", lambda s, m, v: _connection_extra(m, s, "timeout", str(v))),
    ("connection extra", "connect_timeout", lambda s, m, v: _connection_extra(m, s, "connect_timeout", str(v))),
    (
        "connection extra",
        "create_settle_seconds",
        lambda s, m, v: _connection_extra(m, s, "create_settle_seconds", str(v)),
    ),
    ("connection extra", "backoff_initial", lambda s, m, v: _connection_extra(m, s, "backoff_initial", str(v))),
    ("VercelCreateStoreOperator", "wait_timeout", lambda s, m, v: _create_op(s, wait_timeout=v)),
    ("VercelCreateStoreOperator", "poll_interval", lambda s, m, v: _create_op(s, poll_interval=v)),
    (
        "VercelCreateStoreOperator",
        "prepayment_amount_cents",
        lambda s, m, v: _create_op(s, billing_plan_id="credits", prepayment_amount_cents=v),
    ),
    ("VercelStoreReadySensor", "poke_interval", lambda s, m, v: VercelStoreReadySensor(task_id="w", store_id="store_1", poke_interval=v)),
    ("VercelStoreReadySensor", "timeout", lambda s, m, v: VercelStoreReadySensor(task_id="w", store_id="store_1", timeout=v)),
    ("VercelSelectBillingPlanOperator", "max_monthly_cost", lambda s, m, v: _select_op(rule="cheapest", max_monthly_cost=v)),
    (
        "VercelSelectBillingPlanOperator",
        "max_initial_charge",
        lambda s, m, v: _select_op(rule="cheapest", max_initial_charge=v),
    ),
    (
        "VercelSelectBillingPlanOperator",
        "max_prepayment_amount",
        lambda s, m, v: _select_op(rule="cheapest", max_prepayment_amount=v),
    ),
    (
        "VercelSelectBillingPlanOperator",
        "prepayment_amount_cents",
        lambda s, m, v: _select_op(rule="cheapest", prepayment_amount_cents=v),
    ),
    # Numbers inside values: metadata (create body and plans query) and generic bodies and queries.
    (
        "CreateStoreRequest",
        "metadata.dimensions",
        lambda s, m, v: CreateStoreRequest(
            name="n", integration_configuration_id="icfg_1", product="neon-postgres", metadata={"dimensions": v}
        ),
    ),
    (
        "CreateStoreRequest",
        "metadata.sizes[1]",
        lambda s, m, v: CreateStoreRequest(
            name="n", integration_configuration_id="icfg_1", product="neon-postgres", metadata={"sizes": [1, v]}
        ),
    ),
    ("VercelClient.list_billing_plans", "metadata.dimensions", lambda s, m, v: make_client(s).list_billing_plans("neon", "neon-postgres", {"dimensions": v})),
    ("VercelListBillingPlansOperator", "metadata.dimensions", lambda s, m, v: VercelListBillingPlansOperator(task_id="p", integration="neon", product="neon-postgres", metadata={"dimensions": v})),
    ("VercelClient.request", "json.size", lambda s, m, v: make_client(s).request("POST", "/v1/x", json={"size": v})),
    ("VercelClient.request", "params.limit", lambda s, m, v: make_client(s).request("GET", "/v1/x", params={"limit": v})),
    ("AsyncVercelClient.request", "json.items[0]", lambda s, m, v: asyncio.run(AsyncVercelClient("t", base_url=s.url).request("PUT", "/v1/x", json={"items": [v]}))),
    ("VercelApiOperator", "body.size", lambda s, m, v: VercelApiOperator(task_id="a", path="/v1/x", method="POST", body={"size": v})),
    ("VercelApiOperator", "query.limit", lambda s, m, v: VercelApiOperator(task_id="a", path="/v1/x", query={"limit": v})),
]
IDS = [f"{owner}.{argument}" for owner, argument, _ in NUMERIC]


@pytest.mark.parametrize("value", NOT_FINITE, ids=repr)
@pytest.mark.parametrize(("owner", "argument", "build"), NUMERIC, ids=IDS)
def test_every_numeric_argument_refuses_nan_and_infinities_naming_it_before_any_request(
    emulator, monkeypatch, owner, argument, build, value
):
    with pytest.raises(REFUSED) as caught:
        build(emulator, monkeypatch, value)
    assert argument in str(caught.value)
    assert emulator.requests == []


def _numeric_parameters(fn: Any) -> set[str]:
    def numeric(annotation: Any) -> bool:
        text = str(annotation)
        return ("float" in text or "int" in text) and "Mapping" not in text and "dict" not in text

    return {p.name for p in inspect.signature(fn).parameters.values() if numeric(p.annotation)}


def test_the_table_names_every_numeric_argument_of_the_signatures():
    covered = {(owner, argument) for owner, argument, _ in NUMERIC}
    owners: dict[str, set[str]] = {
        "VercelClient": _numeric_parameters(ClientCore.__init__),
        "VercelHook": _numeric_parameters(VercelHook.__init__),
        "VercelCreateStoreOperator": _numeric_parameters(VercelCreateStoreOperator.__init__),
        "VercelSelectBillingPlanOperator": _numeric_parameters(VercelSelectBillingPlanOperator.__init__),
        "VercelStoreReadySensor": _numeric_parameters(VercelStoreReadySensor.__init__),
        "RetryPolicy": {f.name for f in dataclasses.fields(RetryPolicy)},
    }
    missing = sorted(f"{o}.{a}" for o, names in owners.items() for a in names if (o, a) not in covered)
    assert not missing, f"add rows to NUMERIC for {missing}"


@pytest.mark.parametrize("text", ["²", "٣٠٠", "1e3", "50.5", " ", "nan"], ids=repr)
def test_prepayment_cents_as_text_must_be_plain_ascii_digits(text):
    with pytest.raises(VercelInputError) as caught:
        CreateStoreRequest(
            name="n",
            integration_configuration_id="icfg_1",
            product="neon-postgres",
            billing_plan_id="credits",
            prepayment_amount_cents=text,
        )
    assert caught.value.argument == "prepayment_amount_cents"


def test_an_infinite_deferred_wait_is_refused_before_the_store_is_created(emulator):
    with pytest.raises(VercelInputError) as caught:
        _create_op(emulator, wait_for_ready=True, deferrable=True, wait_timeout=math.inf)
    assert caught.value.argument == "wait_timeout"
    # Rendered later (a template): refused at execute, still before any POST.
    op = _create_op(emulator, wait_for_ready=True, deferrable=True)
    op.wait_timeout = math.inf
    with pytest.raises(REFUSED):
        op.check_rendered()
        op.execute({"ti": RecordingTaskInstance()})
    assert [r for r in emulator.requests if r["method"] == "POST"] == []


# --- names that are the rendering of an empty upstream value ------------------------------------------

EMPTY_RENDERINGS = ["None", "null", "NULL", "", "  "]


@pytest.mark.parametrize("rendered", EMPTY_RENDERINGS, ids=repr)
def test_a_store_name_rendered_from_an_empty_upstream_value_is_refused_saying_so(emulator, rendered):
    op = _create_op(emulator, name="{{ ti.xcom_pull(task_ids='upstream') }}")
    op.name = rendered
    with pytest.raises(VercelTaskError) as caught:
        op.execute({"ti": RecordingTaskInstance()})
    message = str(caught.value)
    assert "name" in message and "upstream" in message and "empty" in message
    assert emulator.requests == []
    with pytest.raises(VercelInputError) as direct:
        CreateStoreRequest(name=rendered, integration_configuration_id="icfg_1", product="neon-postgres")
    assert direct.value.argument == "name" and "upstream" in direct.value.reason


@pytest.mark.parametrize("rendered", ["None", "null", ""], ids=repr)
def test_an_id_rendered_from_an_empty_upstream_value_is_refused_saying_so(emulator, rendered):
    with make_client(emulator) as client, pytest.raises(VercelInputError) as caught:
        client.get_store(rendered)
    assert caught.value.argument == "store_id" and "upstream" in caught.value.reason
    assert emulator.requests == []


def test_a_finite_float_in_a_generic_body_is_sent(emulator):
    with make_client(emulator) as client:
        with pytest.raises(Exception):  # noqa: B017  (the emulator has no such route; only the sending matters)
            client.request("POST", "/v1/not-a-route", json={"ratio": 0.5})
    assert json.dumps([r["path"] for r in emulator.requests]) == json.dumps(["/v1/not-a-route"])
