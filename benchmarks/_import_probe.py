"""Worker of ``bench_parse.py``: import ``airflow.sdk`` once, then measure each target in a forked child.

Usage: ``python _import_probe.py --reps N --out result.json [--importtime-dir DIR] TARGET...`` where a
TARGET is a module name or the path of a DAG file. Each child starts from the same state (a process
that has imported ``airflow.sdk`` and nothing else), imports one target, and reports the seconds it
took and the modules it added. Targets are measured in a rotating order so drift spreads evenly.
Run the worker with ``python -X importtime`` and ``--importtime-dir`` to also capture each child's
importtime lines (its stderr) in ``DIR/<n>.txt``.

``--watch a,b,c`` (detection pass, not timed): before importing the target the child drops those
packages from ``sys.modules`` (``airflow.sdk`` has already loaded some of them, e.g. httpx, tenacity and
jsonschema, so "new modules" alone cannot tell whether the target needs them) and records every
attempt to import them again.
"""

from __future__ import annotations

import argparse
import gc
import importlib
import json
import os
import runpy
import sys
import time

t0 = time.perf_counter()
import airflow.sdk  # noqa: E402,F401  (the baseline every DAG file pays)

SDK_SECONDS = time.perf_counter() - t0


class _Recorder:
    """A meta-path finder that only records imports of watched packages, then lets them proceed."""

    def __init__(self, watched: list[str]) -> None:
        self.watched = watched
        self.seen: set[str] = set()

    def find_spec(self, fullname: str, path=None, target=None):  # noqa: ANN001
        for name in self.watched:
            if fullname == name or fullname.startswith(name + "."):
                self.seen.add(name)
        return None


def _child(target: str, importtime_file: str | None, write_fd: int, base: frozenset[str], watch: list[str]) -> None:
    recorder = None
    if watch:
        for name in list(sys.modules):
            if any(name == w or name.startswith(w + ".") for w in watch):
                del sys.modules[name]
        recorder = _Recorder(watch)
        sys.meta_path.insert(0, recorder)
        base = frozenset(sys.modules)
    if importtime_file:
        fd = os.open(importtime_file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
        os.dup2(fd, 2)
    started = time.perf_counter()
    if target.endswith(".py"):
        runpy.run_path(target, run_name="bench_dag_file")
    else:
        importlib.import_module(target)
    seconds = time.perf_counter() - started
    new = sorted(set(sys.modules) - base)
    answer = {"seconds": seconds, "new_modules": new}
    if recorder is not None:
        answer["watched_imports"] = sorted(recorder.seen)
    os.write(write_fd, json.dumps(answer).encode())
    os.close(write_fd)


def measure(target: str, importtime_file: str | None, watch: list[str]) -> dict:
    base = frozenset(sys.modules)
    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:  # child
        code = 0
        try:
            os.close(read_fd)
            _child(target, importtime_file, write_fd, base, watch)
        except BaseException as exc:  # report, never fall back into the parent's loop
            os.write(write_fd, json.dumps({"error": f"{type(exc).__name__}: {exc}"}).encode())
            code = 1
        finally:
            os._exit(code)
    os.close(write_fd)
    chunks = []
    while chunk := os.read(read_fd, 1 << 16):
        chunks.append(chunk)
    os.close(read_fd)
    os.waitpid(pid, 0)
    return json.loads(b"".join(chunks) or b'{"error": "no answer"}')


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--reps", type=int, default=5)
    parser.add_argument("--out", required=True)
    parser.add_argument("--importtime-dir")
    parser.add_argument("--watch", default="")
    parser.add_argument("targets", nargs="+")
    args = parser.parse_args()
    gc.collect()
    gc.freeze()  # children then do not touch (copy) the parent's objects when they collect
    samples: dict[str, list[dict]] = {t: [] for t in args.targets}
    n = len(args.targets)
    for rep in range(args.reps):
        order = args.targets[rep % n :] + args.targets[: rep % n]
        for target in order:
            trace = None
            if args.importtime_dir:
                trace = os.path.join(args.importtime_dir, f"{args.targets.index(target)}.txt")
            sample = measure(target, trace, [w for w in args.watch.split(",") if w])
            if rep > 0:
                sample.pop("new_modules", None)
            samples[target].append(sample)
    with open(args.out, "w") as fh:
        json.dump({"sdk_seconds": SDK_SECONDS, "samples": samples}, fh)


if __name__ == "__main__":
    main()
