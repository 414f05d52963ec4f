"""EmulatorServer lifecycle, the CLI entry point, the pytest plugin, cheap imports and /openapi.json."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest

from airflow_provider_vercel.emulator import EmulatorServer

ENDPOINTS = {
    ("get", "/v1/integrations/configurations"),
    ("get", "/v1/integrations/configuration/{id}"),
    ("get", "/v1/integrations/configuration/{id}/products"),
    ("get", "/v1/integrations/integration/{integrationIdOrSlug}/products/{productIdOrSlug}/plans"),
    ("post", "/v1/storage/stores/integration/direct"),
    ("get", "/v1/storage/stores/{id}"),
    ("get", "/v1/storage/stores"),
    ("delete", "/v1/storage/stores/integration/{id}"),
    ("post", "/v1/integrations/installations/{integrationConfigurationId}/resources/{resourceId}/connections"),
    ("post", "/v1/storage/stores/{id}/connections"),
    ("delete", "/v1/storage/stores/{id}/connections"),
    ("delete", "/v1/storage/stores/{id}/connections/{connectionId}"),
    ("get", "/v10/projects/{idOrName}/env"),
    ("get", "/v1/projects/{idOrName}/env/{id}"),
}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _refused(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(1)
        return sock.connect_ex(("127.0.0.1", port)) != 0


def test_start_is_fast_and_stop_frees_the_port_and_thread():
    server = EmulatorServer()
    started = time.monotonic()
    server.start()
    assert time.monotonic() - started < 1.0
    try:
        assert server.url == f"http://127.0.0.1:{server.port}"
        assert httpx.get(server.url + "/_emulator/health").status_code == 200
        thread = server._thread
    finally:
        server.stop()
    assert not thread.is_alive() and not server.running
    assert _refused(server.port)
    server.stop()  # idempotent


def test_context_manager_starts_and_stops():
    with EmulatorServer(ready_delay=0) as server:
        port = server.port
        response = httpx.get(
            server.url + "/v1/integrations/configurations",
            params={"view": "account", "teamId": server.team_id},
            headers={"Authorization": f"Bearer {server.admin_token}"},
        )
        assert response.status_code == 200
    assert _refused(port)


def test_server_exposes_seed_tokens_and_ids():
    server = EmulatorServer()
    assert server.admin_token.startswith("vcl_emu_admin_")
    assert server.member_token.startswith("vcl_emu_member_")
    assert server.nopay_admin_token.startswith("vcl_emu_nopay_admin_")
    assert server.other_team_token.startswith("vcl_emu_globex_")
    assert server.team_slug == "acme" and server.team_id.startswith("team_") and len(server.team_id) == 29
    assert server.configuration_id("neon") != server.configuration_id("upstash")
    assert server.configuration_id("neon", team="nopay").startswith("icfg_")
    assert server.project_id("web-app").startswith("prj_") and len(server.project_id("web-app")) == 32


def test_binding_a_busy_port_fails_cleanly(emu):
    with pytest.raises(OSError):
        EmulatorServer(port=emu.port).start()


def test_factory_fixture_starts_servers_with_another_seed_and_ready_delay(vercel_emulator_factory, tmp_path, emu):
    seed = json.loads((Path(__file__).parents[2] / "airflow_provider_vercel/emulator/seed.json").read_text())
    seed["teams"][0]["slug"] = "initech"
    seed["defaultTeam"] = "initech"
    path = tmp_path / "seed.json"
    path.write_text(json.dumps(seed))
    other = vercel_emulator_factory(seed_path=path, ready_delay=0)
    assert other.url != emu.url and other.team_slug == "initech"
    with httpx.Client(
        base_url=other.url, headers={"Authorization": f"Bearer {other.admin_token}"}, params={"slug": "initech"}
    ) as client:
        body = {
            "name": "x",
            "integrationConfigurationId": other.configuration_id("neon"),
            "integrationProductIdOrSlug": "neon-postgres",
            "metadata": {"region": "iad1"},
        }
        assert client.post("/v1/storage/stores/integration/direct", json=body).json()["store"]["status"] == "available"


def test_openapi_json_is_served_and_lists_every_endpoint(emu):
    response = httpx.get(emu.url + "/openapi.json")
    assert response.status_code == 200
    schema = response.json()
    listed = {(method, path) for path, ops in schema["paths"].items() for method in ops}
    assert ENDPOINTS.issubset(listed)
    assert not any(path.startswith("/_emulator") for path in schema["paths"])
    create = schema["paths"]["/v1/storage/stores/integration/direct"]["post"]
    body = create["requestBody"]["content"]["application/json"]["schema"]
    assert set(body["required"]) == {"name", "integrationConfigurationId", "integrationProductIdOrSlug"}
    assert "422" not in create["responses"] and "200" in create["responses"]
    params = {p["name"]: p for p in schema["paths"]["/v1/integrations/configurations"]["get"]["parameters"]}
    assert params["view"]["required"] is True and {"teamId", "slug", "installationType"} <= set(params)
    plans = {
        p["name"]
        for p in schema["paths"]["/v1/integrations/integration/{integrationIdOrSlug}/products/{productIdOrSlug}/plans"][
            "get"
        ]["parameters"]
    }
    assert {"metadata", "integrationConfigurationId", "source"} <= plans
    assert schema["components"]["securitySchemes"]["HTTPBearer"]["scheme"] == "bearer"
    assert emu.requests == []  # documentation requests are not logged


def test_unknown_paths_and_methods_use_the_vercel_error_body(admin):
    missing = admin.get("/v1/nothing-here")
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "not_found"
    wrong = admin.put("/v1/storage/stores")
    assert wrong.status_code == 405 and wrong.json()["error"]["code"] == "method_unknown"


def test_importing_the_package_and_plugin_does_not_import_fastapi_or_uvicorn():
    code = (
        "import sys, airflow_provider_vercel.emulator, airflow_provider_vercel.emulator.pytest_plugin;"
        "print(sorted(m for m in ('fastapi', 'uvicorn', 'airflow') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True)
    assert out.stdout.strip() == "[]"


def _read_line(stream, timeout: float) -> str:
    box: list[str] = []
    reader = threading.Thread(target=lambda: box.append(stream.readline()), daemon=True)
    reader.start()
    reader.join(timeout)
    return box[0] if box else ""


def _start_cli(port: int) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "airflow_provider_vercel.emulator", "--port", str(port), "--ready-delay", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )


def test_cli_entry_point_serves_and_stops_on_sigterm():
    port = _free_port()
    process = _start_cli(port)
    try:
        line = _read_line(process.stdout, 20)
        assert f"http://127.0.0.1:{port}" in line, line
        tokens = dict(part.split("=", 1) for part in line.split() if "=" in part)
        assert tokens["admin_token"].startswith("vcl_emu_admin_") and tokens["team_slug"] == "acme"
        response = httpx.get(
            f"http://127.0.0.1:{port}/v1/integrations/configurations",
            params={"view": "account", "teamId": tokens["team_id"]},
            headers={"Authorization": f"Bearer {tokens['admin_token']}"},
        )
        assert response.status_code == 200 and len(response.json()) == 4
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=10) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        process.stdout.close()
        process.stderr.close()
    assert _refused(port)


def test_cli_main_stops_cleanly_on_sigint(capsys):
    # In-process (a second interpreter would spend a second importing FastAPI): main() runs in this
    # thread, which owns signal handling; a helper thread checks the server, then sends SIGINT.
    from airflow_provider_vercel.emulator.__main__ import main

    port = _free_port()
    seen: dict[str, int] = {}

    def poke() -> None:
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                seen["status"] = httpx.get(f"http://127.0.0.1:{port}/_emulator/health").status_code
                break
            except httpx.TransportError:
                time.sleep(0.02)
        os.kill(os.getpid(), signal.SIGINT)

    before = signal.getsignal(signal.SIGINT)
    helper = threading.Thread(target=poke, daemon=True)
    helper.start()
    assert main(["--port", str(port)]) == 0
    helper.join(5)
    assert seen == {"status": 200}
    assert f"http://127.0.0.1:{port}" in capsys.readouterr().out
    assert signal.getsignal(signal.SIGINT) is before
    assert _refused(port)


def test_cli_reports_an_unreadable_seed(tmp_path, capsys):
    from airflow_provider_vercel.emulator.__main__ import main

    bad = tmp_path / "seed.json"
    bad.write_text("{not json")
    assert main(["--port", "0", "--seed", str(bad)]) == 1
    assert "seed" in capsys.readouterr().err
