"""The README and docs/ tests run their DAG blocks with the in-process Airflow harness of ``tests/dags``."""

from tests.dags.conftest import airflow_db, airflow_emulator  # noqa: F401  (shared harness)
