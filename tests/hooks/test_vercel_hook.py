"""VercelHook: connection parsing, masking, the HTTPS rule and test_connection, against the emulator."""

from __future__ import annotations

import json

import pytest

from airflow_provider_vercel.api.errors import VercelInputError
from airflow_provider_vercel.hooks.vercel import VercelHook
from tests.api.seed import NEON_CFG


def set_conn(monkeypatch, conn_id="vercel_default", **fields):
    fields.setdefault("conn_type", "vercel")
    monkeypatch.setenv(f"AIRFLOW_CONN_{conn_id.upper()}", json.dumps(fields))


@pytest.fixture
def emulator_conn(monkeypatch, vercel_emulator):
    set_conn(
        monkeypatch,
        host=vercel_emulator.url,
        password=vercel_emulator.admin_token,
        extra={"team_id": vercel_emulator.team_id, "max_attempts": 2, "backoff_initial": 0.01},
    )
    return vercel_emulator


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


def test_team_slug_from_extras_and_legacy_prefixed_extras_are_read(monkeypatch, vercel_emulator):
    set_conn(monkeypatch, host=vercel_emulator.url, password="t0k", extra={"extra__vercel__team_slug": "acme"})
    assert VercelHook().settings.team_slug == "acme"


def test_uri_style_loopback_connection_defaults_to_plain_http(monkeypatch):
    monkeypatch.setenv("AIRFLOW_CONN_VERCEL_URI", "vercel://:tok123@127.0.0.1:8123?team_id=team_abc")
    settings = VercelHook("vercel_uri").settings
    assert settings.base_url == "http://127.0.0.1:8123"
    assert settings.team_id == "team_abc"


def test_empty_host_means_the_public_api(monkeypatch):
    set_conn(monkeypatch, password="tok123")
    assert VercelHook().settings.base_url == "https://api.vercel.com"


def test_plain_http_to_a_remote_host_is_refused_naming_the_connection(monkeypatch):
    set_conn(monkeypatch, host="http://api.vercel.com", password="tok123")
    with pytest.raises(VercelInputError) as info:
        VercelHook().settings
    assert info.value.argument == "connection 'vercel_default' host"
    assert "https" in info.value.reason


def test_missing_token_names_the_password_field(monkeypatch):
    set_conn(monkeypatch, host="https://api.vercel.com")
    with pytest.raises(VercelInputError) as info:
        VercelHook().settings
    assert "password" in info.value.argument


def test_bad_timeout_extra_is_named(monkeypatch):
    set_conn(monkeypatch, password="tok123", extra={"timeout": "soon"})
    with pytest.raises(VercelInputError, match="timeout"):
        VercelHook().settings


def test_deadline_and_response_limit_extras_reach_the_client(monkeypatch):
    set_conn(monkeypatch, password="tok123", extra={"timeout": 5, "deadline": "12.5", "max_response_bytes": "65536"})
    hook = VercelHook()
    client = hook.client
    assert (client.deadline, client.max_response_bytes) == (12.5, 65536)
    hook.close()


def test_the_deadline_defaults_to_connect_timeout_plus_timeout(monkeypatch):
    set_conn(monkeypatch, password="tok123", extra={"timeout": 7, "connect_timeout": 2})
    hook = VercelHook()
    assert hook.client.deadline == 9.0 and hook.client.max_response_bytes == 4 * 1024 * 1024
    hook.close()


def test_the_hook_argument_deadline_wins_over_the_connection(monkeypatch):
    set_conn(monkeypatch, password="tok123", extra={"deadline": 30})
    hook = VercelHook(deadline=3)
    assert hook.client.deadline == 3.0
    hook.close()


@pytest.mark.parametrize(
    ("key", "value"),
    [("deadline", "nan"), ("deadline", "inf"), ("deadline", 0), ("timeout", "nan"), ("max_response_bytes", "4MiB"),
     ("max_response_bytes", 0), ("max_response_bytes", True)],
)
def test_bad_deadline_or_limit_extra_is_named(monkeypatch, key, value):
    set_conn(monkeypatch, password="tok123", extra={key: value})
    with pytest.raises(VercelInputError, match=key):
        VercelHook().settings


def test_token_is_registered_with_the_secret_masker(emulator_conn):
    from airflow.providers.common.compat.sdk import redact

    VercelHook().settings
    assert emulator_conn.admin_token not in str(redact(f"Bearer {emulator_conn.admin_token}"))


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
