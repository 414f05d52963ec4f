#!/usr/bin/env python
"""Run ``vercel_pr_database`` through Airflow's own processes against the emulator, and check it.

What ``dag.test()`` cannot show: the DAG parsed by a real dag-processor, scheduled by a real scheduler
(LocalExecutor, each task in its own supervised process talking to the api-server's Execution API),
and the sensor's wait handed to a separate ``airflow triggerer`` process that has to import
``VercelStoreStatusTrigger`` from its classpath and read the connection itself.

Everything runs on loopback in a throwaway ``AIRFLOW_HOME`` (SQLite), with one shared JWT secret:

    emulator (python -m airflow_provider_vercel.emulator)   api-server   scheduler   dag-processor   triggerer

plus a throwaway PostgreSQL server (``LocalPostgres``; the installed PostgreSQL binaries are required)
behind the emulator's Neon stores, because ``run_checks`` loads rows into the store's real database.

Steps: start PostgreSQL and the emulator (stores stay ``initializing`` for ``--ready-delay`` seconds, so the sensor's
first check cannot succeed and it must defer), ``airflow db migrate``, start the four Airflow
components, wait for the DAG to be parsed, trigger a run (``airflow dags trigger``), watch the task
instance states in the metadata DB, then check:

1. the run succeeded and every task succeeded;
2. ``wait_for_store`` went through ``deferred`` and the triggerer ran the trigger (its log names the
   trigger class, and the task log has the trigger's status lines);
3. the emulator holds no store afterwards, and saw exactly one store created and deleted;
4. with ``--failure-run`` (the default), a second run with ``simulate_failure`` fails in
   ``run_checks`` and its teardown still deletes the store.

Every process started here is stopped by pid (its own process group), also on failure or Ctrl-C.
Prints a timeline and timings; exits 0 when all checks pass.

    .venv/bin/python tests/integration/airflow_multiprocess_check.py [--keep-home] [--no-failure-run]
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))  # run as a file: import the shared harness as tests.integration

from tests.integration.processes import (  # noqa: E402
    CheckFailed,
    Processes,
    check,
    free_port,
    http_json,
    local_airflow_env,
    tail,
    wait_until,
)

DAG_FILE = REPO / "example_dags" / "vercel_pr_database.py"
DAG_ID = "vercel_pr_database"
TRIGGER_CLASS = "VercelStoreStatusTrigger"
FINISHED = {"success", "failed"}


class MetadataDB:
    """Read-only looks at the SQLite metadata DB (faster than a CLI call per poll)."""

    def __init__(self, path: Path) -> None:
        self.path = path

    @contextlib.contextmanager
    def connect(self) -> Iterator[sqlite3.Connection]:
        conn = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True, timeout=5)
        try:
            yield conn
        finally:
            conn.close()

    def dag_parsed(self) -> bool:
        with self.connect() as conn:
            return conn.execute("SELECT 1 FROM dag WHERE dag_id = ?", (DAG_ID,)).fetchone() is not None

    def import_errors(self) -> list[str]:
        with self.connect() as conn:
            with contextlib.suppress(sqlite3.Error):
                return [row[0] for row in conn.execute("SELECT stacktrace FROM import_error")]
        return []

    def run_state(self, run_id: str) -> str | None:
        with self.connect() as conn:
            row = conn.execute("SELECT state FROM dag_run WHERE dag_id = ? AND run_id = ?", (DAG_ID, run_id)).fetchone()
            return row[0] if row else None

    def task_states(self, run_id: str) -> dict[str, str | None]:
        with self.connect() as conn:
            rows = conn.execute(
                "SELECT task_id, state FROM task_instance WHERE dag_id = ? AND run_id = ?", (DAG_ID, run_id)
            )
            return dict(rows.fetchall())

    def task_times(self, run_id: str) -> dict[str, tuple[str | None, str | None]]:
        with self.connect() as conn:
            rows = conn.execute(
                "SELECT task_id, start_date, end_date FROM task_instance WHERE dag_id = ? AND run_id = ?",
                (DAG_ID, run_id),
            )
            return {task: (start, end) for task, start, end in rows.fetchall()}

    def job_types(self, job_ids: list[int]) -> list[str]:
        with self.connect() as conn:
            return [
                row[0]
                for job_id in job_ids
                for row in conn.execute("SELECT job_type FROM job WHERE id = ?", (job_id,)).fetchall()
            ]

    def xcom(self, run_id: str, task_id: str, key: str = "return_value") -> Any:
        with self.connect() as conn:
            row = conn.execute(
                "SELECT value FROM xcom WHERE dag_id = ? AND run_id = ? AND task_id = ? AND key = ?",
                (DAG_ID, run_id, task_id, key),
            ).fetchone()
        if row is None:
            return None
        value = row[0]
        with contextlib.suppress(TypeError, ValueError):
            value = json.loads(value)
        return value


def seconds_between(start: str | None, end: str | None) -> float | None:
    from datetime import datetime

    if not start or not end:
        return None
    parse = datetime.fromisoformat
    return (parse(end) - parse(start)).total_seconds()


def airflow_env(home: Path, api_port: int, connection: str) -> dict[str, str]:
    env = local_airflow_env(home, api_port, "LocalExecutor", min_file_process_interval=5)
    env.update(
        {
            "AIRFLOW__CORE__PARALLELISM": "8",
            "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": f"sqlite:///{home / 'airflow.db'}",
            "AIRFLOW_CONN_VERCEL_DEFAULT": connection,
            # The DAG's SQL task reaches the store's database by conn id through this backend.
            "AIRFLOW__SECRETS__BACKEND": "airflow_provider_vercel.secrets.store_connections.VercelStoreSecretsBackend",
            "AIRFLOW__SECRETS__BACKEND_KWARGS": json.dumps({"vercel_conn_id": "vercel_default"}),
        }
    )
    return env


@dataclass
class RunResult:
    run_id: str
    state: str
    seconds: float
    timeline: list[tuple[float, str, str]]
    task_states: dict[str, str | None]


def trigger_and_watch(db: MetadataDB, procs: Processes, airflow: list[str], conf: dict[str, Any], timeout: float) -> RunResult:
    run_id = f"mp_check_{conf.get('pr_number')}_{int(time.time())}"
    started = time.monotonic()
    done = subprocess.run(
        [*airflow, "dags", "trigger", DAG_ID, "--run-id", run_id, "--conf", json.dumps(conf)],
        env=procs.env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    if done.returncode != 0:
        raise CheckFailed(f"airflow dags trigger failed ({done.returncode}):\n{done.stdout[-2000:]}{done.stderr[-2000:]}")
    print(f"  triggered run {run_id} with conf {conf} ({time.monotonic() - started:.1f}s for the CLI)")
    seen: dict[str, str | None] = {}
    timeline: list[tuple[float, str, str]] = []
    state = None
    while True:
        procs.assert_alive()
        with contextlib.suppress(sqlite3.Error):
            state = db.run_state(run_id)
            for task, task_state in sorted(db.task_states(run_id).items()):
                if seen.get(task, "<new>") != task_state:
                    seen[task] = task_state
                    at = time.monotonic() - started
                    timeline.append((at, task, str(task_state)))
                    print(f"    t+{at:6.2f}s  {task:<24} {task_state}")
        if state in FINISHED:
            break
        if time.monotonic() - started > timeout:
            raise CheckFailed(f"run {run_id} not finished after {timeout:.0f}s (state {state}, tasks {seen})")
        time.sleep(0.2)
    return RunResult(run_id, str(state), time.monotonic() - started, timeline, seen)


def went_through(result: RunResult, task: str, state: str) -> bool:
    return any(t == task and s == state for _, t, s in result.timeline)


def task_logs(home: Path, run_id: str, task_id: str) -> tuple[str, str, list[int]]:
    """The task's own log, the log a triggerer wrote for its trigger, and those triggerers' job ids.

    A triggerer writes a deferred task's trigger log beside the task log, as
    ``attempt=N.log.trigger.<triggerer job id>.log``.
    """
    base = home / "logs" / f"dag_id={DAG_ID}" / f"run_id={run_id}" / f"task_id={task_id}"
    if not base.exists():
        return "", "", []
    own = [p for p in sorted(base.glob("attempt=*.log")) if ".trigger." not in p.name]
    trigger = sorted(base.glob("attempt=*.log.trigger.*.log"))
    job_ids = [int(p.name.rsplit(".", 2)[-2]) for p in trigger if p.name.rsplit(".", 2)[-2].isdigit()]
    read = lambda paths: "\n".join(p.read_text(errors="replace") for p in paths)  # noqa: E731
    return read(own), read(trigger), job_ids


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ready-delay", type=float, default=12.0, help="seconds a new store stays initializing (default 12)")
    parser.add_argument("--run-timeout", type=float, default=240.0, help="seconds allowed per DAG run (default 240)")
    parser.add_argument("--no-failure-run", action="store_true", help="skip the run where a middle task fails")
    parser.add_argument("--keep-home", action="store_true", help="keep the throwaway AIRFLOW_HOME (logs, DB)")
    args = parser.parse_args(argv)

    t0 = time.monotonic()
    timings: dict[str, float] = {}
    home = Path(tempfile.mkdtemp(prefix="apv-multiprocess-"))
    (home / "dags").mkdir()
    (home / "proc-logs").mkdir()
    shutil.copy(DAG_FILE, home / "dags" / DAG_FILE.name)
    python = sys.executable
    airflow = [python, "-m", "airflow"]
    api_port, emulator_port = free_port(), free_port()
    print(f"AIRFLOW_HOME={home}  api-server :{api_port}  emulator :{emulator_port}")

    procs = Processes(env=dict(os.environ, PYTHONUNBUFFERED="1"), logs=home / "proc-logs")
    failures: list[str] = []

    def on_signal(signum: int, _frame: Any) -> None:
        raise KeyboardInterrupt(f"signal {signum}")

    signal.signal(signal.SIGTERM, on_signal)
    postgres = None
    try:
        # 0. a throwaway PostgreSQL: run_checks loads rows into the store's real database
        from airflow_provider_vercel.emulator.pgserver import LocalPostgres, unavailable_reason

        reason = unavailable_reason()
        if reason:
            raise CheckFailed(f"run_checks needs a real database: {reason}")
        postgres = LocalPostgres().start()
        timings["postgres start"] = postgres.started_in or 0.0

        # 1. the emulator, its Postgres stores backed by that server (DSN passed in the environment, not argv)
        step = time.monotonic()
        emulator_env = dict(procs.env, VERCEL_EMULATOR_POSTGRES_DSN=postgres.dsn)
        emulator = procs.start(
            "emulator",
            [python, "-m", "airflow_provider_vercel.emulator", "--port", str(emulator_port), "--ready-delay", str(args.ready_delay)],
            env=emulator_env,
        )
        emulator_url = f"http://127.0.0.1:{emulator_port}"
        wait_until("the emulator", lambda: http_json(f"{emulator_url}/_emulator/health")["ok"], 30, on_timeout=lambda: "\n" + tail(emulator.log))
        info = http_json(f"{emulator_url}/_emulator/info")
        token, team_id = info["tokens"]["admin"], info["team_id"]
        connection = json.dumps({"conn_type": "vercel", "host": emulator_url, "password": token, "extra": {"team_id": team_id}})
        timings["emulator start"] = time.monotonic() - step

        # 2. the metadata DB
        procs.env = airflow_env(home, api_port, connection)
        step = time.monotonic()
        migrated = subprocess.run([*airflow, "db", "migrate"], env=procs.env, capture_output=True, text=True, timeout=300)
        if migrated.returncode != 0:
            raise CheckFailed(f"airflow db migrate failed:\n{migrated.stdout[-2000:]}{migrated.stderr[-2000:]}")
        timings["airflow db migrate"] = time.monotonic() - step

        # 3. Airflow's components
        step = time.monotonic()
        api = procs.start("api-server", [*airflow, "api-server", "--host", "127.0.0.1", "--port", str(api_port)])
        procs.start("scheduler", [*airflow, "scheduler"])
        processor = procs.start("dag-processor", [*airflow, "dag-processor"])
        triggerer = procs.start("triggerer", [*airflow, "triggerer"])
        db = MetadataDB(home / "airflow.db")
        def api_up() -> bool:
            procs.assert_alive()
            return http_json(f"http://127.0.0.1:{api_port}/api/v2/monitor/health") is not None

        def dag_parsed() -> bool:
            procs.assert_alive()
            return db.dag_parsed()

        wait_until("the api-server", api_up, 120, on_timeout=lambda: "\n" + tail(api.log))
        timings["api-server up"] = time.monotonic() - step
        wait_until(
            f"{DAG_ID} to be parsed",
            dag_parsed,
            120,
            on_timeout=lambda: f"\nimport errors: {db.import_errors()}\n{tail(processor.log)}",
        )
        timings["components up, DAG parsed"] = time.monotonic() - step

        # 4. the happy run
        print("Run 1: the pull-request database lifecycle")
        first = trigger_and_watch(db, procs, airflow, {"pr_number": 101}, args.run_timeout)
        timings["run 1 (trigger -> finished)"] = first.seconds
        print("Checks")
        check(first.state == "success", f"run {first.run_id} succeeded (state {first.state})", failures)
        check(set(first.task_states.values()) == {"success"}, f"every task succeeded: {first.task_states}", failures)
        check(went_through(first, "wait_for_store", "deferred"), "wait_for_store went through 'deferred'", failures)
        wait_log, trigger_log, job_ids = task_logs(home, first.run_id, "wait_for_store")
        check("Pausing task as DEFERRED" in wait_log, "the worker deferred wait_for_store (task log)", failures)
        job_types = db.job_types(job_ids)
        check(
            bool(job_ids) and set(job_types) == {"TriggererJob"} and f"triggers.stores.{TRIGGER_CLASS}" in trigger_log,
            f"the triggerer (job {job_ids} {job_types}, pid {triggerer.process.pid}) ran {TRIGGER_CLASS}",
            failures,
        )
        check(
            "status: initializing (poll 1)" in trigger_log and "'status': 'success'" in trigger_log,
            "the trigger polled 'initializing' and fired a success event",
            failures,
        )
        stores = http_json(f"{emulator_url}/v1/storage/stores?teamId={team_id}", headers={"Authorization": f"Bearer {token}"})
        check(stores["stores"] == [], f"the emulator holds no store ({len(stores['stores'])} left)", failures)
        requests = http_json(f"{emulator_url}/_emulator/requests")["requests"]
        creates = [r for r in requests if r["method"] == "POST" and r["path"].endswith("/integration/direct")]
        deletes = [r for r in requests if r["method"] == "DELETE" and "/stores/integration/" in r["path"]]
        check(len(creates) == 1 and len(deletes) == 1, f"one store created and deleted ({len(creates)} POST, {len(deletes)} DELETE)", failures)
        deleted = db.xcom(first.run_id, "delete_store")
        check(isinstance(deleted, dict) and deleted.get("deleted") is True, f"delete_store returned {deleted}", failures)
        sql_rows = db.xcom(first.run_id, "sql_roundtrip")
        check(
            isinstance(sql_rows, list) and len(sql_rows) == 3,
            f"sql_roundtrip (SQLExecuteQueryOperator, conn id vercel-store--…, via the secrets backend) read back {sql_rows}",
            failures,
        )
        sql_log, _, _ = task_logs(home, first.run_id, "sql_roundtrip")
        check(bool(sql_log) and token not in sql_log, "sql_roundtrip's task log holds no token", failures)
        times = db.task_times(first.run_id)
        wait_seconds = seconds_between(*times.get("wait_for_store", (None, None)))

        # 5. a failing middle task: the teardown still runs
        second = None
        if not args.no_failure_run:
            print("Run 2: run_checks fails; the teardown must still delete the store")
            second = trigger_and_watch(db, procs, airflow, {"pr_number": 102, "simulate_failure": True}, args.run_timeout)
            timings["run 2 (trigger -> finished)"] = second.seconds
            print("Checks")
            check(second.state == "failed", f"run {second.run_id} failed as asked (state {second.state})", failures)
            check(second.task_states.get("run_checks") == "failed", "run_checks failed", failures)
            check(second.task_states.get("delete_store") == "success", "delete_store (teardown) succeeded", failures)
            stores = http_json(f"{emulator_url}/v1/storage/stores?teamId={team_id}", headers={"Authorization": f"Bearer {token}"})
            check(stores["stores"] == [], f"the emulator holds no store after the failed run ({len(stores['stores'])} left)", failures)

        print("Timings (wall clock)")
        for name, seconds in timings.items():
            print(f"  {name:<32} {seconds:7.1f}s")
        for task, (start, end) in sorted(times.items(), key=lambda item: item[1][0] or ""):
            took = seconds_between(start, end)
            print(f"  run 1 task {task:<21} {took if took is not None else float('nan'):7.2f}s")
        if wait_seconds is not None:
            print(f"  (wait_for_store spans the deferral: store ready after ~{args.ready_delay:.0f}s)")
    except (CheckFailed, KeyboardInterrupt, subprocess.TimeoutExpired) as exc:
        failures.append(str(exc))
        print(f"ERROR: {exc}", file=sys.stderr)
    finally:
        print("Stopping processes")
        procs.stop_all()
        if postgres is not None:
            postgres.stop()
        total = time.monotonic() - t0
        print(f"Total {total:.1f}s")
        if args.keep_home or failures:
            print(f"AIRFLOW_HOME kept for inspection: {home} (process logs in {home / 'proc-logs'})")
        else:
            shutil.rmtree(home, ignore_errors=True)
    if failures:
        print(f"FAILED: {len(failures)} check(s)", file=sys.stderr)
        return 1
    print("PASSED")
    return 0


if __name__ == "__main__":
    sys.exit(main())
