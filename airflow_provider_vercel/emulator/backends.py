"""Secret backends: what a store's credentials look like, one backend per product kind.

A product in the seed names its backend (``"backend": "postgres"``). A backend turns a new store into an
external resource id and an ordered map of secret name -> value. The emulator only ever reports names and
lengths in store bodies; values surface as project env vars once the store is connected.

The placeholders point at loopback and are not served by anything. ``PostgresServerBackend`` provisions
real databases on a PostgreSQL server instead: pass ``backends={"postgres": PostgresServerBackend(dsn)}``
to ``EmulatorState`` or ``EmulatorServer`` (or ``EmulatorServer(postgres_dsn=...)``, or the CLI's
``--postgres-dsn``).
"""

from __future__ import annotations

import hashlib
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


class PostgresServerBackend:
    """Real Postgres databases on a PostgreSQL server: one login role and one database per store.

    Creating a store runs ``CREATE ROLE … LOGIN PASSWORD …`` and ``CREATE DATABASE … OWNER …`` (PUBLIC
    loses ``CONNECT`` on it), so the URLs written into a project's env vars on connect really work, and
    only with the store's own password. Deleting the store terminates its sessions, then drops the
    database and the role. Both names derive from the store id (``vercel_store_<id>_<hash>``, lower
    case, at most 63 characters); ``metadata.databaseName`` is not used, because databases are
    cluster-wide here while each Neon store has its own cluster.

    ``psycopg`` (v3, the ``emulator`` extra) is imported on first use.

    admin_dsn: libpq connection string or URL of a role allowed to create roles and databases.
    host: host written into the URLs; default the DSN's host (``127.0.0.1`` when it names a socket).
    port: port written into the URLs; default the DSN's port (5432).
    connect_timeout: seconds allowed for each admin connection.
    """

    def __init__(
        self, admin_dsn: str, *, host: str | None = None, port: int | None = None, connect_timeout: float = 10.0
    ) -> None:
        if not isinstance(admin_dsn, str) or not admin_dsn.strip():
            raise ValueError("admin_dsn must be a PostgreSQL connection string or URL")
        self.admin_dsn = admin_dsn
        self.connect_timeout = connect_timeout
        params = self._conninfo(admin_dsn)
        dsn_host = str(params.get("host") or params.get("hostaddr") or "127.0.0.1").split(",")[0]
        self.host = host or ("127.0.0.1" if dsn_host.startswith("/") else dsn_host)
        self.port = int(port or str(params.get("port") or "5432").split(",")[0])

    def __repr__(self) -> str:  # the DSN may hold a password
        return f"PostgresServerBackend(host={self.host!r}, port={self.port})"

    @staticmethod
    def _conninfo(dsn: str) -> dict[str, Any]:
        # psycopg here and below, not at the top: ~0.5 s, paid only when a real PostgreSQL is used.
        from psycopg.conninfo import conninfo_to_dict

        return conninfo_to_dict(dsn)

    def _connect(self) -> Any:
        import psycopg  # lazily, as in _conninfo

        return psycopg.connect(self.admin_dsn, autocommit=True, connect_timeout=max(1, int(self.connect_timeout)))

    @staticmethod
    def names_for(store_id: str) -> str:
        """Return the role and database name of a store (the same identifier for both).

        store_id: the Vercel store id; ids differ by case only, so a hash of the exact id is appended.
        """
        digest = hashlib.sha256(store_id.encode()).hexdigest()[:8]
        return f"vercel_{re.sub(r'[^a-z0-9]', '_', store_id.lower())[:40]}_{digest}"

    def check(self) -> None:
        """Connect once and make sure the admin role may create roles and databases; raise otherwise."""
        with self._connect() as conn:
            row = conn.execute(
                "SELECT rolsuper OR (rolcreaterole AND rolcreatedb) FROM pg_roles WHERE rolname = current_user"
            ).fetchone()
        if not row or not row[0]:
            raise RuntimeError("the PostgreSQL admin role needs CREATEROLE and CREATEDB (or superuser)")

    def exists(self, store_id: str) -> bool:
        """Whether the store's database exists on the server.

        store_id: the Vercel store id.
        """
        with self._connect() as conn:
            row = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (self.names_for(store_id),)).fetchone()
        return row is not None

    def provision(self, spec: StoreSpec) -> Provisioned:
        """Create the store's role and database; return real URLs and PG* values.

        spec: the store being created.
        """
        from psycopg import sql  # lazily, as in _conninfo

        name = self.names_for(spec.store_id)
        password = "npg_" + ids.alnum(24)
        with self._connect() as conn:
            conn.execute(
                sql.SQL("CREATE ROLE {} LOGIN PASSWORD {}").format(sql.Identifier(name), sql.Literal(password))
            )
            try:
                conn.execute(sql.SQL("CREATE DATABASE {} OWNER {}").format(sql.Identifier(name), sql.Identifier(name)))
                conn.execute(sql.SQL("REVOKE CONNECT ON DATABASE {} FROM PUBLIC").format(sql.Identifier(name)))
            except Exception:
                conn.execute(sql.SQL("DROP ROLE IF EXISTS {}").format(sql.Identifier(name)))
                raise
        host = f"[{self.host}]" if ":" in self.host else self.host
        url = f"postgres://{name}:{password}@{host}:{self.port}/{name}?sslmode=disable"
        values = {
            "DATABASE_URL": url,
            "DATABASE_URL_UNPOOLED": url,
            "PGHOST": self.host,
            "PGUSER": name,
            "PGPASSWORD": password,
            "PGDATABASE": name,
        }
        return Provisioned(f"ep-local-{ids.hex_lower(8)}", values)

    def release(self, store_id: str) -> None:
        """Terminate the store's sessions, drop its database and its role (absent ones are fine).

        store_id: the Vercel store id.
        """
        from psycopg import sql  # lazily, as in _conninfo

        name = self.names_for(store_id)
        with self._connect() as conn:
            conn.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
                (name,),
            )
            force = sql.SQL(" WITH (FORCE)") if conn.info.server_version >= 130000 else sql.SQL("")
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {}{}").format(sql.Identifier(name), force))
            conn.execute(sql.SQL("DROP ROLE IF EXISTS {}").format(sql.Identifier(name)))


def default_backends() -> dict[str, SecretBackend]:
    """Return the built-in backends by name."""
    return {
        "postgres": PostgresPlaceholderBackend(),
        "redis": RedisPlaceholderBackend(),
        "rest": RestTokenBackend(),
    }
