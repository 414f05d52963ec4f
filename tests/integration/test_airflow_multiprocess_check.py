"""Wrapper for ``tests/integration/airflow_multiprocess_check.py``: real Airflow processes, about a minute.

Skipped unless ``VERCEL_MULTIPROCESS=1``:

    VERCEL_MULTIPROCESS=1 .venv/bin/python -m pytest tests/integration/test_airflow_multiprocess_check.py -q -s
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parent / "airflow_multiprocess_check.py"

pytestmark = pytest.mark.skipif(
    os.environ.get("VERCEL_MULTIPROCESS") != "1",
    reason="starts api-server, scheduler, dag-processor and triggerer (~1 min); set VERCEL_MULTIPROCESS=1",
)


def test_lifecycle_dag_through_real_airflow_processes():
    # A clean environment: the test session's own AIRFLOW_HOME and settings must not leak into the script.
    env = {key: value for key, value in os.environ.items() if not key.startswith("AIRFLOW")}
    done = subprocess.run(
        [sys.executable, str(SCRIPT)], env=env, capture_output=True, text=True, timeout=900, cwd=SCRIPT.parents[2]
    )
    print(done.stdout[-6000:])
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-4000:]
    assert "PASSED" in done.stdout
    assert "[FAIL]" not in done.stdout
