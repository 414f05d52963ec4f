"""Connecting a store to a project (``connect.py``): the env var prefix and how a 409 is confirmed.

All against the emulator over real HTTP, except the 409 that no project explains: a scripted server on
loopback answers it, since the emulator only answers 409 when the project is connected.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import ThreadingHTTPServer

import pytest

from airflow_provider_vercel.api.client import VercelClient
from airflow_provider_vercel.api.errors import (
    VercelBadRequestError,
    VercelConflictError,
    VercelInputError,
)
from tests.api.seed import NEON_CFG, WEB_APP
from tests.helpers.clients import api_requests, create
from tests.helpers.json_server import JsonAnswers

pytestmark = pytest.mark.usefixtures("stores_ready_at_once")


def _keys_of(client: VercelClient, store_id: str) -> set[str]:
    return {env.key for env in client.list_project_env(WEB_APP) if env.store_id == store_id}


def test_connect_then_connect_again_reports_already_connected(client):
    store = create(client).store
    assert client.connect_store(NEON_CFG, store.id, WEB_APP) is True
    assert client.connect_store(NEON_CFG, store.id, WEB_APP) is False
    assert client.get_store(store.id).connected_project_ids == [WEB_APP]


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


def test_a_repeat_connect_is_confirmed_from_projects_metadata_before_answering_false(client, vercel_emulator):
    store = create(client).store
    assert client.connect_store(NEON_CFG, store.id, WEB_APP) is True
    assert client.connect_store(NEON_CFG, store.id, "web-app") is False  # the project by name this time
    statuses = [(r["method"], r["status"]) for r in vercel_emulator.requests if store.id in r["path"]]
    assert statuses[-2:] == [("POST", 409), ("GET", 200)]


class _ConflictingServer(JsonAnswers):
    """Answers 409 to any connect, and a store connected to no project."""

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
