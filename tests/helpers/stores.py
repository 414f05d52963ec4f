"""A store made through the hook against the emulator, and the checks its credentials go through."""

from __future__ import annotations

import json
from typing import Any

import pytest

from airflow_provider_vercel.api.calls import CreateStoreRequest

PROJECT = "web-app"


def connect_env(monkeypatch: pytest.MonkeyPatch, server: Any) -> None:
    """Point the ``vercel_default`` connection (an env var) at the emulator ``server`` with its admin token.

    :param monkeypatch: the test's monkeypatch (the env var is undone after the test).
    :param server: the emulator.
    """
    monkeypatch.setenv(
        "AIRFLOW_CONN_VERCEL_DEFAULT",
        json.dumps(
            {
                "conn_type": "vercel",
                "host": server.url,
                "password": server.admin_token,
                "extra": {"team_id": server.team_id, "max_attempts": 2, "backoff_initial": 0.01},
            }
        ),
    )


def new_store(
    hook: Any, server: Any, integration: str = "neon", product: str = "neon-postgres", name: str = "creds-db", **metadata: Any
) -> Any:
    """Get or create a store through ``hook`` in the emulator's configuration of ``integration``.

    :param hook: a ``VercelHook`` (or anything with ``get_or_create_store``).
    :param server: the emulator (its configuration ids are read).
    :param integration: the integration slug.
    :param product: the product slug; a Neon store gets region ``iad1`` unless told.
    :param name: the store name.
    :param metadata: the store metadata.
    """
    if product == "neon-postgres":
        metadata.setdefault("region", "iad1")
    request = CreateStoreRequest(
        name=name,
        integration_configuration_id=server.configuration_id(integration),
        product=product,
        metadata=metadata or None,
    )
    return hook.get_or_create_store(request).store


def secrets_of(server: Any, store_id: str) -> dict[str, str]:
    """The secret values the emulator holds for a store (what no output may show).

    :param server: the emulator.
    :param store_id: the store id.
    """
    return dict(server.state.stores[store_id].secrets)


def redacted(value: Any) -> Any:
    """``value`` as Airflow's secret masker renders it."""
    from airflow.providers.common.compat.sdk import redact

    return redact(value)


def assert_masked(value: str) -> None:
    """``value`` is registered with Airflow's secret masker: rendered text hides it."""
    # One secret can be a prefix of another (DATABASE_URL_UNPOOLED of DATABASE_URL): the masker then
    # hides the longest registered match and may leave a tail, so check the value is gone, not equality.
    shown = redacted(f"x {value} y")
    assert value not in shown and "***" in shown, shown
