"""The module helpers of ``client_core.py``: the shared TLS context, proxy detection, a failure in a few words.

What ``ClientCore`` does for both clients (construction checks, scoping, the token, error mapping,
pauses) is tested through both clients in ``test_client.py``, ``test_retry.py`` and ``test_bounded.py``.
"""

from __future__ import annotations

import ssl

import pytest

from airflow_provider_vercel.api.client_core import env_proxies, short_reason, tls_context
from airflow_provider_vercel.api.errors import VercelInputError, VercelUnauthorizedError
from tests.helpers.clients import make_client

PROXY_VARIABLES = ("http_proxy", "https_proxy", "all_proxy", "no_proxy")


@pytest.fixture
def no_proxies(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    for name in PROXY_VARIABLES:
        monkeypatch.delenv(name, raising=False)
        monkeypatch.delenv(name.upper(), raising=False)
    return monkeypatch


def test_tls_context_is_built_once_and_verifies_certificates_and_hostnames():
    context = tls_context()
    assert tls_context() is context
    assert context.verify_mode == ssl.CERT_REQUIRED and context.check_hostname is True
    assert context.cert_store_stats()["x509_ca"] > 0  # the CA bundle is loaded


def test_env_proxies_is_false_without_proxy_variables(no_proxies):
    assert env_proxies() is False


@pytest.mark.parametrize("name", ["HTTPS_PROXY", "http_proxy", "ALL_PROXY"])
def test_env_proxies_sees_a_proxy_variable(no_proxies, name):
    no_proxies.setenv(name, "http://127.0.0.1:3128")
    assert env_proxies() is True


def test_env_proxies_ignores_a_no_proxy_list_on_its_own(no_proxies):
    no_proxies.setenv("NO_PROXY", "localhost,127.0.0.1")
    assert env_proxies() is False


def test_short_reason_of_an_api_error_is_its_status_and_code(vercel_emulator):
    with (
        make_client(vercel_emulator, token="not-a-known-token") as client,
        pytest.raises(VercelUnauthorizedError) as info,
    ):
        client.list_configurations()
    reason = short_reason(info.value)
    assert info.value.code and reason == f"401 {info.value.code}"  # no path, no message: a log line's few words


def test_short_reason_of_another_failure_is_its_text():
    assert short_reason(VercelInputError("team_id", "must not be empty")) == "team_id: must not be empty"
    assert short_reason(None) == "None"
