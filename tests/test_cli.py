"""The command line (``python -m airflow_provider_vercel``) against the emulator over real HTTP.

Most tests call ``main(argv, env=...)`` in-process and read stdout/stderr with capsys; a few run the
real module in a subprocess (environment variables, import cost, an Airflow connection).
"""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from airflow_provider_vercel import __version__
from airflow_provider_vercel.cli import (
    INSTALLATION_TYPES,
    PLAN_TYPES,
    RULES,
    format_table,
    main,
)
from tests.api.seed import NEON_CFG, NEON_PRODUCT_ID, UPSTASH_CFG, product_id

ROOT = Path(__file__).resolve().parents[1]
PLANS_PATH = re.compile(r"^/v1/integrations/integration/[^/]+/products/[^/]+/plans$")
PRODUCTS_PATH = re.compile(r"^/v1/integrations/configuration/[^/]+/products$")
NEON_PLANS = ["free", "launch", "scale", "business-legacy", "credits"]
PLAN_SUMMARY_KEYS = {
    "id",
    "name",
    "type",
    "scope",
    "is_free",
    "cost",
    "monthly_cost",
    "initial_charge",
    "minimum_amount",
    "maximum_amount",
    "disabled",
    "requires_prepayment_amount",
}


# --- helpers ----------------------------------------------------------------------------------


@pytest.fixture
def env(vercel_emulator):
    """The VERCEL_* variables pointing at the emulator as the seed team's admin."""
    return {
        "VERCEL_TOKEN": vercel_emulator.admin_token,
        "VERCEL_TEAM": vercel_emulator.team_id,
        "VERCEL_BASE_URL": vercel_emulator.url,
    }


def run(capsys, env, *argv):
    """Run the CLI in-process; return (exit status, stdout, stderr)."""
    status = main(list(argv), env=env)
    out, err = capsys.readouterr()
    return status, out, err


def table_after(out, title):
    """The lines of the table printed under the line ``title`` (up to the next blank line)."""
    lines = out.splitlines()
    start = next(i for i, line in enumerate(lines) if line.strip() == title)
    table = []
    for line in lines[start + 1 :]:
        if not line.strip():
            break
        table.append(line)
    return table


def rows(table):
    """Rows as dicts, each cell cut at its header's column: only aligned columns read back right."""
    header = table[0]
    spans = [(m.start(), m.group()) for m in re.finditer(r"\S+(?: \S+)*", header)]
    result = []
    for line in table[1:]:
        row = {}
        for index, (start, title) in enumerate(spans):
            end = spans[index + 1][0] if index + 1 < len(spans) else None
            row[title] = line[start:end].strip()
        result.append(row)
    return result


def by(key, items):
    return {item[key]: item for item in items}


def plans_requests(emulator):
    return [r for r in emulator.requests if PLANS_PATH.match(r["path"])]


def imported_modules(importtime_stderr):
    """Top-level names of the modules a ``-X importtime`` run imported."""
    names = set()
    for line in importtime_stderr.splitlines():
        if line.startswith("import time:") and "|" in line:
            module = line.rsplit("|", 1)[1].strip()
            names.add(module.split(".")[0])
    return names


def subprocess_env(**extra):
    environ = {k: v for k, v in os.environ.items() if not k.startswith(("VERCEL_", "AIRFLOW_CONN_"))}
    environ["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), environ.get("PYTHONPATH")]))
    environ.update(extra)
    return environ


# --- discover ---------------------------------------------------------------------------------


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


# --- plan -------------------------------------------------------------------------------------


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


# --- bad input --------------------------------------------------------------------------------


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
    "argv",
    [
        ["plan", "--integration", "neon", "--product", "neon-postgres", "--rule", "priciest"],
        ["plan", "--integration", "neon"],
        ["discover", "--installation-type", "weird"],
        ["discover", "--max-attempts", "many"],
        [],
    ],
)
def test_argparse_usage_errors_exit_2(vercel_emulator, env, capsys, argv):
    status, out, err = run(capsys, env, *argv)
    assert status == 2 and "usage:" in err
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


def test_no_token_exits_2_naming_the_variable(vercel_emulator, env, capsys):
    status, out, err = run(capsys, {"VERCEL_BASE_URL": vercel_emulator.url}, "discover")
    assert (status, out) == (2, "")
    assert err == "error: no API token: set VERCEL_TOKEN (or pass --token, or --conn-id for an Airflow connection)\n"
    assert vercel_emulator.requests == []


def test_plain_http_to_a_remote_host_is_refused_naming_the_variable(vercel_emulator, env, capsys):
    status, _, err = run(capsys, {**env, "VERCEL_BASE_URL": "http://api.example.com"}, "discover")
    assert status == 2 and err.startswith("error: VERCEL_BASE_URL: plain http is allowed only for loopback hosts")
    status, _, err = run(capsys, env, "discover", "--team", "not a team")
    assert status == 2 and err.startswith("error: --team: 'not a team' is not a valid id")


# --- API errors and the token -------------------------------------------------------------------


def test_a_bad_token_exits_3_without_showing_it(vercel_emulator, env, capsys):
    token = "vcl_not_a_real_token_7f3a9c2d"
    status, out, err = run(capsys, {**env, "VERCEL_TOKEN": token}, "discover")
    assert (status, out) == (3, "")
    assert err == (
        "error: Vercel API answered 401 unauthorized to GET /v1/integrations/configurations: "
        "The bearer token is not valid.\n"
    )
    assert token not in out + err


def test_an_unknown_product_exits_3_with_the_api_status(vercel_emulator, env, capsys):
    status, out, err = run(capsys, env, "plan", "--integration", "neon", "--product", "nope")
    assert (status, out) == (3, "")
    assert err.startswith("error: Vercel API answered 404 not_found to GET /v1/integrations/integration/neon/products/nope/plans")


def test_an_unreachable_api_exits_3_naming_the_url(capsys, env):
    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        url = f"http://127.0.0.1:{sock.getsockname()[1]}"
    status, out, err = run(capsys, {**env, "VERCEL_BASE_URL": url}, "discover", "--max-attempts", "1")
    assert (status, out) == (3, "")
    assert err == f"error: could not reach the Vercel API at {url}: GET /v1/integrations/configurations failed: connect error\n"


@pytest.mark.parametrize(
    "argv",
    [
        ["discover", "-v"],
        ["discover", "--json"],
        ["plan", "--json", "-v", "--integration", "neon", "--product", "neon-postgres", "--metadata", '{"region": "sfo1"}'],
        ["plan", "--integration", "upstash", "--product", "upstash-vector", "--rule", "free"],
        ["plan", "--integration", "neon", "--product", "neon-postgres", "--metadata", '{"region": "x"}'],
        ["plan", "--integration", "neon", "--product", "nope", "-v"],
    ],
    ids=["discover-verbose", "discover-json", "plan-json-verbose", "plan-exit-1", "plan-exit-2", "plan-exit-3"],
)
def test_the_token_never_appears_in_any_output(vercel_emulator, capsys, argv):
    token = vercel_emulator.admin_token
    # The token as a flag too: the worst case for leaking it.
    status, out, err = run(capsys, {}, *argv, "--token", token, "--base-url", vercel_emulator.url, "--team", "acme")
    assert out or err
    assert token not in out and token not in err
    assert status in (0, 1, 2, 3)


def test_every_written_line_is_scrubbed_of_the_token(capsys):
    from airflow_provider_vercel.cli import Output

    output = Output(sys.stdout, sys.stderr)
    output.hide("vcl_secret_value_123")
    output.out("token vcl_secret_value_123 here")
    output.err("and vcl_secret_value_123 there")
    out, err = capsys.readouterr()
    assert (out, err) == ("token *** here\n", "and *** there\n")


# --- credentials ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("team", "param"),
    [("acme", "slug"), ("team_GnbwJDitPX6L31mvKmAH8SXE", "teamId")],
)
def test_team_is_an_id_when_it_starts_with_team_else_a_slug(vercel_emulator, env, capsys, team, param):
    status, _, _ = run(capsys, {**env, "VERCEL_TEAM": team}, "discover", "--no-plans")
    assert status == 0
    assert all(r["query"].get(param) == team for r in vercel_emulator.requests)


def test_flags_win_over_the_environment_and_may_come_before_the_command(vercel_emulator, env, capsys):
    wrong = {**env, "VERCEL_TOKEN": "vcl_wrong_token_000000", "VERCEL_TEAM": "globex"}
    status, out, _ = run(
        capsys, wrong, "--json", "--token", vercel_emulator.admin_token, "--team", "acme", "discover", "--no-plans"
    )
    assert status == 0
    assert json.loads(out)["team"] == "acme"


def test_conn_id_and_token_together_is_a_usage_error(vercel_emulator, env, capsys):
    status, out, err = run(capsys, env, "discover", "--conn-id", "vercel_default", "--token", "vcl_some_token_1234")
    assert (status, out) == (2, "")
    assert err == "error: --token: cannot be combined with --conn-id (the connection holds the token)\n"


@pytest.fixture
def airflow_imported(capsys):
    """Airflow imported (and its logging set up) outside this test's capture, as at collection."""
    with capsys.disabled():
        pytest.importorskip("airflow_provider_vercel.hooks.vercel")


def test_an_unknown_connection_exits_2_naming_conn_id(vercel_emulator, env, capsys, airflow_imported, monkeypatch):
    monkeypatch.delenv("AIRFLOW_CONN_NO_SUCH_CONN", raising=False)
    status, out, err = run(capsys, env, "discover", "--conn-id", "no_such_conn")
    assert (status, out) == (2, "")
    assert err.splitlines()[-1].startswith("error: --conn-id: cannot read connection 'no_such_conn'")
    assert vercel_emulator.requests == []


def test_team_and_base_url_flags_override_the_connection(vercel_emulator, capsys, airflow_imported, monkeypatch):
    other_team = vercel_emulator.state.team(slug="globex")["id"]
    connection = {
        "conn_type": "vercel",
        "host": "https://api.vercel.invalid",
        "password": vercel_emulator.admin_token,
        "extra": {"team_id": other_team},
    }
    monkeypatch.setenv("AIRFLOW_CONN_VERCEL_CLI_OVERRIDE", json.dumps(connection))
    status, out, err = run(
        capsys,
        {"VERCEL_TOKEN": "vcl_ignored_with_conn_id"},
        "discover",
        "--conn-id",
        "vercel_cli_override",
        "--team",
        "acme",
        "--base-url",
        vercel_emulator.url,
        "--json",
        "--no-plans",
    )
    assert status == 0, err
    assert json.loads(out)["team"] == "acme"
    assert vercel_emulator.requests[0]["query"] == {"view": "account", "slug": "acme"}
    assert all("teamId" not in r["query"] for r in vercel_emulator.requests)
    assert vercel_emulator.admin_token not in out + err


def test_conn_id_reads_the_airflow_connection_and_keeps_stdout_pure_json(vercel_emulator, tmp_path):
    token = vercel_emulator.admin_token
    connection = {
        "conn_type": "vercel",
        "host": vercel_emulator.url,
        "password": token,
        "extra": {"team_slug": vercel_emulator.team_slug},
    }
    result = subprocess.run(
        [sys.executable, "-m", "airflow_provider_vercel", "discover", "--conn-id", "vercel_cli", "--json", "--no-plans"],
        cwd=ROOT,
        env=subprocess_env(
            AIRFLOW_HOME=str(tmp_path),
            AIRFLOW__CORE__LOAD_EXAMPLES="False",
            AIRFLOW_CONN_VERCEL_CLI=json.dumps(connection),
        ),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)  # Airflow's own log lines went to stderr
    assert document["team"] == vercel_emulator.team_slug
    assert NEON_CFG in {c["id"] for c in document["configurations"]}
    assert token not in result.stdout + result.stderr
    assert {r["query"].get("slug") for r in vercel_emulator.requests} == {vercel_emulator.team_slug}


# --- the real module ----------------------------------------------------------------------------


def test_python_m_discover_reads_the_environment_and_does_not_import_airflow(vercel_emulator):
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "airflow_provider_vercel", "discover"],
        cwd=ROOT,
        env=subprocess_env(
            VERCEL_TOKEN=vercel_emulator.admin_token,
            VERCEL_TEAM=vercel_emulator.team_slug,
            VERCEL_BASE_URL=vercel_emulator.url,
        ),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert list(by("ID", rows(table_after(result.stdout, "Configurations"))))[:2] == [NEON_CFG, UPSTASH_CFG]
    assert by("ID", rows(table_after(result.stdout, "Plans of neon-postgres")))["scale"]["COST"] == "$69.00/month"
    assert vercel_emulator.admin_token not in result.stdout + result.stderr
    assert "airflow" not in imported_modules(result.stderr)


@pytest.mark.parametrize("argv", [["--help"], ["plan", "--help"], ["--version"]])
def test_help_does_not_import_airflow_fastapi_or_jsonschema(argv):
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "airflow_provider_vercel", *argv],
        cwd=ROOT,
        env=subprocess_env(),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    modules = imported_modules(result.stderr)
    assert "airflow_provider_vercel" in modules  # the parse worked
    assert not modules & {"airflow", "fastapi", "jsonschema", "uvicorn", "starlette", "httpx", "pydantic"}
    if argv == ["--version"]:
        assert result.stdout == f"airflow-provider-vercel {__version__}\n"
    else:
        assert "usage: python -m airflow_provider_vercel" in result.stdout


# --- pieces -----------------------------------------------------------------------------------


def test_choices_repeated_in_the_cli_match_the_api_layer():
    from airflow_provider_vercel.api import plans, validation

    assert RULES == plans.RULES
    assert PLAN_TYPES == plans.PLAN_TYPES
    assert INSTALLATION_TYPES == validation.INSTALLATION_TYPES


def test_format_table_aligns_columns_and_renders_values_plainly():
    table = format_table(
        ("id", "free", "options", "note"),
        [("free", True, ["a", "b"], None), ("launch-plan", False, [], "two\nlines\x1b[31m")],
        indent="  ",
    )
    assert table.splitlines() == [
        "  ID           FREE  OPTIONS  NOTE",
        "  free         yes   a, b     -",
        "  launch-plan  no    -        two lines [31m",
    ]
    assert format_table(("id",), []) == "(none)"


def test_version_flag_in_process(capsys):
    assert main(["--version"]) == 0
    assert capsys.readouterr().out == f"airflow-provider-vercel {__version__}\n"
