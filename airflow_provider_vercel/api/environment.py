"""A client's settings from ``VERCEL_TOKEN``, ``VERCEL_TEAM`` and ``VERCEL_BASE_URL``-style variables.

Values given explicitly (command-line flags) win over the variables, and an empty variable counts as unset.
Each setting remembers where it came from, so that an error can name the flag or variable a person set.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from airflow_provider_vercel.defaults import DEFAULT_BASE_URL, ENV_BASE_URL, ENV_TEAM, ENV_TOKEN


def split_team(team: str | None) -> tuple[str | None, str | None]:
    """A team as ``(team_id, team_slug)``: ``team_…`` is a team id, anything else a team slug.

    :param team: a team id or slug (surrounding blanks ignored), or None.
    """
    if team is None:
        return None, None
    team = team.strip()
    return (team, None) if team.startswith("team_") else (None, team)


@dataclass(frozen=True)
class EnvironmentSettings:
    """A client's settings and where each came from; ``token`` is excluded from repr.

    :param token: the API token as given, or None when neither given nor set.
    :param base_url: API base URL (the public API unless given or set).
    :param team_id: team id, if any.
    :param team_slug: team slug, if any.
    :param sources: client argument (``token``, ``base_url``, ``team_id``, ``team_slug``) -> the label of the
        value given, or the variable read.
    """

    token: str | None = field(repr=False)
    base_url: str
    team_id: str | None
    team_slug: str | None
    sources: Mapping[str, str]

    def client_kwargs(self) -> dict[str, Any]:
        """The keyword arguments of ``VercelClient`` besides the token."""
        return {"base_url": self.base_url, "team_id": self.team_id, "team_slug": self.team_slug}


def environment_settings(
    env: Mapping[str, str],
    *,
    token: str | None = None,
    team: str | None = None,
    base_url: str | None = None,
    labels: Mapping[str, str] | None = None,
) -> EnvironmentSettings:
    """The settings from ``token``, ``team`` and ``base_url`` where given, else from ``env``.

    Nothing is checked here: ``VercelClient`` checks the values, and ``sources`` names them in its errors.

    :param env: the variables (``os.environ`` or a mapping like it).
    :param token: the token given explicitly; wins over ``VERCEL_TOKEN``.
    :param team: team id (``team_…``) or slug given explicitly; wins over ``VERCEL_TEAM``.
    :param base_url: the base URL given explicitly; wins over ``VERCEL_BASE_URL``.
    :param labels: ``token``/``team``/``base_url`` -> what to call a value given explicitly (a flag such as
        ``--token``); default the name itself.
    """
    labels = labels or {}

    def pick(given: str | None, variable: str, name: str) -> tuple[str | None, str]:
        return (given, labels.get(name, name)) if given is not None else (env.get(variable) or None, variable)

    token, token_source = pick(token, ENV_TOKEN, "token")
    team, team_source = pick(team, ENV_TEAM, "team")
    base_url, url_source = pick(base_url, ENV_BASE_URL, "base_url")
    team_id, team_slug = split_team(team)
    sources = {"token": token_source, "base_url": url_source, "team_id": team_source, "team_slug": team_source}
    return EnvironmentSettings(token, base_url or DEFAULT_BASE_URL, team_id, team_slug, sources)
