"""Argument errors: found in ``__init__`` they name the task, its DAG and the argument; after rendering,
a dry run reports them as ``would: "fail"``; and the one set of coercion helpers for rendered values."""

from __future__ import annotations

from typing import Any

import pytest

from airflow_provider_vercel.api.coerce import rendered_bool, rendered_list, rendered_number
from airflow_provider_vercel.api.errors import VercelInputError
from airflow_provider_vercel.operators import (
    VercelCreateStoreOperator,
    VercelDeleteStoreOperator,
    VercelListBillingPlansOperator,
)
from airflow_provider_vercel.sensors import VercelStoreReadySensor
from tests.operators.conftest import posts


def create(cfg: str = "icfg_abc", **kwargs):
    kwargs.setdefault("product", "neon-postgres")
    kwargs.setdefault("metadata", {"region": "iad1"})
    return VercelCreateStoreOperator(task_id="create_store", integration_configuration_id=cfg, **kwargs)


def _dag_and_task_group() -> tuple[Any, Any]:
    try:
        from airflow.sdk import DAG, TaskGroup
    except ImportError:  # Airflow 2 (the compat smoke suite)
        from airflow import DAG
        from airflow.utils.task_group import TaskGroup
    return DAG, TaskGroup


def test_an_init_error_names_the_task_the_dag_and_the_argument():
    DAG, _ = _dag_and_task_group()

    with DAG(dag_id="customer_stores", schedule=None), pytest.raises(VercelInputError) as info:
        create(name="bad name!")
    assert info.value.argument == "name"
    assert str(info.value).startswith("Invalid argument in task 'create_store' of DAG 'customer_stores': name:")


def test_an_init_error_outside_a_dag_names_the_task():
    with pytest.raises(VercelInputError, match=r"^Invalid argument in task 'delete': store_id:"):
        VercelDeleteStoreOperator(task_id="delete", store_id="no spaces allowed")


def test_an_init_error_in_a_task_group_names_the_grouped_task_id():
    DAG, TaskGroup = _dag_and_task_group()

    with DAG(dag_id="d", schedule=None), TaskGroup("customer"), pytest.raises(VercelInputError) as info:
        VercelListBillingPlansOperator(task_id="plans", integration="neon", product="neon-postgres", expect_one="yes")
    assert "task 'customer.plans' of DAG 'd'" in str(info.value) and info.value.argument == "expect_one"


def test_an_error_in_the_base_operators_arguments_names_the_task_too():
    with pytest.raises(VercelInputError, match=r"task 'wait'.*retry_on_client_errors"):
        VercelStoreReadySensor(task_id="wait", store_id="store_abc", retry_on_client_errors="sometimes")


@pytest.mark.parametrize(("kwargs", "argument"), [({"name": "bad name"}, "name"), ({"if_exists": "maybe"}, "if_exists")])
def test_a_literal_invalid_argument_fails_at_parse_time_even_in_a_dry_run(kwargs, argument):
    kwargs.setdefault("name", "ok-name")
    with pytest.raises(VercelInputError) as info:
        create(dry_run=True, **kwargs)
    assert info.value.argument == argument and "task 'create_store'" in str(info.value)


@pytest.mark.parametrize(("field", "rendered"), [("name", "bad name"), ("if_exists", "maybe")])
def test_a_templated_argument_that_renders_invalid_is_a_dry_runs_would_fail(emulator, context, neon_cfg, field, rendered):
    op = create(neon_cfg, name="{{ params.name }}", if_exists="{{ params.if_exists }}", dry_run=True)
    op.name, op.if_exists = "ok-name", "reuse"
    setattr(op, field, rendered)  # as rendered
    report = op.execute(context)
    assert report["would"] == "fail"
    assert len(report["reasons"]) == 1 and report["reasons"][0].startswith(f"invalid argument {field}:")
    assert emulator.requests == [] and posts(emulator) == []


@pytest.mark.parametrize(
    ("value", "optional", "expected"),
    [(True, False, True), ("False", False, False), (" true ", False, True), (None, True, None), ("None", True, None)],
)
def test_rendered_bool_reads_booleans_and_their_rendered_text(value, optional, expected):
    assert rendered_bool("flag", value, optional=optional) is expected


@pytest.mark.parametrize("value", ["yes", 1, 0, None, "None"])
def test_rendered_bool_refuses_anything_else_naming_the_argument(value):
    with pytest.raises(VercelInputError) as info:
        rendered_bool("flag", value)
    assert info.value.argument == "flag"


@pytest.mark.parametrize(("value", "expected"), [(2, 2), ("0.25", 0.25), (" 30 ", 30), (None, None), ("", None)])
def test_rendered_number_reads_numbers_and_their_text(value, expected):
    assert rendered_number("seconds", value) == expected


@pytest.mark.parametrize("value", ["soon", "nan", float("inf"), True, [1]])
def test_rendered_number_refuses_text_booleans_and_non_finite_values(value):
    with pytest.raises(VercelInputError, match="seconds"):
        rendered_number("seconds", value)


@pytest.mark.parametrize(
    ("value", "expected"),
    [(["preview"], ["preview"]), ('["preview", "development"]', ["preview", "development"]),
     ("['preview']", ["preview"]), ("preview", ["preview"]), (("a", "b"), ["a", "b"]), (None, None)],
)
def test_rendered_list_reads_lists_and_their_rendered_text(value, expected):
    assert rendered_list("environments", value) == expected


def test_rendered_list_refuses_list_text_that_does_not_parse():
    with pytest.raises(VercelInputError, match="environments"):
        rendered_list("environments", "[preview")
