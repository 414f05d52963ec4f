"""The API client of a command: from an Airflow connection (``--conn-id``), or from flags and ``VERCEL_*`` variables."""

from __future__ import annotations

import argparse
import contextlib
from collections.abc import Iterator, Mapping
from typing import Any

from airflow_provider_vercel.api.client import VercelClient
from airflow_provider_vercel.api.errors import VercelError, VercelTransportError, one_line
from airflow_provider_vercel.api.retry import RetryPolicy
from airflow_provider_vercel.cli.output import EXIT_API, CliError, Output
from airflow_provider_vercel.cli.parser import DEFAULT_MAX_ATTEMPTS, ENV_BASE_URL, ENV_TEAM, ENV_TOKEN, renamed
from airflow_provider_vercel.defaults import DEFAULT_BASE_URL

# A person is waiting: a shorter budget than the client's default (attempts: parser.DEFAULT_MAX_ATTEMPTS).
CLI_MAX_ELAPSED = 30.0


def _team_id_and_slug(team: str | None) -> tuple[str | None, str | None]:
    """``team_…`` is a team id, anything else a team slug."""
    if team is None:
        return None, None
    team = team.strip()
    return (team, None) if team.startswith("team_") else (None, team)


def _retry_policy(max_attempts: int | None) -> RetryPolicy:
    attempts = DEFAULT_MAX_ATTEMPTS if max_attempts is None else max_attempts
    return RetryPolicy(max_attempts=attempts, max_elapsed=CLI_MAX_ELAPSED)


@contextlib.contextmanager
def open_client(args: argparse.Namespace, env: Mapping[str, str], output: Output) -> Iterator[VercelClient]:
    """The client from ``--conn-id``, or from the token flags and ``VERCEL_*`` variables (flags win); closed at
    the end, and a transport failure names the base URL it could not reach.

    :param args: parsed arguments.
    :param env: the environment to read ``VERCEL_*`` from.
    :param output: told about the token so that it is never written.
    """
    if args.conn_id is not None:
        token, kwargs = _connection_settings(args, output)
        names = {"base_url": "--base-url", "team_id": "--team", "team_slug": "--team"}
    else:
        token, kwargs, names = _environment_settings(args, env, output)
    with renamed({**names, "max_attempts": "--max-attempts"}):
        if args.conn_id is None or args.max_attempts is not None:  # else the connection's own policy
            kwargs["retry_policy"] = _retry_policy(args.max_attempts)
        client = VercelClient(token, **kwargs)
    try:
        yield client
    except VercelTransportError as exc:
        raise CliError(f"could not reach the Vercel API at {client.base_url}: {exc}", EXIT_API) from None
    finally:
        client.close()


def _pick(given: str | None, env: Mapping[str, str], variable: str, flag: str, default: str | None = None) -> tuple[Any, str]:
    """The flag's value if given, else the variable's (empty is unset); and the name it came under, for errors."""
    return (given, flag) if given is not None else (env.get(variable) or default, variable)


def _environment_settings(
    args: argparse.Namespace, env: Mapping[str, str], output: Output
) -> tuple[str, dict[str, Any], dict[str, str]]:
    """Token and client arguments from the flags, else ``VERCEL_*``; and the name each came under."""
    token, token_name = _pick(args.token, env, ENV_TOKEN, "--token")
    output.hide(token)
    output.hide(token.strip() if token else None)
    if not token or not token.strip():
        raise CliError(f"no API token: set {ENV_TOKEN} (or pass --token, or --conn-id for an Airflow connection)")
    team, team_name = _pick(args.team, env, ENV_TEAM, "--team")
    base_url, url_name = _pick(args.base_url, env, ENV_BASE_URL, "--base-url", DEFAULT_BASE_URL)
    team_id, team_slug = _team_id_and_slug(team)
    names = {"token": token_name, "base_url": url_name, "team_id": team_name, "team_slug": team_name}
    return token, {"base_url": base_url, "team_id": team_id, "team_slug": team_slug}, names


def _connection_settings(args: argparse.Namespace, output: Output) -> tuple[str, dict[str, Any]]:
    """Token and client arguments from an Airflow connection; ``--team``, ``--base-url`` and ``--max-attempts`` win."""
    if args.token is not None:
        raise CliError("--token: cannot be combined with --conn-id (the connection holds the token)")
    # Airflow configures its logging on import with a handler on the *current* sys.stdout, and logs
    # while reading a connection (the secrets masker warns about short extras): keep stdout for the
    # results (one JSON document with --json) by pointing it at stderr while Airflow is set up.
    with contextlib.redirect_stdout(output.stderr):
        try:
            # Imported only here: the hook imports Airflow, which only --conn-id needs.
            from airflow_provider_vercel.hooks.vercel import VercelHook
        except ImportError as exc:
            raise CliError(
                f"--conn-id: needs Apache Airflow ({exc.name or exc}); use {ENV_TOKEN} and {ENV_TEAM} instead"
            ) from None
        with renamed({"vercel_conn_id": "--conn-id"}):
            hook = VercelHook(args.conn_id)
        try:
            settings = hook.settings
        except VercelError:
            raise
        except Exception as exc:  # unknown connection, unreadable secrets backend...
            raise CliError(f"--conn-id: cannot read connection {args.conn_id!r}: {one_line(str(exc))}") from None
    output.hide(settings.token)
    # Overrides are applied here rather than through the hook: a slug given with --team must also
    # drop a team id stored in the connection, and a bad --base-url must be reported as such.
    kwargs = settings.client_kwargs()
    if args.team is not None:
        kwargs["team_id"], kwargs["team_slug"] = _team_id_and_slug(args.team)
    if args.base_url is not None:
        kwargs["base_url"] = args.base_url
    return settings.token, kwargs
