"""Connecting a store to a project, as a step generator both clients drive.

Vercel documents no 409 for the connect routes, so a 409 is not taken on trust as "already
connected": the flow reads the store and looks for the project in its ``projectsMetadata``. Only
then is the answer ``False`` (nothing new); otherwise the 409 is raised with the server's message.
"""

from __future__ import annotations

from collections.abc import Generator, Sequence
from typing import Any

from airflow_provider_vercel.api import calls
from airflow_provider_vercel.api import validation as check
from airflow_provider_vercel.api.errors import VercelConflictError
from airflow_provider_vercel.api.models import Store


def connect_flow(
    configuration_id: str,
    store_id: str,
    project: str,
    environments: Sequence[str] = check.ENV_TARGETS,
    sensitive: bool | None = None,
    env_var_prefix: str | None = None,
) -> Generator[calls.ApiCall[Any], Any, bool]:
    """Connect; True when this call connected it, False when the store already was connected to it.

    :param configuration_id: the store's configuration (``icfg_…``).
    :param store_id: the store (``store_…``).
    :param project: project id (``prj_…``) or name.
    :param environments: targets that receive the env vars.
    :param sensitive: make the env vars sensitive (unreadable afterwards).
    :param env_var_prefix: prefix for the env var keys (e.g. ``PR42_``); None for none.
    :raises VercelConflictError: a 409 while the store's ``projectsMetadata`` does not list the project.
    """
    call = calls.connect_store(configuration_id, store_id, project, environments, sensitive, env_var_prefix)
    try:
        yield call
    except VercelConflictError as conflict:
        store = yield calls.get_store(store_id)
        if store is not None and is_connected(store, project):
            return False
        raise conflict
    return True


def is_connected(store: Store, project: str) -> bool:
    """True when ``store.projectsMetadata`` lists the project, by id or by name.

    :param store: the store as read back.
    :param project: project id or name.
    """
    return any(project in (entry.project_id, entry.name) for entry in store.projects_metadata)
