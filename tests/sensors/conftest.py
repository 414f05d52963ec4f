"""Fixtures for the sensor tests.

Direct calls: ``emulator`` (``vercel_default`` pointed at the emulator, fast retries), ``make_store``
and a recording ``context``. Airflow runs: the ``tests/dags`` harness (migrated DB in the throwaway
``AIRFLOW_HOME``, ``example_dags/`` as the dags folder, ``AIRFLOW_CONN_VERCEL_DEFAULT`` at the
emulator, ``dag.test()`` in-process) plus this folder's ``dags/`` served as a second DAG bundle, and a
spy recording every ``VercelStoreStatusTrigger`` that runs.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.dags.conftest import (  # noqa: F401  (shared harness)
    airflow_db,
    airflow_emulator,
    airflow_emulator_postgres,
    example_dagbag,
)
from tests.operators.conftest import RecordingTaskInstance
from tests.triggers.conftest import emulator, make_store  # noqa: F401  (shared fixtures)

TEST_DAGS = Path(__file__).resolve().parent / "dags"
TEST_BUNDLE = "vercel-sensor-test-dags"


@pytest.fixture
def context() -> dict[str, Any]:
    """A minimal task context whose ``ti`` records pushed XComs."""
    return {"ti": RecordingTaskInstance()}


@pytest.fixture
def test_dagbag(airflow_db: None, monkeypatch: pytest.MonkeyPatch) -> Any:  # noqa: F811  (the fixture)
    """``tests/sensors/dags`` parsed, and configured as a DAG bundle next to the dags folder for this test."""
    from airflow.dag_processing.dagbag import DagBag

    bundles = [
        {"name": "dags-folder", "classpath": "airflow.dag_processing.bundles.local.LocalDagBundle", "kwargs": {}},
        {
            "name": TEST_BUNDLE,
            "classpath": "airflow.dag_processing.bundles.local.LocalDagBundle",
            "kwargs": {"path": str(TEST_DAGS)},
        },
    ]
    monkeypatch.setenv("AIRFLOW__DAG_PROCESSOR__DAG_BUNDLE_CONFIG_LIST", json.dumps(bundles))
    bag = DagBag(dag_folder=str(TEST_DAGS), bundle_path=TEST_DAGS, bundle_name=TEST_BUNDLE)
    assert bag.import_errors == {}
    return bag


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
