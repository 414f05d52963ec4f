"""Reading a connected store's credentials from a project's env vars, every value masked as it is read.

``StoreCredentialsMixin`` gives ``VercelHook`` its ``get_store_credentials``, ``get_store_url`` and
``get_store_connection``. Values go to the caller only: never logged, never returned by an operator,
every one registered with the secret masker as soon as it is read (docs/api-contract.md §8).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from airflow.providers.common.compat.sdk import Connection

from airflow_provider_vercel.api import credentials
from airflow_provider_vercel.api import validation as check
from airflow_provider_vercel.api.errors import VercelCredentialsError
from airflow_provider_vercel.hooks.masking import mask_credential

if TYPE_CHECKING:
    from airflow_provider_vercel.api.client import VercelClient
    from airflow_provider_vercel.api.models import EnvVar


class StoreCredentialsMixin:
    """Credential readers for a hook that has a ``client`` (``VercelHook``)."""

    @property
    def client(self) -> VercelClient:
        """The client the readers call; ``VercelHook`` overrides it with its pooled one."""
        raise NotImplementedError

    def get_store_credentials(
        self, store_id: str, project: str, target: str = "production", git_branch: str | None = None
    ) -> dict[str, str]:
        """The store's env vars in a project for one target, as ``{key: value}``, every value masked.

        Variables are selected by ``contentHint.storeId`` (keys may carry a prefix), then each is read
        decrypted (``GET /v1/projects/{project}/env/{id}``). Do not return the result from a task:
        task return values go to XCom, which Airflow never masks.

        :param store_id: the store (``store_…``).
        :param project: the project id (``prj_…``) or name the store is connected to.
        :param target: ``production``, ``preview`` or ``development``.
        :param git_branch: for ``preview``, the git branch whose branch-limited variables win.
        :raises VercelCredentialsError: not connected for that target, or the variables are sensitive.
        """
        envs, project = self._store_env_vars(store_id, project, target, git_branch)
        return {env.key: self._read_env_value(project, env) for env in envs}

    def get_store_url(
        self,
        store_id: str,
        project: str,
        target: str = "production",
        variable: str | None = None,
        git_branch: str | None = None,
    ) -> str:
        """The store's real connection URL (``postgres://…``, ``redis://…``); only that variable is read.

        The value returned is the real URL; it is registered with Airflow's secret masker, so task logs
        show it as ``***``. Never return it from a task: XCom is not masked.

        Without ``variable`` the first of ``DATABASE_URL``, ``POSTGRES_URL``, ``REDIS_URL``, ``KV_URL``
        (prefixed or not), then any ``*_URL``, whose value is a postgres or redis URL is used.

        :param store_id: the store.
        :param project: the project id or name.
        :param target: ``production``, ``preview`` or ``development``.
        :param variable: the variable to use, with or without the connection's prefix.
        :param git_branch: for ``preview``, the git branch.
        :raises VercelCredentialsError: not connected, sensitive, or no URL-shaped variable.
        """
        envs, project = self._store_env_vars(store_id, project, target, git_branch)
        _, url = credentials.choose_url(envs, lambda env: self._read_env_value(project, env), variable)
        return url

    def get_store_connection(
        self,
        store_id: str,
        project: str,
        target: str = "production",
        variable: str | None = None,
        conn_id: str | None = None,
        git_branch: str | None = None,
    ) -> Connection:
        """An Airflow ``Connection`` (type ``postgres`` or ``redis``) built from the store's URL.

        It exists in this process only: nothing is written to the metadata database or to XCom.
        ``postgresql://`` becomes conn type ``postgres``; ``rediss://`` becomes ``redis`` with extra
        ``ssl: true``; a redis path becomes extra ``db``; URL query parameters become extras
        (e.g. ``sslmode``). Hand it to a hook that accepts one, e.g. ``PostgresHook(connection=conn)``.

        :param store_id: the store.
        :param project: the project id or name.
        :param target: ``production``, ``preview`` or ``development``.
        :param variable: the URL variable to use, with or without the connection's prefix.
        :param conn_id: the connection's id; default ``vercel_store_<store_id>``.
        :param git_branch: for ``preview``, the git branch.
        :raises VercelCredentialsError: not connected, sensitive, or no usable URL.
        """
        envs, project = self._store_env_vars(store_id, project, target, git_branch)
        key, url = credentials.choose_url(envs, lambda env: self._read_env_value(project, env), variable)
        parts = credentials.parse_connection_url(url, key)
        mask_credential(parts.password)
        return Connection(
            conn_id=check.require_text("conn_id", conn_id) if conn_id is not None else f"vercel_store_{store_id}",
            conn_type=parts.conn_type,
            description=f"Vercel store {store_id}, {key} of project {project} ({target})",
            host=parts.host,
            port=parts.port,
            login=parts.login,
            password=parts.password,
            schema=parts.schema,
            extra=parts.extra_json(),
        )

    def _store_env_vars(
        self, store_id: str, project: str, target: str, git_branch: str | None
    ) -> tuple[list[EnvVar], str]:
        """The store's (readable-type) variables for a target, or a ``VercelCredentialsError``."""
        store_id = check.require_id("store_id", store_id)
        project = check.require_id("project", project)
        target = credentials.check_target(target)
        branch = check.require_text("git_branch", git_branch) if git_branch is not None else None
        envs = self.client.list_project_env(project, False, branch if target == "preview" else None)
        found = credentials.store_env_vars(envs, store_id, target, branch)
        if not found:
            message = credentials.not_connected_message(envs, store_id, project, target, branch)
            raise VercelCredentialsError(message, "not_connected")
        sensitive = credentials.sensitive_keys(found)
        if sensitive:
            raise VercelCredentialsError(
                credentials.sensitive_message(sensitive, store_id, project, target), "sensitive"
            )
        return found, project

    def _read_env_value(self, project: str, env: EnvVar) -> str:
        """One variable's plaintext, masked before anything else sees it."""
        if env.id:
            full = self.client.get_project_env(project, env.id)
        else:  # an id-less listing: fall back to the (deprecated) decrypted list, every value masked
            listed = self.client.list_project_env(project, True, None)
            for each in listed:
                mask_credential(each.value)
            full = next((e for e in listed if (e.key, e.store_id) == (env.key, env.store_id)), env)
        if not credentials.is_readable(full) or full.value is None:
            raise VercelCredentialsError(
                f"Vercel returned no readable value for {env.key} (type {full.type}, decrypted={full.decrypted}); "
                "if it is sensitive, connect the store with make_env_vars_sensitive=False.",
                "unreadable",
            )
        mask_credential(full.value)
        return full.value
