"""The randomized create campaign (``scripts/reliability_campaign.py``): 500 runs, zero duplicates, zero lost.

The seed is fixed so a failure replays exactly: ``python scripts/reliability_campaign.py --runs 500
--seed 20261125``. The campaign's report is printed and its figures appear in the session summary.
"""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

from tests.reliability.conftest import record_figure

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "reliability_campaign.py"
SEED = 20261125
RUNS = 500


def load_campaign():
    spec = importlib.util.spec_from_file_location("reliability_campaign", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up by name
    spec.loader.exec_module(module)
    return module


def test_500_randomized_create_runs_end_with_zero_duplicate_and_zero_lost_stores(vercel_emulator):
    campaign = load_campaign()
    figures = campaign.run_campaign(RUNS, SEED, server=vercel_emulator, via="mixed")
    record_figure(
        "campaign",
        f"seed={figures['seed']} runs={figures['runs']} faulted={figures['faulted_runs']} "
        f"created={figures['created']} recovered={figures['recovered']} adopted={figures['adopted']} "
        f"duplicates={figures['duplicates']} lost={figures['lost']} failed={figures['failed']} "
        f"task_retries={figures['task_retries']} "
        f"POSTs={figures['posts']} wall={figures['wall_seconds']}s",
    )
    assert figures["runs"] == RUNS
    assert figures["duplicates"] == 0, figures["problems"]
    assert figures["lost"] == 0, figures["problems"]
    assert figures["failed"] == 0, figures["problems"]
    assert figures["wrong_adoptions"] == 0, figures["problems"]
    assert figures["stores"] == RUNS  # one live store per run, no more, no fewer
    # The mix really exercised every path: each entry point, each ambiguous kind, adoption.
    assert set(figures["runs_by_via"]) == {"client", "async", "operator"}
    mix = " ".join(figures["fault_mix"])
    for kind in (
        "commit_then_drop",
        "commit_then_error",
        "commit_then_delay",
        "server_error",
        "rate_limit",
        "reset_connection",
        "list",
        "pre_existing_store",
    ):
        assert kind in mix, kind
    assert figures["recovered"] > 0 and figures["adopted"] > 0 and figures["created"] > 0
    # Lost answers that no look-up resolved failed their try and were settled by the task retry.
    assert figures["task_retries"] > 0


def test_the_campaign_script_runs_from_the_command_line_and_prints_its_seed():
    done = subprocess.run(
        [sys.executable, str(SCRIPT), "--runs", "12", "--seed", "5", "--via", "client"],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=SCRIPT.parents[1],
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "seed=5 runs=12" in done.stdout
    assert "duplicates=0 lost=0" in done.stdout
