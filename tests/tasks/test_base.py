"""The Airflow glue of tasks/base.py: which values are still templates, and how the API layer's errors become task failures."""

from __future__ import annotations

import pytest

from airflow_provider_vercel.api.errors import VercelInputError, VercelPlanSelectionError
from airflow_provider_vercel.tasks.base import VercelBaseOperator, VercelTaskError, is_deferred, task_failures


def test_is_deferred_spots_templates_and_xcom_references():
    assert is_deferred("{{ params.x }}") and is_deferred({"region": "{{ params.region }}"})
    assert not is_deferred("iad1") and not is_deferred({"region": "iad1", "n": [1, 2]}) and not is_deferred(None)
    assert is_deferred(object())


def test_task_failures_turns_an_input_error_into_a_task_failure_naming_the_argument():
    with pytest.raises(VercelTaskError, match="Invalid argument name") as caught:
        with task_failures():
            raise VercelInputError("name", "must not be empty")
    assert caught.value.argument == "name"
    assert isinstance(caught.value.__cause__, VercelInputError)


def test_task_failures_fails_a_plan_selection_without_retry():
    with pytest.raises(VercelTaskError, match="no plan"):
        with task_failures():
            raise VercelPlanSelectionError("no plan fits")


def test_check_now_checks_final_values_and_leaves_templates_for_after_rendering():
    seen = []
    VercelBaseOperator.check_now("iad1", seen.append)
    VercelBaseOperator.check_now("{{ params.region }}", seen.append)
    assert seen == ["iad1"]


class _Task(VercelBaseOperator):
    def __init__(self, **kwargs):  # a subclass's __init__ is the one wrapped to name the task
        super().__init__(**kwargs)


def test_a_bad_literal_connection_id_fails_when_the_task_is_built_naming_the_task_and_argument():
    with pytest.raises(VercelInputError, match="vercel_conn_id") as caught:
        _Task(task_id="t", vercel_conn_id="")
    assert "task 't'" in str(caught.value)
