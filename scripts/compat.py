"""`make test-compat`: the smoke suite on every supported Airflow line, and a compatibility matrix.

For each Airflow line (default 2.11 and 3.1; 3.3 is the main ``.venv`` that ``make test`` uses) it
creates ``.venv-airflow-<line>`` with uv (``uv venv`` + ``uv pip install -e '.[dev]'
"apache-airflow==<line>.*"`` and the line's pins, if any), then runs the smoke suite there:

    tests/hooks tests/operators tests/test_get_provider_info.py tests/compat tests/ui/test_connection_test_command.py

i.e. the hook and every operator against the emulator, the provider info, the version guard, the example
DAGs' import, the paid-store DAG end to end through ``dag.test()``, the connection form metadata, and
``airflow connections test``. A venv is reused while its stamp (pyproject.toml's hash and the
requirement) is unchanged; ``--fresh`` rebuilds it. Prints a matrix (version → passed / failed / …,
install and run seconds); exits 1 if any line has failures or errors.

    python3 scripts/compat.py [--versions 2.11 3.1 3.3] [--fresh] [-- extra pytest args]
"""

from __future__ import annotations

import argparse
import functools
import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SMOKE = [
    "tests/hooks",
    "tests/operators",
    "tests/test_get_provider_info.py",
    "tests/compat",
    "tests/ui/test_connection_test_command.py",
]
# Extra requirements per line, on top of "apache-airflow==<line>.*". None were needed in 2026-11: uv
# resolved both lines from PyPI unaided (the matrix prints the key versions it picked). Add a pin here
# when a new release of a dependency breaks an old line.
PINS: dict[str, list[str]] = {"2.11": [], "3.1": [], "3.3": []}
MAIN_VENV_LINE = "3.3"  # the line the main .venv (make test) is built for
KEY_DISTRIBUTIONS = (
    "apache-airflow-providers-common-compat",
    "apache-airflow-task-sdk",
    "sqlalchemy",
    "pydantic",
    "fastapi",
    "starlette",
    "uvicorn",
    "httpx",
)


@dataclass
class Result:
    line: str
    venv: Path
    airflow: str = "?"
    key_versions: str = ""
    install_s: float | None = None
    run_s: float | None = None
    counts: dict[str, int] = field(default_factory=dict)
    note: str = ""

    @property
    def ok(self) -> bool:
        return bool(self.counts) and not self.counts.get("failed") and not self.counts.get("error")


@functools.cache
def uv() -> tuple[str, ...]:
    """``python -m uv``, installing uv into this interpreter's user site if it is missing."""
    command = (sys.executable, "-m", "uv")
    if subprocess.run([*command, "--version"], capture_output=True, check=False).returncode != 0:
        subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "uv"], check=True)
    return command


def stamp_text(line: str) -> str:
    digest = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()[:16]
    return f"apache-airflow=={line}.* {' '.join(PINS.get(line, []))} pyproject={digest}\n"


def install(result: Result, python: str, fresh: bool, log) -> bool:
    """Create or reuse the line's venv; True when it is ready."""
    venv, line = result.venv, result.line
    stamp = venv / ".installed-compat"
    if not fresh and stamp.exists() and stamp.read_text() == stamp_text(line) and (venv / "bin" / "python").exists():
        result.install_s = 0.0
        result.note = "venv reused"
        return True
    started = time.monotonic()
    if venv.exists():
        shutil.rmtree(venv)
    commands = [
        [*uv(), "venv", "--quiet", "--python", python, str(venv)],
        [*uv(), "pip", "install", "--python", str(venv / "bin" / "python"), "-e", ".[dev]",
         f"apache-airflow=={line}.*", *PINS.get(line, [])],
    ]
    for command in commands:
        log.write(f"$ {' '.join(command)}\n")
        log.flush()
        done = subprocess.run(command, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, check=False)
        if done.returncode != 0:
            result.install_s = time.monotonic() - started
            result.note = f"install failed (exit {done.returncode}), see {log.name}"
            return False
    stamp.write_text(stamp_text(line))
    result.install_s = time.monotonic() - started
    return True


def count(junit: Path) -> dict[str, int]:
    """passed / failed / error / skipped / xfailed / xpassed from pytest's JUnit XML."""
    counts = dict.fromkeys(("passed", "failed", "error", "skipped", "xfailed"), 0)
    for case in ET.parse(junit).getroot().iter("testcase"):
        if case.find("failure") is not None:
            counts["failed"] += 1
        elif case.find("error") is not None:
            counts["error"] += 1
        elif (skipped := case.find("skipped")) is not None:
            counts["xfailed" if skipped.get("type") == "pytest.xfail" else "skipped"] += 1
        else:
            counts["passed"] += 1
    return counts


PROBE = """
import sys
from importlib.metadata import PackageNotFoundError, version
for name in sys.argv[1:]:
    try:
        print(f"{name}={version(name)}")
    except PackageNotFoundError:
        pass
"""


def run_smoke(result: Result, pytest_args: list[str], log) -> None:
    python = result.venv / "bin" / "python"
    probe = subprocess.run(
        [str(python), "-c", PROBE, "apache-airflow", *KEY_DISTRIBUTIONS],
        capture_output=True,
        text=True,
        check=False,
    )
    versions = dict(line.split("=", 1) for line in probe.stdout.splitlines() if "=" in line)
    result.airflow = versions.pop("apache-airflow", "?")
    result.key_versions = ", ".join(f"{name.replace('apache-airflow-providers-', '')} {v}" for name, v in versions.items())
    # A clean environment: no AIRFLOW_* from the caller's shell (tests/conftest.py makes its own home).
    env = {k: v for k, v in os.environ.items() if not k.startswith("AIRFLOW") and k != "VERCEL_UI_REQUIRED"}
    with tempfile.TemporaryDirectory(prefix="apv-compat-") as tmp:
        junit = Path(tmp) / "junit.xml"
        command = [str(python), "-m", "pytest", "-q", "-p", "no:cacheprovider", "-rfEx",
                   f"--junitxml={junit}", *SMOKE, *pytest_args]
        log.write(f"$ {' '.join(command)}\n")
        log.flush()
        started = time.monotonic()
        done = subprocess.run(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, check=False)
        result.run_s = time.monotonic() - started
        if junit.exists():
            result.counts = count(junit)
        else:
            result.note = f"pytest exit {done.returncode} without a report, see {log.name}"


def matrix(results: list[Result]) -> str:
    header = ["Airflow line", "installed", "passed", "failed", "errors", "skipped", "xfailed", "install s", "run s", "result"]
    rows = []
    for r in results:
        c = r.counts
        rows.append([
            r.line, r.airflow,
            *(str(c.get(k, "-")) for k in ("passed", "failed", "error", "skipped", "xfailed")),
            "-" if r.install_s is None else f"{r.install_s:.1f}",
            "-" if r.run_s is None else f"{r.run_s:.1f}",
            ("OK" if r.ok else "FAILED") + (f" ({r.note})" if r.note else ""),
        ])
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
    lines = [" | ".join(cell.ljust(w) for cell, w in zip(row, widths)) for row in [header, *rows]]
    lines.insert(1, "-+-".join("-" * w for w in widths))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--versions", nargs="+", default=["2.11", "3.1"], help="Airflow lines (default: 2.11 3.1)")
    parser.add_argument("--fresh", action="store_true", help="rebuild the venvs even if their stamp matches")
    parser.add_argument("--python", default=os.environ.get("PYTHON", "python3"), help="interpreter for the venvs")
    parser.add_argument("--logs", default=str(ROOT / "artifacts" / "compat"), help="folder for the per-line logs")
    args, pytest_args = parser.parse_known_args(argv)
    pytest_args = [a for a in pytest_args if a != "--"]
    logs = Path(args.logs)
    logs.mkdir(parents=True, exist_ok=True)

    results = []
    total = time.monotonic()
    for line in args.versions:
        venv = ROOT / (".venv" if line == MAIN_VENV_LINE else f".venv-airflow-{line}")
        result = Result(line, venv)
        log_path = logs / f"airflow-{line}.log"
        print(f"== Airflow {line}: {venv.name} (log: {log_path.relative_to(ROOT) if log_path.is_relative_to(ROOT) else log_path})", flush=True)
        with log_path.open("w") as log:
            if line == MAIN_VENV_LINE:
                ready = (venv / "bin" / "python").exists()  # built by `make venv`; not ours to rebuild
                result.install_s, result.note = 0.0, "main .venv"
                if not ready:
                    result.note = "no .venv: run `make venv` first"
            else:
                ready = install(result, args.python, args.fresh, log)
            if ready:
                run_smoke(result, pytest_args, log)
        if not result.ok:  # show why right away
            print("\n".join(log_path.read_text().splitlines()[-40:]))
        print(f"   airflow {result.airflow}: {result.counts or result.note}  "
              f"(install {result.install_s or 0:.1f}s, run {result.run_s or 0:.1f}s)", flush=True)
        results.append(result)

    print("\nCompatibility matrix (smoke suite: " + " ".join(SMOKE) + ")\n")
    print(matrix(results))
    print()
    for r in results:
        print(f"{r.line}: {r.key_versions or '-'}")
    print(f"\ntotal {time.monotonic() - total:.1f}s")
    return 0 if all(r.ok for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
