"""VercelClient against the emulator over real HTTP: every method, scoping, retries, error mapping."""

from __future__ import annotations

import logging
import time

import pytest

from airflow_provider_vercel.api.calls import CreateStoreRequest
from airflow_provider_vercel.api.client import VercelClient
from airflow_provider_vercel.api.errors import (
    VercelAmbiguousCreateError,
    VercelApiError,
    VercelBadRequestError,
    VercelConflictError,
    VercelForbiddenError,
    VercelInputError,
    VercelNotFoundError,
    VercelPaymentRequiredError,
    VercelRateLimitedError,
    VercelResponseError,
    VercelServerError,
    VercelStoreExistsError,
    VercelTransportError,
    VercelUnauthorizedError,
)
from airflow_provider_vercel.api.retry import RetryPolicy
from tests.api.seed import NEON_CFG, NEON_PRODUCT, NEON_PRODUCT_ID, NOPAY_NEON_CFG, UPSTASH_CFG, WEB_APP

FAST = RetryPolicy(max_attempts=4, backoff_initial=0.01, backoff_max=0.05, max_elapsed=10)


def make_client(emulator, token=None, policy=FAST, **kwargs):
    kwargs.setdefault("team_id", emulator.team_id)
    return VercelClient(token or emulator.admin_token, base_url=emulator.url, retry_policy=policy, **kwargs)


def api_requests(emulator, method=None, path=None):
    return [
        r
        for r in emulator.requests
        if (method is None or r["method"] == method) and (path is None or r["path"].startswith(path))
    ]


@pytest.fixture
def client(vercel_emulator):
    with make_client(vercel_emulator) as c:
        yield c


def create(client, name="unit-db", **kwargs):
    kwargs.setdefault("integration_configuration_id", NEON_CFG)
    kwargs.setdefault("product", NEON_PRODUCT)
    kwargs.setdefault("metadata", {"region": "iad1"})
    return client.get_or_create_store(CreateStoreRequest(name=name, **kwargs))


# --- every method ---------------------------------------------------------------------------------


def test_list_configurations_reads_the_bare_array_and_filters_by_integration(client):
    every = client.list_configurations()
    assert {NEON_CFG, UPSTASH_CFG} <= {c.id for c in every}
    neon = client.list_configurations(integration="neon")
    assert [c.id for c in neon] == [NEON_CFG]
    assert neon[0].integration_slug == "neon"


def test_list_configurations_filters_on_installation_type(client):
    external = client.list_configurations(installation_type="external")
    assert external and all(c.effective_installation_type == "external" for c in external)


def test_project_view_items_without_integration_object_still_parse(client):
    items = client.list_configurations(view="project")
    assert items and all(c.id.startswith("icfg_") for c in items)


def test_get_configuration_returns_the_one_asked_for(client):
    assert client.get_configuration(NEON_CFG).id == NEON_CFG


def test_list_products_returns_products_with_metadata_schemas(client):
    result = client.list_products(NEON_CFG)
    product = next(p for p in result.products if p.slug == NEON_PRODUCT)
    assert product.id == NEON_PRODUCT_ID
    assert product.metadata_schema.properties
    assert result.configuration.id == NEON_CFG


def test_billing_plans_accept_slugs_and_send_metadata_as_a_json_string(client, vercel_emulator):
    cheap = client.list_billing_plans("neon", NEON_PRODUCT, metadata={"region": "iad1"})
    dear = client.list_billing_plans("neon", NEON_PRODUCT, metadata={"region": "fra1"})
    assert {p.id for p in cheap} == {p.id for p in dear}
    assert any(a.cost != b.cost for a, b in zip(cheap, dear)), "price must depend on the metadata sent"
    (last,) = api_requests(vercel_emulator, "GET", "/v1/integrations/integration/")[-1:]
    assert last["query"]["metadata"] == '{"region":"fra1"}'


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


def test_get_store_and_list_stores_and_find_stores(client):
    store = create(client).store
    assert client.get_store(store.id).id == store.id
    assert store.id in {s.id for s in client.list_stores(NEON_CFG)}
    assert [s.id for s in client.find_stores("unit-db", NEON_CFG)] == [store.id]
    assert client.find_stores("unit-db", UPSTASH_CFG) == []


def test_store_becomes_available_after_the_emulated_delay(client, vercel_emulator):
    store = create(client).store
    deadline = time.monotonic() + 5
    while not client.get_store(store.id).is_ready:
        assert time.monotonic() < deadline, "store never became available"
        time.sleep(0.05)


def test_connect_then_connect_again_reports_already_connected(client):
    store = create(client).store
    assert client.connect_store(NEON_CFG, store.id, WEB_APP) is True
    assert client.connect_store(NEON_CFG, store.id, WEB_APP) is False
    assert client.get_store(store.id).connected_project_ids == [WEB_APP]


def test_connected_store_env_vars_are_listed_and_readable_by_store_id(client):
    store = create(client).store
    client.connect_store(NEON_CFG, store.id, WEB_APP)
    envs = [e for e in client.list_project_env(WEB_APP) if e.store_id == store.id]
    assert {e.key for e in envs} == set(store.secret_names)
    one = client.get_project_env(WEB_APP, envs[0].id)
    assert one.decrypted and one.value


def test_disconnect_then_delete_then_delete_again_is_idempotent(client):
    store = create(client).store
    client.connect_store(NEON_CFG, store.id, WEB_APP)
    assert client.disconnect_store(store.id) is True
    assert client.delete_store(store.id) is True
    assert client.delete_store(store.id) is False
    with pytest.raises(VercelNotFoundError):
        client.get_store(store.id)


def test_generic_request_returns_parsed_json(client):
    data = client.request("GET", "/v1/integrations/configurations", params={"view": "account"})
    assert isinstance(data, list) and data


# --- scoping and auth -----------------------------------------------------------------------------


def test_team_slug_scopes_like_team_id(vercel_emulator):
    with make_client(vercel_emulator, team_id=None, team_slug=vercel_emulator.team_slug) as c:
        assert NEON_CFG in {x.id for x in c.list_configurations()}
    (last,) = api_requests(vercel_emulator)[-1:]
    assert last["query"].get("slug") == vercel_emulator.team_slug and "teamId" not in last["query"]


def test_every_request_carries_the_team_id(client, vercel_emulator):
    client.list_configurations()
    client.list_products(NEON_CFG)
    client.list_stores()
    assert all(r["query"].get("teamId") == vercel_emulator.team_id for r in api_requests(vercel_emulator))


def test_another_teams_token_cannot_see_this_team(vercel_emulator):
    with make_client(vercel_emulator, token=vercel_emulator.other_team_token) as c:
        with pytest.raises(VercelForbiddenError):
            c.list_configurations()


def test_unknown_token_is_unauthorized(vercel_emulator):
    with make_client(vercel_emulator, token="vcl_not_a_real_token") as c:
        with pytest.raises(VercelUnauthorizedError) as info:
            c.list_configurations()
    assert info.value.status == 401


def test_member_token_gets_forbidden_on_create(vercel_emulator):
    with make_client(vercel_emulator, token=vercel_emulator.member_token) as c:
        with pytest.raises(VercelForbiddenError) as info:
            create(c)
    assert info.value.method == "POST" and info.value.code


def test_team_without_payment_method_gets_payment_required_for_a_paid_plan(vercel_emulator):
    with make_client(vercel_emulator, token=vercel_emulator.nopay_admin_token, team_id=None, team_slug="nopay") as c:
        with pytest.raises(VercelPaymentRequiredError):
            create(c, integration_configuration_id=NOPAY_NEON_CFG, billing_plan_id="launch", metadata={"region": "iad1"})


# --- retries ----------------------------------------------------------------------------------


def test_429_with_retry_after_seconds_is_retried_after_the_wait(client, vercel_emulator):
    vercel_emulator.faults.rate_limit(2, retry_after=1)
    started = time.monotonic()
    assert client.list_configurations()
    elapsed = time.monotonic() - started
    statuses = [r["status"] for r in api_requests(vercel_emulator)]
    assert statuses == [429, 429, 200]
    assert 2.0 <= elapsed < 2.0 * 1.1 + 1.5  # generous: a loaded machine adds latency, not waits


def test_429_with_retry_after_as_http_date_is_honoured(client, vercel_emulator):
    vercel_emulator.faults.rate_limit(1, retry_after=2, http_date=True)
    started = time.monotonic()
    client.list_configurations()
    # An HTTP date has whole-second resolution: the wait is between 1 and 2 seconds.
    assert 0.9 <= time.monotonic() - started < 4.0
    assert [r["status"] for r in api_requests(vercel_emulator)] == [429, 200]


def test_5xx_then_success_is_retried(client, vercel_emulator):
    vercel_emulator.faults.server_error(2, status=503)
    assert client.list_stores() == []
    assert [r["status"] for r in api_requests(vercel_emulator)] == [503, 503, 200]


@pytest.mark.parametrize("status", [500, 502, 503, 504])
def test_retry_budget_exhausted_raises_the_last_error_after_exactly_max_attempts(client, vercel_emulator, status):
    vercel_emulator.faults.server_error(10, status=status)
    with pytest.raises(VercelServerError) as info:
        client.list_stores()
    assert info.value.status == status
    assert len(api_requests(vercel_emulator)) == FAST.max_attempts


def test_time_budget_stops_retrying_when_the_next_wait_would_overrun_it(vercel_emulator):
    vercel_emulator.faults.rate_limit(5, retry_after=30)
    with make_client(vercel_emulator, policy=RetryPolicy(max_attempts=5, max_elapsed=5)) as c:
        started = time.monotonic()
        with pytest.raises(VercelRateLimitedError) as info:
            c.list_stores()
    assert time.monotonic() - started < 2, "must not sleep past the budget"
    assert info.value.retry_after == pytest.approx(30, abs=1)
    assert len(api_requests(vercel_emulator)) == 1


def test_non_retryable_4xx_is_sent_once(client, vercel_emulator):
    with pytest.raises(VercelNotFoundError):
        client.get_store("store_doesnotexist0000")
    assert len(api_requests(vercel_emulator)) == 1


def test_malformed_json_on_a_read_is_retried(client, vercel_emulator):
    vercel_emulator.faults.malformed_json(1)
    assert client.list_configurations()
    assert len(api_requests(vercel_emulator)) == 2


def test_malformed_json_beyond_the_budget_raises_response_error(client, vercel_emulator):
    vercel_emulator.faults.malformed_json(10)
    with pytest.raises(VercelResponseError, match="not valid JSON"):
        client.list_configurations()


def test_reset_connection_on_a_read_is_retried(client, vercel_emulator):
    vercel_emulator.faults.reset_connection(1)
    assert client.list_configurations()


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


# --- error mapping ----------------------------------------------------------------------------


def test_bad_request_carries_status_code_message_method_and_path(client):
    with pytest.raises(VercelBadRequestError) as info:
        create(client, billing_plan_id="no-such-plan")
    err = info.value
    assert (err.status, err.method, err.path) == (400, "POST", "/v1/storage/stores/integration/direct")
    assert err.code and err.message


def test_conflict_is_raised_when_the_server_rejects_duplicate_names(client, vercel_emulator):
    vercel_emulator.state.reject_duplicate_names = True
    req = CreateStoreRequest(
        name="dup", integration_configuration_id=NEON_CFG, product=NEON_PRODUCT, metadata={"region": "iad1"}
    )
    client.create_store(req)
    with pytest.raises(VercelConflictError):
        client.create_store(req)


def test_err_key_error_bodies_are_parsed_like_error_bodies(client):
    store = create(client).store
    client.connect_store(NEON_CFG, store.id, WEB_APP)
    with pytest.raises(VercelBadRequestError) as info:
        client.request("DELETE", f"/v1/storage/stores/integration/{store.id}")
    assert info.value.code and info.value.message


def test_connection_refused_is_a_transport_error_marked_unsent():
    c = VercelClient("tok_x", base_url="http://127.0.0.1:9", retry_policy=RetryPolicy(max_attempts=1))
    with pytest.raises(VercelTransportError) as info:
        c.list_stores()
    assert info.value.sent is False and info.value.kind == "connect"


def test_every_api_error_is_a_vercel_api_error(client):
    with pytest.raises(VercelApiError):
        client.get_store("store_doesnotexist0000")


# --- secrets and input rules ------------------------------------------------------------------


def test_token_never_appears_in_exceptions_logs_or_repr(vercel_emulator, caplog):
    caplog.set_level(logging.DEBUG)
    token = vercel_emulator.admin_token
    seen = []
    vercel_emulator.faults.rate_limit(1, retry_after=0)
    vercel_emulator.faults.server_error(10, status=502, path="/v1/storage/stores/")
    with make_client(vercel_emulator) as c:
        seen.append(repr(c))
        c.list_configurations()
        for action in (lambda: c.get_store("store_x1"), lambda: create(c, billing_plan_id="nope")):
            with pytest.raises(Exception) as info:
                action()
            seen += [str(info.value), repr(info.value)]
    seen += [r.getMessage() for r in caplog.records]
    assert seen and all(token not in text for text in seen)


@pytest.mark.parametrize(
    "url",
    ["http://api.vercel.com", "http://10.0.0.5:8080", "http://example.invalid"],
)
def test_plain_http_to_a_non_loopback_host_is_refused(url):
    with pytest.raises(VercelInputError) as info:
        VercelClient("tok_x", base_url=url)
    assert info.value.argument == "base_url" and "https" in info.value.reason


@pytest.mark.parametrize("url", ["http://127.0.0.1:8080", "http://localhost:1", "http://[::1]:2", "api.vercel.com"])
def test_loopback_http_and_bare_hosts_are_accepted(url):
    VercelClient("tok_x", base_url=url).close()


def test_empty_token_is_refused_without_echoing_anything():
    with pytest.raises(VercelInputError) as info:
        VercelClient("  ")
    assert info.value.argument == "token"


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


@pytest.mark.parametrize(
    ("argument", "value"),
    [("deadline", float("nan")), ("deadline", float("inf")), ("deadline", 0), ("timeout", float("nan")),
     ("connect_timeout", -1), ("max_response_bytes", 0), ("max_response_bytes", 1.5), ("max_response_bytes", True)],
)
def test_bad_deadline_timeout_or_limit_is_refused_by_name_before_any_request(vercel_emulator, argument, value):
    with pytest.raises(VercelInputError) as caught:
        make_client(vercel_emulator, **{argument: value})
    assert caught.value.argument == argument
    assert not vercel_emulator.requests
