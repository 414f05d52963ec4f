"""Test-wide setup: a throwaway AIRFLOW_HOME, set before anything imports airflow."""

from __future__ import annotations

import os
import tempfile

_HOME = tempfile.mkdtemp(prefix="apv-airflow-home-")
os.environ.setdefault("AIRFLOW_HOME", _HOME)
os.environ.setdefault("AIRFLOW__CORE__LOAD_EXAMPLES", "False")
os.environ.setdefault("AIRFLOW__CORE__UNIT_TEST_MODE", "False")


# The live suite (tests/live) talks to the real Vercel API: only `make test-live` (VERCEL_LIVE=1) collects it,
# so a token in a developer's environment never sends the normal run to Vercel.
LIVE_SUITE = os.path.join(os.path.dirname(__file__), "live")


def pytest_ignore_collect(collection_path, config):  # type: ignore[no-untyped-def]
    if os.environ.get("VERCEL_LIVE") == "1":
        return None
    return True if str(collection_path).startswith(LIVE_SUITE) else None
