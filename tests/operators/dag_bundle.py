"""A folder of DAG files as a DAG bundle, for the tests that run DAGs through ``dag.test()``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

TEST_DAGS = Path(__file__).resolve().parent / "dags"
TEST_BUNDLE = "vercel-operator-test-dags"


def operator_dagbag(monkeypatch: pytest.MonkeyPatch, folder: Path = TEST_DAGS, name: str = TEST_BUNDLE) -> Any:
    """A folder of DAG files (default ``tests/operators/dags``) parsed, and served as a DAG bundle.

    :param monkeypatch: sets the bundle configuration for the test.
    :param folder: the folder of DAG files.
    :param name: the bundle's name.
    """
    from airflow.dag_processing.dagbag import DagBag

    bundles = [
        {"name": "dags-folder", "classpath": "airflow.dag_processing.bundles.local.LocalDagBundle", "kwargs": {}},
        {
            "name": name,
            "classpath": "airflow.dag_processing.bundles.local.LocalDagBundle",
            "kwargs": {"path": str(folder)},
        },
    ]
    monkeypatch.setenv("AIRFLOW__DAG_PROCESSOR__DAG_BUNDLE_CONFIG_LIST", json.dumps(bundles))
    bag = DagBag(dag_folder=str(folder), bundle_path=folder, bundle_name=name)
    assert bag.import_errors == {}
    return bag
