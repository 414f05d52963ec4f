"""The pytest plugin: registered through the entry point, and each test gets a clean emulator.

The two ``test_fixture_*`` tests rely on pytest running them in file order: the second proves that what the
first left behind (a store, a fault, a flag, log entries) was reset.
"""

from __future__ import annotations

import httpx


def test_plugin_is_registered_through_the_entry_point(pytestconfig):
    assert pytestconfig.pluginmanager.has_plugin("vercel_emulator")


def test_fixture_yields_the_shared_session_server(vercel_emulator, vercel_emulator_session):
    assert vercel_emulator is vercel_emulator_session and vercel_emulator.running


def test_fixture_first_test_leaves_a_mess(vercel_emulator, create_store):
    create_store()
    vercel_emulator.faults.rate_limit(5)
    vercel_emulator.state.reject_duplicate_names = True
    vercel_emulator.state.set_final_status_for("ci-", "error")
    headers = {"Authorization": "Bearer " + vercel_emulator.admin_token}
    assert httpx.get(vercel_emulator.url + "/v1/storage/stores", headers=headers).status_code == 429


def test_fixture_second_test_starts_clean(vercel_emulator):
    assert vercel_emulator.requests == []
    assert vercel_emulator.faults.describe()["faults"] == []
    assert vercel_emulator.state.reject_duplicate_names is False
    assert vercel_emulator.state.team_stores(vercel_emulator.team_id) == []
    headers = {"Authorization": "Bearer " + vercel_emulator.admin_token}
    response = httpx.get(
        vercel_emulator.url + "/v1/storage/stores", headers=headers, params={"teamId": vercel_emulator.team_id}
    )
    assert response.json() == {"stores": []}


def test_fixture_docstring_documents_the_server():
    from airflow_provider_vercel.emulator import pytest_plugin

    doc = pytest_plugin.vercel_emulator.__doc__ or ""
    assert "admin_token" in doc and "faults" in doc and "reset" in doc
