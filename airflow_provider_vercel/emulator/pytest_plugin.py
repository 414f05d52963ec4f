"""pytest plugin (entry point ``vercel_emulator``): fixtures that serve the Vercel API emulator.

pytest imports this module in every run of any project that installs the package, so it imports only
pytest at module level; the server (FastAPI, uvicorn) is imported inside the fixtures.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from .server import EmulatorServer

#: A PostgreSQL server to use instead of starting one (libpq URL of a role with CREATEROLE and CREATEDB).
POSTGRES_DSN_ENV = "VERCEL_TEST_POSTGRES_DSN"


@pytest.fixture(scope="session")
def vercel_emulator_session() -> Iterator[EmulatorServer]:
    """One emulator for the whole session; tests should use ``vercel_emulator``, which resets it."""
    from .server import EmulatorServer  # in the fixture: FastAPI costs ~3 s, and every pytest run loads this plugin

    server = EmulatorServer()
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def vercel_emulator(vercel_emulator_session: EmulatorServer) -> Iterator[EmulatorServer]:
    """A running Vercel API emulator on 127.0.0.1, reset to its seed for this test.

    Yields the ``EmulatorServer``: point your Vercel connection's base URL at ``vercel_emulator.url``
    and use ``vercel_emulator.admin_token`` (or ``member_token``, ``nopay_admin_token``,
    ``other_team_token``) with ``team_id``/``team_slug``. ``configuration_id("neon")`` and
    ``project_id("web-app")`` give seed ids. Inject failures with ``vercel_emulator.faults``
    (``rate_limit``, ``server_error``, ``delay``, ``reset_connection``, ``commit_then_drop``…), change
    timing with ``vercel_emulator.state.ready_delay``, page the env listing with
    ``vercel_emulator.state.env_page_size``, and assert on ``vercel_emulator.requests``.
    State, faults and the request log are reset before each test; the server is shared by the session.
    """
    vercel_emulator_session.reset()
    yield vercel_emulator_session
    vercel_emulator_session.reset()


@pytest.fixture
def vercel_emulator_factory() -> Iterator[Callable[..., EmulatorServer]]:
    """Start extra emulators, e.g. with another seed or ready delay; all are stopped at teardown.

    Call it as ``vercel_emulator_factory(seed_path=None, ready_delay=0.2, **kwargs)``; keyword arguments
    are those of ``EmulatorServer``. Returns the started server.
    """
    from .server import EmulatorServer  # in the fixture: FastAPI costs ~3 s, and every pytest run loads this plugin

    started: list[EmulatorServer] = []

    def start(seed_path: str | Path | None = None, ready_delay: float = 0.2, **kwargs: Any) -> EmulatorServer:
        server = EmulatorServer(seed_path, ready_delay=ready_delay, **kwargs)
        started.append(server)
        return server.start()

    try:
        yield start
    finally:
        for server in started:
            server.stop()


@pytest.fixture(scope="session")
def vercel_postgres() -> Iterator[str]:
    """Admin DSN of a PostgreSQL server for the whole session; skips the test when there is none.

    Uses ``$VERCEL_TEST_POSTGRES_DSN`` when set (a running server; the role needs CREATEROLE and
    CREATEDB). Otherwise starts a throwaway server with the installed PostgreSQL binaries
    (``LocalPostgres``: ``initdb`` + ``pg_ctl`` in a temporary folder, on a free loopback port) and
    stops it, by pid, at the end of the session. Without binaries the tests that need it are skipped
    with the reason; with binaries that fail to start, they error.
    """
    dsn = os.environ.get(POSTGRES_DSN_ENV)
    if dsn:
        yield dsn
        return
    from .pgserver import LocalPostgres, unavailable_reason  # lazily, like the server

    reason = unavailable_reason()
    if reason:
        pytest.skip(f"needs PostgreSQL: {reason}; or set {POSTGRES_DSN_ENV}")
    server = LocalPostgres().start()
    try:
        yield server.dsn
    finally:
        server.stop()


@pytest.fixture
def vercel_emulator_postgres(vercel_emulator_session: EmulatorServer, vercel_postgres: str) -> Iterator[EmulatorServer]:
    """The ``vercel_emulator``, with Postgres products backed by the real server of ``vercel_postgres``.

    Creating a Postgres store creates a database and a login role there; connecting the store writes
    working URLs into the project's env vars; deleting it (or the reset after the test) drops both.
    The backend is ``vercel_emulator_postgres.state.backends["postgres"]`` (``exists(store_id)``).
    """
    from .backends import PostgresServerBackend  # lazily, like the server

    pytest.importorskip(
        "psycopg", reason="the real-database backend needs psycopg: pip install 'airflow-provider-vercel[emulator]'"
    )
    server = vercel_emulator_session
    server.reset()
    previous = server.state.backends.get("postgres")
    server.state.backends["postgres"] = PostgresServerBackend(vercel_postgres)
    try:
        yield server
    finally:
        server.reset()  # drops the databases of stores the test left behind
        if previous is not None:
            server.state.backends["postgres"] = previous
