"""The ``vercel`` connection form in Airflow's UI, checked in headless Chromium (``tests/integration/ui_connection_form.py``).

Starts ``airflow api-server`` and Chromium (about 20 s). Skipped where Chromium is not installed, so
``make test`` stays green there; ``make test-ui`` installs Chromium first and sets
``VERCEL_UI_REQUIRED=1``, which turns the skip into a failure. Screenshots: ``artifacts/ui/``.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.compat.harness import AIRFLOW_VERSION
from tests.integration import ui_connection_form

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = Path(ui_connection_form.__file__)


def skip_or_fail(reason: str) -> None:
    if os.environ.get("VERCEL_UI_REQUIRED") == "1":
        pytest.fail(f"VERCEL_UI_REQUIRED=1 but {reason}")
    pytest.skip(reason)


def test_the_vercel_connection_form_in_the_browser():
    if ui_connection_form.find_chromium(None) is None:
        skip_or_fail("Chromium is not installed (make test-ui installs it)")
    if AIRFLOW_VERSION < (3, 2, 0):
        skip_or_fail("the form is built from the provider info only on Airflow >= 3.2")
    out = ROOT / "artifacts" / "ui"
    env = {key: value for key, value in os.environ.items() if not key.startswith("AIRFLOW")}
    done = subprocess.run(
        [sys.executable, str(SCRIPT), "--out", str(out)],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    print(done.stdout)
    assert done.returncode == 0, done.stdout[-5000:] + done.stderr[-5000:]
    assert "[FAIL]" not in done.stdout
    assert "PASSED" in done.stdout
    for name in (ui_connection_form.SCREENSHOT, ui_connection_form.SCREENSHOT_EXTRA):
        assert (out / name).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n", name
