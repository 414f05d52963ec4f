"""Test-wide setup: a throwaway AIRFLOW_HOME, set before anything imports airflow.

Airflow is configured as a deployment using the provider would configure it: the store secrets backend
answers ``vercel-store--…`` conn ids (``vercel_pr_database`` reaches its database that way) with the
``vercel_default`` connection; every other id falls through to env vars and the metadata DB.
"""

from __future__ import annotations

import logging
import os
import tempfile
from collections.abc import Iterator
from typing import Any

import pytest

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


# --- the in-process Airflow harness (tests.helpers.airflow): fixtures any folder may use ------------------
# Airflow is imported inside them, so collecting a test that does not use them stays cheap.
from tests.helpers.airflow import EXAMPLE_DAGS, emulator_connection, metadata_db  # noqa: E402
from tests.helpers.hostile_server import HostileServer  # noqa: E402


@pytest.fixture(scope="session")
def airflow_db() -> Iterator[None]:
    """A migrated metadata DB whose dags folder is ``example_dags/``, with the ``vercel_api`` pool."""
    with metadata_db():
        yield


@pytest.fixture
def airflow_emulator(airflow_db: None, vercel_emulator: Any, monkeypatch: pytest.MonkeyPatch) -> Any:
    """The reset emulator, with ``AIRFLOW_CONN_VERCEL_DEFAULT`` pointing at it."""
    monkeypatch.setenv("AIRFLOW_CONN_VERCEL_DEFAULT", emulator_connection(vercel_emulator))
    return vercel_emulator


@pytest.fixture
def airflow_emulator_postgres(airflow_db: None, vercel_emulator_postgres: Any, monkeypatch: pytest.MonkeyPatch) -> Any:
    """Like ``airflow_emulator``, with Postgres stores backed by a real PostgreSQL (skipped without one)."""
    monkeypatch.setenv("AIRFLOW_CONN_VERCEL_DEFAULT", emulator_connection(vercel_emulator_postgres))
    return vercel_emulator_postgres


@pytest.fixture(scope="session")
def example_dagbag(airflow_db: None) -> Any:
    """The example DAGs, parsed once (the DagBag a dag-processor would build)."""
    from airflow.dag_processing.dagbag import DagBag

    return DagBag(dag_folder=str(EXAMPLE_DAGS))


@pytest.fixture
def trigger_runs(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    """Every ``VercelStoreStatusTrigger`` run in this process: its kwargs and the event it yielded."""
    from airflow_provider_vercel.triggers.stores import VercelStoreStatusTrigger

    runs: list[dict[str, Any]] = []
    original = VercelStoreStatusTrigger.run

    async def recording_run(self: VercelStoreStatusTrigger) -> Any:
        record: dict[str, Any] = {"kwargs": self.serialize()[1], "event": None}
        runs.append(record)
        async for event in original(self):
            record["event"] = event.payload
            yield event

    monkeypatch.setattr(VercelStoreStatusTrigger, "run", recording_run)
    return runs


@pytest.fixture
def hostile(caplog: pytest.LogCaptureFixture) -> Iterator[HostileServer]:
    """A server on loopback that misbehaves on purpose (``tests.helpers.hostile_server``), stopped after the test.

    The provider's DEBUG records are captured too: the no-token checks read every record, not only warnings.
    """
    caplog.set_level(logging.DEBUG, logger="airflow_provider_vercel")
    server = HostileServer().start()
    yield server
    server.stop()
