"""Waiting for a store to become ready (``readiness.py``), driven by both clients against the emulator.

The emulator computes a store's status when it is read: ``initializing`` for ``state.ready_delay``
seconds after the create, then its final status (``available`` unless a status rule says otherwise).
Where the deadline matters, a fake clock stands in for ``time.time`` so no test depends on timing.
"""

from __future__ import annotations

from typing import Any

import pytest

from airflow_provider_vercel.api.calls import ApiCall
from airflow_provider_vercel.api.models import Store
from airflow_provider_vercel.api.readiness import StoreReadinessWait, describe_status
from airflow_provider_vercel.api.steps import Finished, Sleep, advance
from tests.helpers.clients import api_requests, create

# Long enough for a few polls at POLL before the store is ready, short enough to keep the test quick.
READY_DELAY = 0.3
POLL = 0.02
# A deadline no wait in these tests gets near: they end by the store's status, not by the clock.
FAR = 10**12


class FakeClock:
    """A clock that stands still at ``now`` unless a test moves it."""

    def __init__(self, now: float = 1_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def store_reads(emulator: Any, store_id: str) -> int:
    return len(api_requests(emulator, "GET", f"/v1/storage/stores/{store_id}"))


def new_store(client: Any, emulator: Any, name: str, ready_delay: float = 0) -> Any:
    """A store created with ``ready_delay`` in force; the request log is cleared after the create."""
    emulator.state.ready_delay = ready_delay
    store = create(client, name=name).store
    emulator.log.clear()
    return store


def test_a_store_that_becomes_available_is_a_success_after_several_reads(client, run_flow, vercel_emulator):
    store = new_store(client, vercel_emulator, "ready-db", READY_DELAY)
    outcome = run_flow(StoreReadinessWait(store.id, deadline=FAR, poll_interval=POLL).steps())
    assert outcome.status == "success" and outcome.store_status == "available"
    assert outcome.store is not None and outcome.store.id == store.id and not outcome.missing
    assert store_reads(vercel_emulator, store.id) > 1  # it was initializing first
    assert outcome.event()["status"] == "success" and outcome.event()["store_id"] == store.id


def test_a_failure_status_ends_the_wait_at_once_as_an_error_with_the_store(client, run_flow, vercel_emulator):
    vercel_emulator.state.set_final_status_for("broken-", "error")
    store = new_store(client, vercel_emulator, "broken-db")
    outcome = run_flow(StoreReadinessWait(store.id, deadline=FAR, poll_interval=POLL).steps())
    assert outcome.status == "error" and not outcome.missing
    assert outcome.store is not None and outcome.store_status == "error"
    assert "failure status 'error'" in outcome.message
    assert store_reads(vercel_emulator, store.id) == 1


def test_a_deadline_already_past_after_one_pending_read_is_a_timeout(client, run_flow, vercel_emulator):
    vercel_emulator.state.set_final_status_for("stuck-", "initializing")
    store = new_store(client, vercel_emulator, "stuck-db")
    clock = FakeClock()
    wait = StoreReadinessWait(store.id, deadline=clock.now - 1, poll_interval=POLL, clock=clock)
    outcome = run_flow(wait.steps())
    assert outcome.status == "timeout" and outcome.store_status == "initializing"
    assert "not ready by the deadline" in outcome.message and "1 poll(s)" in outcome.message
    assert store_reads(vercel_emulator, store.id) == 1


def test_without_a_deadline_the_wait_reads_once_and_returns_pending(client, run_flow, vercel_emulator):
    store = new_store(client, vercel_emulator, "slow-db", ready_delay=FAR)
    wait = StoreReadinessWait(store.id, deadline=None)
    outcome = run_flow(wait.steps())
    assert outcome.status == "pending" and outcome.store_status == "initializing"
    assert wait.polls == 1 and store_reads(vercel_emulator, store.id) == 1


def test_a_missing_store_is_an_error_marked_missing(run_flow, vercel_emulator):
    outcome = run_flow(StoreReadinessWait("store_doesnotexist", deadline=FAR, poll_interval=POLL).steps())
    assert outcome.status == "error" and outcome.missing is True
    assert outcome.store is None and outcome.store_status is None
    assert "does not exist" in outcome.message


def test_a_resumed_wait_sleeps_before_its_next_read(client, vercel_emulator):
    store = new_store(client, vercel_emulator, "slow-db", ready_delay=FAR)
    clock = FakeClock()
    wait = StoreReadinessWait(store.id, deadline=None, poll_interval=7.0, clock=clock)
    assert client.run(wait.steps()).status == "pending"
    wait.deadline = clock.now + 60

    resumed = wait.steps(resume=True)
    first = advance(resumed)
    assert first == Sleep(7.0)  # a pause, not a read: the last read was just now
    assert isinstance(advance(resumed), ApiCall)  # the read comes after the pause
    assert store_reads(vercel_emulator, store.id) == 1  # the flow itself read nothing more


def test_a_resumed_wait_sleeps_no_longer_than_the_time_left(client, vercel_emulator):
    store = new_store(client, vercel_emulator, "slow-db", ready_delay=FAR)
    clock = FakeClock()
    wait = StoreReadinessWait(store.id, deadline=None, poll_interval=30.0, clock=clock)
    client.run(wait.steps())
    wait.deadline = clock.now + 2.5
    assert advance(wait.steps(resume=True)) == Sleep(2.5)


def test_a_resumed_wait_past_its_deadline_times_out_without_reading_again(client, run_flow, vercel_emulator):
    store = new_store(client, vercel_emulator, "slow-db", ready_delay=FAR)
    clock = FakeClock()
    wait = StoreReadinessWait(store.id, deadline=None, poll_interval=POLL, clock=clock)
    run_flow(wait.steps())
    wait.deadline = clock.now - 1
    outcome = run_flow(wait.steps(resume=True))
    assert outcome.status == "timeout"
    assert store_reads(vercel_emulator, store.id) == 1


def test_a_fresh_wait_reads_first_even_when_asked_to_resume(client, vercel_emulator):
    store = new_store(client, vercel_emulator, "slow-db", ready_delay=FAR)
    step = advance(StoreReadinessWait(store.id, deadline=FAR).steps(resume=True))
    assert isinstance(step, ApiCall) and step.path.endswith(store.id)


def test_on_status_is_called_on_the_first_read_and_on_each_change_only(client, run_flow, vercel_emulator):
    store = new_store(client, vercel_emulator, "ready-db", READY_DELAY)
    seen: list[tuple[str, str, int]] = []
    wait = StoreReadinessWait(
        store.id, deadline=FAR, poll_interval=POLL, on_status=lambda s, shown, poll: seen.append((s.id, shown, poll))
    )
    outcome = run_flow(wait.steps())
    assert outcome.status == "success" and wait.polls > 2  # several reads saw the same "initializing"
    assert seen == [(store.id, "initializing", 1), (store.id, "available", wait.polls)]


def test_on_status_is_not_called_again_by_single_reads_of_an_unchanged_status(client, run_flow, vercel_emulator):
    # The sensor's way: one wait object, one read per poke.
    store = new_store(client, vercel_emulator, "slow-db", ready_delay=FAR)
    seen: list[int] = []
    wait = StoreReadinessWait(store.id, deadline=None, on_status=lambda s, shown, poll: seen.append(poll))
    for _ in range(3):
        assert run_flow(wait.steps()).status == "pending"
    assert wait.polls == 3 and seen == [1]


@pytest.mark.parametrize(
    ("status", "external", "shown"), [(None, "ready", "null (external ready)"), ("null", None, "null")]
)
def test_a_null_status_is_shown_with_its_external_status(status, external, shown):
    store = Store.model_validate({"id": "store_x", "name": "x", "status": status, "externalResourceStatus": external})
    assert describe_status(store) == shown


def test_the_wait_finishes_once_the_store_is_ready_and_yields_no_further_step(client, vercel_emulator):
    store = new_store(client, vercel_emulator, "ready-db")
    flow = StoreReadinessWait(store.id, deadline=FAR).steps()
    step = advance(flow)
    finished = advance(flow, result=client.execute(step))
    assert isinstance(finished, Finished) and finished.value.status == "success"
