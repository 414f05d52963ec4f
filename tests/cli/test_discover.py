"""The `discover` command against the emulator: tables, JSON, filters, a failing call."""

from __future__ import annotations

import json

from tests.api.seed import NEON_CFG, NEON_PRODUCT_ID, UPSTASH_CFG, product_id
from tests.helpers.cli import NEON_PLANS, PLAN_SUMMARY_KEYS, by, plans_requests, rows, run, table_after


def test_discover_prints_configurations_products_fields_and_plans_as_aligned_tables(vercel_emulator, env, capsys):
    status, out, err = run(capsys, env, "discover")

    assert (status, err) == (0, "")
    configurations = by("ID", rows(table_after(out, "Configurations")))
    assert len(configurations) == 4
    assert configurations[NEON_CFG] == {
        "ID": NEON_CFG,
        "INTEGRATION": "neon",
        "NAME": "Neon",
        "TYPE": "marketplace",
        "STATUS": "ready",
        "SOURCE": "marketplace",
    }
    assert configurations[UPSTASH_CFG]["INTEGRATION"] == "upstash"

    products = rows(table_after(out, f"Products of neon ({NEON_CFG})"))
    assert products == [
        {
            "ID": NEON_PRODUCT_ID,
            "SLUG": "neon-postgres",
            "NAME": "Neon Postgres",
            "PROTOCOLS": "storage",
            "REQUIRED METADATA": "region",
        }
    ]
    assert {p["SLUG"] for p in rows(table_after(out, f"Products of upstash ({UPSTASH_CFG})"))} == {
        "upstash-kv",
        "upstash-vector",
    }

    fields = by("NAME", rows(table_after(out, "Metadata fields of neon-postgres")))
    assert list(fields) == [
        "region",
        "compute",
        "storageLimitGb",
        "autoscaling",
        "autoscalingLimits",
        "databaseName",
        "extensions",
    ]
    assert fields["region"] == {
        "NAME": "region",
        "TYPE": "string",
        "REQUIRED": "yes",
        "DEFAULT": "-",
        "OPTIONS": "iad1, fra1, sfo1, gru1",
    }
    assert fields["compute"]["OPTIONS"] == "small, medium, xlarge"  # 'large' is hidden at create time
    assert (fields["storageLimitGb"]["DEFAULT"], fields["storageLimitGb"]["OPTIONS"]) == ("10", "1 to 256")
    assert fields["autoscaling"]["REQUIRED"] == "no"

    plans = by("ID", rows(table_after(out, "Plans of neon-postgres")))
    assert list(plans) == NEON_PLANS
    assert plans["free"]["COST"] == "Free" and plans["free"]["FREE"] == "yes"
    assert plans["launch"] == {
        "ID": "launch",
        "NAME": "Launch",
        "TYPE": "subscription",
        "COST": "$19.00/month",
        "FREE": "no",
        "DISABLED": "no",
    }
    assert plans["business-legacy"]["DISABLED"] == "yes"
    assert plans["credits"]["COST"] == "$5.00 to $1000.00 prepaid"
    assert set(by("ID", rows(table_after(out, "Plans of upstash-vector")))) == {"payg", "fixed-1m"}
    assert all(line == line.rstrip() for line in out.splitlines())


def test_discover_filters_by_integration_and_no_plans_skips_the_plans_calls(vercel_emulator, env, capsys):
    status, out, err = run(capsys, env, "discover", "--integration", "upstash", "--no-plans")

    assert (status, err) == (0, "")
    assert list(by("ID", rows(table_after(out, "Configurations")))) == [UPSTASH_CFG]
    assert "Metadata fields of upstash-kv" in out
    assert "Plans of" not in out and "neon" not in out
    assert plans_requests(vercel_emulator) == []
    first = vercel_emulator.requests[0]
    assert first["query"]["integrationIdOrSlug"] == "upstash"
    assert first["query"]["teamId"] == vercel_emulator.team_id


def test_discover_json_is_one_document_of_the_summaries(vercel_emulator, env, capsys):
    status, out, err = run(capsys, env, "discover", "--json")

    assert (status, err) == (0, "")
    document = json.loads(out)
    assert set(document) == {"base_url", "team", "configurations"}
    assert (document["base_url"], document["team"]) == (vercel_emulator.url, vercel_emulator.team_id)
    configurations = by("id", document["configurations"])
    neon = configurations[NEON_CFG]
    assert {"integration_slug", "integration_name", "installation_type", "status", "source", "products", "error"} <= set(neon)
    assert (neon["integration_slug"], neon["installation_type"], neon["error"]) == ("neon", "marketplace", None)
    (product,) = neon["products"]
    assert (product["id"], product["slug"], product["configuration_id"]) == (NEON_PRODUCT_ID, "neon-postgres", NEON_CFG)
    assert product["required_metadata"] == ["region"]
    region = by("name", product["fields"])["region"]
    assert region["required"] is True and region["options"] == ["iad1", "fra1", "sfo1", "gru1"]
    assert [plan["id"] for plan in product["plans"]] == NEON_PLANS
    assert all(set(plan) == PLAN_SUMMARY_KEYS for plan in product["plans"])
    assert by("id", product["plans"])["launch"]["monthly_cost"] == "19.00"
    assert product["plans_error"] is None


def test_discover_reports_a_failing_call_and_lists_everything_else(vercel_emulator, env, capsys):
    integration_id = vercel_emulator.state.integration("upstash")["id"]
    vector = product_id("upstash-vector")
    vercel_emulator.faults.server_error(
        n=5, status=503, path=f"/v1/integrations/integration/{integration_id}/products/{vector}/plans"
    )

    status, out, err = run(capsys, env, "discover", "--max-attempts", "1")

    assert status == 3
    (line,) = table_after(out, "Plans of upstash-vector")
    assert line.startswith("    (not listed: Vercel API answered 503 ")
    assert f"to GET /v1/integrations/integration/{integration_id}/products/{vector}/plans" in line
    assert set(by("ID", rows(table_after(out, "Plans of upstash-kv")))) == {"free", "payg", "fixed-250mb"}
    assert "warning: plans of upstash-vector" in err
    assert err.splitlines()[-1] == "error: 1 call(s) failed; the listing above is incomplete"
