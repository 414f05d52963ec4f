"""Test-wide setup: a throwaway AIRFLOW_HOME, set before anything imports airflow.

Airflow is configured as a deployment using the provider would configure it: the store secrets backend
answers ``vercel-store--…`` conn ids (``vercel_pr_database`` reaches its database that way) with the
``vercel_default`` connection; every other id falls through to env vars and the metadata DB.
"""

from __future__ import annotations

import os
import tempfile

_HOME = tempfile.mkdtemp(prefix="apv-airflow-home-")
os.environ.setdefault("AIRFLOW_HOME", _HOME)
os.environ.setdefault("AIRFLOW__CORE__LOAD_EXAMPLES", "False")
os.environ.setdefault("AIRFLOW__CORE__UNIT_TEST_MODE", "False")
os.environ.setdefault(
    "AIRFLOW__SECRETS__BACKEND", "airflow_provider_vercel.secrets.store_connections.VercelStoreSecretsBackend"
)
os.environ.setdefault("AIRFLOW__SECRETS__BACKEND_KWARGS", '{"vercel_conn_id": "vercel_default"}')


# The live suite (tests/live) talks to the real Vercel API: only `make test-live` (VERCEL_LIVE=1) collects it,
# so a token in a developer's environment never sends the normal run to Vercel.
LIVE_SUITE = os.path.join(os.path.dirname(__file__), "live")


def pytest_ignore_collect(collection_path, config):  # type: ignore[no-untyped-def]
    if os.environ.get("VERCEL_LIVE") == "1":
        return None
    return True if str(collection_path).startswith(LIVE_SUITE) else None
