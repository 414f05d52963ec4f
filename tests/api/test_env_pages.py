"""Reading every page of a project's env vars (``env_pages.py``), against the emulator and a looping server."""

from __future__ import annotations

import threading
from http.server import ThreadingHTTPServer

import pytest

from airflow_provider_vercel.api.client import VercelClient
from airflow_provider_vercel.api.errors import VercelResponseError
from tests.api.seed import NEON_CFG, WEB_APP
from tests.helpers.clients import create
from tests.helpers.json_server import JsonAnswers

pytestmark = pytest.mark.usefixtures("stores_ready_at_once")


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


class _LoopingPages(JsonAnswers):
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
