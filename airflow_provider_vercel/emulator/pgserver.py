"""A throwaway PostgreSQL server on loopback, for the emulator's real-database backend.

``LocalPostgres`` runs the server binaries of an installed PostgreSQL (Debian's ``postgresql``
package puts them in ``/usr/lib/postgresql/<version>/bin``): ``initdb`` into a temporary folder, then
``pg_ctl start`` on a free port of 127.0.0.1, with password (scram-sha-256) authentication over TCP
and durability switched off (``fsync=off``: it is thrown away). ``stop()`` stops it by its pid and
removes the folder. PostgreSQL refuses to run as root, so as root it runs as the ``postgres`` user
(``runuser``).

From a shell (CI)::

    python -m airflow_provider_vercel.emulator.pgserver start --dir /tmp/pg   # prints the admin DSN
    python -m airflow_provider_vercel.emulator.pgserver stop --dir /tmp/pg

Nothing here imports psycopg: the server is driven through its own binaries.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import pwd
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from types import TracebackType

_SERVICE_USER = "postgres"
_SETTINGS = {
    "listen_addresses": "'127.0.0.1'",
    "fsync": "off",
    "synchronous_commit": "off",
    "full_page_writes": "off",
    "max_connections": "100",
    "shared_buffers": "32MB",
    "log_min_messages": "warning",
}


class PostgresUnavailable(RuntimeError):
    """No PostgreSQL server binaries here, or no way to run them (the message says which)."""


def find_bindir() -> Path | None:
    """The folder holding ``initdb``, ``pg_ctl`` and ``postgres``, newest version first; None if absent.

    Looks at ``$VERCEL_PG_BINDIR``, then beside ``pg_ctl`` on ``PATH``, then ``/usr/lib/postgresql/*/bin``.
    """
    candidates: list[Path] = []
    if os.environ.get("VERCEL_PG_BINDIR"):
        candidates.append(Path(os.environ["VERCEL_PG_BINDIR"]))
    on_path = shutil.which("pg_ctl")
    if on_path:
        candidates.append(Path(on_path).resolve().parent)

    def version(path: Path) -> tuple[int, ...]:
        return tuple(int(p) for p in re.findall(r"\d+", path.parent.name)) or (0,)

    candidates += sorted(Path("/usr/lib/postgresql").glob("*/bin"), key=version, reverse=True)
    for folder in candidates:
        if all((folder / name).is_file() for name in ("initdb", "pg_ctl", "postgres")):
            return folder
    return None


def unavailable_reason() -> str | None:
    """Why ``LocalPostgres`` cannot start here, or None when it can."""
    if find_bindir() is None:
        return (
            "no PostgreSQL server binaries (initdb, pg_ctl) found: install Debian's postgresql package "
            "(apt-get install postgresql) or set VERCEL_PG_BINDIR"
        )
    if os.geteuid() == 0:
        try:
            pwd.getpwnam(_SERVICE_USER)
        except KeyError:
            return "running as root, and there is no 'postgres' user to run PostgreSQL as"
        if shutil.which("runuser") is None:
            return "running as root, and runuser (to run PostgreSQL as 'postgres') is missing"
    return None


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class LocalPostgres:
    """A PostgreSQL server of its own, in a temporary folder, on a free loopback port.

    bindir: folder of the server binaries; default ``find_bindir()``.
    base_dir: folder to use (created if needed); default a new temporary folder.
    keep: leave the server running and the folder in place on ``__exit__`` (``stop()`` still stops).

    After ``start()``: ``dsn`` (the superuser ``postgres`` with its random password over TCP),
    ``host``, ``port``, ``pid``, ``data_dir``, and ``started_in`` (seconds ``start()`` took).
    """

    def __init__(self, bindir: str | Path | None = None, base_dir: str | Path | None = None, keep: bool = False):
        self.bindir = Path(bindir) if bindir else None
        self.base_dir = Path(base_dir) if base_dir else None
        self.keep = keep
        self.host = "127.0.0.1"
        self.port: int | None = None
        self.password = secrets.token_hex(16)
        self.started_in: float | None = None
        self._owns_dir = base_dir is None

    # ------------------------------------------------------------------ paths and commands
    @property
    def data_dir(self) -> Path:
        """The cluster's data folder."""
        if self.base_dir is None:
            raise RuntimeError("the server is not started")
        return self.base_dir / "data"

    @property
    def dsn(self) -> str:
        """Admin connection URL (superuser ``postgres``)."""
        if self.port is None:
            raise RuntimeError("the server is not started")
        return f"postgresql://postgres:{self.password}@{self.host}:{self.port}/postgres"

    @property
    def pid(self) -> int | None:
        """The postmaster's pid, read from ``postmaster.pid``; None when it is not running."""
        try:
            first = (self.data_dir / "postmaster.pid").read_text().splitlines()[0]
            return int(first)
        except (OSError, IndexError, ValueError, RuntimeError):
            return None

    def _as_service_user(self, argv: list[str]) -> list[str]:
        return ["runuser", "-u", _SERVICE_USER, "--", *argv] if os.geteuid() == 0 else argv

    def _run(self, argv: list[str], timeout: float = 60) -> None:
        done = subprocess.run(
            self._as_service_user(argv), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=timeout
        )
        if done.returncode != 0:
            raise RuntimeError(f"{Path(argv[0]).name} failed (exit {done.returncode}): {done.stdout.strip()[-800:]}")

    # ------------------------------------------------------------------ lifecycle
    def start(self) -> LocalPostgres:
        """``initdb`` then ``pg_ctl start``; returns once the server accepts connections."""
        reason = unavailable_reason() if self.bindir is None else None
        if reason:
            raise PostgresUnavailable(reason)
        bindir = self.bindir or find_bindir()
        assert bindir is not None
        began = time.monotonic()
        if self.base_dir is None:
            self.base_dir = Path(tempfile.mkdtemp(prefix="vercel-pg-"))
        self.base_dir.mkdir(parents=True, exist_ok=True)
        if os.geteuid() == 0:
            entry = pwd.getpwnam(_SERVICE_USER)
            os.chown(self.base_dir, entry.pw_uid, entry.pw_gid)
        os.chmod(self.base_dir, 0o700)
        pwfile = self.base_dir / "pwfile"
        pwfile.write_text(self.password + "\n")
        os.chmod(pwfile, 0o600)
        if os.geteuid() == 0:
            os.chown(pwfile, entry.pw_uid, entry.pw_gid)
        try:
            self._run(
                [
                    str(bindir / "initdb"),
                    "-D", str(self.data_dir),
                    "-U", "postgres",
                    "--pwfile", str(pwfile),
                    "--auth-local=trust",  # the socket sits in this private folder only
                    "--auth-host=scram-sha-256",
                    "-E", "UTF8",
                    "--locale=C",
                    "--no-sync",
                    "--no-instructions",
                ]
            )
        finally:
            pwfile.unlink(missing_ok=True)
        last_error: Exception | None = None
        for _ in range(3):  # a free port can be taken between the check and the bind
            self.port = _free_port()
            settings = {**_SETTINGS, "port": str(self.port), "unix_socket_directories": f"'{self.base_dir}'"}
            with (self.data_dir / "postgresql.auto.conf").open("w") as conf:
                conf.writelines(f"{key} = {value}\n" for key, value in settings.items())
            try:
                self._run(
                    [str(bindir / "pg_ctl"), "-D", str(self.data_dir), "-l", str(self.base_dir / "server.log"),
                     "-w", "-t", "30", "start"]
                )
                break
            except RuntimeError as exc:
                last_error = exc
        else:
            self.stop()
            raise RuntimeError(f"PostgreSQL did not start: {last_error}; see {self.base_dir / 'server.log'}")
        self._bindir = bindir
        self.started_in = time.monotonic() - began
        return self

    def stop(self) -> None:
        """Stop the server (``pg_ctl stop``, then its pid if it lingers) and remove an owned folder."""
        pid = self.pid if self.base_dir is not None else None
        if pid is not None:
            bindir: Path | None = getattr(self, "_bindir", None) or self.bindir or find_bindir()
            if bindir is not None:
                with contextlib.suppress(Exception):
                    argv = [str(bindir / "pg_ctl"), "-D", str(self.data_dir), "-m", "fast", "-w", "-t", "20", "stop"]
                    self._run(argv)
            _kill(pid)
        if self.base_dir is not None and self._owns_dir:
            shutil.rmtree(self.base_dir, ignore_errors=True)
        elif self.base_dir is not None and not self.keep:
            shutil.rmtree(self.data_dir, ignore_errors=True)

    def __enter__(self) -> LocalPostgres:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if not self.keep:
            self.stop()

    def __repr__(self) -> str:
        where = f"{self.host}:{self.port}" if self.port else "not started"
        return f"<LocalPostgres {where}>"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _kill(pid: int, grace: float = 5.0) -> None:
    """Make sure the postmaster ``pid`` is gone: SIGQUIT (immediate shutdown) after a grace period."""
    deadline = time.monotonic() + grace
    while _alive(pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    for sig in (signal.SIGQUIT, signal.SIGKILL):
        if not _alive(pid):
            return
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, sig)
        time.sleep(0.5)


def main(argv: Sequence[str] | None = None) -> int:
    """``start --dir D`` prints ``VERCEL_TEST_POSTGRES_DSN=<dsn>``; ``stop --dir D`` stops it.

    argv: arguments without the program name; None reads ``sys.argv``.
    """
    parser = argparse.ArgumentParser(prog="python -m airflow_provider_vercel.emulator.pgserver")
    parser.add_argument("action", choices=("start", "stop", "check"))
    parser.add_argument("--dir", help="folder of the server (start: created; stop: the one start used)")
    args = parser.parse_args(argv)
    if args.action == "check":
        reason = unavailable_reason()
        print(reason or f"ok: {find_bindir()}")
        return 0 if reason is None else 1
    if not args.dir:
        parser.error("--dir is required")
    server = LocalPostgres(base_dir=args.dir, keep=True)
    if args.action == "stop":
        server._owns_dir = True  # remove it once stopped
        server.stop()
        return 0
    try:
        server.start()
    except (PostgresUnavailable, RuntimeError, OSError, subprocess.SubprocessError) as exc:
        print(f"cannot start PostgreSQL: {exc}", file=sys.stderr)
        return 1
    print(f"VERCEL_TEST_POSTGRES_DSN={server.dsn}")
    print(f"PostgreSQL on {server.host}:{server.port} (pid {server.pid}), started in {server.started_in:.1f}s",
          file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
