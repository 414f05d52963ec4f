"""`python -m airflow_provider_vercel` as a process: what it imports for a command, --help and --version."""

from __future__ import annotations

import subprocess
import sys

import pytest

from airflow_provider_vercel import __version__
from tests.api.seed import NEON_CFG, UPSTASH_CFG
from tests.helpers.cli import ROOT, by, imported_modules, rows, subprocess_env, table_after


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
