"""Fixtures for the operator tests: the ``vercel_default`` connection pointed at the emulator, and a context.

Operators run against the emulator over real HTTP; only the Airflow task context is stand-in (a task
instance that records ``xcom_push``). End-to-end runs of the example DAGs are in ``tests/dags``; the harness is ``tests/helpers/airflow.py``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.helpers.airflow import bundle_dagbag

CREATE_PATH = "/v1/storage/stores/integration/direct"
OPERATOR_DAGS = Path(__file__).resolve().parent / "dags"
OPERATOR_BUNDLE = "vercel-operator-test-dags"


class RecordingTaskInstance:
    """Stands in for ``context["ti"]``: keeps what the operator pushes."""

    def __init__(self) -> None:
        self.xcoms: dict[str, Any] = {}

    def xcom_push(self, key: str, value: Any) -> None:
        json.dumps(value)  # XCom values must be JSON-safe
        self.xcoms[key] = value


def connection_json(server: Any, **extra: Any) -> str:
    """The ``AIRFLOW_CONN_VERCEL_DEFAULT`` value for an emulator (fast retries for tests)."""
    extras = {"team_id": server.team_id, "max_attempts": 3, "backoff_initial": 0.01, "backoff_max": 0.05}
    extras.update(extra)
    return json.dumps({"conn_type": "vercel", "host": server.url, "password": server.admin_token, "extra": extras})


@pytest.fixture
def emulator(vercel_emulator: Any, monkeypatch: pytest.MonkeyPatch) -> Any:
    """The reset emulator, with ``vercel_default`` pointing at it as the team's admin."""
    monkeypatch.setenv("AIRFLOW_CONN_VERCEL_DEFAULT", connection_json(vercel_emulator))
    return vercel_emulator


@pytest.fixture
def context() -> dict[str, Any]:
    """A minimal task context whose ``ti`` records pushed XComs."""
    return {"ti": RecordingTaskInstance()}


@pytest.fixture
def neon_cfg(emulator: Any) -> str:
    return emulator.configuration_id("neon")


@pytest.fixture
def upstash_cfg(emulator: Any) -> str:
    return emulator.configuration_id("upstash")


def api_requests(server: Any, method: str | None = None, path: str | None = None) -> list[dict[str, Any]]:
    """The emulator's logged requests, filtered by method and path prefix."""
    return [
        r
        for r in server.requests
        if (method is None or r["method"] == method) and (path is None or r["path"].startswith(path))
    ]


def posts(server: Any) -> list[dict[str, Any]]:
    """Create-store POSTs the emulator received."""
    return api_requests(server, "POST", CREATE_PATH)


@pytest.fixture
def operator_bag(airflow_db: None, monkeypatch: pytest.MonkeyPatch) -> Any:
    """``tests/operators/dags`` parsed and served as a DAG bundle."""
    # The dag.test() harness needs Airflow >= 3.2's DagBag module; the compat smoke suite (2.11, 3.1) skips it.
    pytest.importorskip("airflow.dag_processing.dagbag", reason="the dag.test() harness needs Airflow >= 3.2")
    return bundle_dagbag(monkeypatch, OPERATOR_DAGS, OPERATOR_BUNDLE)
