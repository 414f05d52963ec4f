"""Pieces shared by the multi-process checks: processes started and stopped by pid, ports, polling, checks.

Used by ``tests/integration/airflow_multiprocess_check.py`` (LocalExecutor) and ``tests/integration/distributed.py``
(CeleryExecutor). Standard library only, plus psutil (an Airflow dependency) to find a process's descendants.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


class CheckFailed(Exception):
    """A check did not hold; the message says which."""


def free_port() -> int:
    """A TCP port free on 127.0.0.1 right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def http_json(
    url: str,
    *,
    method: str = "GET",
    body: Any = None,
    headers: dict[str, str] | None = None,
    timeout: float = 5.0,
) -> Any:
    """One JSON request on loopback; returns the decoded answer (None for an empty body).

    :param url: the full URL.
    :param method: the HTTP method.
    :param body: a JSON-able body, or None for none.
    :param headers: extra headers.
    :param timeout: seconds.
    """
    data = None if body is None else json.dumps(body).encode()
    all_headers = dict(headers or {})
    if data is not None:
        all_headers.setdefault("Content-Type", "application/json")
    request = urllib.request.Request(url, data=data, headers=all_headers, method=method)
    with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 (loopback only)
        return json.loads(response.read() or b"null")


def wait_until(what: str, predicate: Any, timeout: float, interval: float = 0.25, on_timeout: Any = None) -> Any:
    """Call ``predicate`` until it returns something true; raise ``CheckFailed`` after ``timeout`` seconds.

    Other exceptions count as "not yet" (a server still starting); ``CheckFailed`` goes through.

    :param what: what is awaited, for the message.
    :param predicate: the callable.
    :param timeout: seconds.
    :param interval: seconds between calls.
    :param on_timeout: callable returning extra text for the message (a log tail).
    """
    deadline = time.monotonic() + timeout
    while True:
        try:
            value = predicate()
        except CheckFailed:
            raise
        except Exception:  # not up yet
            value = None
        if value:
            return value
        if time.monotonic() > deadline:
            detail = on_timeout() if on_timeout else ""
            raise CheckFailed(f"timed out after {timeout:.0f}s waiting for {what}{detail}")
        time.sleep(interval)


def tail(path: Path, lines: int = 40) -> str:
    """The last ``lines`` lines of a log file."""
    try:
        text = path.read_text(errors="replace").splitlines()
    except OSError:
        return "(no log)"
    return "\n".join(text[-lines:])



def local_airflow_env(home: Path, api_port: int, executor: str, min_file_process_interval: int) -> dict[str, str]:
    """What every process of a throwaway Airflow on loopback shares: the caller's environment without its
    ``AIRFLOW*`` variables, one home and DAGs folder, one api-server, and quick turnarounds.

    :param home: ``AIRFLOW_HOME``; DAGs are read from its ``dags`` folder.
    :param api_port: the api-server's loopback port.
    :param executor: ``[core] executor``.
    :param min_file_process_interval: seconds between re-parses of an unchanged DAG file.
    """
    env = {key: value for key, value in os.environ.items() if not key.startswith("AIRFLOW")}
    env.update(
        {
            "AIRFLOW_HOME": str(home),
            "AIRFLOW__CORE__DAGS_FOLDER": str(home / "dags"),
            "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
            "AIRFLOW__CORE__EXECUTOR": executor,
            "AIRFLOW__CORE__DAGS_ARE_PAUSED_AT_CREATION": "False",
            # One secret for every process: the api-server signs the workers' Execution API tokens.
            "AIRFLOW__API_AUTH__JWT_SECRET": os.urandom(24).hex(),
            "AIRFLOW__API__HOST": "127.0.0.1",
            "AIRFLOW__API__PORT": str(api_port),
            "AIRFLOW__API__BASE_URL": f"http://127.0.0.1:{api_port}",
            "AIRFLOW__CORE__EXECUTION_API_SERVER_URL": f"http://127.0.0.1:{api_port}/execution/",
            "AIRFLOW__API__WORKERS": "1",
            # Quick turnarounds, so a run is not dominated by heartbeats and parse intervals.
            "AIRFLOW__SCHEDULER__SCHEDULER_HEARTBEAT_SEC": "1",
            "AIRFLOW__SCHEDULER__JOB_HEARTBEAT_SEC": "1",
            "AIRFLOW__SCHEDULER__SCHEDULER_IDLE_SLEEP_TIME": "0.2",
            "AIRFLOW__TRIGGERER__JOB_HEARTBEAT_SEC": "1",
            "AIRFLOW__DAG_PROCESSOR__REFRESH_INTERVAL": "2",
            "AIRFLOW__DAG_PROCESSOR__MIN_FILE_PROCESS_INTERVAL": str(min_file_process_interval),
            "AIRFLOW__DAG_PROCESSOR__BUNDLE_REFRESH_CHECK_INTERVAL": "1",
            "AIRFLOW__DAG_PROCESSOR__PARSING_PROCESSES": "1",
            "AIRFLOW__LOGGING__LOGGING_LEVEL": "INFO",
            "PYTHONUNBUFFERED": "1",
        }
    )
    return env


def check(condition: bool, message: str, failures: list[str]) -> bool:
    """Print ``[ok]`` or ``[FAIL]`` with the message; remember a failure. Returns the condition."""
    print(f"  [{'ok' if condition else 'FAIL'}] {message}")
    if not condition:
        failures.append(message)
    return condition


@dataclass
class Started:
    """One process started by ``Processes``."""

    name: str
    process: subprocess.Popen[bytes]
    log: Path
    started_at: float
    argv: list[str] = field(default_factory=list)
    env: dict[str, str] | None = None


@dataclass
class Processes:
    """Processes started by a check; each leads its own process group, and is stopped by pid."""

    env: dict[str, str]
    logs: Path
    started: list[Started] = field(default_factory=list)

    def start(self, name: str, argv: list[str], env: dict[str, str] | None = None) -> Started:
        """Start ``argv`` in a new session, its output in ``<logs>/<name>.log`` (appended).

        :param name: a label, unique among running processes.
        :param argv: the command.
        :param env: its environment; default ``self.env``.
        """
        log = self.logs / f"{name}.log"
        handle = log.open("ab")
        process = subprocess.Popen(
            argv,
            env=env or self.env,
            stdout=handle,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
        handle.close()
        entry = Started(name, process, log, time.monotonic(), list(argv), env)
        self.started.append(entry)
        print(f"  started {name:<13} pid {process.pid}")
        return entry

    def get(self, name: str) -> Started:
        """The running entry called ``name``."""
        for entry in self.started:
            if entry.name == name:
                return entry
        raise KeyError(name)

    def assert_alive(self) -> None:
        """Raise ``CheckFailed`` when a started process has exited."""
        for entry in self.started:
            code = entry.process.poll()
            if code is not None:
                raise CheckFailed(f"{entry.name} (pid {entry.process.pid}) exited with {code}:\n{tail(entry.log)}")

    def kill(self, name: str, sig: int = signal.SIGKILL, grace: float = 30.0) -> Started:
        """Send ``sig`` to a process and every descendant (a crashed machine); wait for them; forget it.

        With SIGKILL the whole tree dies at once (descendants first, so none reacts to its parent's
        death). With another signal only the leader gets it, as a supervisor would send it, and what is
        left after ``grace`` seconds is killed.

        :param name: the entry to end.
        :param sig: the signal.
        :param grace: seconds to wait for a non-SIGKILL signal to be obeyed.
        """
        import psutil  # an Airflow dependency

        entry = self.get(name)
        try:
            tree = psutil.Process(entry.process.pid).children(recursive=True)
        except psutil.Error:
            tree = []
        if sig == signal.SIGKILL:
            for child in reversed(tree):
                with contextlib.suppress(psutil.Error):
                    child.kill()
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.kill(entry.process.pid, sig)
        try:
            entry.process.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            print(f"  {entry.name} (pid {entry.process.pid}) ignored signal {sig}; killing it")
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(entry.process.pid, signal.SIGKILL)
        for child in tree:  # psutil checks the start time, so a reused pid is never hit
            with contextlib.suppress(psutil.Error):
                child.kill()
        with contextlib.suppress(subprocess.TimeoutExpired):
            entry.process.wait(timeout=5)
        psutil.wait_procs(tree, timeout=5)
        self.started.remove(entry)
        return entry

    def restart(self, entry: Started) -> Started:
        """Start again what ``entry`` ran (same name, command and environment)."""
        return self.start(entry.name, entry.argv, entry.env)

    def stop_all(self, grace: float = 30.0) -> None:
        """SIGTERM each process we started, wait, then SIGKILL its process group and what is left, by pid.

        Descendants are recorded first: a task process may sit in a process group of its own.
        """
        import psutil  # an Airflow dependency

        descendants: list[psutil.Process] = []
        for entry in self.started:
            with contextlib.suppress(psutil.Error):
                descendants.extend(psutil.Process(entry.process.pid).children(recursive=True))
        # SIGTERM to each leader only: it shuts its own workers down (the scheduler waits for its
        # executor's processes, which must not be killed under it).
        for entry in reversed(self.started):
            if entry.process.poll() is None:
                with contextlib.suppress(ProcessLookupError, PermissionError):
                    os.kill(entry.process.pid, signal.SIGTERM)
        deadline = time.monotonic() + grace
        for entry in reversed(self.started):
            remaining = max(0.1, deadline - time.monotonic())
            try:
                entry.process.wait(timeout=remaining)
            except subprocess.TimeoutExpired:
                print(f"  {entry.name} (pid {entry.process.pid}) ignored SIGTERM; killing its process group")
            # The group may outlive its leader (executor workers, uvicorn workers): make sure it is gone.
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(entry.process.pid, signal.SIGKILL)
            with contextlib.suppress(subprocess.TimeoutExpired):
                entry.process.wait(timeout=5)
            print(f"  stopped {entry.name:<13} pid {entry.process.pid} (exit {entry.process.returncode})")
        for child in descendants:  # psutil checks the start time, so a reused pid is never hit
            with contextlib.suppress(psutil.Error):
                if child.is_running() and child.status() != psutil.STATUS_ZOMBIE:
                    print(f"  killing leftover pid {child.pid} ({child.name()})")
                    child.kill()
        self.started.clear()
