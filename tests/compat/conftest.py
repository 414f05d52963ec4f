"""Fixtures for the compatibility smoke tests: an Airflow DB and the example DAGs on any supported Airflow.

Same set-up as ``tests/helpers/airflow.py`` (throwaway ``AIRFLOW_HOME`` from ``tests/conftest.py``, dags
folder = ``example_dags/``, the ``vercel_api`` pool, ``vercel_default`` pointed at the emulator), but
only through paths that exist on Airflow 2.11, 3.1 and 3.3 (see ``harness.py``).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.compat.harness import dagbag_class
from tests.helpers.airflow import EXAMPLE_DAGS, emulator_connection, metadata_db


@pytest.fixture(scope="session")
def compat_airflow_db() -> Iterator[None]:
    """A metadata DB (schema created from the ORM) whose dags folder is ``example_dags/``."""
    with metadata_db():
        yield


@pytest.fixture(scope="session")
def compat_dagbag(compat_airflow_db: None) -> Any:
    """The example DAGs parsed once by this Airflow's ``DagBag``."""
    return dagbag_class()(dag_folder=str(EXAMPLE_DAGS))


@pytest.fixture
def compat_emulator(compat_airflow_db: None, vercel_emulator: Any, monkeypatch: pytest.MonkeyPatch) -> Any:
    """The reset emulator, with ``AIRFLOW_CONN_VERCEL_DEFAULT`` pointing at it."""
    monkeypatch.setenv("AIRFLOW_CONN_VERCEL_DEFAULT", emulator_connection(vercel_emulator))
    return vercel_emulator
