"""Driving both clients against ``HostileServer``, and the checks every hostile-server test makes.

Each test asserts that the call's wall time stays within its budget plus ``MARGIN`` (generous on a
shared 2-core machine: it proves "does not hang", not speed) and that the token is in no exception
(chained ones and reprs included), log record or returned value. Wall times are printed
(``pytest -s``) as ``WALL <test> <seconds>``.
"""

from __future__ import annotations

import asyncio
import json
import time
from dataclasses import dataclass
from typing import Any

import pytest

from airflow_provider_vercel.api.client import AsyncVercelClient, VercelClient
from airflow_provider_vercel.api.retry import RetryPolicy
from tests.helpers.hostile_server import HostileServer

TOKEN = "vcl_hostile_SECRET_4f9a2b71"
# Slack over each budget: generous, because the point is that nothing hangs, not how fast it ends.
MARGIN = 3.0
ONE_SHOT = RetryPolicy(max_attempts=1, max_elapsed=30)
FLAVOURS = ("sync", "async")


@dataclass
class Outcome:
    """What one call on a client gave: its value or its error, and its wall time in seconds."""

    value: Any
    error: BaseException | None
    wall: float


def run(flavour: str, server: HostileServer, steps: list[tuple[str, tuple[Any, ...]]], **kwargs: Any) -> list[Outcome]:
    """Run ``steps`` (method name, args) one after another on one client; each outcome with its wall time."""
    kwargs.setdefault("retry_policy", ONE_SHOT)
    outcomes: list[Outcome] = []

    def record(started: float, value: Any = None, error: BaseException | None = None) -> None:
        outcomes.append(Outcome(value, error, time.monotonic() - started))

    if flavour == "sync":
        with VercelClient(TOKEN, base_url=server.url, **kwargs) as client:
            for method, args in steps:
                started = time.monotonic()
                try:
                    record(started, value=getattr(client, method)(*args))
                except Exception as exc:
                    record(started, error=exc)
        return outcomes

    async def main() -> None:
        async with AsyncVercelClient(TOKEN, base_url=server.url, **kwargs) as client:
            for method, args in steps:
                started = time.monotonic()
                try:
                    record(started, value=await getattr(client, method)(*args))
                except Exception as exc:
                    record(started, error=exc)

    asyncio.run(main())
    return outcomes


def one(flavour: str, server: HostileServer, method: str = "list_configurations", *args: Any, **kwargs: Any) -> Outcome:
    """One call of ``method`` with ``args`` on a client of ``flavour``; ``kwargs`` go to the client."""
    return run(flavour, server, [(method, args)], **kwargs)[0]


def chain_texts(exc: BaseException | None) -> list[str]:
    """str, repr, args and attributes of ``exc`` and of every exception chained to it."""
    texts: list[str] = []
    seen: set[int] = set()
    stack = [exc]
    while stack:
        current = stack.pop()
        if current is None or id(current) in seen:
            continue
        seen.add(id(current))
        texts += [str(current), repr(current), repr(current.args), repr(vars(current))]
        stack += [current.__cause__, current.__context__]
    return texts


def assert_token_nowhere(outcomes: list[Outcome], caplog: pytest.LogCaptureFixture) -> None:
    """``TOKEN`` is in no value, error (chained ones included) or captured log record.

    :param outcomes: the calls' outcomes.
    :param caplog: the test's log capture.
    """
    for outcome in outcomes:
        assert TOKEN not in json.dumps(outcome.value, default=repr)
        assert TOKEN not in repr(outcome.value)
        for text in chain_texts(outcome.error):
            assert TOKEN not in text
    for record in caplog.records:
        assert TOKEN not in record.getMessage()
        assert TOKEN not in repr(record.args)


def report(name: str, *walls: float) -> None:
    """Print ``WALL <name> <seconds>...`` for ``pytest -s`` readers."""
    print(f"WALL {name} " + " ".join(f"{w:.3f}s" for w in walls))


# Tokens no HTTP header can carry: refused by name, never echoed.
BAD_TOKENS = ["vcl_SECRET_é_tail", "vcl_SECRET_\x00_tail", "vcl_SECRET_\r\nX-Injected: 1", "vcl_SECRET_\x7f_tail"]


def hostile_connection(monkeypatch: pytest.MonkeyPatch, server: HostileServer, password: str = TOKEN) -> None:
    """Point the ``vercel_default`` connection (an env var) at ``server``, one attempt per call.

    :param monkeypatch: the test's monkeypatch (the env var is undone after the test).
    :param server: the hostile server.
    :param password: the connection's password, the API token.
    """
    extras = {"team_id": "team_hostile", "max_attempts": 1}
    monkeypatch.setenv(
        "AIRFLOW_CONN_VERCEL_DEFAULT",
        json.dumps({"conn_type": "vercel", "host": server.url, "password": password, "extra": extras}),
    )
