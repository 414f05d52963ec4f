"""VercelStoreSecretsBackend against the emulator, directly and through Airflow's own connection lookup."""

from __future__ import annotations

import json
import os
from urllib.parse import urlsplit

import pytest

from airflow_provider_vercel.api.errors import VercelCredentialsError
from airflow_provider_vercel.hooks.vercel import VercelHook
from airflow_provider_vercel.operators.lifecycle import VercelConnectStoreOperator
from airflow_provider_vercel.secrets.store_connections import VercelStoreSecretsBackend
from tests.helpers.stores import assert_masked, connect_env, new_store

BACKEND = "airflow_provider_vercel.secrets.store_connections.VercelStoreSecretsBackend"


@pytest.fixture
def emu(vercel_emulator, monkeypatch):
    vercel_emulator.state.ready_delay = 0
    connect_env(monkeypatch, vercel_emulator)
    return vercel_emulator


@pytest.fixture
def connected(emu):
    """A Neon store connected to ``web-app`` for preview and development."""
    store = new_store(VercelHook(), emu, name="pr-5-db")
    VercelConnectStoreOperator(
        task_id="c", store_id=store.id, project_id="web-app", environments=["preview", "development"]
    ).execute({})
    return store


def url_parts(server, store_id):
    return urlsplit(server.state.stores[store_id].secrets["DATABASE_URL"])


def test_an_id_of_the_form_gets_the_stores_connection_built_from_the_projects_env(emu, connected):
    conn_id = f"vercel-store--{connected.id}--web-app--preview"
    conn = VercelStoreSecretsBackend().get_connection(conn_id)
    url = url_parts(emu, connected.id)
    assert (conn.conn_id, conn.conn_type) == (conn_id, "postgres")
    assert (conn.host, conn.login, conn.password, conn.schema) == (url.hostname, url.username, url.password, url.path[1:])
    assert_masked(conn.password)


def test_a_unique_store_name_works_as_well(emu, connected):
    conn = VercelStoreSecretsBackend().get_connection("vercel-store--pr-5-db--web-app--development")
    assert conn.password == url_parts(emu, connected.id).password


def test_other_ids_are_not_mine_and_send_no_request(emu):
    backend = VercelStoreSecretsBackend()
    for conn_id in ("vercel_default", "postgres_default", "vercel-store--x--y--staging"):
        assert backend.get_connection(conn_id) is None
    assert backend.get_variable("vercel-store--x--y--preview") is None
    assert emu.requests == []


def test_a_target_the_store_is_not_connected_for_fails_saying_so(emu, connected, capfd, caplog):
    conn_id = f"vercel-store--{connected.id}--web-app--production"
    with pytest.raises(VercelCredentialsError, match="for development, preview, not production"):
        VercelStoreSecretsBackend().get_connection(conn_id)
    assert f"Vercel store connection {conn_id} could not be built" in capfd.readouterr().out + caplog.text


def test_an_unknown_store_name_fails_saying_so(emu, connected):
    with pytest.raises(VercelCredentialsError, match="no store called 'nope'"):
        VercelStoreSecretsBackend().get_connection("vercel-store--nope--web-app--preview")


def test_backend_kwargs_name_the_vercel_connection(emu, connected, monkeypatch):
    monkeypatch.setenv("AIRFLOW_CONN_VERCEL_TEAM", os.environ["AIRFLOW_CONN_VERCEL_DEFAULT"])
    monkeypatch.delenv("AIRFLOW_CONN_VERCEL_DEFAULT")
    backend = VercelStoreSecretsBackend(vercel_conn_id="vercel_team")
    assert backend.get_connection(f"vercel-store--{connected.id}--web-app--preview").conn_type == "postgres"
    with pytest.raises(ValueError, match="vercel_conn_id"):
        VercelStoreSecretsBackend(vercel_conn_id="vercel-store--a--b--preview")


def test_airflows_lookup_asks_the_configured_backend_and_the_next_one_for_other_ids(emu, connected, monkeypatch):
    from airflow.providers.common.compat.sdk import BaseHook
    from airflow.sdk.configuration import clear_secrets_backends_cache

    monkeypatch.setenv("AIRFLOW__SECRETS__BACKEND", BACKEND)
    monkeypatch.setenv("AIRFLOW__SECRETS__BACKEND_KWARGS", json.dumps({"vercel_conn_id": "vercel_default"}))
    clear_secrets_backends_cache()
    try:
        conn = BaseHook.get_connection(f"vercel-store--{connected.id}--web-app--preview")
        assert conn.password == url_parts(emu, connected.id).password
        assert BaseHook.get_connection("vercel_default").conn_type == "vercel"  # from the env var backend
    finally:
        clear_secrets_backends_cache()
