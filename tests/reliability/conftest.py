"""Shared set-up of the reliability and security proof suite.

Everything runs against the real emulator over loopback HTTP (the ``vercel_emulator`` fixture of the
package's pytest plugin), with its fault injection and its request log as the witness. Fixtures are
reused from the other test folders rather than redefined:

- ``emulator`` (``tests/operators``): ``vercel_default`` pointed at the emulator with fast retries
  (``RecordingTaskInstance`` from there stands in for a task instance that records ``xcom_push``);
- ``airflow_db`` / ``airflow_emulator`` (``tests/conftest.py``): the in-process Airflow
  harness that runs DAGs with ``dag.test()``.

This folder adds ``reliability_dagbag`` (``tests/reliability/dags`` served as an extra DAG bundle) and
the helpers below.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from airflow_provider_vercel.api.calls import CreateStoreRequest
from airflow_provider_vercel.api.client import AsyncVercelClient, VercelClient
from airflow_provider_vercel.api.retry import RetryPolicy
from tests.helpers.airflow import bundle_dagbag
from tests.operators.conftest import connection_json, emulator  # noqa: F401  (shared fixture)

CREATE_PATH = "/v1/storage/stores/integration/direct"
LIST_PATH = "/v1/storage/stores"
RELIABILITY_DAGS = Path(__file__).resolve().parent / "dags"
RELIABILITY_BUNDLE = "vercel-reliability-test-dags"

#: The policy of most tests: 3 attempts, millisecond backoff, no jitter (so waits are exact).
FAST = RetryPolicy(max_attempts=3, backoff_initial=0.005, backoff_max=0.02, max_elapsed=30.0, jitter=0.0)


def make_client(server: Any, *, policy: RetryPolicy = FAST, token: str | None = None, **kwargs: Any) -> VercelClient:
    """A sync client for the emulator's default team (admin token unless ``token``)."""
    kwargs.setdefault("team_id", server.team_id)
    kwargs.setdefault("base_url", server.url)
    return VercelClient(token or server.admin_token, retry_policy=policy, **kwargs)


def make_async_client(
    server: Any, *, policy: RetryPolicy = FAST, token: str | None = None, **kwargs: Any
) -> AsyncVercelClient:
    """An async client for the emulator's default team (admin token unless ``token``)."""
    kwargs.setdefault("team_id", server.team_id)
    kwargs.setdefault("base_url", server.url)
    return AsyncVercelClient(token or server.admin_token, retry_policy=policy, **kwargs)


def neon_request(server: Any, name: str, **kwargs: Any) -> CreateStoreRequest:
    """A valid create body for a Neon store called ``name`` in the default team."""
    kwargs.setdefault("metadata", {"region": "iad1"})
    return CreateStoreRequest(
        name=name, integration_configuration_id=server.configuration_id("neon"), product="neon-postgres", **kwargs
    )


def logged(server: Any, method: str | None = None, path: str | None = None, *, exact: bool = False) -> list[dict]:
    """The emulator's request log, filtered by method and path (prefix unless ``exact``)."""
    return [
        r
        for r in server.requests
        if (method is None or r["method"] == method)
        and (path is None or (r["path"] == path if exact else r["path"].startswith(path)))
    ]


def create_posts(server: Any) -> list[dict]:
    """The create-store POSTs the emulator received."""
    return logged(server, "POST", CREATE_PATH, exact=True)


def live_stores_named(server: Any, name: str) -> list[Any]:
    """Live (not deleted) stores called ``name``, read from the emulator's state (the ground truth)."""
    with server.state.lock:
        return [s for s in server.state.stores.values() if s.name == name and not s.deleted]


def operator_connection(server: Any, **extra: Any) -> str:
    """``AIRFLOW_CONN_…`` JSON for the emulator: admin token, team, 3 fast attempts, plus ``extra``."""
    extras = {"max_attempts": 3, "backoff_initial": 0.005, "backoff_max": 0.02, "jitter": 0.0}
    extras.update(extra)
    return connection_json(server, **extras)


@pytest.fixture
def reliability_dagbag(airflow_db: None, monkeypatch: pytest.MonkeyPatch) -> Any:
    """``tests/reliability/dags`` parsed and configured as a DAG bundle beside the dags folder."""
    return bundle_dagbag(monkeypatch, RELIABILITY_DAGS, RELIABILITY_BUNDLE)


# --- figures for the session summary ---------------------------------------------------------------

#: Figures the suite's tests record (campaign, bad input, concurrency...); printed at the end of the run,
#: with or without ``-s``, so ``make test`` shows them.
FIGURES: dict[str, str] = {}


def record_figure(name: str, text: str) -> None:
    """Keep one line of figures for the end-of-session summary (and print it for ``-s`` runs)."""
    FIGURES[name] = text
    print(f"[reliability] {name}: {text}")


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if not FIGURES:
        return
    terminalreporter.section("reliability and security figures")
    for name, text in FIGURES.items():
        terminalreporter.write_line(f"{name}: {text}")
