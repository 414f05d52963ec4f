"""``api/environment.py``: a client's settings from explicit values and ``VERCEL_*`` variables."""

from __future__ import annotations

import pytest

from airflow_provider_vercel.api.client import VercelClient
from airflow_provider_vercel.api.environment import environment_settings, split_team
from airflow_provider_vercel.api.retry import RetryPolicy
from airflow_provider_vercel.defaults import DEFAULT_BASE_URL


@pytest.mark.parametrize(
    ("team", "expected"),
    [("team_abc123", ("team_abc123", None)), (" acme ", (None, "acme")), (None, (None, None))],
)
def test_split_team_reads_team_prefix_as_an_id_and_anything_else_as_a_slug(team, expected):
    assert split_team(team) == expected


def test_variables_are_read_and_each_setting_names_its_variable():
    env = {"VERCEL_TOKEN": "vcl_env_token_123", "VERCEL_TEAM": "acme", "VERCEL_BASE_URL": "http://127.0.0.1:9"}
    settings = environment_settings(env)
    assert (settings.token, settings.base_url, settings.team_id, settings.team_slug) == (
        "vcl_env_token_123",
        "http://127.0.0.1:9",
        None,
        "acme",
    )
    assert settings.sources == {
        "token": "VERCEL_TOKEN",
        "base_url": "VERCEL_BASE_URL",
        "team_id": "VERCEL_TEAM",
        "team_slug": "VERCEL_TEAM",
    }


def test_explicit_values_win_and_are_named_by_their_labels():
    env = {"VERCEL_TOKEN": "vcl_env_token_123", "VERCEL_TEAM": "acme", "VERCEL_BASE_URL": "http://127.0.0.1:9"}
    settings = environment_settings(
        env, token="vcl_flag_token_456", team="team_xyz", base_url="http://127.0.0.1:8", labels={"token": "--token"}
    )
    assert (settings.token, settings.base_url, settings.team_id, settings.team_slug) == (
        "vcl_flag_token_456",
        "http://127.0.0.1:8",
        "team_xyz",
        None,
    )
    assert settings.sources == {"token": "--token", "base_url": "base_url", "team_id": "team", "team_slug": "team"}


def test_empty_variables_count_as_unset_and_the_base_url_defaults_to_the_public_api():
    settings = environment_settings({"VERCEL_TOKEN": "", "VERCEL_TEAM": "", "VERCEL_BASE_URL": ""})
    assert (settings.token, settings.team_id, settings.team_slug) == (None, None, None)
    assert settings.base_url == DEFAULT_BASE_URL
    assert settings.sources["base_url"] == "VERCEL_BASE_URL"


def test_repr_never_shows_the_token():
    settings = environment_settings({"VERCEL_TOKEN": "vcl_secret_value_789"})
    assert "vcl_secret_value_789" not in repr(settings)


@pytest.mark.parametrize("team_of", [lambda emulator: emulator.team_id, lambda emulator: emulator.team_slug])
def test_a_client_built_from_the_settings_calls_the_api_as_the_team(vercel_emulator, team_of):
    team = team_of(vercel_emulator)
    env = {"VERCEL_TOKEN": vercel_emulator.admin_token, "VERCEL_TEAM": team, "VERCEL_BASE_URL": vercel_emulator.url}
    settings = environment_settings(env)
    with VercelClient(settings.token, retry_policy=RetryPolicy(max_attempts=1), **settings.client_kwargs()) as client:
        client.list_configurations()
    (request,) = vercel_emulator.requests
    assert request["query"].get("teamId" if team.startswith("team_") else "slug") == team
