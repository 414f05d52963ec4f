"""Run the emulator in the foreground: ``python -m airflow_provider_vercel.emulator --port 8765``.

Prints one line with the URL and the seed's tokens, then serves until SIGINT or SIGTERM.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import threading
from collections.abc import Sequence

from .limits import DEFAULT_MAX_BODY_BYTES
from .requestlog import DEFAULT_LOG_SIZE
from .state import DEFAULT_READY_DELAY


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m airflow_provider_vercel.emulator", description="Local emulator of the Vercel REST API."
    )
    parser.add_argument("--host", default="127.0.0.1", help="interface to bind (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8765, help="TCP port; 0 picks a free one (default 8765)")
    parser.add_argument("--seed", default=None, help="seed JSON file (default: the packaged seed.json)")
    parser.add_argument(
        "--ready-delay",
        type=float,
        default=DEFAULT_READY_DELAY,
        help=f"seconds a new store stays 'initializing' (default {DEFAULT_READY_DELAY})",
    )
    parser.add_argument("--log-level", default="warning", help="uvicorn log level (default warning)")
    parser.add_argument(
        "--request-log-size",
        type=int,
        default=DEFAULT_LOG_SIZE,
        help=f"requests kept in the request log; the oldest drop out (default {DEFAULT_LOG_SIZE})",
    )
    parser.add_argument(
        "--max-body-bytes",
        type=int,
        default=DEFAULT_MAX_BODY_BYTES,
        help=f"largest request body accepted; larger ones get 400 (default {DEFAULT_MAX_BODY_BYTES})",
    )
    parser.add_argument(
        "--postgres-dsn",
        default=os.environ.get("VERCEL_EMULATOR_POSTGRES_DSN") or None,
        help="admin DSN of a PostgreSQL server: Postgres stores get a real database and role there "
        "(default: $VERCEL_EMULATOR_POSTGRES_DSN; without it, placeholder URLs)",
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Parse arguments, serve until a stop signal, return the exit status.

    argv: command-line arguments without the program name; None reads ``sys.argv``.
    """
    args = _parser().parse_args(argv)
    if args.ready_delay < 0:
        print("--ready-delay must be >= 0", file=sys.stderr)
        return 2
    if args.request_log_size < 1 or args.max_body_bytes < 1:
        print("--request-log-size and --max-body-bytes must be >= 1", file=sys.stderr)
        return 2
    # Handlers go in before the server starts, so a signal during startup also stops cleanly.
    stop = threading.Event()
    previous = {signum: signal.signal(signum, lambda *_: stop.set()) for signum in (signal.SIGINT, signal.SIGTERM)}
    try:
        return _serve(args, stop)
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


def _postgres_label(server: object) -> str:
    backend = server.state.backends["postgres"]  # type: ignore[attr-defined]
    return f"{backend.host}:{backend.port}"


def _serve(args: argparse.Namespace, stop: threading.Event) -> int:
    """Start the server, print its line, wait for ``stop``, stop it; return the exit status."""
    from .server import EmulatorServer  # here, not at the top: FastAPI costs ~3 s, and --help needs none of it

    try:
        server = EmulatorServer(
            args.seed,
            ready_delay=args.ready_delay,
            host=args.host,
            port=args.port,
            log_level=args.log_level,
            postgres_dsn=args.postgres_dsn,
            request_log_size=args.request_log_size,
            max_body_bytes=args.max_body_bytes,
        )
        if args.postgres_dsn:
            server.state.backends["postgres"].check()  # type: ignore[attr-defined]  # PostgresServerBackend
        server.start()
    except ImportError as exc:
        print(f"cannot start the Vercel emulator: {exc} (--postgres-dsn needs psycopg: pip install "
              "'airflow-provider-vercel[emulator]')", file=sys.stderr)
        return 1
    except Exception as exc:  # bad seed, port in use, PostgreSQL unreachable: one line, no traceback
        print(f"cannot start the Vercel emulator: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
    print(
        f"Vercel emulator listening on {server.url} team_id={server.team_id} team_slug={server.team_slug} "
        f"admin_token={server.admin_token} member_token={server.member_token} "
        f"nopay_admin_token={server.nopay_admin_token} other_team_token={server.other_team_token} "
        f"postgres={_postgres_label(server) if args.postgres_dsn else 'placeholder'}",
        flush=True,
    )
    try:
        while not stop.wait(0.5):
            if not server.running:
                print("the Vercel emulator stopped unexpectedly", file=sys.stderr)
                return 1
    finally:
        server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
