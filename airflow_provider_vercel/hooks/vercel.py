"""``VercelHook``: the Airflow connection of type ``vercel`` turned into a Vercel API client."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any

from airflow.providers.common.compat.sdk import BaseHook

from airflow_provider_vercel.api import validation as check
from airflow_provider_vercel.api.errors import VercelError, VercelInputError
from airflow_provider_vercel.api.retry import RetryPolicy
from airflow_provider_vercel.defaults import DEFAULT_BASE_URL, DEFAULT_CONN_ID

if TYPE_CHECKING:
    from airflow.providers.common.compat.sdk import Connection

    from airflow_provider_vercel.api.calls import CreateStoreRequest
    from airflow_provider_vercel.api.client import AsyncVercelClient, VercelClient
    from airflow_provider_vercel.api.create import CreateOutcome
    from airflow_provider_vercel.api.models import (
        BillingPlan,
        ConfigurationProducts,
        EnvVar,
        IntegrationConfiguration,
        Store,
    )

PERSONAL_ACCOUNT = "the token's personal account"
#: Seconds get-or-create looks for a store after a create answered 5xx or not at all (the API layer's default).
DEFAULT_SETTLE_SECONDS = 15.0
_RETRY_KEYS = ("max_attempts", "backoff_initial", "backoff_max", "max_elapsed", "jitter", "retry_statuses")


@dataclass(frozen=True)
class ClientSettings:
    """Everything needed to build a client; ``token`` is excluded from repr.

    :param token: the API token.
    :param base_url: API base URL.
    :param team_id: team id, if any.
    :param team_slug: team slug, if any.
    :param timeout: read timeout in seconds.
    :param connect_timeout: connect timeout in seconds.
    :param retry_policy: retry policy for safe calls.
    :param deadline: wall-clock seconds for one whole request; None for ``connect_timeout + timeout``.
    :param max_response_bytes: largest response body accepted; None for the client's default (4 MiB).
    :param create_settle_seconds: how long get-or-create looks for a store after an ambiguous create.
    """

    token: str = field(repr=False)
    base_url: str
    team_id: str | None
    team_slug: str | None
    timeout: float
    connect_timeout: float
    retry_policy: RetryPolicy
    deadline: float | None = None
    max_response_bytes: int | None = None
    create_settle_seconds: float = 15.0

    def client_kwargs(self) -> dict[str, Any]:
        """Keyword arguments for ``VercelClient``/``AsyncVercelClient`` (after the token)."""
        kwargs: dict[str, Any] = {
            "base_url": self.base_url,
            "team_id": self.team_id,
            "team_slug": self.team_slug,
            "timeout": self.timeout,
            "connect_timeout": self.connect_timeout,
            "retry_policy": self.retry_policy,
            "deadline": self.deadline,
            "create_settle_seconds": self.create_settle_seconds,
        }
        if self.max_response_bytes is not None:
            kwargs["max_response_bytes"] = self.max_response_bytes
        return kwargs


def _extra(extras: Mapping[str, Any], key: str) -> Any:
    # Connections saved by older UIs prefix extras with extra__<conn_type>__.
    value = extras.get(key)
    if value in (None, ""):
        value = extras.get(f"extra__vercel__{key}")
    return None if value in (None, "") else value


def _number(conn_id: str, key: str, value: Any, default: float, minimum: float | None = None) -> float:
    """A finite number from an extra or a hook argument: > 0, or >= ``minimum`` when given."""
    if value is None:
        return default
    bound = {"above": 0.0} if minimum is None else {"minimum": minimum}
    try:
        return check.finite_number(key, value, text=True, **bound)
    except VercelInputError as exc:
        raise VercelInputError(f"connection {conn_id!r} extra {key}", exc.reason) from None


def _whole_number(conn_id: str, key: str, value: Any) -> int | None:
    if value is None:
        return None
    text = str(value).strip()
    if isinstance(value, bool) or not text.isdigit() or int(text) < 1:
        raise VercelInputError(f"connection {conn_id!r} extra {key}", f"must be a whole number >= 1, got {value!r}")
    return int(text)


def _base_url(conn: Any) -> str:
    host = (conn.host or "").strip()
    if not host:
        return DEFAULT_BASE_URL
    if "://" not in host:
        scheme = (conn.schema or "").strip().lower()
        if scheme not in ("http", "https"):
            scheme = "https"
            if check.is_loopback(host.split(":")[0]):  # loopback: the emulator serves plain http
                scheme = "http"
        host = f"{scheme}://{host}"
    if conn.port and host.count(":") < 2:
        host = f"{host.rstrip('/')}:{conn.port}"
    return host


def settings_from_connection(conn: Any, overrides: Mapping[str, Any] | None = None) -> ClientSettings:
    """Read token, base URL, team and timeouts from an Airflow connection; each bad field is named.

    :param conn: the Airflow connection.
    :param overrides: hook arguments that win over the connection (team_id, team_slug, base_url, timeout…).
    """
    conn_id = conn.conn_id or "vercel"
    overrides = {key: value for key, value in (overrides or {}).items() if value is not None}
    extras: Mapping[str, Any] = conn.extra_dejson or {}
    # Checked without raising and catching, so no exception that saw the password is ever chained.
    problem = check.token_problem(conn.password)
    if problem is not None:
        if not isinstance(conn.password, str) or not conn.password.strip():
            problem = "is empty: put the Vercel API token in the connection's password (shown as 'API token')"
        raise VercelInputError(f"connection {conn_id!r} password", problem)
    token = conn.password.strip()
    try:
        base_url = check.base_url(overrides.get("base_url") or _base_url(conn))
    except VercelInputError as exc:
        raise VercelInputError(f"connection {conn_id!r} host", exc.reason) from None
    retry_values = dict(_extra(extras, "retry") or {})
    retry_values.update({key: extras[key] for key in _RETRY_KEYS if key in extras})
    if isinstance(overrides.get("retry_policy"), RetryPolicy):
        policy = overrides["retry_policy"]
    else:
        try:
            policy = RetryPolicy.from_mapping(retry_values)
        except VercelInputError as exc:
            raise VercelInputError(f"connection {conn_id!r} extra {exc.argument}", exc.reason) from None
    return ClientSettings(
        token=token,
        base_url=base_url,
        team_id=overrides.get("team_id", _extra(extras, "team_id")),
        team_slug=overrides.get("team_slug", _extra(extras, "team_slug")),
        timeout=_number(conn_id, "timeout", overrides.get("timeout", _extra(extras, "timeout")), 30.0),
        connect_timeout=_number(
            conn_id, "connect_timeout", overrides.get("connect_timeout", _extra(extras, "connect_timeout")), 10.0
        ),
        retry_policy=policy,
        deadline=(
            None
            if overrides.get("deadline", _extra(extras, "deadline")) is None
            else _number(conn_id, "deadline", overrides.get("deadline", _extra(extras, "deadline")), 0.0)
        ),
        max_response_bytes=_whole_number(conn_id, "max_response_bytes", _extra(extras, "max_response_bytes")),
        create_settle_seconds=_number(
            conn_id,
            "create_settle_seconds",
            overrides.get("create_settle_seconds", _extra(extras, "create_settle_seconds")),
            DEFAULT_SETTLE_SECONDS,
            minimum=0.0,
        ),
    )


def _mask(value: str) -> None:
    from airflow.providers.common.compat.sdk import mask_secret

    mask_secret(value)


def _mask_value(value: str | None) -> None:
    """Register a credential with the masker: the value, and a URL's user and password on their own."""
    if not value:
        return
    from airflow_provider_vercel.api.credentials import mask_fragments

    for fragment in mask_fragments(value):
        _mask(fragment)


def _without_token(message: str, settings: ClientSettings | None) -> str:
    """A message for the UI, the token masked (the API layer scrubs already; this is the last guard)."""
    if settings is None:
        return message
    from airflow_provider_vercel.api.redact import Redactor

    return Redactor(settings.token).text(message)


class VercelHook(BaseHook):
    """Interact with the Vercel REST API for Marketplace integration stores.

    The connection (type ``vercel``) holds the API token in its password, an optional base URL in its
    host (default ``https://api.vercel.com``; plain http only for loopback) and ``team_id`` or
    ``team_slug`` in its extras; optional extras ``timeout``, ``connect_timeout``, ``deadline`` (wall-clock
    seconds per request, default ``connect_timeout + timeout``), ``max_response_bytes`` (default 4 MiB),
    retry settings (``max_attempts``, ``max_elapsed``, ``backoff_initial``, ``backoff_max``) and
    ``create_settle_seconds`` (how long get-or-create looks for a store after a create answered 5xx or
    not at all before failing; default 15).

    :param vercel_conn_id: the Airflow connection id.
    :param team_id: team id overriding the connection's.
    :param team_slug: team slug overriding the connection's.
    :param base_url: API base URL overriding the connection's host.
    :param timeout: read timeout in seconds overriding the connection's.
    :param retry_policy: retry policy overriding the connection's.
    :param deadline: wall-clock seconds per request overriding the connection's.
    """

    conn_name_attr = "vercel_conn_id"
    default_conn_name = DEFAULT_CONN_ID
    conn_type = "vercel"
    hook_name = "Vercel"

    def __init__(
        self,
        vercel_conn_id: str = default_conn_name,
        *,
        team_id: str | None = None,
        team_slug: str | None = None,
        base_url: str | None = None,
        timeout: float | None = None,
        retry_policy: RetryPolicy | None = None,
        deadline: float | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.vercel_conn_id = check.require_text("vercel_conn_id", vercel_conn_id)
        for argument, value in (("timeout", timeout), ("deadline", deadline)):
            if value is not None:
                check.finite_number(argument, value, above=0)
        self._overrides = {
            "team_id": team_id,
            "team_slug": team_slug,
            "base_url": base_url,
            "timeout": timeout,
            "retry_policy": retry_policy,
            "deadline": deadline,
        }

    @classmethod
    def get_ui_field_behaviour(cls) -> dict[str, Any]:
        """Connection form layout for Airflow < 3.2 (newer versions read it from the provider info)."""
        from airflow_provider_vercel.get_provider_info import UI_FIELD_BEHAVIOUR

        # Airflow < 3.2 validates snake_case keys; the provider info uses the kebab-case ones.
        return {
            "hidden_fields": list(UI_FIELD_BEHAVIOUR["hidden-fields"]),
            "relabeling": dict(UI_FIELD_BEHAVIOUR["relabeling"]),
            "placeholders": dict(UI_FIELD_BEHAVIOUR["placeholders"]),
        }

    @classmethod
    def get_connection_form_widgets(cls) -> dict[str, Any]:
        """Extra form fields for Airflow < 3.2 with the FAB UI (newer versions read ``conn-fields``)."""
        from flask_appbuilder.fieldwidgets import BS3TextFieldWidget
        from flask_babel import lazy_gettext
        from wtforms import StringField

        from airflow_provider_vercel.get_provider_info import CONN_FIELDS

        return {
            name: StringField(lazy_gettext(CONN_FIELDS[name]["label"]), widget=BS3TextFieldWidget())
            for name in ("team_id", "team_slug")
        }

    @cached_property
    def settings(self) -> ClientSettings:
        """Client settings read from the connection (once per hook); the token is registered for masking."""
        settings = settings_from_connection(self.get_connection(self.vercel_conn_id), self._overrides)
        _mask(settings.token)
        return settings

    @cached_property
    def client(self) -> VercelClient:
        """The hook's one pooled client, reused for its whole life."""
        from airflow_provider_vercel.api.client import VercelClient

        return VercelClient(self.settings.token, **self.settings.client_kwargs())

    def get_conn(self) -> VercelClient:
        """The API client (Airflow's conventional accessor)."""
        return self.client

    async def aget_settings(self) -> ClientSettings:
        """Client settings read without blocking the event loop (triggers)."""
        if "settings" in self.__dict__:
            return self.settings
        try:
            from airflow.providers.common.compat.connection import get_async_connection

            conn = await get_async_connection(self.vercel_conn_id, self)
        except ImportError:  # older common-compat
            from asgiref.sync import sync_to_async

            conn = await sync_to_async(self.get_connection)(self.vercel_conn_id)
        settings = settings_from_connection(conn, self._overrides)
        _mask(settings.token)
        self.__dict__["settings"] = settings
        return settings

    async def aget_client(self) -> AsyncVercelClient:
        """A new async client (the caller closes it with ``aclose``)."""
        from airflow_provider_vercel.api.client import AsyncVercelClient

        settings = await self.aget_settings()
        return AsyncVercelClient(settings.token, **settings.client_kwargs())

    def close(self) -> None:
        """Close the pooled connections, if a client was built."""
        client = self.__dict__.pop("client", None)
        if client is not None:
            client.close()

    def test_connection(self) -> tuple[bool, str]:
        """One cheap GET (list configurations); never raises."""
        from airflow_provider_vercel.api.client import VercelClient

        try:
            settings = self.settings
            # A form's test button must answer quickly: at most one retry, within 10 seconds.
            quick = RetryPolicy(max_attempts=2, backoff_initial=0.5, max_elapsed=10.0)
            kwargs = {**settings.client_kwargs(), "retry_policy": quick}
            with VercelClient(settings.token, **kwargs) as client:
                configurations = client.list_configurations(view="account")
        except VercelError as exc:
            return False, _without_token(str(exc), self.__dict__.get("settings"))
        except Exception as exc:  # the UI shows the message; it must not crash
            return False, _without_token(f"{type(exc).__name__}: {exc}", self.__dict__.get("settings"))
        team = self.settings.team_id or self.settings.team_slug
        message = (
            f"Connected to {self.settings.base_url}: {len(configurations)} configuration(s) visible for "
            f"{team or PERSONAL_ACCOUNT}."
        )
        if team is None and not configurations:
            # Marketplace installations usually belong to a team; a token alone acts for its owner.
            message += " No team is set: a team_id or team_slug extra is probably missing."
        return True, message

    # Thin delegations, so DAG code can use the hook alone. Arguments are checked by the API layer.

    def list_configurations(
        self, view: str = "account", installation_type: str | None = None, integration: str | None = None
    ) -> list[IntegrationConfiguration]:
        """Integration configurations of the team.

        :param view: ``account`` or ``project``.
        :param installation_type: ``marketplace``, ``external`` or ``provisioning``.
        :param integration: integration id or slug.
        """
        return self.client.list_configurations(view, installation_type, integration)

    def get_configuration(self, configuration_id: str) -> IntegrationConfiguration:
        """One configuration.

        :param configuration_id: configuration id (``icfg_…``).
        """
        return self.client.get_configuration(configuration_id)

    def list_products(self, configuration_id: str) -> ConfigurationProducts:
        """Products of a configuration, with their metadata schemas.

        :param configuration_id: configuration id (``icfg_…``).
        """
        return self.client.list_products(configuration_id)

    def list_billing_plans(
        self,
        integration: str,
        product: str,
        metadata: Mapping[str, Any] | None = None,
        configuration_id: str | None = None,
    ) -> list[BillingPlan]:
        """Billing plans of a product; prices may depend on ``metadata``.

        :param integration: integration id or slug.
        :param product: product id or slug.
        :param metadata: intended store metadata.
        :param configuration_id: configuration id.
        """
        return self.client.list_billing_plans(integration, product, metadata, configuration_id)

    def get_or_create_store(self, request: CreateStoreRequest, if_exists: str = "reuse") -> CreateOutcome:
        """Create a store at most once (reusing one of the same name), safe across retries.

        :param request: the validated create body.
        :param if_exists: ``reuse`` or ``fail``.
        """
        return self.client.get_or_create_store(request, if_exists)  # type: ignore[arg-type]

    def get_store(self, store_id: str) -> Store:
        """One store with its current status.

        :param store_id: store id.
        """
        return self.client.get_store(store_id)

    def list_stores(self, configuration_id: str | None = None) -> list[Store]:
        """The team's stores, optionally of one configuration.

        :param configuration_id: configuration id.
        """
        return self.client.list_stores(configuration_id)

    def find_stores(self, name: str, configuration_id: str, product: str | None = None) -> list[Store]:
        """Stores called ``name`` in a configuration (and of ``product`` when given), oldest first.

        :param name: store name.
        :param configuration_id: configuration id.
        :param product: product id or slug.
        """
        return self.client.find_stores(name, configuration_id, product)

    def connect_store(
        self,
        configuration_id: str,
        store_id: str,
        project_id: str,
        environments: Sequence[str] = check.ENV_TARGETS,
        sensitive: bool | None = None,
        env_var_prefix: str | None = None,
    ) -> bool:
        """Connect a store to a project; False when it already was (a 409 confirmed by reading the store).

        :param configuration_id: the store's configuration id.
        :param store_id: store id.
        :param project_id: project id or name.
        :param environments: targets that receive the env vars.
        :param sensitive: make the env vars sensitive (unreadable afterwards).
        :param env_var_prefix: prefix for the env var keys (e.g. ``PR42_``), so that several stores of
            one product can share the project; None for none.
        """
        return self.client.connect_store(
            configuration_id, store_id, project_id, environments, sensitive, env_var_prefix=env_var_prefix
        )

    def disconnect_store(self, store_id: str, connection_id: str | None = None) -> bool:
        """Disconnect one project connection or all of them.

        :param store_id: store id.
        :param connection_id: connection id, or None for all.
        """
        return self.client.disconnect_store(store_id, connection_id)

    def delete_store(self, store_id: str) -> bool:
        """Delete a store; False when it was already gone.

        :param store_id: store id.
        """
        return self.client.delete_store(store_id)

    def list_project_env(self, project: str, decrypt: bool = False, git_branch: str | None = None) -> list[EnvVar]:
        """A project's environment variables; with ``decrypt=True`` every value read is masked first.

        :param project: project id or name.
        :param decrypt: ask for decrypted values.
        :param git_branch: only preview variables of this branch (plus unbranched ones).
        """
        envs = self.client.list_project_env(project, decrypt, git_branch)
        if decrypt:
            for env in envs:
                _mask_value(env.value)
        return envs

    def get_project_env(self, project: str, env_id: str) -> EnvVar:
        """One environment variable, decrypted when readable; its value is masked before it is returned.

        :param project: project id or name.
        :param env_id: the variable's id.
        """
        env = self.client.get_project_env(project, env_id)
        _mask_value(env.value)
        return env

    # Credentials of a connected store (docs/api-contract.md §8). Values go to the caller only: never logged,
    # never returned by an operator, every one registered with the secret masker as soon as it is read.

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
        from airflow_provider_vercel.api import credentials

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
        from airflow.providers.common.compat.sdk import Connection

        from airflow_provider_vercel.api import credentials

        envs, project = self._store_env_vars(store_id, project, target, git_branch)
        key, url = credentials.choose_url(envs, lambda env: self._read_env_value(project, env), variable)
        parts = credentials.parse_connection_url(url, key)
        _mask_value(parts.password)
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
        from airflow_provider_vercel.api import credentials
        from airflow_provider_vercel.api.errors import VercelCredentialsError

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
        from airflow_provider_vercel.api import credentials
        from airflow_provider_vercel.api.errors import VercelCredentialsError

        if env.id:
            full = self.client.get_project_env(project, env.id)
        else:  # an id-less listing: fall back to the (deprecated) decrypted list
            full = next(
                (e for e in self.list_project_env(project, True) if (e.key, e.store_id) == (env.key, env.store_id)),
                env,
            )
        if not credentials.is_readable(full) or full.value is None:
            raise VercelCredentialsError(
                f"Vercel returned no readable value for {env.key} (type {full.type}, decrypted={full.decrypted}); "
                "if it is sensitive, connect the store with make_env_vars_sensitive=False.",
                "unreadable",
            )
        _mask_value(full.value)
        return full.value
