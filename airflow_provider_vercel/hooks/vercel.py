"""``VercelHook``: the Airflow connection of type ``vercel`` turned into a Vercel API client.

Connection settings live in ``hooks/settings.py``, secret masking in ``hooks/masking.py`` and the store
credential readers in ``hooks/store_credentials.py``; their public names are re-exported here.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import cached_property
from typing import TYPE_CHECKING, Any, cast

from airflow.providers.common.compat.sdk import BaseHook

from airflow_provider_vercel.api import validation as check
from airflow_provider_vercel.api.client import AsyncVercelClient, VercelClient
from airflow_provider_vercel.api.errors import VercelError
from airflow_provider_vercel.api.retry import RetryPolicy
from airflow_provider_vercel.defaults import DEFAULT_CONN_ID
from airflow_provider_vercel.get_provider_info import CONN_FIELDS, UI_FIELD_BEHAVIOUR
from airflow_provider_vercel.hooks.masking import mask_credential, mask_token, without_token
from airflow_provider_vercel.hooks.settings import DEFAULT_SETTLE_SECONDS, ClientSettings, settings_from_connection
from airflow_provider_vercel.hooks.store_credentials import StoreCredentialsMixin

if TYPE_CHECKING:
    from airflow_provider_vercel.api.calls import CreateStoreRequest
    from airflow_provider_vercel.api.create import CreateOutcome, IfExists
    from airflow_provider_vercel.api.models import (
        BillingPlan,
        ConfigurationProducts,
        EnvVar,
        IntegrationConfiguration,
        Store,
    )

__all__ = ["DEFAULT_SETTLE_SECONDS", "PERSONAL_ACCOUNT", "ClientSettings", "VercelHook", "settings_from_connection"]

PERSONAL_ACCOUNT = "the token's personal account"


class VercelHook(StoreCredentialsMixin, BaseHook):
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
        # Airflow < 3.2 validates snake_case keys; the provider info uses the kebab-case ones.
        return {
            "hidden_fields": list(UI_FIELD_BEHAVIOUR["hidden-fields"]),
            "relabeling": dict(UI_FIELD_BEHAVIOUR["relabeling"]),
            "placeholders": dict(UI_FIELD_BEHAVIOUR["placeholders"]),
        }

    @classmethod
    def get_connection_form_widgets(cls) -> dict[str, Any]:
        """Extra form fields for Airflow < 3.2 with the FAB UI (newer versions read ``conn-fields``)."""
        # Here, not at the top: the FAB UI packages exist only where Airflow < 3.2 serves the old form.
        from flask_appbuilder.fieldwidgets import BS3TextFieldWidget
        from flask_babel import lazy_gettext
        from wtforms import StringField

        return {
            name: StringField(lazy_gettext(CONN_FIELDS[name]["label"]), widget=BS3TextFieldWidget())
            for name in ("team_id", "team_slug")
        }

    @cached_property
    def settings(self) -> ClientSettings:
        """Client settings read from the connection (once per hook); the token is registered for masking."""
        settings = settings_from_connection(self.get_connection(self.vercel_conn_id), self._overrides)
        mask_token(settings.token)
        return settings

    @cached_property
    def client(self) -> VercelClient:
        """The hook's one pooled client, reused for its whole life."""
        return VercelClient(self.settings.token, **self.settings.client_kwargs())

    def get_conn(self) -> VercelClient:
        """The API client (Airflow's conventional accessor)."""
        return self.client

    async def aget_settings(self) -> ClientSettings:
        """Client settings read without blocking the event loop (triggers)."""
        if "settings" in self.__dict__:
            return self.settings
        # Here, not at the top: a version switch (older common-compat has no get_async_connection).
        try:
            from airflow.providers.common.compat.connection import get_async_connection

            conn = await get_async_connection(self.vercel_conn_id, self)
        except ImportError:  # older common-compat
            from asgiref.sync import sync_to_async

            conn = await sync_to_async(self.get_connection)(self.vercel_conn_id)
        settings = settings_from_connection(conn, self._overrides)
        mask_token(settings.token)
        self.__dict__["settings"] = settings
        return settings

    async def aget_client(self) -> AsyncVercelClient:
        """A new async client (the caller closes it with ``aclose``)."""
        settings = await self.aget_settings()
        return AsyncVercelClient(settings.token, **settings.client_kwargs())

    def close(self) -> None:
        """Close the pooled connections, if a client was built."""
        client = self.__dict__.pop("client", None)
        if client is not None:
            client.close()

    def test_connection(self) -> tuple[bool, str]:
        """One cheap GET (list configurations); never raises."""
        try:
            settings = self.settings
            # A form's test button must answer quickly: at most one retry, within 10 seconds.
            quick = RetryPolicy(max_attempts=2, backoff_initial=0.5, max_elapsed=10.0)
            kwargs = {**settings.client_kwargs(), "retry_policy": quick}
            with VercelClient(settings.token, **kwargs) as client:
                configurations = client.list_configurations(view="account")
        except VercelError as exc:
            return False, without_token(str(exc), self._token_read())
        except Exception as exc:  # the UI shows the message; it must not crash
            return False, without_token(f"{type(exc).__name__}: {exc}", self._token_read())
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
        # A str here (operators pass rendered values); the flow refuses anything but the two choices
        # with a VercelInputError before any request.
        return self.client.get_or_create_store(request, cast("IfExists", if_exists))

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
                mask_credential(env.value)
        return envs

    def get_project_env(self, project: str, env_id: str) -> EnvVar:
        """One environment variable, decrypted when readable; its value is masked before it is returned.

        :param project: project id or name.
        :param env_id: the variable's id.
        """
        env = self.client.get_project_env(project, env_id)
        mask_credential(env.value)
        return env

    def _token_read(self) -> str | None:
        """The token, if the settings were read already (reading them is what may have failed)."""
        settings: ClientSettings | None = self.__dict__.get("settings")
        return None if settings is None else settings.token
