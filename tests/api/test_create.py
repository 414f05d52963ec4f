"""Get-or-create of stores (``create.py``) driven by both clients against the emulator: reuse, ambiguous creates, batches."""

from __future__ import annotations

import pytest

from airflow_provider_vercel.api.calls import CreateStoreRequest
from airflow_provider_vercel.api.errors import (
    VercelAmbiguousCreateError,
    VercelInputError,
    VercelStoreExistsError,
)
from tests.api.seed import NEON_CFG, NEON_PRODUCT
from tests.helpers.clients import FAST, api_requests, create, make_client


def test_create_store_returns_the_store_id_and_secret_names_only(client):
    outcome = create(client)
    store = outcome.store
    assert outcome.created and not outcome.reused and outcome.posts == 1
    assert store.id.startswith("store_") and store.name == "unit-db"
    assert store.secret_names and all(not hasattr(s, "value") for s in store.secrets)


def test_get_or_create_reuses_an_existing_store_without_posting(client, vercel_emulator):
    first = create(client)
    second = create(client)
    assert second.reused and not second.created and second.store.id == first.store.id
    assert len(api_requests(vercel_emulator, "POST", "/v1/storage/stores/integration/direct")) == 1


def test_get_or_create_with_if_exists_fail_refuses_an_existing_name(client):
    create(client)
    with pytest.raises(VercelStoreExistsError, match="unit-db"):
        client.get_or_create_store(
            CreateStoreRequest(
                name="unit-db", integration_configuration_id=NEON_CFG, product=NEON_PRODUCT, metadata={"region": "iad1"}
            ),
            if_exists="fail",
        )


@pytest.mark.parametrize("status", [500, 502, 503, 504])
def test_a_5xx_to_the_create_is_never_followed_by_a_second_post(vercel_emulator, status):
    # Nothing was committed here, but a client cannot tell that from a 5xx: it looks for the store
    # during the settle window, then fails without posting again (a task retry settles it).
    vercel_emulator.faults.server_error(1, status=status, method="POST")
    with make_client(vercel_emulator, create_settle_seconds=0.3) as c:
        with pytest.raises(VercelAmbiguousCreateError) as caught:
            create(c)
        assert [r["status"] for r in api_requests(vercel_emulator, "POST")] == [status]
        assert caught.value.kind == f"http {status}" and caught.value.waited == pytest.approx(0.3)
        assert len(api_requests(vercel_emulator, "GET", "/v1/storage/stores")) >= 2  # the check, then looks
        assert create(c).created  # the retried task: looks, finds nothing, posts once
    assert len(api_requests(vercel_emulator, "POST")) == 2


@pytest.mark.parametrize("fault", ["commit_then_drop", "commit_then_error"])
def test_ambiguous_create_failure_adopts_the_committed_store_instead_of_posting_again(client, vercel_emulator, fault):
    getattr(vercel_emulator.faults, fault)(1)
    outcome = create(client)
    assert outcome.recovered_from and outcome.posts == 1
    assert len(api_requests(vercel_emulator, "POST")) == 1
    assert [s.id for s in client.find_stores("unit-db", NEON_CFG)] == [outcome.store.id]


def test_create_timeout_after_commit_adopts_the_store(vercel_emulator):
    vercel_emulator.faults.commit_then_delay(1, seconds=2)
    with make_client(vercel_emulator, timeout=0.5) as c:
        outcome = create(c)
    assert outcome.recovered_from == "timeout"
    assert len(api_requests(vercel_emulator, "POST")) == 1


# --- batches ----------------------------------------------------------------------------------


def _requests(names, **kwargs):
    return [
        CreateStoreRequest(
            name=n, integration_configuration_id=NEON_CFG, product=NEON_PRODUCT, metadata={"region": "iad1"}, **kwargs
        )
        for n in names
    ]


def test_a_batch_lists_the_configuration_once_and_creates_each_missing_store_once(client, vercel_emulator):
    create(client, name="batch-1")
    vercel_emulator.log.clear()
    outcomes = client.get_or_create_stores(_requests(["batch-1", "batch-2", "batch-3"]))
    assert [(o.store.name, o.reused) for o in outcomes] == [("batch-1", True), ("batch-2", False), ("batch-3", False)]
    assert len(api_requests(vercel_emulator, "GET", "/v1/storage/stores")) == 1
    assert len(api_requests(vercel_emulator, "POST")) == 2


async def test_the_async_batch_creates_concurrently_and_a_rerun_creates_nothing(vercel_emulator):
    from airflow_provider_vercel.api.client import AsyncVercelClient

    names = [f"abatch-{i}" for i in range(12)]
    async with AsyncVercelClient(
        vercel_emulator.admin_token, base_url=vercel_emulator.url, team_id=vercel_emulator.team_id, retry_policy=FAST
    ) as c:
        first = await c.get_or_create_stores(_requests(names), concurrency=4)
        again = await c.get_or_create_stores(_requests(names), concurrency=4)
    assert all(o.created for o in first) and all(o.reused for o in again)
    assert [o.store.id for o in first] == [o.store.id for o in again]
    assert len(api_requests(vercel_emulator, "POST")) == len(names)
    assert len(api_requests(vercel_emulator, "GET", "/v1/storage/stores")) == 2


def test_a_batch_naming_one_store_twice_is_refused_before_any_request(client, vercel_emulator):
    with pytest.raises(VercelInputError) as info:
        client.get_or_create_stores(_requests(["same", "same"]))
    assert info.value.argument == "requests[1]"
    assert vercel_emulator.requests == []
