"""VercelHook against the emulator: connection parsing, masking, the HTTPS rule, test_connection, credentials.

``get_store_credentials / get_store_url / get_store_connection``: placeholder values first (fast, no
database), then the real path: a store backed by a real PostgreSQL database
(``vercel_emulator_postgres``), whose connection the hook builds and psycopg uses. Then the credentials
of prefixed stores, found by ``contentHint.storeId`` next to another store of the same product and on
any page of a paged env listing.
"""

from __future__ import annotations

import pytest

from airflow_provider_vercel.api.errors import VercelInputError
from airflow_provider_vercel.hooks.vercel import VercelHook
from tests.api.seed import NEON_CFG
from tests.helpers.hostile_clients import BAD_TOKENS, TOKEN, assert_token_nowhere, hostile_connection
from tests.hooks.conftest import set_conn


def test_hook_reads_token_base_url_team_and_retry_settings_from_the_connection(emulator_conn):
    hook = VercelHook()
    settings = hook.settings
    assert settings.base_url == emulator_conn.url
    assert settings.team_id == emulator_conn.team_id
    assert settings.retry_policy.max_attempts == 2
    assert emulator_conn.admin_token not in repr(settings)


def test_hook_calls_reach_the_emulator_with_the_team(emulator_conn):
    hook = VercelHook()
    assert NEON_CFG in {c.id for c in hook.list_configurations()}
    assert hook.list_products(NEON_CFG).products
    assert all(r["query"].get("teamId") == emulator_conn.team_id for r in emulator_conn.requests)


def test_hook_builds_its_client_once_and_reuses_it(emulator_conn):
    hook = VercelHook()
    first = hook.client
    hook.list_configurations()
    hook.list_stores()
    assert hook.client is first
    hook.close()
    assert hook.client is not first


def test_constructing_a_hook_does_no_io_even_for_an_unknown_connection():
    hook = VercelHook(vercel_conn_id="does_not_exist")
    assert hook.vercel_conn_id == "does_not_exist"
    with pytest.raises(Exception, match="does_not_exist"):
        hook.client




def test_test_connection_succeeds_and_says_what_it_saw(emulator_conn):
    ok, message = VercelHook().test_connection()
    assert ok, message
    assert "configuration" in message and emulator_conn.team_id in message


def test_test_connection_reports_a_bad_token_without_raising_or_echoing_it(monkeypatch, vercel_emulator):
    set_conn(monkeypatch, host=vercel_emulator.url, password="vcl_wrong_token_123", extra={"team_id": vercel_emulator.team_id})
    ok, message = VercelHook().test_connection()
    assert not ok and "401" in message and "vcl_wrong_token_123" not in message


def test_test_connection_reports_an_unreachable_server_quickly(monkeypatch):
    set_conn(monkeypatch, host="http://127.0.0.1:9", password="tok123")
    ok, message = VercelHook().test_connection()
    assert not ok and "connect" in message


def test_ui_field_behaviour_matches_the_provider_info():
    from airflow_provider_vercel.get_provider_info import get_provider_info

    (conn,) = get_provider_info()["connection-types"]
    behaviour = conn["ui-field-behaviour"]
    assert VercelHook.get_ui_field_behaviour() == {
        "hidden_fields": behaviour["hidden-fields"],
        "relabeling": behaviour["relabeling"],
        "placeholders": behaviour["placeholders"],
    }


def test_test_connection_without_a_team_that_sees_nothing_says_the_team_is_probably_missing(monkeypatch, vercel_emulator):
    set_conn(monkeypatch, host=vercel_emulator.url, password=vercel_emulator.admin_token)
    ok, message = VercelHook().test_connection()
    assert ok, message
    assert "0 configuration(s)" in message
    assert "team_id or team_slug" in message and "probably missing" in message


def test_test_connection_with_a_team_set_gives_no_missing_team_hint(emulator_conn):
    ok, message = VercelHook().test_connection()
    assert ok and "probably missing" not in message


# --- a server that echoes the token -------------------------------------------------------------------


@pytest.mark.parametrize("status", [401, 500])
def test_test_connection_message_holds_no_echoed_token(status, hostile, monkeypatch, caplog):
    from airflow_provider_vercel.hooks.vercel import VercelHook

    hostile.mode, hostile.status = "echo_token", status
    hostile_connection(monkeypatch, hostile)
    ok, message = VercelHook().test_connection()
    assert not ok and str(status) in message and "***" in message
    assert TOKEN not in message
    assert_token_nowhere([], caplog)


@pytest.mark.parametrize("bad", BAD_TOKENS)
def test_a_connection_password_http_cannot_carry_is_refused_by_name(bad, hostile, monkeypatch):
    from airflow_provider_vercel.hooks.vercel import VercelHook

    hostile_connection(monkeypatch, hostile, password=bad)
    with pytest.raises(VercelInputError) as caught:
        VercelHook().settings
    assert "password" in caught.value.argument
    assert caught.value.__cause__ is None and caught.value.__context__ is None
    assert "SECRET" not in str(caught.value) and "SECRET" not in repr(caught.value)
    ok, message = VercelHook().test_connection()
    assert not ok and "SECRET" not in message
    assert hostile.seen == []
