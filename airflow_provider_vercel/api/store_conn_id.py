"""The connection ids that name a store's database: ``vercel-store--<store>--<project>--<target>``.

``<store>`` is a store id (``store_…``) or a store name without ``--``; ``<project>`` a project id
(``prj_…``) or name; ``<target>`` ``production``, ``preview`` or ``development``. Every part uses only
letters, digits, ``_``, ``-`` and ``.``, which every Airflow version accepts in a conn id (Airflow
allows ``[\\w#!()\\-.:/\\\\]``); ``--`` separates the parts, so a project name may contain ``--`` but a
store name may not (address such a store by id). Pure: no I/O.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from airflow_provider_vercel.api.errors import VercelInputError
from airflow_provider_vercel.api.validation import ENV_TARGETS

PREFIX = "vercel-store--"
SEPARATOR = "--"
_PART = re.compile(r"^[A-Za-z0-9_.-]{1,256}$")


@dataclass(frozen=True)
class StoreConnectionRef:
    """What a store connection id names.

    :param store: the store id (``store_…``) or name.
    :param project: the project id (``prj_…``) or name.
    :param target: ``production``, ``preview`` or ``development``.
    """

    store: str
    project: str
    target: str

    @property
    def store_is_id(self) -> bool:
        """True when ``store`` is a store id rather than a name."""
        return self.store.startswith("store_")

    @property
    def conn_id(self) -> str:
        """The connection id naming this store, project and target."""
        return store_conn_id(self.store, self.project, self.target)


def store_conn_id(store: str, project: str, target: str = "production") -> str:
    """The connection id for a store's database as seen by one project and target.

    :param store: store id (``store_…``) or name (without ``--``).
    :param project: project id (``prj_…``) or name.
    :param target: ``production``, ``preview`` or ``development``.
    :raises VercelInputError: a part has characters a conn id cannot carry, or the store contains ``--``.
    """
    for argument, value in (("store", store), ("project", project)):
        if not isinstance(value, str) or not _PART.match(value) or value.startswith("-") or value.endswith("-"):
            raise VercelInputError(argument, f"{value!r} must be letters, digits, '_', '-' or '.', not starting or ending with '-'")
    if SEPARATOR in store:
        raise VercelInputError("store", f"{store!r} contains '--'; name the store by its id (store_…)")
    if target not in ENV_TARGETS:
        raise VercelInputError("target", f"must be one of {', '.join(ENV_TARGETS)}, got {target!r}")
    return f"{PREFIX}{store}{SEPARATOR}{project}{SEPARATOR}{target}"


def parse_store_conn_id(conn_id: str) -> StoreConnectionRef | None:
    """What ``conn_id`` names, or None when it is not of the store form (another backend's id).

    :param conn_id: any connection id.
    """
    if not isinstance(conn_id, str) or not conn_id.startswith(PREFIX):
        return None
    rest = conn_id[len(PREFIX) :]
    store, sep, tail = rest.partition(SEPARATOR)
    project, sep2, target = tail.rpartition(SEPARATOR)
    if not (sep and sep2):
        return None
    try:
        store_conn_id(store, project, target)
    except VercelInputError:
        return None
    return StoreConnectionRef(store=store, project=project, target=target)
