"""Secret backends: what a store's credentials look like, one backend per product kind.

A product in the seed names its backend (``"backend": "postgres"``). A backend turns a new store into an
external resource id and an ordered map of secret name -> value. The emulator only ever reports names and
lengths in store bodies; values surface as project env vars once the store is connected.

The placeholders point at loopback and are not served by anything. A backend that provisions a real
database (e.g. a local PostgreSQL) can replace one by passing ``backends={"postgres": MyBackend()}`` to
``EmulatorState``.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass, field
from typing import Any, Protocol

from . import ids

_ADJECTIVES = ("misty", "quiet", "bold", "sparkling", "young", "late", "ancient", "calm", "royal", "wild")
_NOUNS = ("river", "meadow", "forest", "cloud", "dawn", "sea", "moon", "butterfly", "frost", "sun")


@dataclass(frozen=True)
class StoreSpec:
    """What a backend knows about the store it provisions.

    store_id: the Vercel store id (``store_…``).
    name: the store name chosen by the caller.
    product_slug: slug of the product being provisioned.
    metadata: the validated metadata, defaults applied.
    options: the product's seed entry (for backend-specific settings such as ``secretPrefix``).
    """

    store_id: str
    name: str
    product_slug: str
    metadata: dict[str, Any] = field(default_factory=dict)
    options: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Provisioned:
    """A backend's answer.

    external_resource_id: the partner's own id for the resource.
    secrets: secret name -> value, in the order Vercel lists them.
    """

    external_resource_id: str
    secrets: dict[str, str]


class SecretBackend(Protocol):
    """Interface every backend implements."""

    def provision(self, spec: StoreSpec) -> Provisioned:
        """Create the resource's credentials.

        spec: the store being created.
        """
        ...

    def release(self, store_id: str) -> None:
        """Forget a deleted store's resource.

        store_id: the Vercel store id.
        """
        ...


def _identifier(name: str) -> str:
    """Turn a store name into a lower-case SQL-safe identifier."""
    ident = re.sub(r"[^a-z0-9_]", "_", name.lower())
    return ident if ident[:1].isalpha() or ident[:1] == "_" else "db_" + ident


class PostgresPlaceholderBackend:
    """Neon-like Postgres credentials pointing at 127.0.0.1:5432 (nothing listens there)."""

    host = "127.0.0.1"
    port = 5432

    def provision(self, spec: StoreSpec) -> Provisioned:
        """Create Postgres-shaped secrets.

        spec: the store being created.
        """
        database = str(spec.metadata.get("databaseName") or _identifier(spec.name))
        user = f"{_identifier(spec.name)[:40]}_owner"
        password = "npg_" + ids.alnum(20)
        hostport = f"{self.host}:{self.port}"
        values = {
            "DATABASE_URL": f"postgres://{user}:{password}@{hostport}/{database}?sslmode=disable&pooled=true",
            "DATABASE_URL_UNPOOLED": f"postgres://{user}:{password}@{hostport}/{database}?sslmode=disable",
            "PGHOST": self.host,
            "PGUSER": user,
            "PGPASSWORD": password,
            "PGDATABASE": database,
        }
        resource = f"ep-{secrets.choice(_ADJECTIVES)}-{secrets.choice(_NOUNS)}-{ids.hex_lower(8)}"
        return Provisioned(resource, values)

    def release(self, store_id: str) -> None:
        """Nothing to release for placeholders.

        store_id: the Vercel store id.
        """


class RedisPlaceholderBackend:
    """Upstash-like Redis credentials pointing at loopback."""

    def provision(self, spec: StoreSpec) -> Provisioned:
        """Create Redis-shaped secrets.

        spec: the store being created.
        """
        token = ids.alnum(40)
        values = {
            "REDIS_URL": f"redis://default:{token}@127.0.0.1:6379",
            "KV_REST_API_URL": f"http://127.0.0.1:8079/{spec.store_id}",
            "KV_REST_API_TOKEN": token,
        }
        return Provisioned(f"redis-{ids.hex_lower(12)}", values)

    def release(self, store_id: str) -> None:
        """Nothing to release for placeholders.

        store_id: the Vercel store id.
        """


class RestTokenBackend:
    """A REST URL plus tokens, named ``<PREFIX>_REST_URL``…; the prefix comes from ``secretPrefix``."""

    def provision(self, spec: StoreSpec) -> Provisioned:
        """Create REST-endpoint secrets.

        spec: the store being created.
        """
        default_prefix = re.sub(r"[^A-Z0-9]", "_", spec.product_slug.upper())
        prefix = str(spec.options.get("secretPrefix") or default_prefix)
        values = {
            f"{prefix}_REST_URL": f"http://127.0.0.1:8080/{spec.store_id}",
            f"{prefix}_REST_TOKEN": ids.alnum(48),
            f"{prefix}_REST_READONLY_TOKEN": ids.alnum(48),
        }
        return Provisioned(f"{spec.product_slug}-{ids.hex_lower(12)}", values)

    def release(self, store_id: str) -> None:
        """Nothing to release for placeholders.

        store_id: the Vercel store id.
        """


def default_backends() -> dict[str, SecretBackend]:
    """Return the built-in backends by name."""
    return {
        "postgres": PostgresPlaceholderBackend(),
        "redis": RedisPlaceholderBackend(),
        "rest": RestTokenBackend(),
    }
