"""Connecting with an env var prefix, confirming a 409, and reading every page of a project's env vars.

All against the emulator over real HTTP, except the 409 that no project explains: a scripted server on
loopback answers it, since the emulator only answers 409 when the project is connected.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from airflow_provider_vercel.api import validation
from airflow_provider_vercel.api.client import VercelClient
from airflow_provider_vercel.api.errors import (
    VercelBadRequestError,
    VercelConflictError,
    VercelInputError,
    VercelResponseError,
)
from airflow_provider_vercel.api.models import EnvVar, Store, StoreSecret
from airflow_provider_vercel.emulator import spec
from tests.api.seed import NEON_CFG, WEB_APP
from tests.api.test_client import api_requests, create, make_client


@pytest.fixture
def client(vercel_emulator: object) -> Iterator[VercelClient]:
    vercel_emulator.state.ready_delay = 0  # type: ignore[attr-defined]
    with make_client(vercel_emulator) as c:
        yield c


def _keys_of(client: VercelClient, store_id: str) -> set[str]:
    return {env.key for env in client.list_project_env(WEB_APP) if env.store_id == store_id}


def test_connect_with_a_prefix_goes_through_the_cli_route_and_prefixes_every_key(client, vercel_emulator):
    store = create(client).store
    assert client.connect_store(NEON_CFG, store.id, WEB_APP, env_var_prefix="PR42_") is True
    posts = api_requests(vercel_emulator, "POST", f"/v1/storage/stores/{store.id}/connections")
    assert len(posts) == 1 and posts[0]["status"] == 200
    assert _keys_of(client, store.id) == {f"PR42_{name}" for name in store.secret_names}
    connection = client.get_store(store.id).projects_metadata[0]
    assert connection.env_var_prefix == "PR42_"


def test_connect_without_a_prefix_keeps_the_published_route(client, vercel_emulator):
    store = create(client).store
    client.connect_store(NEON_CFG, store.id, WEB_APP)
    published = f"/v1/integrations/installations/{NEON_CFG}/resources/{store.id}/connections"
    assert [r["status"] for r in api_requests(vercel_emulator, "POST", published)] == [201]
    assert api_requests(vercel_emulator, "POST", f"/v1/storage/stores/{store.id}/connections") == []


def test_two_stores_of_one_product_share_a_project_when_the_second_has_a_prefix(client):
    first = create(client, name="pr-1").store
    second = create(client, name="pr-2").store
    client.connect_store(NEON_CFG, first.id, WEB_APP)
    with pytest.raises(VercelBadRequestError) as refused:
        client.connect_store(NEON_CFG, second.id, WEB_APP)
    assert refused.value.code == "env_already_exists"
    assert client.connect_store(NEON_CFG, second.id, WEB_APP, env_var_prefix="PR2_") is True
    assert _keys_of(client, first.id) == set(first.secret_names)
    assert _keys_of(client, second.id) == {f"PR2_{name}" for name in second.secret_names}


@pytest.mark.parametrize("prefix", ["", "2PR_", "PR-42", "PR 42", "None", "ä_"])
def test_a_bad_prefix_is_refused_naming_the_argument_before_any_request(client, vercel_emulator, prefix):
    before = len(vercel_emulator.requests)
    with pytest.raises(VercelInputError) as bad:
        client.connect_store(NEON_CFG, "store_x", WEB_APP, env_var_prefix=prefix)
    assert bad.value.argument == "env_var_prefix"
    assert len(vercel_emulator.requests) == before


def test_client_prefix_rule_is_the_emulators():
    assert validation.ENV_VAR_PREFIX.pattern == spec.ENV_PREFIX_PATTERN


def test_a_repeat_connect_is_confirmed_from_projects_metadata_before_answering_false(client, vercel_emulator):
    store = create(client).store
    assert client.connect_store(NEON_CFG, store.id, WEB_APP) is True
    assert client.connect_store(NEON_CFG, store.id, "web-app") is False  # the project by name this time
    statuses = [(r["method"], r["status"]) for r in vercel_emulator.requests if store.id in r["path"]]
    assert statuses[-2:] == [("POST", 409), ("GET", 200)]


class _ConflictingServer(BaseHTTPRequestHandler):
    """Answers 409 to any connect, and a store connected to no project."""

    def log_message(self, *args: object) -> None:  # keep test output clean
        pass

    def _send(self, status: int, body: object) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_POST(self) -> None:  # noqa: N802
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self._send(409, {"error": {"code": "conflict", "message": "The store is being reconfigured."}})

    def do_GET(self) -> None:  # noqa: N802
        self._send(200, {"store": {"id": "store_a", "status": "available", "projectsMetadata": [],
                                   "usageQuotaExceeded": False}})


@pytest.fixture
def conflicting_url() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _ConflictingServer)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def test_a_409_for_a_project_the_store_does_not_list_fails_with_the_servers_message(conflicting_url):
    with VercelClient("tok", base_url=conflicting_url, team_id="team_x") as client:
        with pytest.raises(VercelConflictError) as conflict:
            client.connect_store(NEON_CFG, "store_a", "prj_a")
    assert conflict.value.status == 409
    assert "being reconfigured" in str(conflict.value)


def test_env_listing_follows_pagination_next_until_null(client, vercel_emulator):
    store = create(client).store
    client.connect_store(NEON_CFG, store.id, WEB_APP)
    whole = client.list_project_env(WEB_APP)
    vercel_emulator.state.env_page_size = 2
    before = len(vercel_emulator.requests)
    paged = client.list_project_env(WEB_APP)
    pages = [r for r in vercel_emulator.requests[before:] if r["path"] == f"/v10/projects/{WEB_APP}/env"]
    assert [env.id for env in paged] == [env.id for env in whole]
    assert len(pages) == -(-len(whole) // 2) > 1
    assert "until" not in pages[0]["query"] and all("until" in page["query"] for page in pages[1:])


def test_models_accept_fractional_numbers_where_the_contract_says_number():
    store = Store.model_validate(
        {"id": "store_a", "createdAt": 1.7e12 + 0.5, "updatedAt": 2.5, "totalConnectedProjects": 1.5,
         "secrets": [{"name": "DATABASE_URL", "length": 40.5}]}
    )
    assert (store.created_at, store.updated_at, store.total_connected_projects) == (1.7e12 + 0.5, 2.5, 1.5)
    assert StoreSecret.model_validate({"name": "X", "length": 3}).length == 3  # whole numbers stay ints
    assert store.secrets[0].length == 40.5
    assert EnvVar.model_validate({"key": "K", "value": "v", "type": "plain", "securityIssues": []}).key == "K"


class _LoopingPages(_ConflictingServer):
    """An env listing whose every page says the next one starts at the same cursor."""

    def do_GET(self) -> None:  # noqa: N802
        env = {"key": "K", "value": "v", "type": "plain", "securityIssues": []}
        self._send(200, {"envs": [env], "pagination": {"count": 1, "next": 5, "prev": None}})


def test_env_listing_stops_with_an_error_when_a_page_cursor_repeats():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _LoopingPages)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        with VercelClient("tok", base_url=f"http://127.0.0.1:{server.server_address[1]}", team_id="team_x") as client:
            with pytest.raises(VercelResponseError, match="repeats"):
                client.list_project_env("web-app")
    finally:
        server.shutdown()
        server.server_close()
