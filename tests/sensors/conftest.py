"""Fixtures for the sensor tests.

Direct calls: ``emulator`` (``vercel_default`` pointed at the emulator, fast retries), ``make_store``
and a recording ``context``. Airflow runs: the harness of ``tests/helpers/airflow.py`` (migrated DB in the throwaway
``AIRFLOW_HOME``, ``example_dags/`` as the dags folder, ``AIRFLOW_CONN_VERCEL_DEFAULT`` at the
emulator, ``dag.test()`` in-process) plus this folder's ``dags/`` served as a second DAG bundle, and a
spy recording every ``VercelStoreStatusTrigger`` that runs.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.helpers.airflow import bundle_dagbag
from tests.operators.conftest import RecordingTaskInstance
from tests.triggers.conftest import emulator, make_store  # noqa: F401  (shared fixtures)

TEST_DAGS = Path(__file__).resolve().parent / "dags"
TEST_BUNDLE = "vercel-sensor-test-dags"


@pytest.fixture
def context() -> dict[str, Any]:
    """A minimal task context whose ``ti`` records pushed XComs."""
    return {"ti": RecordingTaskInstance()}


@pytest.fixture
def test_dagbag(airflow_db: None, monkeypatch: pytest.MonkeyPatch) -> Any:
    """``tests/sensors/dags`` parsed, and configured as a DAG bundle next to the dags folder for this test."""
    return bundle_dagbag(monkeypatch, TEST_DAGS, TEST_BUNDLE)
