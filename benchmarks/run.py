"""Run the benchmarks and print one table: figure, ours, baseline, ratio, target, met?

    python benchmarks/run.py                      # all six (what `make bench` runs)
    python benchmarks/run.py --only parse,calls   # a subset
    python benchmarks/run.py --quick              # smaller counts, a smoke run (results.md untouched)

Each benchmark runs in its own process (``benchmarks/bench_<name>.py``, also runnable alone) and
hands back its rows as JSON. The combined table and every benchmark's details are written as markdown
to ``benchmarks/results.md`` (the README shows that table). Ratios are measured side by side in one
run; nothing here is a pass/fail test: a missed target is reported, the exit status is non-zero only
when a benchmark could not run.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _common as c  # noqa: E402

BENCHMARKS = ("parse", "calls", "conn", "ratelimit", "scale", "e2e")


def run_one(name: str, quick: bool, full: bool) -> c.Result:
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as tmp:
        out = Path(tmp.name)
    cmd = [sys.executable, str(c.BENCH_DIR / f"bench_{name}.py"), "--json", str(out)]
    if quick:
        cmd.append("--quick")
    if full and name == "scale":
        cmd.append("--full")
    started = time.monotonic()
    try:
        proc = subprocess.run(cmd, cwd=c.ROOT, timeout=1800)
        data = json.loads(out.read_text()) if out.exists() and out.stat().st_size else None
    except subprocess.TimeoutExpired:
        proc, data = None, None
    finally:
        out.unlink(missing_ok=True)
    if data is None:
        code = "timed out" if proc is None else f"exit {proc.returncode}"
        return c.Result(name, f"{name} (no result)", seconds=time.monotonic() - started, error=f"benchmark {code}")
    return c.Result.from_json(data)


def machine() -> str:
    import importlib.metadata as md

    def version(dist: str) -> str:
        try:
            return md.version(dist)
        except md.PackageNotFoundError:
            return "absent"

    load = os.getloadavg()
    return (
        f"{platform.system()} {platform.machine()}, {os.cpu_count()} CPUs, load average {load[0]:.1f}; "
        f"Python {platform.python_version()}; apache-airflow {version('apache-airflow')}, "
        f"apache-airflow-providers-http {version('apache-airflow-providers-http')}, httpx {version('httpx')}, "
        f"pydantic {version('pydantic')}"
    )


def markdown(results: list[c.Result], total: float, started: str, env_before: str, command: str) -> str:
    rows = [r for res in results for r in res.rows]
    lines = [
        "# Benchmark results",
        "",
        f"`{command}` on {started}, {total / 60:.1f} min in all. Machine: {env_before}.",
        "",
        "Ratios are ours / baseline, measured side by side in the same run. `met?` compares with the target;",
        "`-` marks figures that are reported, not targeted. Reproduce with `make bench`.",
        "",
        c.markdown_table(rows),
        "",
    ]
    for res in results:
        lines += [f"## {res.title} ({res.seconds:.0f} s)", ""]
        if res.error:
            lines += [f"**Error:** {res.error}", ""]
        if res.details:
            lines += ["```", *res.details, "```", ""]
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", help=f"comma-separated subset of {','.join(BENCHMARKS)}")
    parser.add_argument("--quick", action="store_true", help="smaller counts; does not write results.md")
    parser.add_argument("--full", action="store_true", help="no time cap on get-or-create at N=1000 (scale)")
    parser.add_argument(
        "--out", default=None, help="markdown output (default benchmarks/results.md; none with --quick)"
    )
    args = parser.parse_args()
    names = BENCHMARKS if not args.only else tuple(n.strip() for n in args.only.split(",") if n.strip())
    unknown = sorted(set(names) - set(BENCHMARKS))
    if unknown:
        parser.error(f"unknown benchmark(s) {unknown}; choose from {', '.join(BENCHMARKS)}")

    started_at = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    env_before = machine()
    t0 = time.monotonic()
    results = []
    for name in names:
        print(f"\n>>> benchmark {name}", flush=True)
        results.append(run_one(name, args.quick, args.full))
    total = time.monotonic() - t0

    rows = [r for res in results for r in res.rows]
    print("\n" + "=" * 100)
    print(f"airflow-provider-vercel benchmarks, {started_at}, {total / 60:.1f} min; {env_before}\n")
    print(c.text_table(rows))
    for res in results:
        if res.error:
            print(f"!! {res.name}: {res.error}")
    missed = [r.figure for r in rows if r.met is False]
    print(
        f"\n{sum(r.met is True for r in rows)} targets met, {len(missed)} missed"
        + (": see details above" if missed else "")
    )

    out = args.out or (None if args.quick else str(c.BENCH_DIR / "results.md"))
    if out:
        command = (
            "python benchmarks/run.py"
            + (f" --only {args.only}" if args.only else "")
            + (" --full" if args.full else "")
        )
        Path(out).write_text(markdown(results, total, started_at, env_before, command))
        print(f"markdown table written to {out}")
    return 1 if any(res.error for res in results) else 0


if __name__ == "__main__":
    sys.exit(main())
