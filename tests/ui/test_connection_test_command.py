"""``airflow connections test vercel_default``: the check behind the connection form's Test button.

Each test runs the real Airflow CLI in a subprocess (about 4 s) with testing enabled
(``AIRFLOW__CORE__TEST_CONNECTION=Enabled``; it is disabled by default) and the connection given as
``AIRFLOW_CONN_VERCEL_DEFAULT``, pointing at the emulator this session serves on loopback.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

from tests.compat.harness import AIRFLOW_VERSION

CONFIGURATIONS_PATH = "/v1/integrations/configurations"


def connections_test(server, token, home):
    connection = {
        "conn_type": "vercel",
        "host": server.url,
        "password": token,
        "extra": {"team_id": server.team_id},
    }
    env = {key: value for key, value in os.environ.items() if not key.startswith("AIRFLOW")}
    env.update(
        {
            "AIRFLOW_HOME": str(home),
            "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
            "AIRFLOW__CORE__TEST_CONNECTION": "Enabled",
            "AIRFLOW_CONN_VERCEL_DEFAULT": json.dumps(connection),
        }
    )
    return subprocess.run(
        [sys.executable, "-m", "airflow", "connections", "test", "vercel_default"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_connection_test_succeeds_against_the_emulator(vercel_emulator, tmp_path):
    done = connections_test(vercel_emulator, vercel_emulator.admin_token, tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Retrieving connection: 'vercel_default'" in done.stdout
    assert "Connection success!" in done.stdout
    assert "Connection failed!" not in done.stdout
    # The CLI really called the API, once, for the connection's team.
    (call,) = [r for r in vercel_emulator.requests if r["path"] == CONFIGURATIONS_PATH]
    assert call["method"] == "GET"
    assert call["query"].get("teamId") == vercel_emulator.team_id


def test_connection_test_with_a_bad_token_fails_and_does_not_print_the_token(vercel_emulator, tmp_path):
    token = "vcl_not_a_valid_token_7f3e9a"
    done = connections_test(vercel_emulator, token, tmp_path)
    output = done.stdout + done.stderr
    assert "Connection failed!" in done.stdout, output
    assert "Connection success!" not in done.stdout
    assert "401" in done.stdout and "bearer token is not valid" in done.stdout
    assert token not in output
    if AIRFLOW_VERSION >= (3, 3, 0):
        assert done.returncode == 1, output  # Airflow 2.11 and 3.1 exit 0 even when the test fails
