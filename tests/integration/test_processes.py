"""The shared process harness: a killed process takes its whole tree with it; a restart runs the same command."""

from __future__ import annotations

import signal
import sys

import psutil
import pytest

from tests.integration.processes import CheckFailed, Processes, wait_until

# A parent that starts a grandchild in a session of its own (as a task supervisor may), then sleeps.
TREE = (
    "import subprocess, sys, time\n"
    "subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(60)'], start_new_session=True)\n"
    "time.sleep(60)\n"
)


@pytest.fixture
def procs(tmp_path):
    started = Processes(env={}, logs=tmp_path)
    yield started
    started.stop_all(grace=5)


def _tree(pid: int) -> list[psutil.Process]:
    return psutil.Process(pid).children(recursive=True)


def test_sigkill_ends_the_process_and_a_descendant_in_another_session(procs):
    entry = procs.start("tree", [sys.executable, "-c", TREE])
    children = wait_until("the grandchild", lambda: _tree(entry.process.pid), 20)
    procs.kill("tree", signal.SIGKILL)
    assert entry.process.returncode == -signal.SIGKILL
    assert not any(child.is_running() and child.status() != psutil.STATUS_ZOMBIE for child in children)
    assert procs.started == []


def test_sigterm_is_sent_to_the_leader_and_leftovers_are_killed(procs):
    entry = procs.start("tree", [sys.executable, "-c", TREE])
    children = wait_until("the grandchild", lambda: _tree(entry.process.pid), 20)
    procs.kill("tree", signal.SIGTERM, grace=5)
    assert entry.process.returncode == -signal.SIGTERM
    assert not any(child.is_running() and child.status() != psutil.STATUS_ZOMBIE for child in children)


def test_restart_runs_the_same_command_under_the_same_name(procs):
    first = procs.start("sleeper", [sys.executable, "-c", "import time; time.sleep(60)"])
    procs.kill("sleeper")
    second = procs.restart(first)
    assert second.name == "sleeper" and second.argv == first.argv and second.process.pid != first.process.pid
    assert procs.get("sleeper") is second


def test_assert_alive_names_a_process_that_exited(procs):
    entry = procs.start("quitter", [sys.executable, "-c", "raise SystemExit(3)"])
    entry.process.wait(timeout=20)
    with pytest.raises(CheckFailed, match="quitter .* exited with 3"):
        procs.assert_alive()
