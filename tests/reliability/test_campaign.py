"""The randomized create campaign (``tests/integration/reliability_campaign.py``): zero duplicates, zero lost.

In the suite it runs fewer runs than the full campaign, with its listing lags and settle window
compressed 20 times (lags up to 0.25 s, a 0.15 s settle window: the same ratio as the full run's 5 s
and 3 s), so the suite stays fast. The seed is fixed so a failure replays exactly: ``python
tests/integration/reliability_campaign.py --runs 250 --seed 20261125 --max-lag 0.25 --settle 0.15``; the full
campaign is ``--runs 500 --seed 20261125`` (real-time lags up to 5 s). The report is printed and its
figures appear in the session summary.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.integration import reliability_campaign
from tests.reliability.conftest import record_figure

SCRIPT = Path(reliability_campaign.__file__)
SEED = 20261125
RUNS = 250
#: Time-compressed 20 times against the full campaign's defaults (lags up to 5 s, settle 3 s).
COMPRESSED = {"max_lag": 0.25, "settle": 0.15}


def test_randomized_create_runs_with_listing_lags_end_with_zero_duplicate_and_zero_lost_stores(vercel_emulator):
    campaign = reliability_campaign
    settings = campaign.CampaignSettings(**COMPRESSED)
    figures = campaign.run_campaign(RUNS, SEED, server=vercel_emulator, via="mixed", settings=settings)
    record_figure(
        "campaign",
        f"seed={figures['seed']} runs={figures['runs']} faulted={figures['faulted_runs']} "
        f"created={figures['created']} recovered={figures['recovered']} adopted={figures['adopted']} "
        f"duplicates={figures['duplicates']} lost={figures['lost']} failed={figures['failed']} "
        f"task_retries={figures['task_retries']} lagged={figures['lagged_runs']} "
        f"lagged_found_in_call={figures['lagged_recovered_in_call']} "
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
        "listing_lag",
        "commit_then_error 504",
    ):
        assert kind in mix, kind
    # Lags both shorter and longer than the settle window: some found in the call, some by the task retry.
    assert 0 < figures["lagged_recovered_in_call"] < figures["lagged_runs"]
    assert figures["recovered"] > 0 and figures["adopted"] > 0 and figures["created"] > 0
    # Lost answers that no look-up resolved failed their try and were settled by the task retry.
    assert figures["task_retries"] > 0


def test_the_campaign_script_runs_from_the_command_line_and_prints_its_seed():
    done = subprocess.run(
        [sys.executable, str(SCRIPT), "--runs", "12", "--seed", "5", "--via", "client", "--max-lag", "0.2",
         "--settle", "0.1"],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=SCRIPT.parents[2],
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "seed=5 runs=12" in done.stdout
    assert "duplicates=0 lost=0" in done.stdout
