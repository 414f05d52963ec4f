"""``tests/operators/dags`` as a DAG bundle, for the operator tests that run through ``dag.test()``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

TEST_DAGS = Path(__file__).resolve().parent / "dags"
TEST_BUNDLE = "vercel-operator-test-dags"


def operator_dagbag(monkeypatch: pytest.MonkeyPatch) -> Any:
    """``tests/operators/dags`` parsed, and configured as a DAG bundle next to the dags folder."""
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
