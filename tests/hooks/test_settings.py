"""Reading a vercel connection into client settings (hooks/settings.py): extras, defaults, the HTTPS rule, errors naming the field."""

from __future__ import annotations

import pytest

from airflow_provider_vercel.api.errors import VercelInputError
from airflow_provider_vercel.hooks.vercel import VercelHook
from tests.hooks.conftest import set_conn


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


