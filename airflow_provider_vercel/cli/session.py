"""The API client of a command: from an Airflow connection (``--conn-id``), or from flags and ``VERCEL_*`` variables."""

from __future__ import annotations

import argparse
import contextlib
from collections.abc import Iterator, Mapping
from typing import Any

from airflow_provider_vercel.api.client import VercelClient
from airflow_provider_vercel.api.environment import environment_settings, split_team
from airflow_provider_vercel.api.errors import VercelError, VercelInputError, VercelTransportError, one_line
from airflow_provider_vercel.api.retry import RetryPolicy
from airflow_provider_vercel.cli.output import EXIT_API, CliError, Output
from airflow_provider_vercel.cli.parser import DEFAULT_MAX_ATTEMPTS, flag_of
from airflow_provider_vercel.defaults import ENV_TEAM, ENV_TOKEN

# A person is waiting: a shorter budget than the client's default (attempts: parser.DEFAULT_MAX_ATTEMPTS).
CLI_MAX_ELAPSED = 30.0
_FLAGS = {"token": "--token", "team": "--team", "base_url": "--base-url"}


@contextlib.contextmanager
def open_client(args: argparse.Namespace, env: Mapping[str, str], output: Output) -> Iterator[VercelClient]:
    """The client from ``--conn-id``, else from the flags and ``VERCEL_*`` (flags win), closed at the end.

    A transport failure names the base URL it could not reach; ``output`` is told about the token.
    """
    if args.conn_id is not None:
        token, kwargs = _connection_settings(args, output)
        names = {"base_url": "--base-url", "team_id": "--team", "team_slug": "--team"}
    else:
        settings = environment_settings(env, token=args.token, team=args.team, base_url=args.base_url, labels=_FLAGS)
        output.hide(settings.token)
        if not settings.token or not settings.token.strip():
            raise CliError(f"no API token: set {ENV_TOKEN} (or pass --token, or --conn-id for an Airflow connection)")
        token, kwargs, names = settings.token, settings.client_kwargs(), dict(settings.sources)
    try:
        if args.conn_id is None or args.max_attempts is not None:  # else the connection's own policy
            attempts = DEFAULT_MAX_ATTEMPTS if args.max_attempts is None else args.max_attempts
            kwargs["retry_policy"] = RetryPolicy(max_attempts=attempts, max_elapsed=CLI_MAX_ELAPSED)
        client = VercelClient(token, **kwargs)
    except VercelInputError as exc:  # named as the person set it: a flag or a variable
        raise VercelInputError(flag_of(exc.argument, names), exc.reason) from None
    try:
        yield client
    except VercelTransportError as exc:
        raise CliError(f"could not reach the Vercel API at {client.base_url}: {exc}", EXIT_API) from None
    finally:
        client.close()


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
            needs = f"--conn-id: needs Apache Airflow ({exc.name or exc}); use {ENV_TOKEN} and {ENV_TEAM} instead"
            raise CliError(needs) from None
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
        kwargs["team_id"], kwargs["team_slug"] = split_team(args.team)
    if args.base_url is not None:
        kwargs["base_url"] = args.base_url
    return settings.token, kwargs
