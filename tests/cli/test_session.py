"""The client set-up: token, team and base URL from flags or VERCEL_*, or an Airflow connection."""

from __future__ import annotations

import json
import socket
import subprocess
import sys

import pytest

from tests.api.seed import NEON_CFG
from tests.helpers.cli import ROOT, run, subprocess_env


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


def test_an_unreachable_api_exits_3_naming_the_url(capsys, env):
    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        url = f"http://127.0.0.1:{sock.getsockname()[1]}"
    status, out, err = run(capsys, {**env, "VERCEL_BASE_URL": url}, "discover", "--max-attempts", "1")
    assert (status, out) == (3, "")
    assert err == f"error: could not reach the Vercel API at {url}: GET /v1/integrations/configurations failed: connect error\n"


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
