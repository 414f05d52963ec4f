"""``EmulatorServer``: the emulator app served by uvicorn on loopback, in a background thread."""

from __future__ import annotations

import socket
import threading
import time
from pathlib import Path
from types import TracebackType
from typing import Any

from .app import create_app
from .backends import PostgresServerBackend
from .faults import Faults
from .limits import DEFAULT_MAX_BODY_BYTES
from .requestlog import DEFAULT_LOG_SIZE, RequestLog
from .state import DEFAULT_READY_DELAY, EmulatorState, load_seed

_START_TIMEOUT = 10.0
_STOP_TIMEOUT = 5.0


class EmulatorServer:
    """A running Vercel API emulator.

    seed_path: seed JSON file; None uses the packaged ``seed.json``.
    ready_delay: seconds a new store stays ``initializing`` (changeable later via ``state.ready_delay``).
    host: interface to bind; loopback by default.
    port: TCP port; 0 picks a free one.
    seed: a seed dict instead of a file.
    log_level: uvicorn's log level.
    backends: extra secret backends by name (see ``backends.py``).
    postgres_dsn: admin DSN of a PostgreSQL server; Postgres products then get real databases there
        (``PostgresServerBackend``), instead of placeholder URLs.
    request_log_size: how many requests the log keeps (the oldest drop out; ``log.total`` counts all).
    max_body_bytes: largest request body accepted; a larger one is answered 400 while it is read.

    Attributes: ``url``, ``state``, ``faults``, ``requests`` (a copy of the request log), and the seed's
    ``admin_token``, ``member_token``, ``nopay_admin_token``, ``other_team_token``, ``team_id``, ``team_slug``.
    """

    def __init__(
        self,
        seed_path: str | Path | None = None,
        ready_delay: float = DEFAULT_READY_DELAY,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        seed: dict[str, Any] | None = None,
        log_level: str = "warning",
        backends: dict[str, Any] | None = None,
        postgres_dsn: str | None = None,
        request_log_size: int = DEFAULT_LOG_SIZE,
        max_body_bytes: int = DEFAULT_MAX_BODY_BYTES,
    ) -> None:
        if seed is None and seed_path is not None:
            seed = load_seed(seed_path)
        if postgres_dsn:
            backends = {"postgres": PostgresServerBackend(postgres_dsn), **(backends or {})}
        self.state = EmulatorState(seed, ready_delay=ready_delay, backends=backends)
        self.faults = Faults()
        self.log = RequestLog(request_log_size)
        self.app = create_app(self.state, self.faults, self.log, max_body_bytes)
        self.host = host
        self._requested_port = port
        self._log_level = log_level
        self._socket: socket.socket | None = None
        self._server: Any = None
        self._thread: threading.Thread | None = None
        self.port: int | None = None

    # ------------------------------------------------------------------ seed shortcuts
    @property
    def admin_token(self) -> str | None:
        """Token of an admin of the default team (may create, connect, delete)."""
        return self.state.token_for("admin")

    @property
    def member_token(self) -> str | None:
        """Token of a non-admin member of the default team (read-only)."""
        return self.state.token_for("member")

    @property
    def nopay_admin_token(self) -> str | None:
        """Admin token of the team without a payment method (paid plans answer 402)."""
        return self.state.token_for("nopay_admin")

    @property
    def other_team_token(self) -> str | None:
        """Token of another team with no configurations (403 on the default team)."""
        return self.state.token_for("other_team")

    @property
    def team_id(self) -> str | None:
        """Id of the default team."""
        team = self.state.default_team()
        return None if team is None else team["id"]

    @property
    def team_slug(self) -> str | None:
        """Slug of the default team."""
        team = self.state.default_team()
        return None if team is None else team.get("slug")

    def configuration_id(self, integration: str, team: str | None = None) -> str | None:
        """Return the configuration id of an integration installed in a team, or None.

        integration: integration slug (``neon``, ``upstash``…) or id.
        team: team id or slug; None means the default team.
        """
        if team is None:
            found = self.state.default_team()
        else:
            found = self.state.team(team_id=team) or self.state.team(slug=team)
        wanted = self.state.integration(integration)
        if found is None or wanted is None:
            return None
        return next(
            (c["id"] for c in self.state.team_configurations(found["id"]) if c["integrationId"] == wanted["id"]), None
        )

    def project_id(self, name: str, team: str | None = None) -> str | None:
        """Return a project's id by name, or None.

        name: project name (``web-app``…).
        team: team id; None means the default team.
        """
        team_id = team or self.team_id
        project = self.state.project(team_id, name) if team_id else None
        return None if project is None else project["id"]

    # ------------------------------------------------------------------ lifecycle
    @property
    def url(self) -> str:
        """Base URL, e.g. ``http://127.0.0.1:54321``."""
        if self.port is None:
            raise RuntimeError("the emulator is not started")
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    @property
    def requests(self) -> list[dict[str, Any]]:
        """A copy of the request log (its last ``request_log_size`` entries)."""
        return self.log.entries()

    @property
    def running(self) -> bool:
        """Whether the server thread is alive."""
        return self._thread is not None and self._thread.is_alive()

    def start(self) -> EmulatorServer:
        """Bind the port and serve in a daemon thread; returns once requests are accepted."""
        if self.running:
            return self
        import uvicorn  # here, not at the top: ~0.3 s, paid only by a server that starts

        family = socket.AF_INET6 if ":" in self.host else socket.AF_INET
        sock = socket.socket(family, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((self.host, self._requested_port))
        except OSError:
            sock.close()
            raise
        sock.listen(128)
        sock.setblocking(False)
        self._socket = sock
        self.port = sock.getsockname()[1]
        config = uvicorn.Config(
            self.app,
            log_level=self._log_level,
            access_log=False,
            lifespan="off",
            ws="none",
            proxy_headers=False,
            server_header=False,
            # Longer than httpx's 5 s keep-alive expiry, as front ends' are (60-75 s): with equal values
            # a client may send on a connection the server is closing, and lose a create's answer.
            timeout_keep_alive=75,
        )
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(
            target=self._server.run, kwargs={"sockets": [sock]}, name=f"vercel-emulator-{self.port}", daemon=True
        )
        self._thread.start()
        deadline = time.monotonic() + _START_TIMEOUT
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError("the Vercel emulator failed to start")
            time.sleep(0.002)
        return self

    def stop(self) -> None:
        """Stop serving, join the thread and release the port; safe to call twice."""
        server, thread = self._server, self._thread
        if server is not None:
            server.should_exit = True
            server.force_exit = True  # do not wait for held-back responses (delay faults) to finish
        if thread is not None:
            thread.join(_STOP_TIMEOUT)
        if self._socket is not None:
            self._socket.close()
        self._server = self._thread = self._socket = None

    def reset(self) -> None:
        """Reset state to the seed, clear faults and the request log."""
        self.state.reset()
        self.faults.clear()
        self.log.clear()

    def __enter__(self) -> EmulatorServer:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    def __repr__(self) -> str:
        where = self.url if self.port is not None else "not started"
        return f"<EmulatorServer {where}>"
