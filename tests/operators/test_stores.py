"""VercelCreateStoreOperator against the emulator: validation before sending, get-or-create, summaries."""

from __future__ import annotations

import pytest

from airflow_provider_vercel.api.errors import VercelInputError, VercelStoreExistsError
from airflow_provider_vercel.operators.stores import (
    STORE_ID_XCOM_KEY,
    STORE_URL_XCOM_KEY,
    VercelCreateStoreOperator,
    VercelStoreLink,
)
from airflow_provider_vercel.tasks.base import VercelTaskError
from tests.helpers.secrets import assert_no_secrets
from tests.operators.conftest import api_requests, posts

SUMMARY_KEYS = {
    "id",
    "name",
    "status",
    "product",
    "plan",
    "configuration_id",
    "secret_names",
    "dashboard_url",
    "outcome",
}


def make(cfg, **kwargs):
    kwargs.setdefault("product", "neon-postgres")
    kwargs.setdefault("name", "unit-db")
    kwargs.setdefault("metadata", {"region": "iad1"})
    kwargs.setdefault("integration_configuration_id", cfg)
    return VercelCreateStoreOperator(task_id="create_store", **kwargs)


def live_stores(server):
    return [store for store in server.state.stores.values() if not store.deleted]


def test_creates_the_store_once_and_returns_a_summary_without_secrets(emulator, context, neon_cfg):
    result = make(neon_cfg, billing_plan_id="launch").execute(context)
    (store,) = live_stores(emulator)
    assert set(result) == SUMMARY_KEYS
    assert result["id"] == store.id
    assert result["name"] == "unit-db"
    assert result["outcome"] == "created"
    assert result["configuration_id"] == neon_cfg
    assert result["product"]["slug"] == "neon-postgres"
    assert result["plan"]["id"] == "launch"
    assert result["secret_names"] == list(store.secrets)
    assert result["dashboard_url"] == (
        f"https://vercel.com/{emulator.team_id}/~/stores/integration/{store.id}"
    )
    assert_no_secrets(emulator, result)
    assert context["ti"].xcoms[STORE_ID_XCOM_KEY] == store.id
    assert context["ti"].xcoms[STORE_URL_XCOM_KEY] == result["dashboard_url"]
    assert len(posts(emulator)) == 1
    assert store.billing_plan["id"] == "launch"
    assert store.product_id == result["product"]["id"]  # the slug was resolved to the product id


def test_without_a_plan_vercel_picks_the_free_plan(emulator, context, neon_cfg):
    result = make(neon_cfg).execute(context)
    (store,) = live_stores(emulator)
    assert store.billing_plan["id"] == "free"
    assert result["plan"]["id"] == "free"
    # No plan to check: only the products GET, the lookup by name and the POST.
    assert [(r["method"], r["path"]) for r in emulator.requests] == [
        ("GET", f"/v1/integrations/configuration/{neon_cfg}/products"),
        ("GET", "/v1/storage/stores"),
        ("POST", "/v1/storage/stores/integration/direct"),
    ]


def test_a_second_run_reuses_the_store_and_sends_no_post(emulator, context, neon_cfg):
    first = make(neon_cfg).execute(context)
    second = make(neon_cfg).execute(context)
    assert second["id"] == first["id"]
    assert second["outcome"] == "reused"
    assert len(posts(emulator)) == 1
    assert len(live_stores(emulator)) == 1


def test_if_exists_fail_fails_the_task_without_posting(emulator, context, neon_cfg):
    make(neon_cfg).execute(context)
    with pytest.raises(VercelTaskError, match="already exists") as info:
        make(neon_cfg, if_exists="fail").execute(context)
    assert isinstance(info.value.__cause__, VercelStoreExistsError)
    assert len(posts(emulator)) == 1


@pytest.mark.parametrize("fault", ["commit_then_drop", "commit_then_error"])
def test_an_ambiguous_create_failure_is_recovered_without_a_second_store(emulator, context, neon_cfg, fault):
    getattr(emulator.faults, fault)(1)
    result = make(neon_cfg, name="flaky-db").execute(context)
    (store,) = live_stores(emulator)
    assert result["id"] == store.id
    assert result["outcome"] == "recovered"
    assert len(posts(emulator)) == 1
    # A retried task then reuses it.
    again = make(neon_cfg, name="flaky-db").execute(context)
    assert again["id"] == store.id and again["outcome"] == "reused"
    assert len(posts(emulator)) == 1


# --- validation before sending ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("metadata", "field", "fragment"),
    [
        ({}, "metadata.region", "is required"),
        ({"region": "ams1"}, "metadata.region", "must be one of: iad1, fra1, sfo1, gru1"),
        ({"region": "iad1", "compute": "large"}, "metadata.compute", "cannot be chosen"),
        ({"region": "iad1", "storageLimitGb": 1000}, "metadata.storageLimitGb", "<= 256"),
        ({"region": "iad1", "storageLimitGb": "10"}, "metadata.storageLimitGb", "must be a number"),
        ({"region": "iad1", "databaseName": "App-DB"}, "metadata.databaseName", "pattern"),
        ({"region": "iad1", "databaseName": "x" * 64}, "metadata.databaseName", "at most 63"),
        ({"region": "iad1", "extensions": ["pgvector", "plv8"]}, "metadata.extensions", "plv8"),
        ({"region": "iad1", "regoin": "iad1"}, "metadata.regoin", "not a field"),
    ],
)
def test_metadata_is_validated_against_the_product_schema_before_any_post(
    emulator, context, neon_cfg, metadata, field, fragment
):
    with pytest.raises(VercelTaskError) as info:
        make(neon_cfg, metadata=metadata).execute(context)
    assert info.value.argument == field
    assert fragment in str(info.value)
    assert posts(emulator) == []
    assert api_requests(emulator, "GET", "/v1/storage/stores") == []


def test_expression_valued_ui_flags_are_not_evaluated_and_never_fail(emulator, context, neon_cfg):
    # storageLimitGb is read-only by an expression, xlarge disabled by one, autoscaling hidden by one.
    metadata = {"region": "fra1", "storageLimitGb": 20, "compute": "xlarge", "autoscaling": False}
    result = make(neon_cfg, metadata=metadata).execute(context)
    assert result["outcome"] == "created"


def test_several_metadata_errors_are_reported_together(emulator, context, neon_cfg):
    with pytest.raises(VercelTaskError) as info:
        make(neon_cfg, metadata={"storageLimitGb": 0, "compute": "huge"}).execute(context)
    message = str(info.value)
    assert "3 fields are invalid" in message
    assert "region" in message and "storageLimitGb" in message and "compute" in message


@pytest.mark.parametrize(
    ("kwargs", "argument", "fragment"),
    [
        ({"billing_plan_id": "enterprise"}, "billing_plan_id", "not a plan of neon-postgres"),
        ({"billing_plan_id": "business-legacy"}, "billing_plan_id", "disabled"),
        ({"billing_plan_id": "credits"}, "prepayment_amount_cents", "needs prepayment_amount_cents"),
        ({"billing_plan_id": "credits", "prepayment_amount_cents": 200}, "prepayment_amount_cents", "outside"),
        ({"billing_plan_id": "credits", "prepayment_amount_cents": 200_000}, "prepayment_amount_cents", "outside"),
        ({"billing_plan_id": "launch", "prepayment_amount_cents": 2500}, "prepayment_amount_cents", "only"),
        ({"product": "upstash-kv"}, "product", "not a product of configuration"),
    ],
)
def test_plan_and_product_are_checked_before_any_post(emulator, context, neon_cfg, kwargs, argument, fragment):
    with pytest.raises(VercelTaskError) as info:
        make(neon_cfg, **kwargs).execute(context)
    assert info.value.argument == argument
    assert fragment in str(info.value)
    assert posts(emulator) == []


def test_prepayment_plan_with_an_amount_in_range_is_created(emulator, context, neon_cfg):
    result = make(neon_cfg, billing_plan_id="credits", prepayment_amount_cents="2500").execute(context)
    (store,) = live_stores(emulator)
    assert result["plan"]["id"] == "credits" and store.billing_plan["id"] == "credits"


def test_the_plans_are_fetched_with_the_metadata(emulator, context, neon_cfg):
    make(neon_cfg, billing_plan_id="launch", metadata={"region": "gru1"}).execute(context)
    (request,) = api_requests(emulator, "GET", "/v1/integrations/integration/")
    assert request["query"]["metadata"] == '{"region":"gru1"}'
    assert request["query"]["integrationConfigurationId"] == neon_cfg


@pytest.mark.parametrize(
    ("kwargs", "argument"),
    [
        ({"name": "bad name!"}, "name"),
        ({"name": "x" * 129}, "name"),
        ({"product": "Neon Postgres"}, "product"),
        ({"prepayment_amount_cents": 10, "billing_plan_id": "credits"}, "prepayment_amount_cents"),
        ({"metadata": {"region": None}}, "metadata.region"),
        ({"metadata": ["region"]}, "metadata"),
        ({"if_exists": "replace"}, "if_exists"),
        ({"payment_method_id": "pm 1"}, "payment_method_id"),
        ({"protocol_settings": 3}, "protocol_settings"),
    ],
)
def test_bad_literal_arguments_fail_at_construction(emulator, neon_cfg, kwargs, argument):
    with pytest.raises(VercelInputError) as info:
        make(neon_cfg, **kwargs)
    assert info.value.argument == argument
    assert emulator.requests == []


def test_bad_configuration_id_fails_at_construction(emulator):
    with pytest.raises(VercelInputError) as info:
        make("icfg-bad")
    assert info.value.argument == "integration_configuration_id"


@pytest.mark.parametrize(
    ("field", "rendered", "argument"),
    [
        ("billing_plan_id", "None", "billing_plan_id"),
        ("name", "pr 12", "name"),
        ("integration_configuration_id", "None", "integration_configuration_id"),
        ("prepayment_amount_cents", "lots", "prepayment_amount_cents"),
    ],
)
def test_rendered_values_are_checked_before_any_request(emulator, context, neon_cfg, field, rendered, argument):
    op = make(neon_cfg, **{field: "{{ ti.xcom_pull(task_ids='upstream') }}"})
    setattr(op, field, rendered)
    with pytest.raises(VercelTaskError) as info:
        op.execute(context)
    assert info.value.argument == argument
    assert emulator.requests == []


def test_templated_metadata_text_is_decoded(emulator, context, neon_cfg):
    op = make(neon_cfg, metadata="{{ params.metadata }}")
    op.metadata = "{'region': 'sfo1', 'storageLimitGb': 20}"  # a dict rendered by Jinja
    op.execute(context)
    (store,) = live_stores(emulator)
    assert store.metadata["region"] == "sfo1" and store.metadata["storageLimitGb"] == 20


def test_template_fields_cover_every_user_facing_argument():
    assert set(VercelCreateStoreOperator.template_fields) == {
        "integration_configuration_id",
        "product",
        "name",
        "billing_plan_id",
        "metadata",
        "prepayment_amount_cents",
        "payment_method_id",
        "external_id",
        "protocol_settings",
        "if_exists",
        "wait_for_ready",
        "deferrable",
        "wait_timeout",
        "poll_interval",
        "dry_run_mode",
        "vercel_conn_id",
        "retry_on_client_errors",
    }


def test_the_operator_declares_the_store_link():
    (link,) = VercelCreateStoreOperator.operator_extra_links
    assert isinstance(link, VercelStoreLink)
    assert link.name == "Vercel store"


def test_dashboard_url_uses_the_team_slug_when_the_connection_has_one(vercel_emulator, monkeypatch, context):
    import json

    monkeypatch.setenv(
        "AIRFLOW_CONN_VERCEL_SLUG",
        json.dumps(
            {
                "conn_type": "vercel",
                "host": vercel_emulator.url,
                "password": vercel_emulator.admin_token,
                "extra": {"team_slug": vercel_emulator.team_slug},
            }
        ),
    )
    cfg = vercel_emulator.configuration_id("neon")
    result = make(cfg, vercel_conn_id="vercel_slug").execute(context)
    assert result["dashboard_url"] == (
        f"https://vercel.com/{vercel_emulator.team_slug}/~/stores/integration/{result['id']}"
    )


# --- waiting until ready ----------------------------------------------------------------------


def test_wait_for_ready_in_the_worker_returns_the_available_store(emulator, context, neon_cfg):
    emulator.state.ready_delay = 0.5
    result = make(neon_cfg, wait_for_ready=True, deferrable=False, poll_interval=0.1).execute(context)
    assert result["status"] == "available" and result["outcome"] == "created"
    assert len(posts(emulator)) == 1


def test_wait_for_ready_deferrable_posts_on_the_worker_then_defers_to_the_store_trigger(emulator, context, neon_cfg):
    from airflow.providers.common.compat.sdk import TaskDeferred

    from airflow_provider_vercel.triggers.stores import VercelStoreStatusTrigger

    emulator.state.ready_delay = 30
    with pytest.raises(TaskDeferred) as info:
        make(neon_cfg, wait_for_ready=True, deferrable=True).execute(context)
    deferred = info.value
    assert isinstance(deferred.trigger, VercelStoreStatusTrigger)
    assert deferred.method_name == "execute_complete"
    assert deferred.kwargs["summary"]["id"] == context["ti"].xcoms[STORE_ID_XCOM_KEY]
    assert len(posts(emulator)) == 1


def test_execute_complete_rebuilds_the_summary_when_the_defer_kwargs_were_dropped(emulator, context, neon_cfg):
    store_id = make(neon_cfg).execute(context)["id"]
    event = {"status": "success", "store_id": store_id, "store_status": "available", "message": "ready"}
    result = make(neon_cfg).execute_complete(context, event)
    assert result["id"] == store_id and result["status"] == "available"


def test_execute_complete_fails_without_retry_on_a_failure_status(emulator, context, neon_cfg):
    event = {"status": "error", "store_id": "store_x", "store_status": "error", "message": "store failed"}
    with pytest.raises(VercelTaskError, match="store failed") as info:
        make(neon_cfg).execute_complete(context, event, summary={"id": "store_x"})
    assert info.value.store_status == "error"


@pytest.mark.parametrize(("argument", "value"), [("wait_timeout", 0), ("poll_interval", -1), ("wait_for_ready", "yes")])
def test_bad_wait_arguments_are_refused_at_construction(neon_cfg, argument, value):
    with pytest.raises(VercelInputError) as info:
        make(neon_cfg, **{argument: value})
    assert info.value.argument == argument


# --- dry run ----------------------------------------------------------------------------------


REPORT_KEYS = {"dry_run", "would", "request", "product", "plan", "existing_store_id", "reasons"}


def make_dry_run(cfg, **kwargs):
    kwargs.setdefault("product", "neon-postgres")
    kwargs.setdefault("name", "dry-db")
    kwargs.setdefault("metadata", {"region": "iad1"})
    kwargs.setdefault("integration_configuration_id", cfg)
    kwargs.setdefault("dry_run", True)
    return VercelCreateStoreOperator(task_id="create_store", **kwargs)


def get_paths(server):
    return sorted({r["path"] for r in api_requests(server, "GET")})


def test_would_create_runs_every_lookup_and_sends_no_post(emulator, context, neon_cfg):
    report = make_dry_run(neon_cfg, billing_plan_id="launch").execute(context)
    assert set(report) == REPORT_KEYS
    assert report["dry_run"] is True and report["would"] == "create"
    assert report["existing_store_id"] is None
    assert report["request"] == {
        "name": "dry-db",
        "integrationConfigurationId": neon_cfg,
        "integrationProductIdOrSlug": report["product"]["id"],  # the slug resolved to the product id
        "billingPlanId": "launch",
        "metadata": {"region": "iad1"},
    }
    assert report["product"]["slug"] == "neon-postgres"
    assert report["plan"]["id"] == "launch"
    text = " ".join(report["reasons"])
    assert "metadata is valid" in text and "launch" in text and "would create it" in text
    # The products, the plans and the store list were read (as a real run would), nothing else.
    integration = report["product"]["integration_id"]
    plans_path = f"/v1/integrations/integration/{integration}/products/{report['product']['id']}/plans"
    assert get_paths(emulator) == sorted(
        {f"/v1/integrations/configuration/{neon_cfg}/products", plans_path, "/v1/storage/stores"}
    )
    assert posts(emulator) == []
    assert [r for r in emulator.requests if r["method"] != "GET"] == []
    assert emulator.state.stores == {}
    assert context["ti"].xcoms == {}  # neither store_id nor store_url: there is no store
    assert_no_secrets(emulator, report)


def test_would_reuse_an_existing_store_and_names_it(emulator, context, neon_cfg):
    created = make_dry_run(neon_cfg, dry_run=False).execute(context)
    emulator.log.clear()
    report = make_dry_run(neon_cfg).execute(context)
    assert report["would"] == "reuse"
    assert report["existing_store_id"] == created["id"]
    assert any("if_exists='reuse' adopts it" in reason for reason in report["reasons"])
    assert posts(emulator) == []


def test_would_fail_when_the_store_exists_and_if_exists_is_fail(emulator, context, neon_cfg):
    created = make_dry_run(neon_cfg, dry_run=False).execute(context)
    emulator.log.clear()
    report = make_dry_run(neon_cfg, if_exists="fail").execute(context)
    assert report["would"] == "fail"
    assert report["existing_store_id"] == created["id"]
    assert any("if_exists='fail'" in reason for reason in report["reasons"])
    assert posts(emulator) == []


@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        ({"metadata": {"region": "mars1"}}, "metadata.region"),
        ({"billing_plan_id": "no-such-plan"}, "billing_plan_id"),
        ({"product": "no-such-product"}, "product"),
        ({"billing_plan_id": "credits", "prepayment_amount_cents": 100}, "prepayment_amount_cents"),
    ],
)
def test_invalid_input_is_reported_as_would_fail_with_the_reason(emulator, context, neon_cfg, kwargs, expected):
    report = make_dry_run(neon_cfg, **kwargs).execute(context)
    assert report["would"] == "fail"
    assert report["request"] is None
    assert len(report["reasons"]) == 1 and expected in report["reasons"][0]
    assert posts(emulator) == []
    assert api_requests(emulator, "GET", "/v1/storage/stores") == []  # it stopped at the invalid input


def test_a_templated_dry_run_flag_is_read_after_rendering(emulator, context, neon_cfg):
    op = make_dry_run(neon_cfg, dry_run="{{ params.dry_run }}")
    op.dry_run_mode = "True"  # as rendered
    assert op.execute(context)["would"] == "create"
    op.dry_run_mode = "False"
    assert op.execute(context)["outcome"] == "created"
    assert len(posts(emulator)) == 1
    op.dry_run_mode = "maybe"
    with pytest.raises(VercelTaskError, match="dry_run"):
        op.execute(context)


def test_the_flag_leaves_baseoperators_dry_run_method_alone(neon_cfg):
    op = make_dry_run(neon_cfg)
    assert op.dry_run_mode is True
    assert callable(op.dry_run)  # Airflow's "render the templates only" method still works
    op.dry_run()


def test_a_literal_bad_dry_run_flag_fails_at_parse_time(neon_cfg):
    from airflow_provider_vercel.api.errors import VercelInputError

    with pytest.raises(VercelInputError, match="dry_run"):
        make_dry_run(neon_cfg, dry_run="sometimes")


def test_api_errors_still_fail_a_dry_run(emulator, context, neon_cfg):
    emulator.faults.server_error(10, method="GET", path="/v1/storage/stores")
    op = make_dry_run(neon_cfg)
    with pytest.raises(Exception, match="500"):
        op.execute(context)
    assert posts(emulator) == []
