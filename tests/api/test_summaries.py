"""``api/summaries.py``: the JSON-safe summaries pushed to XCom and the dashboard link."""

from __future__ import annotations

import json

from airflow_provider_vercel.api.models import IntegrationConfiguration, Store
from airflow_provider_vercel.api.summaries import configuration_summary, dashboard_url, store_summary


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
