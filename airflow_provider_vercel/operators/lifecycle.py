"""Store lifecycle operators: connect a store to a project, and tear a store down.

Both are idempotent, so a retried task or a re-run DAG converges on the same state: connecting an
already connected store changes nothing, deleting a store that is already gone succeeds.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from airflow_provider_vercel.api import validation as check
from airflow_provider_vercel.api.coerce import optional_text, rendered_bool, rendered_list
from airflow_provider_vercel.api.errors import (
    VercelBadRequestError,
    VercelGoneError,
    VercelInputError,
    VercelNotFoundError,
)
from airflow_provider_vercel.api.teardown import tear_down_store
from airflow_provider_vercel.defaults import ENV_TARGETS
from airflow_provider_vercel.tasks.base import VercelBaseOperator, VercelTaskError, task_failures

if TYPE_CHECKING:
    from airflow.providers.common.compat.sdk import Context

    from airflow_provider_vercel.api.models import ProjectConnection, Store

# Connect a store to every standard target unless told otherwise.
DEFAULT_ENVIRONMENTS = ENV_TARGETS


def _environments_check(value: Any) -> list[str]:
    return check.environments(rendered_list("environments", value))


def _sensitive_check(value: Any) -> bool | None:
    return rendered_bool("make_env_vars_sensitive", value, optional=True)


def _prefix_check(value: Any) -> str | None:
    text = optional_text(value)
    return None if text is None else check.env_var_prefix(text)


@contextmanager
def _env_conflicts(project_id: str) -> Iterator[None]:
    """Turn Vercel's ``env_already_exists`` 400 into a task failure that names ``env_var_prefix``."""
    try:
        yield
    except VercelBadRequestError as exc:
        if exc.code != "env_already_exists":
            raise
        raise VercelTaskError(
            f"Project {project_id} already has variables of that name ({exc.message}). To connect several "
            "stores of one product to one project, set env_var_prefix on VercelConnectStoreOperator "
            "(e.g. env_var_prefix='PR42_'), one prefix per store.",
            argument="env_var_prefix",
        ) from exc


def _connection_for(store: Store, project_id: str) -> ProjectConnection | None:
    # A project can be named by id or by name; projectsMetadata carries both.
    return next((c for c in store.projects_metadata if project_id in (c.project_id, c.name)), None)


class VercelConnectStoreOperator(VercelBaseOperator):
    """Connect a store to a project, so Vercel writes the store's secrets into the project's env vars.

    Idempotent: the store's ``projectsMetadata`` is read first and a store already connected to the
    project is left as it is (``connected: false``); a 409 answer counts the same once the store's
    ``projectsMetadata`` lists the project (else the task fails with Vercel's message). The
    configuration id is read from the store unless given.

    Returns (XCom ``return_value``) ``{"store_id", "project_id", "connected", "environments",
    "env_var_names"}``: ``connected`` is True only when this run made the connection,
    ``environments`` are the connection's targets and ``env_var_names`` the *names* of the variables
    it wrote (never values).

    :param store_id: the store (``store_…``), e.g. ``create.output["store_id"]`` (templated).
    :param project_id: the project id (``prj_…``) or name (templated).
    :param environments: targets that receive the env vars: ``production``, ``preview``,
        ``development`` or custom environment ids; default all three (templated).
    :param make_env_vars_sensitive: write the env vars as ``sensitive`` (unreadable afterwards);
        None leaves Vercel's default (templated).
    :param integration_configuration_id: the store's configuration (``icfg_…``); None reads it from
        the store (templated).
    :param env_var_prefix: prefix for the env var keys this connection writes (a letter, then letters,
        digits or '_', e.g. ``PR42_`` gives ``PR42_DATABASE_URL``), so several stores of one product
        can share a project; None writes the keys unprefixed (templated).
    :param vercel_conn_id: the Vercel connection (templated).
    """

    template_fields: Sequence[str] = (
        "store_id",
        "project_id",
        "environments",
        "make_env_vars_sensitive",
        "integration_configuration_id",
        "env_var_prefix",
        *VercelBaseOperator.template_fields,
    )

    def __init__(
        self,
        *,
        store_id: str,
        project_id: str,
        environments: Sequence[str] | str = DEFAULT_ENVIRONMENTS,
        make_env_vars_sensitive: bool | None = None,
        integration_configuration_id: str | None = None,
        env_var_prefix: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.env_var_prefix = env_var_prefix
        self.store_id = store_id
        self.project_id = project_id
        self.environments = list(environments) if isinstance(environments, tuple) else environments
        self.make_env_vars_sensitive = make_env_vars_sensitive
        self.integration_configuration_id = integration_configuration_id
        for value, checker in self._checks():
            self.check_now(value, checker)

    def _checks(self) -> list[tuple[Any, Any]]:
        return [
            (self.store_id, lambda v: check.require_id("store_id", v)),
            (self.project_id, lambda v: check.require_id("project_id", v)),
            (self.environments, _environments_check),
            (self.make_env_vars_sensitive, _sensitive_check),
            (
                self.integration_configuration_id,
                lambda v: optional_text(v) is None or check.configuration_id(v, "integration_configuration_id"),
            ),
            (self.env_var_prefix, _prefix_check),
        ]

    def check_rendered(self) -> None:
        """Check the rendered arguments and normalise them; raises ``VercelInputError`` naming the argument."""
        super().check_rendered()
        for value, checker in self._checks():
            checker(value)
        self.store_id = check.require_id("store_id", self.store_id)
        self.project_id = check.require_id("project_id", self.project_id)
        self.environments = _environments_check(self.environments)
        self.make_env_vars_sensitive = _sensitive_check(self.make_env_vars_sensitive)
        self.env_var_prefix = _prefix_check(self.env_var_prefix)
        configuration = optional_text(self.integration_configuration_id)
        self.integration_configuration_id = (
            None if configuration is None else check.configuration_id(configuration, "integration_configuration_id")
        )

    def execute(self, context: Context) -> dict[str, Any]:
        with task_failures():
            self.check_rendered()
            store = self.hook.get_store(self.store_id)
            existing = _connection_for(store, self.project_id)
            if existing is not None:
                self._log_existing(existing)
                return self._result(existing, connected=False, store=store)
            configuration_id = self.integration_configuration_id or store.configuration_id
            if not configuration_id:
                raise VercelInputError(
                    "integration_configuration_id",
                    f"store {self.store_id} does not name its configuration; pass integration_configuration_id",
                )
            with _env_conflicts(self.project_id):
                created = self.hook.connect_store(
                    configuration_id,
                    self.store_id,
                    self.project_id,
                    self.environments,
                    self.make_env_vars_sensitive,
                    env_var_prefix=self.env_var_prefix,
                )
            after = self.hook.get_store(self.store_id)
        connection = _connection_for(after, self.project_id)
        if created:
            self.log.info(
                "Connected store %s to project %s for %s.", self.store_id, self.project_id, ", ".join(self.environments)
            )
        else:
            self.log.info("Store %s was already connected to project %s (409): nothing changed.", self.store_id, self.project_id)
        return self._result(connection, connected=bool(created), store=after)

    def _log_existing(self, existing: ProjectConnection) -> None:
        self.log.info(
            "Store %s is already connected to project %s (%s): nothing to do.",
            self.store_id, self.project_id, ", ".join(existing.environments) or "no environments",
        )
        if sorted(existing.environments) != sorted(self.environments):
            self.log.warning(
                "The existing connection targets %s, not the requested %s; it was left unchanged "
                "(disconnect it first to change its environments).",
                existing.environments, self.environments,
            )

    def _result(self, connection: ProjectConnection | None, *, connected: bool, store: Store) -> dict[str, Any]:
        if connection is not None:
            environments = list(connection.environments)
            names = list(connection.environment_variables)
            project = connection.project_id
        else:  # the store's answer lacks the connection: report what was asked for
            environments = list(self.environments)
            names = store.secret_names
            project = self.project_id
        return {
            "store_id": self.store_id,
            "project_id": project,
            "connected": connected,
            "environments": environments,
            "env_var_names": names,
        }


class VercelDeleteStoreOperator(VercelBaseOperator):
    """Tear a store down: disconnect its projects, then delete it. A store already gone is success.

    Meant as the teardown of an ephemeral store: use it with ``.as_teardown(setups=create)`` or
    ``trigger_rule="all_done"`` so it runs even when a task in between fails.

    Returns (XCom ``return_value``) ``{"store_id", "name", "deleted", "already_gone",
    "disconnected_project_ids"}``: ``deleted`` is True when this run deleted the store,
    ``already_gone`` True when it did not exist any more (deleted earlier, or never created).

    :param store_id: the store (``store_…``), e.g. ``create.output["store_id"]`` (templated).
    :param disconnect_projects: disconnect connected projects before deleting (default True); with
        False a store that still has projects makes the task fail as Vercel refuses the deletion (templated).
    :param vercel_conn_id: the Vercel connection (templated).
    """

    template_fields: Sequence[str] = ("store_id", "disconnect_projects", *VercelBaseOperator.template_fields)

    def __init__(self, *, store_id: str, disconnect_projects: bool = True, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.store_id = store_id
        self.disconnect_projects = disconnect_projects

        self.check_now(store_id, lambda v: check.require_id("store_id", v))
        self.check_now(disconnect_projects, lambda v: rendered_bool("disconnect_projects", v))

    def check_rendered(self) -> None:
        """Check the rendered ``store_id`` and ``disconnect_projects``."""
        super().check_rendered()
        self.store_id = check.require_id("store_id", self.store_id)
        self.disconnect_projects = rendered_bool("disconnect_projects", self.disconnect_projects)

    def execute(self, context: Context) -> dict[str, Any]:
        with task_failures():
            self.check_rendered()
        try:
            store = self.hook.get_store(self.store_id)
        except (VercelNotFoundError, VercelGoneError):
            self.log.info("Store %s does not exist (already deleted, or never created): nothing to do.", self.store_id)
            return self._result(None, deleted=False, disconnected=[])

        outcome = tear_down_store(
            self.hook, store, store_id=self.store_id, disconnect_projects=self.disconnect_projects
        )
        self._log_disconnected(outcome.disconnected_project_ids)
        disconnected, deleted = outcome.disconnected_project_ids, outcome.deleted
        if deleted:
            self.log.info("Deleted store %s (%s).", self.store_id, store.name)
        else:
            self.log.info("Store %s disappeared before the delete request: nothing left to do.", self.store_id)
        return self._result(store, deleted=deleted, disconnected=disconnected)

    def _log_disconnected(self, project_ids: list[str]) -> None:
        for project_id in project_ids:
            self.log.info("Disconnected project %s from store %s.", project_id, self.store_id)

    def _result(self, store: Store | None, *, deleted: bool, disconnected: list[str]) -> dict[str, Any]:
        return {
            "store_id": self.store_id,
            "name": store.name if store is not None else None,
            "deleted": deleted,
            "already_gone": not deleted,
            "disconnected_project_ids": disconnected,
        }


__all__ = ["DEFAULT_ENVIRONMENTS", "VercelConnectStoreOperator", "VercelDeleteStoreOperator"]
