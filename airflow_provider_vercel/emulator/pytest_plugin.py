"""pytest plugin (entry point ``vercel_emulator``): fixtures that serve the Vercel API emulator.

pytest imports this module in every run of any project that installs the package, so it imports only
pytest at module level; the server (FastAPI, uvicorn) is imported inside the fixtures.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from .server import EmulatorServer


@pytest.fixture(scope="session")
def vercel_emulator_session() -> Iterator[EmulatorServer]:
    """One emulator for the whole session; tests should use ``vercel_emulator``, which resets it."""
    from .server import EmulatorServer

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
    timing with ``vercel_emulator.state.ready_delay``, and assert on ``vercel_emulator.requests``.
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
    from .server import EmulatorServer

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
