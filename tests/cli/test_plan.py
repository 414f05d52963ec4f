"""The `plan` command against the emulator: the chosen plan, the rejections, metadata, bad input."""

from __future__ import annotations

import json

import pytest

from tests.api.seed import NEON_CFG
from tests.helpers.cli import NEON_PLANS, PLAN_SUMMARY_KEYS, PRODUCTS_PATH, by, plans_requests, rows, run, table_after


def test_plan_cheapest_under_20_chooses_free_and_says_why_each_other_plan_lost(vercel_emulator, env, capsys):
    status, out, err = run(
        capsys, env, "plan", "--integration", "neon", "--product", "neon-postgres", "--rule", "cheapest", "--max-monthly", "20"
    )

    assert (status, err) == (0, "")
    assert "Rule: 'cheapest' (max_monthly_cost='20')" in out
    assert "Chosen: free (Free, Free)" in out
    assert list(by("ID", rows(table_after(out, "Plans of neon-postgres (integration neon)")))) == NEON_PLANS
    rejected = {row["ID"]: row["REASON"] for row in rows(table_after(out, "Rejected"))}
    assert rejected == {
        "launch": "costs $19.00, not cheaper than 'free' ($0.00)",
        "scale": "monthly cost $69.00 is above max_monthly_cost $20.00",
        "business-legacy": "disabled",
        "credits": "prepayment plan needs prepayment_amount_cents",
    }
    # No metadata: no products lookup, one plans call.
    assert [r["path"] for r in vercel_emulator.requests] == [
        "/v1/integrations/integration/neon/products/neon-postgres/plans"
    ]


def test_plan_json_has_the_chosen_plan_and_the_rejections(vercel_emulator, env, capsys):
    status, out, err = run(
        capsys,
        env,
        "plan",
        "--json",
        "--integration",
        "neon",
        "--product",
        "neon-postgres",
        "--rule",
        "cheapest",
        "--max-monthly",
        "20",
    )

    assert (status, err) == (0, "")
    document = json.loads(out)
    assert set(document) == {
        "integration",
        "product",
        "configuration_id",
        "metadata",
        "rule",
        "chosen",
        "rejected",
        "problem",
        "plans",
    }
    assert document["chosen"]["id"] == "free" and set(document["chosen"]) == PLAN_SUMMARY_KEYS
    assert [r["id"] for r in document["rejected"]] == ["launch", "scale", "business-legacy", "credits"]
    assert all(set(r) == {"id", "name", "reason"} and r["reason"] for r in document["rejected"])
    assert document["rule"]["rule"] == "cheapest" and document["rule"]["max_monthly_cost"] == "20"
    assert document["problem"] is None
    assert [plan["id"] for plan in document["plans"]] == NEON_PLANS


def test_plan_checks_metadata_against_the_schema_then_prices_plans_for_it(vercel_emulator, env, capsys):
    status, out, err = run(
        capsys,
        env,
        "plan",
        "--integration",
        "neon",
        "--product",
        "neon-postgres",
        "--metadata",
        '{"region": "fra1"}',
        "--plan-id",
        "launch",
        "--max-monthly",
        "30",
    )

    assert (status, err) == (0, "")
    assert "Rule: 'id' (plan_id='launch', max_monthly_cost='30')" in out  # rule inferred from --plan-id
    assert "Chosen: launch (Launch, $23.75/month)" in out  # fra1 costs 1.25x
    paths = [r["path"] for r in vercel_emulator.requests]
    assert paths == [
        "/v1/integrations/configurations",  # the one neon configuration, resolved
        f"/v1/integrations/configuration/{NEON_CFG}/products",  # its schema
        "/v1/integrations/integration/neon/products/neon-postgres/plans",
    ]
    (plans_call,) = plans_requests(vercel_emulator)
    assert json.loads(plans_call["query"]["metadata"]) == {"region": "fra1"}
    assert plans_call["query"]["integrationConfigurationId"] == NEON_CFG


def test_plan_metadata_from_a_file(vercel_emulator, env, capsys, tmp_path):
    path = tmp_path / "metadata.json"
    path.write_text('{"region": "gru1"}')
    status, out, _ = run(
        capsys, env, "plan", "--integration", "neon", "--product", "neon-postgres", "--metadata", f"@{path}", "--plan-id", "launch"
    )
    assert status == 0 and "Chosen: launch (Launch, $28.50/month)" in out


def test_plan_rule_free_picks_the_free_plan(vercel_emulator, env, capsys):
    status, out, err = run(capsys, env, "plan", "--integration", "upstash", "--product", "upstash-kv", "--rule", "free")

    assert (status, err) == (0, "")
    assert "Chosen: free (Free, Free)" in out
    assert {row["ID"]: row["REASON"] for row in rows(table_after(out, "Rejected"))} == {
        "payg": "not free (requires a payment method)",
        "fixed-250mb": "not free (requires a payment method)",
    }


@pytest.mark.parametrize(
    ("argv", "product", "reasons"),
    [
        (
            ["--integration", "upstash", "--product", "upstash-vector", "--rule", "free"],
            "upstash-vector",
            {"payg": "not free (requires a payment method)", "fixed-1m": "not free (requires a payment method)"},
        ),
        (
            ["--integration", "neon", "--product", "neon-postgres", "--rule", "name", "--plan-name", "launch",
             "--max-monthly", "20", "--metadata", '{"region": "fra1"}'],
            "neon-postgres",
            {
                "free": "name is not 'launch'",
                "launch": "monthly cost $23.75 is above max_monthly_cost $20.00",
                "scale": "name is not 'launch'",
                "business-legacy": "disabled",
                "credits": "name is not 'launch'",
            },
        ),
    ],
    ids=["no-free-plan", "named-plan-too-expensive-in-fra1"],
)
def test_a_rule_nothing_satisfies_exits_1_with_the_rejection_table(vercel_emulator, env, capsys, argv, product, reasons):
    status, out, err = run(capsys, env, "plan", *argv)

    assert status == 1
    assert "Chosen: none, no plan qualifies" in out
    assert {row["ID"]: row["REASON"] for row in rows(table_after(out, "Rejected"))} == reasons
    assert err.count("\n") == 1 and err.startswith(f"error: no billing plan of {product} satisfies rule ")


def test_a_rule_nothing_satisfies_in_json_still_prints_the_document(vercel_emulator, env, capsys):
    status, out, err = run(
        capsys, env, "plan", "--json", "--integration", "upstash", "--product", "upstash-vector", "--rule", "free"
    )
    assert status == 1
    document = json.loads(out)
    assert document["chosen"] is None
    assert [r["id"] for r in document["rejected"]] == ["payg", "fixed-1m"]
    assert document["problem"] == "no billing plan of upstash-vector satisfies rule 'free'"
    assert err == "error: no billing plan of upstash-vector satisfies rule 'free'\n"


@pytest.mark.parametrize(
    ("metadata", "expected"),
    [
        ('{"region": ', "error: --metadata: is not valid JSON: Expecting value"),
        ('["fra1"]', "error: --metadata: must be a JSON object"),
        ('{"region": NaN}', "error: --metadata: is not valid JSON: NaN is not valid JSON"),
    ],
)
def test_malformed_metadata_exits_2_before_any_request(vercel_emulator, env, capsys, metadata, expected):
    status, out, err = run(
        capsys, env, "plan", "--integration", "neon", "--product", "neon-postgres", "--metadata", metadata
    )
    assert (status, out) == (2, "")
    assert err.startswith(expected) and err.count("\n") == 1
    assert vercel_emulator.requests == []


@pytest.mark.parametrize(
    ("metadata", "expected"),
    [
        ('{"region": "mars1"}', "error: --metadata.region: must be one of: iad1, fra1, sfo1, gru1; got 'mars1'"),
        ('{"region": "iad1", "storageLimitGb": 1000}', "error: --metadata.storageLimitGb: must be <= 256, got 1000"),
        ('{"region": "iad1", "compute": "large"}', "error: --metadata.compute: 'large' cannot be chosen at create time"),
        ('{"region": "iad1", "regoin": "fra1"}', "error: --metadata.regoin: is not a field of this product"),
        ('{"compute": "small"}', "error: --metadata.region: is required"),
    ],
)
def test_metadata_outside_the_schema_exits_2_naming_the_field_without_a_plans_request(
    vercel_emulator, env, capsys, metadata, expected
):
    status, out, err = run(
        capsys, env, "plan", "--integration", "neon", "--product", "neon-postgres", "--metadata", metadata
    )
    assert (status, out) == (2, "")
    assert err.startswith(expected) and err.count("\n") == 1
    assert plans_requests(vercel_emulator) == []
    assert any(PRODUCTS_PATH.match(r["path"]) for r in vercel_emulator.requests)  # the schema was read


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        (["--rule", "id"], "error: --plan-id: is required by rule 'id'"),
        (["--rule", "free", "--plan-name", "Launch"], "error: --plan-name: is only used by rule 'name'"),
        (["--max-monthly", "abc"], "error: --max-monthly: must be a USD amount"),
        (["--max-initial-charge", "-1"], "error: --max-initial-charge: must be a finite, non-negative USD amount"),
        (["--prepayment-cents", "10"], "error: --prepayment-cents: must be at least 50"),
        (["--prepayment-cents", "500", "--no-prepayment"], "error: --prepayment-cents: is given but the rule excludes"),
        (["--configuration-id", "cfg_1"], "error: --configuration-id: 'cfg_1' is not a valid id"),
        (["--integration", "no way"], "error: --integration: 'no way' is not a valid id"),
    ],
)
def test_bad_rule_and_id_arguments_exit_2_naming_the_flag_before_any_request(vercel_emulator, env, capsys, extra, expected):
    argv = ["plan", "--integration", "neon", "--product", "neon-postgres", *extra]
    status, out, err = run(capsys, env, *argv)
    assert (status, out) == (2, "")
    assert err.startswith(expected) and err.count("\n") == 1
    assert vercel_emulator.requests == []


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["--integration", "nosuch", "--product", "thing"], "error: --integration: no configuration of 'nosuch' is visible"),
        (["--integration", "checkmate", "--product", "thing"], "error: --product: 'thing' is not a product of configuration"),
    ],
)
def test_metadata_needs_the_integrations_one_configuration_and_the_product(vercel_emulator, env, capsys, argv, expected):
    status, out, err = run(capsys, env, "plan", *argv, "--metadata", "{}")
    assert (status, out) == (2, "")
    assert err.startswith(expected)
    assert plans_requests(vercel_emulator) == []


def test_an_unknown_product_exits_3_with_the_api_status(vercel_emulator, env, capsys):
    status, out, err = run(capsys, env, "plan", "--integration", "neon", "--product", "nope")
    assert (status, out) == (3, "")
    assert err.startswith("error: Vercel API answered 404 not_found to GET /v1/integrations/integration/neon/products/nope/plans")
