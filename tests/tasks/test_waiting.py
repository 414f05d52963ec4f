"""The waiting glue of tasks/waiting.py: the readiness flow driven on the worker, deferral, the trigger's event checked."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from airflow.providers.common.compat.sdk import TaskDeferred

from airflow_provider_vercel.api.errors import VercelInputError
from airflow_provider_vercel.hooks.vercel import VercelHook
from airflow_provider_vercel.tasks.waiting import (
    VercelStoreFailedError,
    VercelStoreWaitError,
    VercelStoreWaitTimeout,
    positive_seconds,
    validate_store_event,
    wait_for_store_ready,
)


@pytest.mark.parametrize(
    ("event", "error", "text"),
    [
        ({"status": "error", "store_id": "store_abc", "store_status": "error", "message": "m"}, VercelStoreFailedError, "m"),
        (
            {"status": "error", "store_id": "store_abc", "store_status": "limits-exceeded-suspended", "message": ""},
            VercelStoreFailedError,
            "limits-exceeded-suspended",
        ),
        (
            {"status": "timeout", "store_id": "store_abc", "store_status": "initializing", "message": ""},
            VercelStoreWaitTimeout,
            "initializing",
        ),
        (
            {"status": "error", "store_id": "store_abc", "store_status": None, "message": "GET failed: 500"},
            VercelStoreWaitError,
            "500",
        ),
        (None, VercelStoreWaitError, "Unexpected event"),
        ({"status": "weird"}, VercelStoreWaitError, "Unexpected event"),
        ({"status": "success", "store_id": "store_other"}, VercelStoreWaitError, "store_other"),
    ],
)
def test_validate_store_event_raises_with_the_status(event, error, text):
    with pytest.raises(error, match=text):
        validate_store_event(event, "store_abc")


@pytest.mark.parametrize("value", [0, -1, float("inf"), float("nan"), "soon", True])
def test_a_wait_duration_must_be_positive_and_finite(value):
    with pytest.raises(VercelInputError, match="wait_timeout"):
        positive_seconds("wait_timeout", value)


def test_a_rendered_wait_duration_is_read_as_a_number():
    assert positive_seconds("wait_timeout", "2.5") == 2.5


# --- the wait helper, as an operator would call it ------------------------------------------------


class _Waiter:
    """Stands in for an operator: a logger and ``defer``."""

    def __init__(self) -> None:
        self.log = logging.getLogger("waiter")
        self.deferred: dict[str, Any] | None = None

    def defer(self, **kwargs: Any) -> None:
        self.deferred = kwargs
        raise TaskDeferred(**kwargs)


def test_wait_helper_polls_in_the_worker_when_not_deferrable(emulator, make_store):
    emulator.state.ready_delay = 0.3
    store_id = make_store()
    store = wait_for_store_ready(_Waiter(), hook=VercelHook(), store_id=store_id, timeout=10, poll_interval=0.05)
    assert store.id == store_id and store.is_ready


def test_wait_helper_times_out_with_the_last_status(emulator, make_store):
    store_id = make_store("emu-stuck-db")
    with pytest.raises(VercelStoreWaitTimeout, match="initializing"):
        wait_for_store_ready(_Waiter(), hook=VercelHook(), store_id=store_id, timeout=0.3, poll_interval=0.05)


def test_wait_helper_defers_with_next_kwargs(emulator, make_store):
    emulator.state.ready_delay = 30
    store_id = make_store()
    waiter = _Waiter()
    with pytest.raises(TaskDeferred):
        wait_for_store_ready(
            waiter,
            hook=VercelHook(),
            store_id=store_id,
            timeout=60,
            poll_interval=5,
            deferrable=True,
            method_name="resume_after_wait",
            next_kwargs={"summary": {"id": store_id}},
        )
    assert waiter.deferred["method_name"] == "resume_after_wait"
    assert waiter.deferred["kwargs"] == {"summary": {"id": store_id}}
    assert waiter.deferred["trigger"].store_id == store_id
