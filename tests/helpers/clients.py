"""The Vercel clients (sync and async) as the API tests build them: bound to the emulator, with a fast retry policy.

Also the emulator's request log filtered the way assertions read it, and a get-or-create of a store
with the seed's Neon defaults.
"""

from __future__ import annotations

from typing import Any

from airflow_provider_vercel.api.async_client import AsyncVercelClient
from airflow_provider_vercel.api.calls import CreateStoreRequest
from airflow_provider_vercel.api.client import VercelClient
from airflow_provider_vercel.api.create import CreateOutcome
from airflow_provider_vercel.api.retry import RetryPolicy
from tests.api.seed import NEON_CFG, NEON_PRODUCT

# Short waits: retries are proven by the requests the emulator saw, not by how long they took.
FAST = RetryPolicy(max_attempts=4, backoff_initial=0.01, backoff_max=0.05, max_elapsed=10)


def make_client(emulator: Any, token: str | None = None, policy: RetryPolicy = FAST, **kwargs: Any) -> VercelClient:
    """A sync client for ``emulator``, scoped to its default team unless ``team_id`` is given.

    :param emulator: the emulator server (its URL, admin token and team id are used).
    :param token: the bearer token; the emulator's admin token when None.
    :param policy: the retry policy.
    :param kwargs: further ``VercelClient`` arguments.
    """
    kwargs.setdefault("team_id", emulator.team_id)
    return VercelClient(token or emulator.admin_token, base_url=emulator.url, retry_policy=policy, **kwargs)


def make_async_client(
    emulator: Any, token: str | None = None, policy: RetryPolicy = FAST, **kwargs: Any
) -> AsyncVercelClient:
    """An async client for ``emulator``, built as ``make_client`` builds the sync one.

    :param emulator: the emulator server (its URL, admin token and team id are used).
    :param token: the bearer token; the emulator's admin token when None.
    :param policy: the retry policy.
    :param kwargs: further ``AsyncVercelClient`` arguments.
    """
    kwargs.setdefault("team_id", emulator.team_id)
    return AsyncVercelClient(token or emulator.admin_token, base_url=emulator.url, retry_policy=policy, **kwargs)


def api_requests(emulator: Any, method: str | None = None, path: str | None = None) -> list[dict[str, Any]]:
    """The requests the emulator logged, optionally only those of one method and path prefix.

    :param emulator: the emulator server.
    :param method: keep only requests of this HTTP method.
    :param path: keep only requests whose path starts with this.
    """
    return [
        r
        for r in emulator.requests
        if (method is None or r["method"] == method) and (path is None or r["path"].startswith(path))
    ]


def create(client: VercelClient, name: str = "unit-db", **kwargs: Any) -> CreateOutcome:
    """Get or create a Neon store in the seed's Neon configuration (region ``iad1`` unless told).

    :param client: the client to create with.
    :param name: the store name.
    :param kwargs: further ``CreateStoreRequest`` fields, overriding the Neon defaults.
    """
    kwargs.setdefault("integration_configuration_id", NEON_CFG)
    kwargs.setdefault("product", NEON_PRODUCT)
    kwargs.setdefault("metadata", {"region": "iad1"})
    return client.get_or_create_store(CreateStoreRequest(name=name, **kwargs))
