"""Tear one store down: disconnect its projects, then delete it. Shared by the delete and sweep operators.

Works with anything that has ``disconnect_store`` and ``delete_store`` (the sync client, the hook).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from airflow_provider_vercel.api.models import Store  # annotations only: keeps this module free of pydantic



class StoreRemover(Protocol):
    """The two calls a teardown needs."""

    def disconnect_store(self, store_id: str, connection_id: str | None = None) -> bool:
        """Disconnect one project connection, or all of them when ``connection_id`` is None."""

    def delete_store(self, store_id: str) -> bool:
        """Delete a store; False when it was already gone."""


@dataclass(frozen=True)
class TeardownOutcome:
    """What a teardown did.

    :param store_id: the store.
    :param deleted: True when this call deleted it; False when it had disappeared meanwhile.
    :param disconnected_project_ids: the projects disconnected first.
    :param disconnected_at_once: True when the connections were removed by one call (some had no id).
    """

    store_id: str
    deleted: bool
    disconnected_project_ids: list[str] = field(default_factory=list)
    disconnected_at_once: bool = False


def tear_down_store(
    api: StoreRemover, store: Store, *, store_id: str | None = None, disconnect_projects: bool = True
) -> TeardownOutcome:
    """Disconnect every project of ``store`` (one call per connection), then delete it.

    When a connection in the answer has no id, all connections are removed by one call instead. With
    ``disconnect_projects=False`` a store that still has projects is refused by Vercel (the error
    propagates).

    :param api: the client or hook.
    :param store: the store as last read (its ``projectsMetadata`` says what to disconnect).
    :param store_id: the store's id when the answer may lack it (default ``store.id``).
    :param disconnect_projects: disconnect connected projects before deleting.
    :raises ValueError: no store id at all.
    :raises VercelError: a call failed; the store may then be partly disconnected.
    """
    store_id = store_id or store.id
    if not store_id:
        raise ValueError("the store has no id")
    connections = list(store.projects_metadata) if disconnect_projects else []
    at_once = bool(connections) and not all(c.id for c in connections)
    if at_once:
        api.disconnect_store(store_id)
    else:
        for connection in connections:
            api.disconnect_store(store_id, connection.id)
    deleted = api.delete_store(store_id)
    return TeardownOutcome(
        store_id=store_id,
        deleted=deleted,
        disconnected_project_ids=[c.project_id for c in connections],
        disconnected_at_once=at_once,
    )
