"""`make demo`: run the paid-store example DAG through Airflow against the local Vercel emulator.

Starts the emulator on a free loopback port, prepares a throwaway AIRFLOW_HOME, runs
`airflow dags test vercel_paid_store`, then prints the XCom values the tasks exchanged and the store
the emulator now holds.

Then, when PostgreSQL's server binaries are installed, the per-pull-request pipeline for real: a
throwaway PostgreSQL server backs the emulator's Neon stores, `airflow dags test vercel_pr_database`
creates a store (a real database and role), waits, connects it to a project, loads rows into it from a
downstream task that builds its connection from the project's env vars, checks them, and tears the
store down; the demo prints the rows and shows that the database is gone. Without the binaries it
says why it skipped this part. Everything it starts, it stops. Its last line is its measured wall
time, from the start of this script (the install that `make demo` runs first is not in it).
"""

from __future__ import annotations

import time

# Taken before anything else is imported, so the figure printed at the end is the whole run's.
SCRIPT_STARTED = time.monotonic()

import json  # noqa: E402
import os  # noqa: E402
import shutil  # noqa: E402
import sqlite3  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
from pathlib import Path  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
DAG_ID = "vercel_paid_store"


def airflow_env(home: Path, emulator) -> dict[str, str]:
    """Environment for the Airflow CLI: throwaway home, the example DAGs, a connection to the emulator."""
    conn = {
        "conn_type": "vercel",
        "host": emulator.url,
        "password": emulator.admin_token,
        "extra": {"team_id": emulator.team_id, "team_slug": emulator.team_slug},
    }
    return {
        **os.environ,
        "AIRFLOW_HOME": str(home),
        "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
        "AIRFLOW__CORE__DAGS_FOLDER": str(ROOT / "example_dags"),
        "AIRFLOW_CONN_VERCEL_DEFAULT": json.dumps(conn),
        "AIRFLOW__SECRETS__BACKEND": "airflow_provider_vercel.secrets.store_connections.VercelStoreSecretsBackend",
        "AIRFLOW__SECRETS__BACKEND_KWARGS": json.dumps({"vercel_conn_id": "vercel_default"}),
    }


def run(cmd: list[str], env: dict[str, str], log: Path) -> None:
    """Run a command, its output into ``log``; on failure show the log's tail and exit."""
    with log.open("a") as out:
        done = subprocess.run(cmd, env=env, stdout=out, stderr=subprocess.STDOUT, cwd=ROOT)
    if done.returncode != 0:
        print(f"\n`{' '.join(cmd[1:])}` failed (exit {done.returncode}); last lines of {log}:")
        print("\n".join(log.read_text().splitlines()[-40:]))
        raise SystemExit(done.returncode)


def xcoms(home: Path, dag_id: str = DAG_ID) -> list[tuple[str, str, object]]:
    """(task, key, value) of the DAG's XComs, in task order, from the run's metadata database."""
    with sqlite3.connect(home / "airflow.db") as db:
        rows = db.execute(
            "SELECT task_id, key, value FROM xcom WHERE dag_id = ? AND key NOT LIKE '\\_link\\_%' ESCAPE '\\' "
            "ORDER BY timestamp",
            (dag_id,),
        ).fetchall()
    return [(task, key, json.loads(value) if isinstance(value, str) else value) for task, key, value in rows]


def shorten(text: str, limit: int = 200) -> str:
    """Keep one line per XCom readable."""
    return text if len(text) <= limit else text[: limit - 5] + " ...}"


def pr_database(emulator, env: dict[str, str], airflow: str, home: Path, log: Path) -> None:
    """The per-pull-request pipeline against a real PostgreSQL, or a one-line note why not."""
    from airflow_provider_vercel.emulator.backends import PostgresServerBackend
    from airflow_provider_vercel.emulator.pgserver import LocalPostgres, unavailable_reason

    dag_id = "vercel_pr_database"
    print(f"\n--- {dag_id}: a real database per pull request ---")
    reason = unavailable_reason()
    if reason:
        print(f"Skipped: {reason}.")
        return
    with LocalPostgres() as postgres:
        print(f"Throwaway PostgreSQL on {postgres.host}:{postgres.port} (started in {postgres.started_in:.1f}s)")
        backend = PostgresServerBackend(postgres.dsn)
        emulator.state.backends["postgres"] = backend
        emulator.state.ready_delay = 1.0
        print(f"Running `airflow dags test {dag_id}` (create, wait, connect, load rows, check, tear down)...")
        run([airflow, "dags", "test", dag_id, "-c", json.dumps({"pr_number": 42, "rows": 5})], env, log)
        values = {(task, key): value for task, key, value in xcoms(home, dag_id)}
        store_id = values[("create_store", "store_id")]
        connected = values[("connect_store", "return_value")]
        checks = values[("run_checks", "return_value")]
        deleted = values[("delete_store", "return_value")]
        print(f"  create_store   store {store_id} (a database and a login role on that server)")
        print(f"  connect_store  project {connected['project_id']} got {', '.join(connected['env_var_names'])}")
        print(
            f"  run_checks     built a {checks['conn_type']} connection from those env vars (never in XCom), "
            f"loaded {checks['rows_loaded']} rows into {checks['table']}, counted {checks['rows_checked']}"
        )
        print(f"                 first rows read back: {', '.join(checks['first_rows'])}")
        gone = not backend.exists(store_id)
        print(
            f"  delete_store   deleted={deleted['deleted']}; the store's database "
            f"{'was dropped' if gone else 'STILL EXISTS'} on the server"
        )
        if not gone:
            raise SystemExit("teardown left the database behind")


def main() -> int:
    from airflow_provider_vercel.api.client import VercelClient
    from airflow_provider_vercel.emulator import EmulatorServer

    airflow = str(Path(sys.executable).with_name("airflow"))
    home = Path(tempfile.mkdtemp(prefix="vercel-demo-airflow-"))
    log = home / "demo.log"
    started = time.monotonic()
    with EmulatorServer(ready_delay=1.0) as emulator:
        print(f"Vercel API emulator on {emulator.url} (team {emulator.team_slug})")
        env = airflow_env(home, emulator)
        print("Preparing a throwaway Airflow home (airflow db migrate)...")
        run([airflow, "db", "migrate"], env, log)
        print(f"Running `airflow dags test {DAG_ID}`...")
        run([airflow, "dags", "test", DAG_ID], env, log)
        print("\nXCom values exchanged between the tasks:")
        for task, key, value in xcoms(home):
            print(f"  {task:<22} {key:<14} {shorten(json.dumps(value, sort_keys=True))}")
        posts = [r for r in emulator.requests if r["method"] == "POST"]
        print(f"\nRequests sent to the emulator: {len(emulator.requests)} ({len(posts)} create POST)")
        print("Stores the team now has (as the API lists them):")
        with VercelClient(emulator.admin_token, base_url=emulator.url, team_id=emulator.team_id) as client:
            for store in client.list_stores():
                plan = store.billing_plan.id if store.billing_plan else None
                print(f"  {store.id}  name={store.name}  plan={plan}  status={store.status}")
                print(f"    secrets (names only): {', '.join(store.secret_names)}")
        pr_database(emulator, env, airflow, home, log)
    print(f"\nDone in {time.monotonic() - started:.1f}s after the set-up. Airflow log: {log}")
    shutil.rmtree(home / "logs", ignore_errors=True)
    print(f"Demo wall time: {time.monotonic() - SCRIPT_STARTED:.1f} s (scripts/demo.py from its start; "
          "`make demo` adds the install check before it)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
