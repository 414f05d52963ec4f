"""A secrets backend that answers conn ids naming a Vercel store: classic operators reach its database.

Configure it as a deployment would::

    AIRFLOW__SECRETS__BACKEND=airflow_provider_vercel.secrets.store_connections.VercelStoreSecretsBackend
    AIRFLOW__SECRETS__BACKEND_KWARGS='{"vercel_conn_id": "vercel_default"}'

Then ``SQLExecuteQueryOperator(conn_id="vercel-store--pr-42-db--web-app--preview", sql=...)`` works: at
lookup time, on the worker that runs the task, the backend reads the store's URL from the project's
env vars (as ``VercelHook.get_store_connection`` does) and builds the ``Connection`` in memory. Every
value is registered with the secret masker; nothing is written to the metadata database, a variable,
a file or a cache of its own. Ids of another form get None, so Airflow asks the next backend
(environment variables, then the metadata database), and every variable lookup gets None.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from airflow_provider_vercel.api import validation as check
from airflow_provider_vercel.api.errors import VercelCredentialsError, VercelError
from airflow_provider_vercel.api.store_conn_id import PREFIX, StoreConnectionRef, parse_store_conn_id
from airflow_provider_vercel.defaults import DEFAULT_CONN_ID

if TYPE_CHECKING:  # checked against Airflow 3's class; Airflow 2 has an equivalent one elsewhere
    from airflow.providers.common.compat.sdk import Connection
    from airflow.sdk.bases.secrets_backend import BaseSecretsBackend

    from airflow_provider_vercel.hooks.vercel import VercelHook
else:
    try:  # Airflow 3: the Task SDK's base, which builds SDK connections
        from airflow.sdk.bases.secrets_backend import BaseSecretsBackend
    except ImportError:  # Airflow 2
        from airflow.secrets import BaseSecretsBackend

log = logging.getLogger(__name__)

_FIELDS = ("conn_type", "description", "host", "login", "password", "schema", "port", "extra")


class VercelStoreSecretsBackend(BaseSecretsBackend):
    """Answers ``vercel-store--<store>--<project>--<target>`` conn ids with the store's database connection.

    ``<store>`` is a store id (``store_…``) or a unique store name without ``--``; ``<project>`` the
    project id or name the store is connected to; ``<target>`` ``production``, ``preview`` or
    ``development``. The connection's type follows the URL (``postgres``, ``redis``).

    :param vercel_conn_id: the Vercel connection (token and team) the backend reads the project with;
        it must come from another backend (environment variable or metadata database).
    :param variable: the env var holding the URL, when not the default choice (``DATABASE_URL``,
        ``POSTGRES_URL``, ``REDIS_URL``, ``KV_URL``, then any ``*_URL``).
    """

    def __init__(self, vercel_conn_id: str = DEFAULT_CONN_ID, variable: str | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.vercel_conn_id = check.require_text("vercel_conn_id", vercel_conn_id)
        if self.vercel_conn_id.startswith(PREFIX):
            raise ValueError("vercel_conn_id must not itself be a vercel-store-- connection id")
        self.variable = variable

    def get_conn_value(self, conn_id: str, team_name: str | None = None) -> str | None:
        """Never a serialised value: connections are built by ``get_connection``."""
        return None

    def get_variable(self, key: str, team_name: str | None = None) -> str | None:
        """This backend holds no variables."""
        return None

    def get_config(self, key: str) -> str | None:
        """This backend holds no configuration."""
        return None

    def get_connection(self, conn_id: str, team_name: str | None = None) -> object | None:
        """The store's connection for a conn id of the store form, else None ("not mine").

        :param conn_id: the connection id asked for.
        :param team_name: Airflow's multi-team scope (unused: the Vercel connection names the team).
        """
        ref = parse_store_conn_id(conn_id)
        if ref is None:
            return None
        try:
            return self._build(conn_id, ref)
        except VercelError as exc:
            # Airflow logs a backend's exception at debug level only and then says "isn't defined":
            # say why here. Our error texts never carry a token or a credential value.
            log.warning("Vercel store connection %s could not be built: %s", conn_id, exc)
            raise

    def _build(self, conn_id: str, ref: StoreConnectionRef) -> object:
        # Here, not at the top: the hook brings the API client and its models (about 0.1 s), and every
        # Airflow process that configures this backend imports this module; only store lookups need them.
        from airflow_provider_vercel.hooks.vercel import VercelHook

        hook = VercelHook(vercel_conn_id=self.vercel_conn_id)
        try:
            store_id = ref.store if ref.store_is_id else self._store_id_by_name(hook, ref.store)
            conn = hook.get_store_connection(store_id, ref.project, ref.target, variable=self.variable, conn_id=conn_id)
        finally:
            hook.close()
        return self._as_expected_class(conn)

    @staticmethod
    def _store_id_by_name(hook: VercelHook, name: str) -> str:
        found = [s.id for s in hook.list_stores() if s.name == name and s.id]
        if len(found) != 1:
            what = "no store" if not found else f"{len(found)} stores ({', '.join(found)})"
            raise VercelCredentialsError(
                f"{what} called {name!r} in the team; name the store by its id (vercel-store--store_…--…)",
                "not_found" if not found else "ambiguous",
            )
        return found[0]

    def _as_expected_class(self, conn: Connection) -> object:
        # Airflow's API server asks backends for its ORM Connection class, workers for the SDK one.
        expected = getattr(self, "_get_connection_class", None)
        if expected is None:
            return conn
        cls = expected()
        if isinstance(conn, cls):
            return conn
        return cls(conn_id=conn.conn_id, **{field: getattr(conn, field, None) for field in _FIELDS})


__all__ = ["VercelStoreSecretsBackend"]
