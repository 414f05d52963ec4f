"""``api/summaries.py``: the JSON-safe summaries pushed to XCom and the dashboard link."""

from __future__ import annotations

import json

import pytest

from airflow_provider_vercel.api.models import BillingPlan, IntegrationConfiguration, Store
from airflow_provider_vercel.api.plans import plan_summary
from airflow_provider_vercel.api.summaries import (
    allowed_values_text,
    configuration_summary,
    dashboard_url,
    price_text,
    store_summary,
)


def test_dashboard_url_prefers_the_team_and_quotes_segments():
    assert dashboard_url("store_abc", "acme") == "https://vercel.com/acme/~/stores/integration/store_abc"
    assert dashboard_url("store_abc", None) == "https://vercel.com/dashboard"


def test_configuration_summary_reads_absent_status_and_type_as_the_contract_says():
    summary = configuration_summary(IntegrationConfiguration.model_validate({"id": "icfg_x", "slug": "neon"}))
    assert summary["status"] == "ready"
    assert summary["installation_type"] == "external"
    assert summary["integration_slug"] == "neon"


def test_store_summary_keeps_secret_names_only_and_unknown_fields_out():
    store = Store.model_validate(
        {
            "id": "store_1",
            "name": "db",
            "status": "available",
            "secrets": [{"name": "DATABASE_URL", "length": 90}],
            "product": {"id": "iap_1", "slug": "neon-postgres", "integrationConfigurationId": "icfg_1"},
            "unexpected": {"value": "postgres://user:pw@host/db"},
        }
    )
    url = "https://vercel.com/acme/~/stores/integration/store_1"
    summary = store_summary(store, dashboard=url, outcome="created")
    assert summary["secret_names"] == ["DATABASE_URL"]
    assert summary["configuration_id"] == "icfg_1"
    assert summary["plan"] is None
    assert "postgres://" not in json.dumps(summary)


@pytest.mark.parametrize(
    ("plan", "expected"),
    [
        ({"id": "launch", "type": "subscription", "cost": "$19.00/month"}, "$19.00/month"),
        ({"id": "credits", "type": "prepayment", "minimumAmount": "5.00", "maximumAmount": "1000.00"}, "$5.00 to $1000.00 prepaid"),
        ({"id": "floor", "type": "prepayment", "minimumAmount": "5.00"}, "at least $5.00 prepaid"),
        ({"id": "cap", "type": "prepayment", "maximumAmount": "100.00"}, "at most $100.00 prepaid"),
        ({"id": "quiet", "type": "subscription"}, None),
    ],
    ids=["cost-text", "prepaid-range", "prepaid-floor", "prepaid-cap", "not-stated"],
)
def test_price_text_prefers_vercels_cost_text_then_a_prepayment_range(plan, expected):
    assert price_text(plan_summary(BillingPlan.model_validate(plan))) == expected


@pytest.mark.parametrize(
    ("options", "minimum", "maximum", "expected"),
    [
        (["iad1", "fra1"], None, None, "iad1, fra1"),
        ([], 1.0, 256.0, "1 to 256"),
        ([], 0.5, None, ">= 0.5"),
        ([], None, 10.0, "<= 10"),
        ([], None, None, None),
    ],
    ids=["options", "range", "floor", "ceiling", "free-form"],
)
def test_allowed_values_text_names_the_options_else_the_bounds(options, minimum, maximum, expected):
    field = {"name": "f", "type": "number", "options": options, "minimum": minimum, "maximum": maximum}
    assert allowed_values_text(field) == expected
