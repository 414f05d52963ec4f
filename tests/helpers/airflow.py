"""The in-process Airflow harness: running DAGs end to end, in-process, the example DAGs end to end, in-process, against the emulator.

What it takes (measured on Airflow 3.3):

- a metadata DB: ``airflow.utils.db.initdb()`` once per session in the throwaway ``AIRFLOW_HOME``
  that ``tests/conftest.py`` sets (creating the schema from the ORM takes ~1.6 s; the
  ``airflow db migrate`` CLI in a subprocess takes ~7 s);
- the DAG files under the dags folder: the bundle's path is pointed at ``example_dags/``
  (``AIRFLOW__CORE__DAGS_FOLDER`` plus ``airflow.settings.DAGS_FOLDER``, in case Airflow was already
  imported by an earlier test module);
- the ``vercel_api`` pool that the mapped example DAG uses (``dag.test()`` itself ignores pools, but
  a scheduler would not run the tasks without it);
- the ``vercel_default`` connection as the env var ``AIRFLOW_CONN_VERCEL_DEFAULT``, pointing at the
  ``vercel_emulator`` fixture with the admin token and team id: nothing else
  (``airflow_emulator_postgres``: the same emulator with its Postgres stores backed by a real
  PostgreSQL server, from the ``vercel_postgres`` fixture of the package's pytest plugin).

Then ``dag.test()`` runs the DAG in this process. The first run of a session builds the in-process
Execution API (~4–8 s); later runs take well under a second each.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

EXAMPLE_DAGS = Path(__file__).resolve().parents[2] / "example_dags"
VERCEL_POOL = "vercel_api"



@contextmanager
def metadata_db() -> Iterator[None]:
    """A metadata DB whose dags folder is ``example_dags/``, with the ``vercel_api`` pool; env undone on exit.

    The schema is created from the ORM (``db.initdb()``), a path that exists on every supported Airflow.
    """
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("AIRFLOW__CORE__DAGS_FOLDER", str(EXAMPLE_DAGS))
        patch.setenv("AIRFLOW__CORE__LOAD_EXAMPLES", "False")
        from airflow import settings

        patch.setattr(settings, "DAGS_FOLDER", str(EXAMPLE_DAGS))
        from airflow.models.pool import Pool
        from airflow.utils import db

        db.initdb()
        Pool.create_or_update_pool(
            name=VERCEL_POOL,
            slots=4,
            description="Bounds concurrent tasks calling the Vercel API",
            include_deferred=False,
        )
        yield

def emulator_connection(server: Any) -> str:
    """The documented connection for the emulator: base URL, admin token and team id, nothing else."""
    return json.dumps(
        {
            "conn_type": "vercel",
            "host": server.url,
            "password": server.admin_token,
            "extra": {"team_id": server.team_id},
        }
    )


def bundle_dagbag(monkeypatch: pytest.MonkeyPatch, folder: Path, name: str) -> Any:
    """A folder of DAG files parsed, and served as a DAG bundle next to the dags folder for this test.

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


def run_dag(dagbag: Any, dag_id: str, **kwargs: Any) -> Any:
    """Run one DAG through Airflow with ``dag.test()`` and return its DagRun.

    The DAG is parsed afresh from its file for each run: Airflow 3.3.2's ``dag.test()`` writes a run's
    conf into the DAG's ``Param`` objects, so a reused DAG object would leak one run's conf into the next.
    """
    from airflow.dag_processing.dagbag import DagBag

    parsed = dagbag.get_dag(dag_id)
    assert parsed is not None, f"{dag_id} not found; import errors: {dagbag.import_errors}"
    fresh = DagBag(dag_folder=parsed.fileloc, bundle_path=Path(parsed.fileloc).parent).get_dag(dag_id)
    return fresh.test(**kwargs)


def xcoms(dag_run: Any) -> dict[tuple[str, int, str], Any]:
    """Every XCom of a DagRun, as ``{(task_id, map_index, key): value}`` (read from the XCom table)."""
    from airflow.models.xcom import XComModel
    from airflow.utils.session import create_session

    with create_session() as session:
        rows = (
            session.query(XComModel)
            .filter(XComModel.dag_id == dag_run.dag_id, XComModel.run_id == dag_run.run_id)
            .all()
        )
        return {(row.task_id, row.map_index, row.key): row.value for row in rows}


def task_states(dag_run: Any) -> dict[tuple[str, int], str]:
    """``{(task_id, map_index): state}`` of a DagRun's task instances."""
    return {(ti.task_id, ti.map_index): str(ti.state) for ti in dag_run.get_task_instances()}


