"""Connecting stores to projects: writes the store's secrets as project env vars, and undoes it."""

from __future__ import annotations

from typing import Any

from . import ids
from .errors import ApiError
from .state import Connection, EmulatorState, EnvVar, Store, now_ms

STANDARD_TARGETS = ("production", "preview", "development")


def _split_targets(environments: list[str]) -> tuple[list[str], list[str]]:
    standard = [e for e in environments if e in STANDARD_TARGETS]
    custom = [e for e in environments if e not in STANDARD_TARGETS]
    return standard, custom


def connect_store(
    state: EmulatorState,
    store: Store,
    project: dict[str, Any],
    environments: list[str],
    *,
    prefix: str | None,
    sensitive: bool,
) -> Connection:
    """Connect a store to a project; the caller holds ``state.lock``.

    state: the emulator state.
    store: the store.
    project: the project's seed entry.
    environments: env var targets (standard names or custom environment ids).
    prefix: env var name prefix, or None.
    sensitive: write the variables as ``sensitive``.
    """
    if any(c.project_id == project["id"] for c in store.connections):
        raise ApiError(409, f"Store {store.id} is already connected to project {project['name']}.", "conflict")
    standard, custom = _split_targets(environments)
    keys = [(prefix or "") + name for name in store.secrets]
    for existing in state.project_env_vars(project["id"]):
        overlaps = set(existing.target) & set(standard) or set(existing.custom_environment_ids) & set(custom)
        if existing.key in keys and overlaps and existing.git_branch is None:
            raise ApiError(
                400,
                f"A variable named {existing.key} already exists in project {project['name']} for "
                f"{', '.join(sorted(overlaps))}; connect with an envVarPrefix.",
                "env_already_exists",
            )
    stamp = now_ms()
    connection = Connection(
        id=ids.connection_id(),
        project_id=project["id"],
        environments=list(environments),
        env_var_prefix=prefix,
        sensitive=sensitive,
        created_at=stamp,
    )
    found = state.product_by_id(store.product_id)
    product_id = found[1]["id"] if found else store.product_id
    for key, value in zip(keys, store.secrets.values(), strict=True):
        env = EnvVar(
            id=ids.env_var_id(),
            project_id=project["id"],
            key=key,
            value=value,
            type="sensitive" if sensitive else "encrypted",
            target=standard,
            custom_environment_ids=custom,
            configuration_id=store.configuration_id,
            content_hint={
                "type": "integration-store-secret",
                "storeId": store.id,
                "integrationId": store.integration_id,
                "integrationProductId": product_id,
                "integrationConfigurationId": store.configuration_id,
            },
            created_at=stamp,
            updated_at=stamp,
        )
        state.add_env_var(env)
        connection.env_var_ids.append(env.id)
    store.connections.append(connection)
    store.updated_at = stamp
    return connection


def disconnect(state: EmulatorState, store: Store, connection: Connection) -> None:
    """Remove one connection and the env vars it wrote; the caller holds ``state.lock``.

    state: the emulator state.
    store: the store.
    connection: one of the store's connections.
    """
    state.remove_env_vars(connection.env_var_ids)
    store.connections.remove(connection)
    store.updated_at = now_ms()


def find_connection(store: Store, connection_id: str) -> Connection | None:
    """Return a store's connection by its ``spc_…`` id (or, leniently, by project id), or None.

    store: the store.
    connection_id: connection id or project id.
    """
    return next((c for c in store.connections if connection_id in (c.id, c.project_id)), None)
