"""The ASGI gate as a long-running server needs it: request bodies refused while they are read (``middleware.py``)."""

from __future__ import annotations

import re
import select
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from airflow_provider_vercel.emulator.limits import DEFAULT_MAX_BODY_BYTES
from tests.emulator.conftest import admin_client

CONFIGS = "/v1/integrations/configurations"
CREATE = "/v1/storage/stores/integration/direct"
MiB = 1024 * 1024


def test_a_body_over_the_declared_limit_is_refused_with_400_without_calling_the_endpoint(small_server):
    body = b'{"name": "big", "pad": "' + b"x" * 5000 + b'"}'
    with admin_client(small_server) as client:
        response = client.post(CREATE, content=body, headers={"content-type": "application/json"})
    assert response.status_code == 400
    assert "larger than 4096 bytes" in response.json()["error"]["message"]
    assert small_server.state.team_stores(small_server.team_id) == []
    assert [(r["method"], r["status"]) for r in small_server.requests] == [("POST", 400)]


def test_a_streamed_body_without_length_is_refused_once_it_passes_the_limit(small_server):
    def chunks() -> Iterator[bytes]:
        yield b'{"name": "streamed", "pad": "'
        for _ in range(10):
            yield b"x" * 1024
        yield b'"}'

    with admin_client(small_server) as client:
        response = client.post(CREATE, content=chunks(), headers={"content-type": "application/json"})
    assert response.status_code == 400
    assert small_server.state.team_stores(small_server.team_id) == []


def test_a_body_within_the_limit_is_served(small_server):
    with admin_client(small_server) as client:
        configuration = small_server.configuration_id("neon")
        body = {
            "name": "fits",
            "integrationConfigurationId": configuration,
            "integrationProductIdOrSlug": "neon-postgres",
            "metadata": {"region": "iad1"},
        }
        assert client.post(CREATE, json=body).status_code == 200
        # Control endpoints are bounded too: a huge fault spec cannot fill the memory either.
        assert client.post("/_emulator/faults", content=b"[" + b" " * 5000 + b"]").status_code == 400


def _peak_rss_kib(pid: int) -> int:
    status = Path(f"/proc/{pid}/status").read_text()
    return int(re.search(r"VmHWM:\s+(\d+) kB", status).group(1))


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="reads peak RSS from /proc")
def test_a_100_mib_streamed_body_is_refused_without_the_emulator_buffering_it():
    # The emulator as users run it: its own process, so its peak RSS is its own.
    process = subprocess.Popen(
        [sys.executable, "-m", "airflow_provider_vercel.emulator", "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        line = process.stdout.readline()
        match = re.search(r"listening on http://127\.0\.0\.1:(\d+) .*admin_token=(\S+)", line)
        assert match, line
        port, token = int(match.group(1)), match.group(2)
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", verify=False) as warm:
            warm.get(CONFIGS, headers={"Authorization": f"Bearer {token}"})  # imports and caches settle
        before = _peak_rss_kib(process.pid)
        total, chunk = 100 * MiB, b"x" * (64 * 1024)
        sent, answer = 0, b""
        with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
            sock.sendall(
                f"POST {CREATE} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {token}\r\n"
                "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n".encode()
            )
            try:
                while sent < total:
                    if select.select([sock], [], [], 0)[0]:
                        break  # the server has answered: stop sending
                    sock.sendall(b"%x\r\n%s\r\n" % (len(chunk), chunk))
                    sent += len(chunk)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the server closed the connection on the rest of the body
            try:
                answer = sock.recv(65536)
            except ConnectionResetError:
                answer = b""
        after = _peak_rss_kib(process.pid)
    finally:
        process.terminate()
        process.wait(timeout=10)
    grown_mib = (after - before) / 1024
    print(f"100 MiB upload: client got {sent / MiB:.1f} MiB out before the refusal; emulator peak RSS +{grown_mib:.1f} MiB")
    assert answer.startswith(b"HTTP/1.1 400"), answer[:200]
    # Before the limit existed the same upload raised the peak by ~350 MB. Kernel socket buffers let a
    # few MiB out before the server stops reading: the bounds are far below 100 MiB, far above those.
    assert sent < total / 4
    assert grown_mib < 2 * DEFAULT_MAX_BODY_BYTES / MiB + 16
