"""``VercelCreateStoreOperator(dry_run=True)``: every check and look-up, no POST, a report of what would happen.

The emulator's request log is the witness: the GETs a real run makes before its POST are there, the
POST is not.
"""

from __future__ import annotations

import pytest

from airflow_provider_vercel.operators.stores import VercelCreateStoreOperator
from airflow_provider_vercel.tasks.base import VercelTaskError
from tests.helpers.secrets import assert_no_secrets
from tests.operators.conftest import api_requests, posts

REPORT_KEYS = {"dry_run", "would", "request", "product", "plan", "existing_store_id", "reasons"}


def make(cfg, **kwargs):
    kwargs.setdefault("product", "neon-postgres")
    kwargs.setdefault("name", "dry-db")
    kwargs.setdefault("metadata", {"region": "iad1"})
    kwargs.setdefault("integration_configuration_id", cfg)
    kwargs.setdefault("dry_run", True)
    return VercelCreateStoreOperator(task_id="create_store", **kwargs)


def get_paths(server):
    return sorted({r["path"] for r in api_requests(server, "GET")})


def test_would_create_runs_every_lookup_and_sends_no_post(emulator, context, neon_cfg):
    report = make(neon_cfg, billing_plan_id="launch").execute(context)
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
    created = make(neon_cfg, dry_run=False).execute(context)
    emulator.log.clear()
    report = make(neon_cfg).execute(context)
    assert report["would"] == "reuse"
    assert report["existing_store_id"] == created["id"]
    assert any("if_exists='reuse' adopts it" in reason for reason in report["reasons"])
    assert posts(emulator) == []


def test_would_fail_when_the_store_exists_and_if_exists_is_fail(emulator, context, neon_cfg):
    created = make(neon_cfg, dry_run=False).execute(context)
    emulator.log.clear()
    report = make(neon_cfg, if_exists="fail").execute(context)
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
    report = make(neon_cfg, **kwargs).execute(context)
    assert report["would"] == "fail"
    assert report["request"] is None
    assert len(report["reasons"]) == 1 and expected in report["reasons"][0]
    assert posts(emulator) == []
    assert api_requests(emulator, "GET", "/v1/storage/stores") == []  # it stopped at the invalid input


def test_a_templated_dry_run_flag_is_read_after_rendering(emulator, context, neon_cfg):
    op = make(neon_cfg, dry_run="{{ params.dry_run }}")
    op.dry_run_mode = "True"  # as rendered
    assert op.execute(context)["would"] == "create"
    op.dry_run_mode = "False"
    assert op.execute(context)["outcome"] == "created"
    assert len(posts(emulator)) == 1
    op.dry_run_mode = "maybe"
    with pytest.raises(VercelTaskError, match="dry_run"):
        op.execute(context)


def test_the_flag_leaves_baseoperators_dry_run_method_alone(neon_cfg):
    op = make(neon_cfg)
    assert op.dry_run_mode is True
    assert callable(op.dry_run)  # Airflow's "render the templates only" method still works
    op.dry_run()


def test_a_literal_bad_dry_run_flag_fails_at_parse_time(neon_cfg):
    from airflow_provider_vercel.api.errors import VercelInputError

    with pytest.raises(VercelInputError, match="dry_run"):
        make(neon_cfg, dry_run="sometimes")


def test_api_errors_still_fail_a_dry_run(emulator, context, neon_cfg):
    emulator.faults.server_error(10, method="GET", path="/v1/storage/stores")
    op = make(neon_cfg)
    with pytest.raises(Exception, match="500"):
        op.execute(context)
    assert posts(emulator) == []
