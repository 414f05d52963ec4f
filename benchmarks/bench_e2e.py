"""6. Airflow end to end: ``airflow dags test vercel_paid_store`` against the same DAG shape with empty tasks.

A throwaway ``AIRFLOW_HOME`` (SQLite, migrated once) whose dags folder holds copies of
``example_dags/vercel_paid_store.py``, ``benchmarks/dags/vercel_paid_store_empty.py`` (the same five
tasks and edges, each an ``EmptyOperator``: Airflow's own floor) and
``benchmarks/dags/vercel_paid_store_xcom.py`` (same graph, same XCom hand-offs and templated params,
no HTTP: separates the provider's cost from Airflow's cost of moving XComs). Each DAG runs 3 times, interleaved,
each run a fresh ``airflow dags test <dag_id> -f <file>`` process; the emulator runs in its own
process (reset before each run, so every run really creates its store), behind a TCP relay that counts
connections. Reported: wall-time medians and their ratio; CPU time (user + sys) of each run, which
a busy shared machine disturbs far less than wall time; task time from Airflow's own
``[DAG TEST] starting`` / ``end task`` log lines, for tasks 2-5 (the first one also pays for starting
the in-process Execution API, a multi-second cost that drowns everything else).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _common as c  # noqa: E402

OURS = ("vercel_paid_store", c.ROOT / "example_dags" / "vercel_paid_store.py")
EMPTY = ("vercel_paid_store_empty", c.BENCH_DIR / "dags" / "vercel_paid_store_empty.py")
XCOM = ("vercel_paid_store_xcom", c.BENCH_DIR / "dags" / "vercel_paid_store_xcom.py")
DAGS = (OURS, EMPTY, XCOM)
AIRFLOW = str(Path(sys.executable).parent / "airflow")
_TASK_LINE = re.compile(r"^(\S+Z) .*\[DAG TEST\] (starting|end task) task_id=(\S+)")


def task_times(output: str) -> dict[str, float]:
    """Seconds per task from the ``[DAG TEST] starting`` / ``end task`` lines, in run order."""
    started: dict[str, datetime] = {}
    spans: dict[str, float] = {}
    for line in output.splitlines():
        found = _TASK_LINE.match(line)
        if not found:
            continue
        when = datetime.fromisoformat(found.group(1).replace("Z", "+00:00"))
        if found.group(2) == "starting":
            started[found.group(3)] = when
        elif found.group(3) in started:
            spans[found.group(3)] = (when - started[found.group(3)]).total_seconds()
    return spans


def dags_test(
    dag_id: str, path: Path, dags: Path, environ: dict[str, str], timeout: float
) -> tuple[float, float, dict]:
    """Run ``airflow dags test`` once; return its wall time, its CPU time (user + sys, from wait4:
    far less sensitive than wall time to other load on a shared machine) and the task spans."""
    import threading

    with tempfile.TemporaryFile(mode="w+") as out:
        t0 = time.perf_counter()
        proc = subprocess.Popen(
            [AIRFLOW, "dags", "test", dag_id, "-f", str(dags / path.name)],
            env=environ,
            stdout=out,
            stderr=subprocess.STDOUT,
            text=True,
            cwd=dags.parent,
        )
        watchdog = threading.Timer(timeout, proc.kill)
        watchdog.start()
        try:
            _, status, usage = os.wait4(proc.pid, 0)
        finally:
            watchdog.cancel()
        proc.returncode = os.waitstatus_to_exitcode(status)
        wall = time.perf_counter() - t0
        out.seek(0)
        output = out.read()
    if proc.returncode or "state=success" not in output:
        raise RuntimeError(f"airflow dags test {dag_id} failed (exit {proc.returncode}): {output[-3000:]}")
    return wall, usage.ru_utime + usage.ru_stime, task_times(output)


def body(args, result: c.Result) -> None:
    rounds = 1 if args.quick else 3
    home = Path(tempfile.mkdtemp(prefix="vercel-bench-airflow-"))
    try:
        dags = home / "dags"
        dags.mkdir()
        for _, path in DAGS:
            shutil.copy(path, dags / path.name)
        environ = {
            **os.environ,
            "AIRFLOW_HOME": str(home),
            "AIRFLOW__CORE__DAGS_FOLDER": str(dags),
            "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
            "PYTHONWARNINGS": "ignore",
        }
        t0 = time.perf_counter()
        migrate = subprocess.run([AIRFLOW, "db", "migrate"], env=environ, capture_output=True, text=True, timeout=300)
        if migrate.returncode:
            raise RuntimeError(f"airflow db migrate failed: {(migrate.stdout + migrate.stderr)[-3000:]}")
        migrate_s = time.perf_counter() - t0
        walls: dict[str, list[float]] = {dag_id: [] for dag_id, _ in DAGS}
        cpus: dict[str, list[float]] = {dag_id: [] for dag_id, _ in DAGS}
        tasks: dict[str, list[dict]] = {dag_id: [] for dag_id, _ in DAGS}
        wire: list[tuple[int, int]] = []
        with c.Emulator() as emu, c.CountingProxy(emu.port) as proxy:
            environ["AIRFLOW_CONN_VERCEL_DEFAULT"] = emu.vercel_connection(proxy.url)
            for r in range(rounds):
                k = r % len(DAGS)
                for dag_id, path in DAGS[k:] + DAGS[:k]:
                    emu.reset()
                    proxy.reset_count()
                    wall, cpu, spans = dags_test(dag_id, path, dags, environ, timeout=300)
                    walls[dag_id].append(wall)
                    cpus[dag_id].append(cpu)
                    tasks[dag_id].append(spans)
                    if dag_id == OURS[0]:
                        wire.append((proxy.accepted, len(emu.requests())))
    finally:
        shutil.rmtree(home, ignore_errors=True)

    med = {k: c.median(v) for k, v in walls.items()}
    cpu = {k: c.median(v) for k, v in cpus.items()}
    result.data = {"walls": walls, "cpus": cpus, "tasks": tasks, "migrate_seconds": migrate_s, "wire": wire}
    ours, empty, xcom = OURS[0], EMPTY[0], XCOM[0]
    low = {k: min(v) for k, v in walls.items()}
    result.rows.append(
        c.Row(
            "e2e: airflow dags test wall, median (min) vs EmptyOperator",
            f"{med[ours]:.2f} s ({low[ours]:.2f})",
            f"{med[empty]:.2f} s ({low[empty]:.2f})",
            med[ours] / med[empty],
            "info",
            None,
        )
    )
    for base, label in ((empty, "EmptyOperator"), (xcom, "same XComs, no HTTP")):
        result.rows.append(
            c.Row(
                f"e2e: airflow dags test CPU time, median vs {label}",
                f"{cpu[ours]:.2f} s",
                f"{cpu[base]:.2f} s",
                cpu[ours] / cpu[base],
                "info",
                None,
            )
        )

    def split(spans: dict[str, float]) -> tuple[float, float]:
        values = list(spans.values())
        return values[0], sum(values[1:])

    first = {k: c.median([split(s)[0] for s in v]) for k, v in tasks.items()}
    rest = {k: c.median([split(s)[1] for s in v]) for k, v in tasks.items()}
    for base, label in ((empty, "EmptyOperator"), (xcom, "same XComs, no HTTP")):
        result.rows.append(
            c.Row(
                f"e2e: tasks 2-5 (sum of spans, median) vs {label}",
                f"{rest[ours] * 1000:.0f} ms",
                f"{rest[base] * 1000:.0f} ms",
                rest[ours] / rest[base],
                "info",
                None,
            )
        )
    result.details.append(
        f"{rounds} runs each, interleaved; `airflow db migrate` once: {migrate_s:.1f} s; our overhead "
        f"{med[ours] - med[empty]:+.2f} s wall / {cpu[ours] - cpu[empty]:+.2f} s CPU per DAG run over EmptyOperator, "
        f"{med[ours] - med[xcom]:+.2f} s wall / {cpu[ours] - cpu[xcom]:+.2f} s CPU over the same XComs without HTTP; "
        f"first task (pays the in-process Execution API start) medians: "
        + ", ".join(f"{k} {v:.2f}s" for k, v in first.items())
    )
    for dag_id in walls:
        result.details.append(
            f"{dag_id:26} walls: "
            + ", ".join(f"{w:.2f}s" for w in walls[dag_id])
            + "; CPU: "
            + ", ".join(f"{x:.2f}s" for x in cpus[dag_id])
        )
        per_task = {t: c.median([s[t] for s in tasks[dag_id] if t in s]) for t in tasks[dag_id][0]}
        result.details.append(
            f"{'':26} task medians: " + ", ".join(f"{t} {v * 1000:.0f}ms" for t, v in per_task.items())
        )
    result.details.append(
        "our DAG on the wire per run: "
        + ", ".join(f"{tcp} TCP connections / {req} requests" for tcp, req in wire)
        + " (one hook, so one connection, per task)"
    )


if __name__ == "__main__":
    c.bench_main("e2e", "6. Airflow end to end (airflow dags test)", body)
