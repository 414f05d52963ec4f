"""The provider on a distributed Airflow: CeleryExecutor, two workers, Redis, PostgreSQL, workers killed mid-create.

A throwaway deployment on loopback, every process started here and stopped by its pid:

    PostgreSQL (Airflow's metadata DB)   redis-server (Celery broker, no persistence)   the Vercel emulator
    api-server   scheduler (CeleryExecutor)   dag-processor   triggerer   worker-a   worker-b

The Vercel connection reaches every process as a deployment gives it, in ``AIRFLOW_CONN_VERCEL_DEFAULT``.
The two Celery workers are separate processes with their own Celery hostname, concurrency and task-instance
hostname (``[core] hostname_callable``: they share one machine here, where a deployment's differ by FQDN).

Phases (DAGs in ``tests/integration/dags/vercel_distributed.py``):

1. pool: ``vercel_pr_stores`` with 20 pull requests, ``create_store`` mapped and bound by the ``vercel_api``
   pool of 4 slots, each create's answer held 1.5 s. Every store created exactly once (20 POSTs, 20
   stores), tasks on both workers (from the task instances' hostnames), and the emulator's own peak of
   concurrent create requests at most 4.
2. kills: ``vercel_store_crash`` (one store, waited for in the worker slot) run once per kill; the worker
   running the create is SIGKILLed with everything under it (a machine lost) at a chosen moment: while the
   create's first GET is held (before the POST), while the POST's answer is held after the store was
   committed, or while the task waits for the store to be ready. Airflow must fail the try by heartbeat
   timeout, retry it on the other worker, and the retry must adopt the store: 1 POST, 1 store, run
   succeeds. The killed worker is then started again (same name), so each kill finds two workers.
3. triggerer: two runs of ``vercel_pr_stores_deferred``, 4 stores each, held ``initializing``. Once every
   create is deferred the triggerer is stopped with SIGTERM and a new one started; the first run's stores
   are released only after the new triggerer holds every trigger. Then the same with SIGKILL for the
   second run. Every task succeeds on its first try, and no POST reaches the emulator after the tasks
   deferred (a trigger never sends one).

Heartbeat settings that make a lost worker visible in seconds (defaults 300 s / 10 s / 5 s / 30 s):
``[scheduler] task_instance_heartbeat_timeout``, ``[scheduler] task_instance_heartbeat_timeout_detection_interval``,
``[workers] min_heartbeat_interval``, ``[triggerer] triggerer_health_check_threshold``.

    .venv/bin/python -m tests.integration.distributed [--kills 5] [--stores 20] [--keep-home]

Needs PostgreSQL's server binaries, ``redis-server`` and ``apache-airflow-providers-celery``
(``pip install -e '.[distributed]'``). Prints the checks, the figures and the timings; exits 0 when all hold.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tests.integration.processes import (
    CheckFailed,
    Processes,
    Started,
    check,
    free_port,
    http_json,
    local_airflow_env,
    tail,
    wait_until,
)

REPO = Path(__file__).resolve().parents[2]
DAG_FILE = Path(__file__).resolve().parent / "dags" / "vercel_distributed.py"
PR_DAG, DEFERRED_DAG, CRASH_DAG = "vercel_pr_stores", "vercel_pr_stores_deferred", "vercel_store_crash"
POOL, POOL_SLOTS = "vercel_api", 4
CREATE_PATH = "/v1/storage/stores/integration/direct"
CREATE_KEY = f"POST {CREATE_PATH}"
WORKERS = {"worker-a": 4, "worker-b": 3}  # name -> concurrency; together more slots than the pool
KILL_MOMENTS = ("before_post", "after_commit", "during_wait")
FINISHED = {"success", "failed"}
HEARTBEAT_SETTINGS = {
    "AIRFLOW__SCHEDULER__TASK_INSTANCE_HEARTBEAT_TIMEOUT": "6",
    "AIRFLOW__SCHEDULER__TASK_INSTANCE_HEARTBEAT_TIMEOUT_DETECTION_INTERVAL": "1",
    "AIRFLOW__WORKERS__MIN_HEARTBEAT_INTERVAL": "1",
    "AIRFLOW__TRIGGERER__TRIGGERER_HEALTH_CHECK_THRESHOLD": "5",
}


def missing_requirements() -> list[str]:
    """What this machine lacks to run the check (empty when it can)."""
    from airflow_provider_vercel.emulator.pgserver import unavailable_reason

    missing = []
    reason = unavailable_reason()
    if reason:
        missing.append(reason)
    if shutil.which("redis-server") is None:
        missing.append("no redis-server on PATH (apt-get install redis-server)")
    try:
        import airflow.providers.celery  # noqa: F401
    except ImportError:
        missing.append("apache-airflow-providers-celery is not installed (pip install -e '.[distributed]')")
    return missing


def load() -> str:
    one, five, _ = os.getloadavg()
    return f"load {one:.2f} (1 min) {five:.2f} (5 min) on {os.cpu_count()} cores"


class Metadata:
    """Reads of Airflow's PostgreSQL metadata DB, one short connection per call."""

    def __init__(self, dsn: str) -> None:
        self.dsn = dsn

    def rows(self, sql: str, *args: Any) -> list[tuple[Any, ...]]:
        import psycopg

        with psycopg.connect(self.dsn, autocommit=True, connect_timeout=5) as conn:
            return list(conn.execute(sql, args).fetchall())

    def parsed(self, dag_ids: list[str]) -> bool:
        found = {row[0] for row in self.rows("SELECT dag_id FROM dag WHERE dag_id = ANY(%s)", dag_ids)}
        return found == set(dag_ids)

    def import_errors(self) -> list[str]:
        with contextlib.suppress(Exception):
            return [row[0] for row in self.rows("SELECT stacktrace FROM import_error")]
        return []

    def run_state(self, dag_id: str, run_id: str) -> str | None:
        found = self.rows("SELECT state FROM dag_run WHERE dag_id = %s AND run_id = %s", dag_id, run_id)
        return found[0][0] if found else None

    def tasks(self, dag_id: str, run_id: str, task_id: str = "create_store") -> list[dict[str, Any]]:
        """The task's instances (current tries): map_index, state, try_number, hostname, trigger_id."""
        found = self.rows(
            "SELECT map_index, state, try_number, hostname, trigger_id FROM task_instance "
            "WHERE dag_id = %s AND run_id = %s AND task_id = %s ORDER BY map_index",
            dag_id, run_id, task_id,
        )
        keys = ("map_index", "state", "try_number", "hostname", "trigger_id")
        return [dict(zip(keys, row)) for row in found]

    def earlier_tries(self, dag_id: str, run_id: str, task_id: str = "create_store") -> list[dict[str, Any]]:
        """Finished earlier tries (``task_instance_history``): map_index, try_number, state, hostname."""
        found = self.rows(
            "SELECT map_index, try_number, state, hostname FROM task_instance_history "
            "WHERE dag_id = %s AND run_id = %s AND task_id = %s ORDER BY map_index, try_number",
            dag_id, run_id, task_id,
        )
        return [dict(zip(("map_index", "try_number", "state", "hostname"), row)) for row in found]

    def outcome(self, dag_id: str, run_id: str, task_id: str = "create_store") -> str | None:
        """The ``outcome`` in the task's return value (``created``, ``reused``, ``recovered``)."""
        found = self.rows(
            "SELECT value FROM xcom WHERE dag_id = %s AND run_id = %s AND task_id = %s AND key = 'return_value'",
            dag_id, run_id, task_id,
        )
        if not found:
            return None
        value = found[0][0]
        value = json.loads(value) if isinstance(value, (str, bytes)) else value
        return value.get("outcome") if isinstance(value, dict) else None

    def trigger_owners(self, dag_id: str, run_id: str) -> list[int | None]:
        """The triggerer job id holding each deferred task's trigger."""
        found = self.rows(
            "SELECT t.triggerer_id FROM task_instance ti JOIN trigger t ON t.id = ti.trigger_id "
            "WHERE ti.dag_id = %s AND ti.run_id = %s",
            dag_id, run_id,
        )
        return [row[0] for row in found]

    def running_triggerer_jobs(self) -> list[int]:
        found = self.rows("SELECT id FROM job WHERE job_type = 'TriggererJob' AND end_date IS NULL ORDER BY id")
        return [row[0] for row in found]


@dataclass
class Deployment:
    """The running deployment: processes, URLs, credentials for the checks."""

    home: Path
    procs: Processes
    db: Metadata
    api_url: str
    emulator_url: str
    token: str
    team_id: str
    configuration_id: str
    api_token: str = ""
    log_offsets: dict[str, int] = field(default_factory=dict)

    # ------------------------------------------------------------------ emulator
    def emulator(self, path: str, method: str = "GET", body: Any = None) -> Any:
        return http_json(f"{self.emulator_url}{path}", method=method, body=body)

    def fault(self, spec: dict[str, Any]) -> None:
        self.emulator("/_emulator/faults", "POST", spec)

    def in_flight(self) -> dict[str, dict[str, int]]:
        endpoints: dict[str, dict[str, int]] = self.emulator("/_emulator/in-flight")["endpoints"]
        return endpoints

    def posts(self) -> int:
        """Create requests the emulator received since its counters were last reset."""
        return self.in_flight().get(CREATE_KEY, {}).get("total", 0)

    def stores(self, prefix: str) -> list[dict[str, Any]]:
        answer = http_json(
            f"{self.emulator_url}/v1/storage/stores?teamId={self.team_id}",
            headers={"Authorization": f"Bearer {self.token}"},
        )
        return [s for s in answer["stores"] if str(s.get("name", "")).startswith(prefix)]

    # ------------------------------------------------------------------ Airflow
    def api(self, path: str, method: str = "GET", body: Any = None) -> Any:
        return http_json(
            f"{self.api_url}{path}", method=method, body=body, headers={"Authorization": f"Bearer {self.api_token}"},
            timeout=30,
        )

    def trigger(self, dag_id: str, run_id: str, conf: dict[str, Any]) -> None:
        self.api(f"/api/v2/dags/{dag_id}/dagRuns", "POST", {"dag_run_id": run_id, "logical_date": None, "conf": conf})
        print(f"  triggered {dag_id} run {run_id}")

    def wait_run(self, dag_id: str, run_id: str, timeout: float, watch: Callable[[], None] | None = None) -> str:
        """Wait for a run to finish, printing each change of its create tasks' states; return its state."""
        deadline = time.monotonic() + timeout
        started = time.monotonic()
        last = None
        while True:
            self.procs.assert_alive()
            state = self.db.run_state(dag_id, run_id)
            tasks = self.db.tasks(dag_id, run_id)
            summary = dict(Counter(f"{t['state']}" for t in tasks))
            if summary != last:
                print(f"    t+{time.monotonic() - started:6.1f}s  run {state}  create_store {summary}")
                last = summary
            if watch is not None:
                watch()
            if state in FINISHED:
                return str(state)
            if time.monotonic() > deadline:
                raise CheckFailed(f"run {run_id} not finished after {timeout:.0f}s (state {state}, tasks {summary})")
            time.sleep(0.3)

    # ------------------------------------------------------------------ workers
    def start_worker(self, name: str) -> Started:
        """Start Celery worker ``name`` (its own Celery hostname, concurrency and task hostname)."""
        env = dict(
            self.procs.env,
            AIRFLOW__CORE__HOSTNAME_CALLABLE="tests.integration.worker_hostname.worker_hostname",
            VERCEL_TEST_WORKER_HOSTNAME=name,
        )
        argv = [
            sys.executable, "-m", "airflow", "celery", "worker",
            "--celery-hostname", f"{name}@127.0.0.1",
            "--concurrency", str(WORKERS[name]),
            "--skip-serve-logs",  # its log server listens on one fixed port; the logs are on this disk anyway
            "--without-gossip", "--without-mingle",
        ]
        log = self.procs.logs / f"{name}.log"
        self.log_offsets[name] = log.stat().st_size if log.exists() else 0  # a restart appends to the log
        return self.procs.start(name, argv, env)

    def wait_worker_ready(self, name: str, timeout: float = 120) -> None:
        """Wait for the worker's "ready" line (Celery consumes from the broker from then on)."""
        entry = self.procs.get(name)

        def ready() -> bool:
            self.procs.assert_alive()
            with entry.log.open("rb") as handle:
                handle.seek(self.log_offsets.get(name, 0))
                return f"{name}@127.0.0.1 ready".encode() in handle.read()

        wait_until(f"{name} to be ready", ready, timeout, on_timeout=lambda: "\n" + tail(entry.log))


def airflow_env(home: Path, api_port: int, sql_conn: str, broker: str, connection: str) -> dict[str, str]:
    """The environment every Airflow process gets: one deployment's configuration."""
    env = local_airflow_env(home, api_port, "CeleryExecutor", min_file_process_interval=30)
    env.update(
        {
            "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_ALL_ADMINS": "True",
            "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": sql_conn,
            # psycopg 3 serves the async engine too (Airflow would otherwise ask for asyncpg).
            "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN_ASYNC": sql_conn,
            "AIRFLOW__CELERY__BROKER_URL": broker,
            "AIRFLOW__CELERY__RESULT_BACKEND": "db+" + sql_conn,
            **HEARTBEAT_SETTINGS,
            "AIRFLOW_CONN_VERCEL_DEFAULT": connection,
            "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")])),
        }
    )
    return env


def start_redis(procs: Processes, folder: Path) -> str:
    """redis-server on a free loopback port, nothing written to disk; returns its URL once it answers PING."""
    port = free_port()
    folder.mkdir()
    redis = procs.start(
        "redis",
        [
            shutil.which("redis-server") or "redis-server",
            "--bind", "127.0.0.1", "--port", str(port), "--save", "", "--appendonly", "no",
            "--dir", str(folder), "--daemonize", "no", "--loglevel", "warning",
        ],
    )

    def pong() -> bool:
        procs.assert_alive()
        with socket.create_connection(("127.0.0.1", port), timeout=2) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")

    wait_until("redis-server", pong, 30, on_timeout=lambda: "\n" + tail(redis.log))
    return f"redis://127.0.0.1:{port}/0"


def create_database(admin_dsn: str, name: str) -> str:
    """Create database ``name`` on the server; return Airflow's SQLAlchemy URL for it (psycopg 3 driver)."""
    import psycopg

    with psycopg.connect(admin_dsn, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    base, _, _ = admin_dsn.rpartition("/")
    return f"{base.replace('postgresql://', 'postgresql+psycopg://', 1)}/{name}"


# ---------------------------------------------------------------------- phase 1: the pool
def pool_phase(dep: Deployment, stores: int, timeout: float, failures: list[str]) -> dict[str, Any]:
    """``stores`` mapped creates through the pool; each create's answer held 1.5 s so that they overlap."""
    run_id = f"pool_{int(time.time())}"
    dep.emulator("/_emulator/in-flight", "DELETE")
    dep.fault({"kind": "delay", "n": stores, "seconds": 1.5, "method": "POST", "path": CREATE_PATH})
    dep.trigger(PR_DAG, run_id, {"pull_requests": list(range(1, stores + 1)), "prefix": "pool"})
    state = dep.wait_run(PR_DAG, run_id, timeout)
    dep.emulator("/_emulator/faults", "DELETE")
    tasks = dep.db.tasks(PR_DAG, run_id)
    create = dep.in_flight().get(CREATE_KEY, {})
    made = dep.stores("pool-")
    per_worker = Counter(t["hostname"] for t in tasks)
    names = [s["name"] for s in made]
    print("Checks (pool)")
    check(state == "success", f"run {run_id} succeeded (state {state})", failures)
    check(
        len(tasks) == stores and all(t["state"] == "success" for t in tasks),
        f"{stores} create_store tasks, all succeeded ({Counter(t['state'] for t in tasks)})",
        failures,
    )
    check(
        len(made) == stores and len(set(names)) == stores,
        f"every store created exactly once: {len(made)} stores, {len(set(names))} distinct names",
        failures,
    )
    check(create.get("total") == stores, f"{create.get('total')} create POSTs for {stores} stores", failures)
    check(
        set(per_worker) == set(WORKERS),
        f"tasks on both workers (task instances' hostnames): {dict(sorted(per_worker.items()))}",
        failures,
    )
    peak = create.get("peak", 0)
    check(peak <= POOL_SLOTS, f"peak concurrent create requests seen by the emulator {peak} <= pool {POOL_SLOTS}", failures)
    # A peak of 1 would make the bound above vacuous: the held answers must have overlapped.
    check(peak >= 2, f"the creates overlapped (peak {peak} >= 2), so the pool was the bound", failures)
    return {"stores": len(made), "posts": create.get("total"), "peak": peak, "per_worker": dict(per_worker)}


# ---------------------------------------------------------------------- phase 2: kills
def _hold(dep: Deployment, moment: str, name: str) -> None:
    if moment == "before_post":  # the create's first request, the products GET, is held
        path = f"/v1/integrations/configuration/{dep.configuration_id}/products"
        dep.fault({"kind": "delay", "n": 1, "seconds": 90, "method": "GET", "path": path})
    elif moment == "after_commit":  # the store is committed, the answer held
        dep.fault({"kind": "commit_then_delay", "n": 1, "seconds": 90})
    else:  # the store stays initializing until released
        dep.emulator("/_emulator/store-status", "POST", {"match": name, "status": "initializing"})


def _reached(dep: Deployment, moment: str, name: str) -> bool:
    endpoints = dep.in_flight()
    if moment == "before_post":
        path = f"GET /v1/integrations/configuration/{dep.configuration_id}/products"
        return endpoints.get(path, {}).get("current", 0) == 1 and endpoints.get(CREATE_KEY, {}).get("total", 0) == 0
    made = dep.stores(name)
    if moment == "after_commit":
        return bool(made) and endpoints.get(CREATE_KEY, {}).get("current", 0) == 1
    # during_wait: the POST was answered and the task has read the store's status at least twice
    polls = endpoints.get(f"GET /v1/storage/stores/{made[0]['id']}", {}).get("total", 0) if made else 0
    return endpoints.get(CREATE_KEY, {}).get("current", 1) == 0 and polls >= 2


def kill_phase(dep: Deployment, kills: int, timeout: float, failures: list[str]) -> dict[str, Any]:
    """One run per kill; the worker running the create is SIGKILLed at the kill's moment."""
    survived = duplicates = lost = 0
    seconds: list[float] = []
    killed_names: list[str] = []
    restarting: list[str] = []  # killed workers started again, not yet ready
    for number in range(kills):
        moment = KILL_MOMENTS[number % len(KILL_MOMENTS)]
        name, run_id = f"crash-{number}-db", f"crash_{number}_{int(time.time())}"
        print(f"Kill {number + 1}/{kills}: {moment}")
        began = time.monotonic()
        # The worker killed last time was started again: it must be up before this run starts, so that
        # the kill finds two workers and comes well within the client's 30 s read timeout of the held request.
        for name_ in restarting:
            dep.wait_worker_ready(name_)
        restarting.clear()
        dep.emulator("/_emulator/in-flight", "DELETE")
        _hold(dep, moment, name)
        dep.trigger(CRASH_DAG, run_id, {"configuration_id": dep.configuration_id, "store_name": name})

        def reached(moment: str = moment, name: str = name) -> bool:
            dep.procs.assert_alive()
            return _reached(dep, moment, name)

        wait_until(f"the create to reach {moment}", reached, 120)
        running = dep.db.tasks(CRASH_DAG, run_id)
        victim = running[0]["hostname"] if running else None
        if victim not in WORKERS:
            raise CheckFailed(f"cannot tell which worker runs {run_id}: {running}")
        survivor = next(w for w in WORKERS if w != victim)
        killed = dep.procs.kill(victim, signal.SIGKILL)
        killed_at = time.monotonic()
        print(f"    SIGKILLed {victim} (pid {killed.process.pid} and its task processes) at {moment}")

        def retried(run_id: str = run_id) -> bool:
            tis = dep.db.tasks(CRASH_DAG, run_id)
            return bool(tis) and tis[0]["try_number"] >= 2 and tis[0]["state"] in ("running", "success")

        wait_until("Airflow to retry the killed try", retried, 120)
        detected = time.monotonic() - killed_at
        # The retry runs on the survivor (the victim is down); bring the victim back for the next kill.
        dep.start_worker(victim)
        restarting.append(victim)
        if moment == "during_wait":
            dep.emulator("/_emulator/store-status", "DELETE")
        state = dep.wait_run(CRASH_DAG, run_id, timeout)
        dep.emulator("/_emulator/faults", "DELETE")
        tis = dep.db.tasks(CRASH_DAG, run_id)
        earlier = dep.db.earlier_tries(CRASH_DAG, run_id)
        made = dep.stores(name)
        posts = dep.posts()
        ok = check(
            state == "success" and len(made) == 1 and posts == 1,
            f"{moment}: run {state}, {len(made)} store, {posts} POST", failures,
        )
        check(
            bool(tis) and tis[0]["hostname"] == survivor and any(e["hostname"] == victim for e in earlier),
            f"{moment}: try 1 on {victim} ({[e['state'] for e in earlier]}), "
            f"try {tis[0]['try_number'] if tis else '?'} on {tis[0]['hostname'] if tis else '?'}",
            failures,
        )
        outcome = dep.db.outcome(CRASH_DAG, run_id)
        expected = "created" if moment == "before_post" else "reused"  # nothing was committed before the POST
        ok &= check(outcome == expected, f"{moment}: the retry's outcome is {outcome!r} (expected {expected!r})", failures)
        survived += ok
        duplicates += max(0, len(made) - 1)
        lost += len(made) == 0
        seconds.append(time.monotonic() - began)
        killed_names.append(victim)
        print(f"    retry seen {detected:.1f}s after the kill; cycle {seconds[-1]:.1f}s")
    for name_ in restarting:
        dep.wait_worker_ready(name_)
    return {
        "kills": kills, "survived": survived, "duplicates": duplicates, "lost": lost,
        "victims": dict(Counter(killed_names)), "cycle_seconds": seconds,
    }


# ---------------------------------------------------------------------- phase 3: the triggerer
def triggerer_phase(dep: Deployment, stores: int, timeout: float, failures: list[str]) -> dict[str, Any]:
    """Two runs wait deferred; the triggerer is stopped with SIGTERM (run 1 released), then SIGKILL (run 2).

    Each time a new triggerer is started, and a run's stores are released only after the new triggerer
    holds every one of its triggers, so its tasks can only resume through the new process.
    """
    stamp = int(time.time())
    runs = {sig: (f"trg-{sig.name.lower()}", f"triggerer_{sig.name.lower()}_{stamp}") for sig in (signal.SIGTERM, signal.SIGKILL)}
    print(f"Triggerer: 2 runs x {stores} stores held initializing")
    dep.emulator("/_emulator/in-flight", "DELETE")
    for prefix, run_id in runs.values():
        dep.emulator("/_emulator/store-status", "POST", {"match": prefix, "status": "initializing"})
        dep.trigger(DEFERRED_DAG, run_id, {"pull_requests": list(range(1, stores + 1)), "prefix": prefix})

    def all_deferred() -> bool:
        dep.procs.assert_alive()
        tis = [t for _, run_id in runs.values() for t in dep.db.tasks(DEFERRED_DAG, run_id)]
        return len(tis) == 2 * stores and all(t["state"] == "deferred" for t in tis)

    wait_until(f"{2 * stores} deferred creates", all_deferred, timeout)
    posts_at_stop = dep.posts()
    figures: dict[str, Any] = {"posts_before_first_stop": posts_at_stop}
    waiting = [run_id for _, run_id in runs.values()]
    for sig, (prefix, run_id) in runs.items():
        label = sig.name
        old_jobs = dep.db.running_triggerer_jobs()
        old = dep.procs.kill("triggerer", sig)
        print(f"    {label} to triggerer pid {old.process.pid} (exit {old.process.returncode}) while {len(waiting)} run(s) wait")
        dep.procs.restart(old)

        def taken_over(old_jobs: list[int] = old_jobs) -> list[int] | None:
            owners = [o for run in waiting for o in dep.db.trigger_owners(DEFERRED_DAG, run)]
            new = [j for j in dep.db.running_triggerer_jobs() if j not in old_jobs]
            return new if new and len(owners) == stores * len(waiting) and set(owners) <= set(new) else None

        new_jobs = wait_until(f"the new triggerer to take every trigger after {label}", taken_over, 120)
        dep.emulator("/_emulator/store-status", "POST", {"match": prefix, "status": "available"})
        state = dep.wait_run(DEFERRED_DAG, run_id, timeout)
        waiting.remove(run_id)
        tis = dep.db.tasks(DEFERRED_DAG, run_id)
        made = dep.stores(prefix)
        print(f"Checks (triggerer {label})")
        check(state == "success", f"run {run_id} succeeded (state {state})", failures)
        check(
            len(tis) == stores and all(t["state"] == "success" and t["try_number"] == 1 for t in tis),
            f"every deferred create resumed and succeeded on its first try "
            f"({dict(Counter((t['state'], t['try_number']) for t in tis))})",
            failures,
        )
        check(bool(new_jobs), f"the new triggerer (job {new_jobs}) held every trigger before the stores got ready", failures)
        check(len(made) == stores, f"{len(made)} stores for {stores} pull requests", failures)
        figures[label] = {"stores": len(made), "new_triggerer_jobs": new_jobs}
    posts_total = dep.posts()
    check(
        posts_at_stop == 2 * stores and posts_total == posts_at_stop,
        f"{posts_at_stop} POSTs before the first stop, {posts_total - posts_at_stop} after it (triggers never POST)",
        failures,
    )
    figures["posts_after_first_stop"] = posts_total - posts_at_stop
    return figures


# ---------------------------------------------------------------------- the deployment
def deploy(procs: Processes, postgres: Any, home: Path, timings: dict[str, float]) -> Deployment:
    """Start PostgreSQL, Redis, the emulator and every Airflow component; return once all are ready.

    :param procs: where the processes are recorded (the caller stops them).
    :param postgres: a ``LocalPostgres`` not yet started (the caller stops it).
    :param home: the throwaway ``AIRFLOW_HOME``.
    :param timings: filled with the start-up steps' seconds.
    """
    python = sys.executable
    step = time.monotonic()
    postgres.start()
    sql_conn = create_database(postgres.dsn, "airflow")
    broker = start_redis(procs, home / "redis")
    emulator_port = free_port()
    emulator = procs.start(
        "emulator", [python, "-m", "airflow_provider_vercel.emulator", "--port", str(emulator_port), "--ready-delay", "1"]
    )
    emulator_url = f"http://127.0.0.1:{emulator_port}"
    wait_until("the emulator", lambda: http_json(f"{emulator_url}/_emulator/health")["ok"], 30,
               on_timeout=lambda: "\n" + tail(emulator.log))
    info = http_json(f"{emulator_url}/_emulator/info")
    token, team_id = info["tokens"]["admin"], info["team_id"]
    connection = json.dumps({"conn_type": "vercel", "host": emulator_url, "password": token, "extra": {"team_id": team_id}})
    timings["postgres, redis, emulator"] = time.monotonic() - step

    api_port = free_port()
    procs.env = airflow_env(home, api_port, sql_conn, broker, connection)
    step = time.monotonic()
    migrated = subprocess.run([python, "-m", "airflow", "db", "migrate"], env=procs.env, capture_output=True,
                              text=True, timeout=600)
    if migrated.returncode != 0:
        raise CheckFailed(f"airflow db migrate failed:\n{migrated.stdout[-2000:]}{migrated.stderr[-2000:]}")
    timings["airflow db migrate (PostgreSQL)"] = time.monotonic() - step

    step = time.monotonic()
    dep = Deployment(
        home=home, procs=procs, db=Metadata(sql_conn.replace("postgresql+psycopg://", "postgresql://", 1)),
        api_url=f"http://127.0.0.1:{api_port}", emulator_url=emulator_url, token=token, team_id=team_id,
        configuration_id=info["configurations"]["neon"],
    )
    api = procs.start("api-server", [python, "-m", "airflow", "api-server", "--host", "127.0.0.1", "--port", str(api_port)])
    procs.start("scheduler", [python, "-m", "airflow", "scheduler"])
    processor = procs.start("dag-processor", [python, "-m", "airflow", "dag-processor"])
    procs.start("triggerer", [python, "-m", "airflow", "triggerer"])
    for name in WORKERS:
        dep.start_worker(name)

    def api_up() -> bool:
        procs.assert_alive()
        return http_json(f"{dep.api_url}/api/v2/monitor/health") is not None

    wait_until("the api-server", api_up, 180, on_timeout=lambda: "\n" + tail(api.log))
    dep.api_token = http_json(f"{dep.api_url}/auth/token")["access_token"]
    dep.api("/api/v2/pools", "POST", {"name": POOL, "slots": POOL_SLOTS, "description": "Vercel API tasks",
                                      "include_deferred": False})

    def parsed() -> bool:
        procs.assert_alive()
        return dep.db.parsed([PR_DAG, DEFERRED_DAG, CRASH_DAG])

    wait_until("the DAGs to be parsed", parsed, 180,
               on_timeout=lambda: f"\nimport errors: {dep.db.import_errors()}\n{tail(processor.log)}")
    for name in WORKERS:
        dep.wait_worker_ready(name)
    timings["components up (api-server, scheduler, dag-processor, triggerer, 2 workers)"] = time.monotonic() - step
    return dep


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--stores", type=int, default=20, help="pull requests in the pool run (default 20)")
    parser.add_argument("--kills", type=int, default=5, help="workers killed mid-create (default 5)")
    parser.add_argument("--trigger-stores", type=int, default=4, help="stores per triggerer restart (default 4)")
    parser.add_argument("--run-timeout", type=float, default=240.0, help="seconds allowed per DAG run")
    parser.add_argument("--keep-home", action="store_true", help="keep the throwaway AIRFLOW_HOME (logs)")
    args = parser.parse_args(argv)

    missing = missing_requirements()
    if missing:
        print("cannot run the distributed check: " + "; ".join(missing), file=sys.stderr)
        return 2
    t0 = time.monotonic()
    print(f"Start: {load()}")
    timings: dict[str, float] = {}
    figures: dict[str, Any] = {}
    home = Path(tempfile.mkdtemp(prefix="apv-distributed-"))
    (home / "dags").mkdir()
    (home / "proc-logs").mkdir()
    shutil.copy(DAG_FILE, home / "dags" / DAG_FILE.name)
    procs = Processes(env=dict(os.environ, PYTHONUNBUFFERED="1"), logs=home / "proc-logs")
    failures: list[str] = []

    def on_signal(signum: int, _frame: Any) -> None:
        raise KeyboardInterrupt(f"signal {signum}")

    signal.signal(signal.SIGTERM, on_signal)
    from airflow_provider_vercel.emulator.pgserver import LocalPostgres

    postgres = LocalPostgres()
    try:
        print(f"AIRFLOW_HOME={home}")
        dep = deploy(procs, postgres, home, timings)
        timings["start-up total"] = time.monotonic() - t0
        print(f"Deployment up in {timings['start-up total']:.1f}s; {load()}")

        step = time.monotonic()
        print(f"Phase 1: {args.stores} pull requests through the {POOL} pool ({POOL_SLOTS} slots)")
        figures["pool"] = pool_phase(dep, args.stores, args.run_timeout, failures)
        timings["phase 1: pool run"] = time.monotonic() - step
        print(f"  ({load()})")

        step = time.monotonic()
        print(f"Phase 2: {args.kills} workers killed mid-create")
        figures["kills"] = kill_phase(dep, args.kills, args.run_timeout, failures)
        timings["phase 2: worker kills"] = time.monotonic() - step
        print(f"  ({load()})")

        step = time.monotonic()
        print("Phase 3: the triggerer stopped while creates wait deferred (SIGTERM, then SIGKILL)")
        figures["triggerer"] = triggerer_phase(dep, args.trigger_stores, args.run_timeout, failures)
        timings["phase 3: triggerer SIGTERM and SIGKILL"] = time.monotonic() - step
        print(f"  ({load()})")
    except (CheckFailed, KeyboardInterrupt, subprocess.TimeoutExpired, OSError) as exc:
        failures.append(f"{type(exc).__name__}: {exc}")
        print(f"ERROR: {type(exc).__name__}: {exc}", file=sys.stderr)
    finally:
        print("Stopping processes")
        step = time.monotonic()
        procs.stop_all()
        postgres.stop()  # also after a failed start: it stops what is running and removes its folder
        timings["stop"] = time.monotonic() - step
        total = time.monotonic() - t0
        print("Figures")
        for name, value in figures.items():
            print(f"  {name}: {json.dumps(value)}")
        print("Timings (wall clock)")
        for name, seconds in timings.items():
            print(f"  {name:<76} {seconds:6.1f}s")
        print(f"  {'total':<76} {total:6.1f}s")
        print(f"End: {load()}")
        if args.keep_home or failures:
            print(f"AIRFLOW_HOME kept for inspection: {home} (process logs in {home / 'proc-logs'})")
        else:
            shutil.rmtree(home, ignore_errors=True)
    if failures:
        print(f"FAILED: {len(failures)} check(s)", file=sys.stderr)
        for failure in failures:
            print(f"  - {failure}", file=sys.stderr)
        return 1
    print("PASSED")
    return 0


if __name__ == "__main__":
    sys.exit(main())
