"""``make test-live``'s code, exercised in the normal run: the same tests, in a pytest subprocess, against an
emulator standing in for the real API (its URL and token in ``VERCEL_BASE_URL`` / ``VERCEL_TOKEN``)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.live.settings import NO_TOKEN

ROOT = Path(__file__).resolve().parents[2]


def _run_live_suite(env_extra: dict[str, str], tmp_path: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("VERCEL_")}
    env.update({"VERCEL_LIVE": "1", **env_extra})
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-rs", "tests/live"]
    # Generous bound, only so a hung subprocess fails the test instead of the whole run.
    return subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)


@pytest.fixture
def stand_in(vercel_emulator_factory):
    """A dedicated emulator (nothing else resets it meanwhile) whose new stores take a moment to be ready."""
    return vercel_emulator_factory(ready_delay=0.5)


def _someone_elses_store(server) -> str:
    from airflow_provider_vercel.api.calls import CreateStoreRequest
    from airflow_provider_vercel.api.client import VercelClient

    with VercelClient(server.admin_token, base_url=server.url, team_id=server.team_id) as client:
        request = CreateStoreRequest("existing-db", server.configuration_id("upstash"), "upstash-kv")
        return client.create_store(request).id


def test_live_suite_with_writes_passes_against_the_emulator_and_touches_only_its_own_store(stand_in, tmp_path):
    existing = _someone_elses_store(stand_in)
    report = tmp_path / "live-report.md"
    result = _run_live_suite(
        {
            "VERCEL_TOKEN": stand_in.admin_token,
            "VERCEL_TEAM_ID": stand_in.team_id,
            "VERCEL_BASE_URL": stand_in.url,
            "VERCEL_LIVE_WRITES": "1",
            "VERCEL_LIVE_PROJECT": "web-app",
            "VERCEL_LIVE_REPORT": str(report),
            "VERCEL_LIVE_WAIT": "30",
        },
        tmp_path,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    assert "5 passed" in result.stdout
    text = report.read_text()
    assert " 0 differed" in text and "DIFFERED" not in text
    for check in ("discovery through the client", "contract: getStorageStoresById", "contract: filterProjectEnvs",
                  "undocumented GET /v1/storage/stores shape", "dry run of a create", "listed after",
                  "delete of the store this run created"):
        assert check in text, check
    assert stand_in.admin_token not in result.stdout + result.stderr + text
    created = [s for s in stand_in.state.stores.values() if s.id != existing]
    assert len(created) == 1 and created[0].name.startswith("apv-live-") and created[0].deleted
    assert not stand_in.state.stores[existing].deleted, "a store the run did not create was left alone"
    creates = [r for r in stand_in.requests if r["method"] == "POST"]
    assert len(creates) == 2, "ours before the run, then one by the write cycle; the dry run sent none"


def test_live_suite_reports_what_differs(stand_in, tmp_path):
    """Against an answer that breaks the contract, the run fails and the report names the difference."""
    # A configuration whose update time is a string: the contract says number.
    stand_in.state.configurations[stand_in.configuration_id("neon")]["updatedAt"] = "yesterday"
    report = tmp_path / "live-report.md"
    result = _run_live_suite(
        {"VERCEL_TOKEN": stand_in.admin_token, "VERCEL_TEAM_ID": stand_in.team_id,
         "VERCEL_BASE_URL": stand_in.url, "VERCEL_LIVE_REPORT": str(report)},
        tmp_path,
    )
    assert result.returncode != 0
    text = report.read_text()
    assert "DIFFERED: contract: getConfigurations" in text and "updatedAt" in text


def test_live_suite_without_a_token_skips_every_test_saying_why(tmp_path):
    result = _run_live_suite({}, tmp_path)
    assert result.returncode == 0, result.stdout[-2000:]
    assert "5 skipped" in result.stdout and "passed" not in result.stdout
    assert NO_TOKEN in result.stdout


def test_normal_run_does_not_collect_the_live_suite(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("VERCEL_")}
    command = [sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider", "tests/live"]
    result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert "test_live_api" not in result.stdout
