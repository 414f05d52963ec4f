"""Version-aware helpers for running the example DAGs on Airflow 2.11, 3.1 and 3.3.

``tests/helpers/airflow.py`` is written for Airflow 3.3. The differences met on older versions (see
``scripts/compat.py`` for the matrix that runs them):

- ``DagBag`` lives in ``airflow.dag_processing.dagbag`` from 3.2 on; before that (2.11, 3.1) in
  ``airflow.models.dagbag``;
- XCom rows are ``airflow.models.xcom.XComModel`` on 3.x and ``airflow.models.xcom.XCom`` on 2.11 (which
  deserializes the stored bytes when a row is loaded);
- operator extra links are evaluated on the worker and stored as ``_link_<Class>`` XComs only on
  Airflow 3; Airflow 2 renders them in the webserver and stores nothing.
"""

from __future__ import annotations

import re
from importlib.metadata import PackageNotFoundError, version
from typing import Any


def airflow_version() -> tuple[int, int, int]:
    """The installed Airflow's (major, minor, micro), read from package metadata."""
    try:
        raw = version("apache-airflow")
    except PackageNotFoundError:
        raw = version("apache-airflow-core")
    found = re.match(r"(\d+)\.(\d+)(?:\.(\d+))?", raw)
    assert found, f"unparsable Airflow version {raw!r}"
    major, minor, micro = found.groups()
    return int(major), int(minor), int(micro or 0)


AIRFLOW_VERSION = airflow_version()
AIRFLOW_3 = AIRFLOW_VERSION >= (3, 0, 0)


def dagbag_class() -> type:
    """``DagBag`` from where this Airflow keeps it."""
    try:
        from airflow.dag_processing.dagbag import DagBag  # Airflow >= 3.2
    except ImportError:
        from airflow.models.dagbag import DagBag  # Airflow 2.11, 3.0, 3.1
    return DagBag


def xcom_model() -> type:
    """The ORM class of the ``xcom`` table."""
    try:
        from airflow.models.xcom import XComModel  # Airflow 3
    except ImportError:
        from airflow.models.xcom import XCom as XComModel  # Airflow 2
    return XComModel


def xcoms(dag_run: Any) -> dict[tuple[str, int, str], Any]:
    """Every XCom of a DagRun as ``{(task_id, map_index, key): value}``, deserialized on every version."""
    from airflow.utils.session import create_session

    model = xcom_model()
    with create_session() as session:
        rows = session.query(model).filter(model.dag_id == dag_run.dag_id, model.run_id == dag_run.run_id).all()
        return {(row.task_id, row.map_index, row.key): _value(model, row) for row in rows}


def _value(model: type, row: Any) -> Any:
    if not AIRFLOW_3:
        # Airflow 2's XCom deserializes on load (``init_on_load``): ``row.value`` is already the value,
        # and ``deserialize_value(row)`` would fail on it.
        return row.value
    # Airflow 3: values written through the Execution API are plain JSON; ``deserialize_value`` also
    # decodes ones written with ``serialize_value`` and returns the others as they are.
    return model.deserialize_value(row)


def task_states(dag_run: Any) -> dict[tuple[str, int], str]:
    """``{(task_id, map_index): state}`` of a DagRun's task instances (state as its plain value)."""
    return {(ti.task_id, ti.map_index): _state(ti.state) for ti in dag_run.get_task_instances()}


def dag_run_state(dag_run: Any) -> str:
    """The DagRun's state as a plain string (``success``, ``failed``…)."""
    return _state(dag_run.state)


def _state(state: Any) -> str:
    return str(getattr(state, "value", state))
