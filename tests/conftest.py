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
