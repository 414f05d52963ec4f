"""Shared plumbing of the benchmarks: result rows, tables, statistics, and the emulator in its own process.

Every benchmark module builds a ``Result`` (table rows plus detail lines) and can run alone
(``python benchmarks/bench_calls.py``); ``benchmarks/run.py`` runs them in turn and prints one table.
Benchmarks talk only to 127.0.0.1, stop every process they start, and bound their counts and time.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import re
import select
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
BENCH_DIR = ROOT / "benchmarks"
LOOPBACK = "127.0.0.1"

# Loopback must never go through a proxy, whatever the environment says.
os.environ.setdefault("NO_PROXY", LOOPBACK)
os.environ.setdefault("no_proxy", LOOPBACK)


# --------------------------------------------------------------------------------------- results


@dataclass
class Row:
    """One line of the table.

    :param figure: what is measured.
    :param ours: our value, formatted.
    :param baseline: the value we compare with, formatted.
    :param ratio: ours / baseline, when that is the figure of merit.
    :param target: the bar, in words (``<= 1.15x``).
    :param met: True / False against the target, None when the row only reports.
    """

    figure: str
    ours: str
    baseline: str
    ratio: float | None
    target: str
    met: bool | None

    @property
    def verdict(self) -> str:
        return {True: "yes", False: "NO", None: "-"}[self.met]

    def cells(self) -> list[str]:
        if self.ratio is None:
            ratio = "-"
        else:  # three decimals below 10x, so 1.103x never reads as a met "<= 1.1x"
            ratio = f"{self.ratio:.3f}x" if self.ratio < 10 else f"{self.ratio:.1f}x"
        return [self.figure, self.ours, self.baseline, ratio, self.target, self.verdict]


HEADERS = ["figure", "ours", "baseline", "ratio", "target", "met?"]


@dataclass
class Result:
    """What one benchmark hands back: rows for the table, free-form detail lines, raw numbers."""

    name: str
    title: str
    rows: list[Row] = field(default_factory=list)
    details: list[str] = field(default_factory=list)
    data: dict[str, Any] = field(default_factory=dict)
    seconds: float = 0.0
    error: str | None = None

    def to_json(self) -> dict[str, Any]:
        out = asdict(self)
        out["rows"] = [asdict(r) for r in self.rows]
        return out

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Result:
        rows = [Row(**r) for r in data.pop("rows", [])]
        return cls(rows=rows, **data)


def ratio_row(figure: str, ours: float, base: float, unit: str, op: str, bound: float, *, fmt: str = "{:.3g}") -> Row:
    """A row whose figure of merit is ``ours / base`` compared with ``bound`` (``op`` is ``<=`` or ``<``)."""
    ratio = ours / base if base else math.inf
    met = ratio <= bound if op == "<=" else ratio < bound
    return Row(figure, fmt.format(ours) + unit, fmt.format(base) + unit, ratio, f"{op} {bound:g}x", met)


def text_table(rows: Sequence[Row]) -> str:
    cells = [HEADERS, *[r.cells() for r in rows]]
    widths = [max(len(c[i]) for c in cells) for i in range(len(HEADERS))]
    lines = []
    for n, row in enumerate(cells):
        lines.append("  ".join(c.ljust(w) for c, w in zip(row, widths)).rstrip())
        if n == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


def markdown_table(rows: Sequence[Row]) -> str:
    def esc(text: str) -> str:
        return text.replace("|", "\\|")

    lines = ["| " + " | ".join(HEADERS) + " |", "|" + "---|" * len(HEADERS)]
    lines += ["| " + " | ".join(esc(c) for c in r.cells()) + " |" for r in rows]
    return "\n".join(lines)


def print_result(result: Result) -> None:
    print(f"\n== {result.title} ({result.seconds:.1f} s)")
    if result.error:
        print(f"!! {result.error}")
    if result.rows:
        print(text_table(result.rows))
    for line in result.details:
        print(f"  {line}")
    sys.stdout.flush()


# ------------------------------------------------------------------------------------ statistics


def median(values: Sequence[float]) -> float:
    return statistics.median(values)


def percentile(values: Sequence[float], pct: float) -> float:
    """Nearest-rank percentile (p99 of 1000 samples is the 990th smallest)."""
    ordered = sorted(values)
    rank = max(1, math.ceil(pct / 100 * len(ordered)))
    return ordered[rank - 1]


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.3g} ms" if seconds < 1 else f"{seconds:.2f} s"


def us(seconds: float) -> str:
    return f"{seconds * 1e6:.0f} us"


# --------------------------------------------------------------------------------- bounded time


class Deadline:
    """A time budget; ``expired`` says when a loop must stop (benchmarks are bounded in time)."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.end = time.monotonic() + seconds

    @property
    def expired(self) -> bool:
        return time.monotonic() > self.end

    def left(self) -> float:
        return max(0.0, self.end - time.monotonic())


def rss_mb() -> float:
    """Current resident set size of this process, in MiB (Linux)."""
    with open("/proc/self/statm") as fh:
        pages = int(fh.read().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20


def peak_rss_mb() -> float:
    """Peak resident set size of this process so far, in MiB (Linux: ru_maxrss is KiB)."""
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# ------------------------------------------------------------------------------------- emulator


_URL_LINE = re.compile(r"listening on (http://\S+)")


class Emulator:
    """The project's emulator in a separate process (``python -m airflow_provider_vercel.emulator``).

    Its CPU then does not share the GIL with the client being measured. Driven over its
    ``/_emulator/`` control endpoints (faults, settings, request log, reset). Stopped with SIGTERM
    (then SIGKILL) on exit; only this process is ever signalled.
    """

    def __init__(self, ready_delay: float = 0.0) -> None:
        self.ready_delay = ready_delay
        self.proc: subprocess.Popen[str] | None = None
        self.url = ""
        self.info: dict[str, Any] = {}
        self._control: Any = None
        self._stderr = tempfile.TemporaryFile(mode="w+")

    def start(self, timeout: float = 60.0) -> Emulator:
        cmd = [
            sys.executable,
            "-m",
            "airflow_provider_vercel.emulator",
            "--host",
            LOOPBACK,
            "--port",
            "0",
            "--ready-delay",
            str(self.ready_delay),
            # Benchmarks count every request (get-or-create at N=1000 sends 2000): keep them all.
            "--request-log-size",
            "100000",
        ]
        self.proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=self._stderr, text=True, cwd=ROOT)
        assert self.proc.stdout is not None
        deadline = time.monotonic() + timeout
        line = ""
        while time.monotonic() < deadline:
            ready, _, _ = select.select([self.proc.stdout], [], [], 0.5)
            if ready:
                line = self.proc.stdout.readline()
                break
            if self.proc.poll() is not None:
                break
        found = _URL_LINE.search(line)
        if not found:
            self.stop()
            self._stderr.seek(0)
            raise RuntimeError(f"emulator did not start: {line!r} {self._stderr.read()[-2000:]}")
        self.url = found.group(1)
        if not self.url.startswith(f"http://{LOOPBACK}:"):
            self.stop()
            raise RuntimeError(f"emulator is not on loopback: {self.url}")
        import httpx

        self._control = httpx.Client(base_url=self.url, timeout=30.0)
        self.info = self._control.get("/_emulator/info").raise_for_status().json()
        return self

    # --- control endpoints (not logged, never faulted) -----------------------------------------

    def _call(self, method: str, path: str, body: Any = None) -> Any:
        response = self._control.request(method, f"/_emulator/{path}", json=body)
        response.raise_for_status()
        return response.json()

    def reset(self) -> None:
        """Seed state back, no faults, empty request log (the latency setting is cleared too)."""
        self._call("POST", "reset")

    def settings(self, **values: Any) -> dict[str, Any]:
        return self._call("POST", "settings", values)  # type: ignore[no-any-return]

    def add_faults(self, *specs: dict[str, Any]) -> Any:
        return self._call("POST", "faults", list(specs))

    def clear_faults(self) -> None:
        self._call("DELETE", "faults")

    def requests(self) -> list[dict[str, Any]]:
        return self._call("GET", "requests")["requests"]  # type: ignore[no-any-return]

    def clear_requests(self) -> None:
        self._call("DELETE", "requests")

    # --- seed facts ----------------------------------------------------------------------------

    @property
    def port(self) -> int:
        return int(self.url.rsplit(":", 1)[1])

    @property
    def token(self) -> str:
        return str(self.info["tokens"]["admin"])

    @property
    def team_id(self) -> str:
        return str(self.info["team_id"])

    def configuration_id(self, integration: str = "neon") -> str:
        return str(self.info["configurations"][integration])

    def vercel_connection(self, url: str | None = None) -> str:
        """``AIRFLOW_CONN_…`` JSON of the documented ``vercel`` connection (base URL, token, team)."""
        return json.dumps(
            {"conn_type": "vercel", "host": url or self.url, "password": self.token, "extra": {"team_id": self.team_id}}
        )

    def http_connection(self, port: int | None = None) -> str:
        """``AIRFLOW_CONN_…`` JSON of an ``http`` connection for HttpHook, the bearer header in extras."""
        return json.dumps(
            {
                "conn_type": "http",
                "host": LOOPBACK,
                "port": port or self.port,
                "schema": "http",
                "extra": {"Authorization": f"Bearer {self.token}", "Accept": "application/json"},
            }
        )

    # --- lifecycle -------------------------------------------------------------------------------

    def stop(self) -> None:
        if self._control is not None:
            self._control.close()
            self._control = None
        proc, self.proc = self.proc, None
        if proc is None:
            return
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(5)
        if proc.stdout is not None:
            proc.stdout.close()
        self._stderr.close()

    def __enter__(self) -> Emulator:
        return self.start()

    def __exit__(self, *exc: Any) -> None:
        self.stop()


@contextmanager
def env(**values: str) -> Iterator[None]:
    """Set environment variables for the block, then restore them."""
    old = {k: os.environ.get(k) for k in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for key, value in old.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def quiet_airflow_logs() -> None:
    """Keep Airflow's and httpx's INFO lines out of the benchmark output."""
    import logging

    for name in ("airflow", "httpx", "httpcore", "airflow_provider_vercel", "airflow.task", "py.warnings"):
        logging.getLogger(name).setLevel(logging.ERROR)
    import warnings

    warnings.filterwarnings("ignore")


# ------------------------------------------------------------------------------ runnable alone


def bench_main(
    name: str,
    title: str,
    body: Callable[[argparse.Namespace, Result], None],
    extra_args: Callable[[argparse.ArgumentParser], None] | None = None,
) -> Result:
    """Parse the common flags, run ``body`` (which fills a Result), print it, write JSON if asked."""
    parser = argparse.ArgumentParser(description=title)
    parser.add_argument("--quick", action="store_true", help="smaller counts (a smoke run, not for the README)")
    parser.add_argument("--json", help="write the result as JSON to this file (used by run.py)")
    if extra_args is not None:
        extra_args(parser)
    args = parser.parse_args()
    result = Result(name, title)
    started = time.monotonic()
    try:
        body(args, result)
    except Exception as exc:  # a broken benchmark shows as such in the table, it does not hide the others
        import traceback

        result.error = f"{type(exc).__name__}: {exc}"
        result.details.append(traceback.format_exc())
    result.seconds = time.monotonic() - started
    print_result(result)
    if args.json:
        Path(args.json).write_text(json.dumps(result.to_json(), indent=1))
    return result


# ------------------------------------------------------------------------- TCP counting proxy


class CountingProxy:
    """A loopback TCP relay in front of the emulator that counts the connections clients open.

    Clients are pointed at ``proxy.url``; every accepted connection is relayed byte for byte to the
    upstream port, so the count is what a client really did on the wire (not what it says it did).
    """

    def __init__(self, upstream_port: int) -> None:
        import socket
        import threading

        self.upstream = (LOOPBACK, upstream_port)
        self.accepted = 0
        self._lock = threading.Lock()
        self._sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._sock.bind((LOOPBACK, 0))
        self._sock.listen(64)
        self._sock.settimeout(0.2)
        self.port = self._sock.getsockname()[1]
        self.url = f"http://{LOOPBACK}:{self.port}"
        self._stop = threading.Event()
        self._threads: list[Any] = []
        self._open: list[Any] = []
        self._acceptor = threading.Thread(target=self._accept_loop, name="counting-proxy", daemon=True)
        self._acceptor.start()

    def _accept_loop(self) -> None:
        import socket
        import threading

        while not self._stop.is_set():
            try:
                client, _ = self._sock.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            with self._lock:
                self.accepted += 1
            upstream = socket.create_connection(self.upstream)
            for s in (client, upstream):
                s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            self._open += [client, upstream]
            for src, dst in ((client, upstream), (upstream, client)):
                t = threading.Thread(target=self._pump, args=(src, dst), daemon=True)
                t.start()
                self._threads.append(t)

    @staticmethod
    def _pump(src: Any, dst: Any) -> None:
        import socket

        try:
            while data := src.recv(65536):
                dst.sendall(data)
        except OSError:
            pass
        finally:
            for s in (src, dst):
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

    def reset_count(self) -> None:
        with self._lock:
            self.accepted = 0

    def close(self) -> None:
        self._stop.set()
        self._acceptor.join(2)
        self._sock.close()
        for s in self._open:
            try:
                s.close()
            except OSError:
                pass
        for t in self._threads:
            t.join(1)

    def __enter__(self) -> CountingProxy:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()
