"""1. DAG-parse cost: extra import time of our operator and sensor modules on top of ``airflow.sdk``.

Baseline: the same for ``airflow.providers.http.operators.http`` (HttpOperator; the http provider is
a bench-only dependency). Target: ours at most 20% of HttpOperator's extra import time, and no heavy
module (emulator, web framework, jsonschema, the API client with its async twin) imported by an
operator or sensor module at parse time.

Method: a fresh interpreter imports ``airflow.sdk`` once, then forks one child per target; the child
times ``import <target>`` with ``perf_counter`` (so each sample starts from exactly "airflow.sdk and
nothing else") and lists the modules it added. Targets are interleaved, several rounds; medians are
reported. A second fresh interpreter runs under ``python -X importtime`` to attribute the time (sum of
self-times, cumulative time of heavy packages). Also measured: parsing whole DAG files (the example
``vercel_paid_store.py``, the same graph with ``HttpOperator`` and with ``EmptyOperator``), which adds
the cost of building the operators.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _common as c  # noqa: E402

OURS = [
    "airflow_provider_vercel.operators.discovery",
    "airflow_provider_vercel.operators.stores",
    "airflow_provider_vercel.operators.lifecycle",
    "airflow_provider_vercel.operators.api",
    "airflow_provider_vercel.sensors.stores",
]
# Reported, not targeted: the hook (imported by tasks when they run) and the trigger (triggerer only).
OURS_INFO = ["airflow_provider_vercel.hooks.vercel", "airflow_provider_vercel.triggers.stores"]
HTTP = "airflow.providers.http.operators.http"
DAG_OURS = str(c.ROOT / "example_dags" / "vercel_paid_store.py")
DAG_HTTP = str(c.BENCH_DIR / "dags" / "http_paid_store.py")
DAG_EMPTY = str(c.BENCH_DIR / "dags" / "vercel_paid_store_empty.py")

# Must never be imported when a DAG file using our operators/sensors is parsed.
FORBIDDEN = {
    "airflow_provider_vercel.emulator": "the emulator",
    "fastapi": "web framework",
    "starlette": "web framework",
    "uvicorn": "web server",
    "jsonschema": "jsonschema",
    "airflow_provider_vercel.api.client": "the (async) API client",
}
# Worth knowing about; not forbidden.
NOTED = ["httpx", "httpcore", "tenacity", "aiohttp", "requests", "urllib3", "airflow_provider_vercel.api.models"]

_IMPORTTIME = re.compile(r"^import time:\s+(\d+) \|\s+(\d+) \|( *)(\S+)")


def short(name: str) -> str:
    return name.replace("airflow_provider_vercel.", "").replace("airflow.providers.", "")


def probe(targets: list[str], reps: int, importtime_dir: str | None = None, watch: list[str] | None = None) -> dict:
    with tempfile.NamedTemporaryFile(suffix=".json") as out:
        cmd = [sys.executable]
        if importtime_dir:
            cmd += ["-X", "importtime"]
        cmd += [str(c.BENCH_DIR / "_import_probe.py"), "--reps", str(reps), "--out", out.name]
        if importtime_dir:
            cmd += ["--importtime-dir", importtime_dir]
        if watch:
            cmd += ["--watch", ",".join(watch)]
        cmd += targets
        proc = subprocess.run(
            cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, timeout=600, cwd=c.ROOT
        )
        if proc.returncode:
            raise RuntimeError(f"import probe failed: {proc.stderr[-3000:]}")
        data = json.loads(Path(out.name).read_text())
    for target, samples in data["samples"].items():
        errors = [s["error"] for s in samples if "error" in s]
        if errors:
            raise RuntimeError(f"importing {target} failed: {errors[0]}")
    return data


def read_importtime(path: Path) -> tuple[float, dict[str, float]]:
    """Sum of self-times (s) of the child's imports, and the cumulative time of every module (s)."""
    total = 0.0
    cumulative: dict[str, float] = {}
    for line in path.read_text().splitlines():
        found = _IMPORTTIME.match(line)
        if found:
            total += int(found.group(1)) / 1e6
            cumulative[found.group(4)] = int(found.group(2)) / 1e6
    return total, cumulative


def heavy_of(imported: list[str]) -> tuple[list[str], list[str]]:
    def present(prefix: str) -> bool:
        return any(m == prefix or m.startswith(prefix + ".") for m in imported)

    return [m for m in FORBIDDEN if present(m)], [m for m in NOTED if present(m)]


def body(args, result: c.Result) -> None:
    reps = 3 if args.quick else 9
    targets = [*OURS, *OURS_INFO, HTTP, DAG_OURS, DAG_HTTP, DAG_EMPTY]
    timing = probe(targets, reps)
    watched = probe(targets, 1, watch=[*FORBIDDEN, *NOTED])
    heavy = {t: heavy_of(watched["samples"][t][0]["watched_imports"]) for t in targets}
    with tempfile.TemporaryDirectory() as tmp:
        probe(targets, 1, importtime_dir=tmp)
        traces = {t: read_importtime(Path(tmp) / f"{i}.txt") for i, t in enumerate(targets)}

    med = {t: c.median([s["seconds"] for s in timing["samples"][t]]) for t in targets}
    new = {t: timing["samples"][t][0]["new_modules"] for t in targets}
    base = med[HTTP]
    result.data = {"median_seconds": med, "reps": reps, "sdk_seconds": timing["sdk_seconds"]}

    for module in OURS:
        result.rows.append(
            c.ratio_row(f"parse: +import {short(module)}", med[module] * 1000, base * 1000, " ms", "<=", 0.20)
        )
    offenders = {short(m): heavy[m][0] for m in OURS if heavy[m][0]}
    dag_forbidden = heavy[DAG_OURS][0]
    http_noted = heavy[HTTP][1]
    result.rows.append(
        c.Row(
            "parse: heavy modules pulled by operator/sensor modules + example DAG",
            "none" if not offenders and not dag_forbidden else json.dumps({**offenders, "dag": dag_forbidden}),
            "HttpOperator: " + (", ".join(http_noted) or "none"),
            None,
            "none",
            not offenders and not dag_forbidden,
        )
    )
    extra_ours = med[DAG_OURS] - med[DAG_EMPTY]
    extra_http = med[DAG_HTTP] - med[DAG_EMPTY]
    result.rows.append(
        c.Row(
            "parse: DAG file (5 tasks) over EmptyOperator twin",
            f"{extra_ours * 1000:.3g} ms",
            f"{extra_http * 1000:.3g} ms (HttpOperator twin)",
            extra_ours / extra_http if extra_http > 0 else None,
            "info",
            None,
        )
    )

    result.details.append(
        f"medians of {reps} interleaved forked samples, each on top of `import airflow.sdk` "
        f"({timing['sdk_seconds']:.2f} s in the probe process)"
    )
    result.details.append(
        "heavy = packages the target imports, found by a detection pass that first drops them from "
        "sys.modules (airflow.sdk already loads httpx, tenacity and jsonschema) and records any import of them; "
        "ms = their cumulative time under -X importtime when they were new"
    )
    result.details.append(f"{'target':58} {'median':>9} {'selfsum':>9} {'mods':>5}  heavy (forbidden!) / noted")
    for t in targets:
        forbidden, noted = heavy[t]
        selfsum, cumulative = traces[t]
        noted_txt = ", ".join(f"{m} {cumulative[m] * 1000:.0f}ms" if m in cumulative else m for m in noted) or "-"
        forb_txt = ", ".join(f"{m}!" for m in forbidden)
        name = Path(t).name if t.endswith(".py") else short(t)
        result.details.append(
            f"{name:58} {med[t] * 1000:7.1f}ms {selfsum * 1000:7.1f}ms {len(new[t]):5d}  "
            f"{forb_txt} {noted_txt}".rstrip()
        )
    ours_mods = sorted({m for t in OURS for m in new[t] if m.startswith("airflow_provider_vercel")})
    result.details.append(
        "our modules loaded by the operator/sensor modules: " + ", ".join(short(m) for m in ours_mods)
    )
    dag_mods = sorted(m for m in new[DAG_OURS] if m.startswith("airflow_provider_vercel"))
    result.details.append(
        "our modules loaded by parsing vercel_paid_store.py: " + ", ".join(short(m) for m in dag_mods)
    )
    top = sorted(traces[HTTP][1].items(), key=lambda kv: -kv[1])
    tops = [(m, s) for m, s in top if "." not in m][:6]
    result.details.append(
        "HttpOperator's extra import, biggest top-level packages (cumulative, under -X importtime): "
        + ", ".join(f"{m} {s * 1000:.0f}ms" for m, s in tops)
    )


if __name__ == "__main__":
    c.bench_main("parse", "1. DAG-parse cost (extra import time on top of airflow.sdk)", body)
