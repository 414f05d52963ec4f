"""The emulator's records: who a token belongs to, stores, their project connections, env vars."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any


def now_ms() -> int:
    """Return the current time in epoch milliseconds."""
    return int(time.time() * 1000)


@dataclass(frozen=True)
class Principal:
    """Who a bearer token belongs to.

    token: the token string.
    alias: the seed's name for it (``admin``, ``member``…).
    user_id: the owning user.
    team_id: the team the user belongs to.
    role: ``admin`` or ``member``.
    """

    token: str
    alias: str
    user_id: str
    team_id: str
    role: str

    @property
    def is_admin(self) -> bool:
        """Whether the token may create, connect and delete."""
        return self.role == "admin"


@dataclass
class Connection:
    """A store connected to a project.

    id: connection id (``spc_…``).
    project_id: the project.
    environments: env var targets (standard names or custom environment ids).
    env_var_prefix: prefix put before every secret name, or None.
    sensitive: whether the env vars were written as ``sensitive``.
    env_var_ids: ids of the env vars this connection wrote.
    created_at: epoch ms.
    """

    id: str
    project_id: str
    environments: list[str]
    env_var_prefix: str | None
    sensitive: bool
    env_var_ids: list[str] = field(default_factory=list)
    created_at: int = 0


@dataclass
class Store:
    """An integration store.

    id: ``store_…``.
    name: caller-chosen name.
    team_id: owning team.
    configuration_id: the configuration it was created under.
    integration_id: the integration (``oac_…``).
    product_id: the product (``iap_…``).
    metadata: validated metadata, defaults applied.
    billing_plan: the plan object as shown when it was chosen.
    secrets: secret name -> value.
    external_resource_id: the partner's id.
    created_at: epoch ms; None once ``set_store_created_at`` blanked it (the API then answers null).
    updated_at: epoch ms.
    ready_at: epoch seconds at which ``initializing`` ends.
    external_id: caller's tracking id (stored, never echoed, as in the real API).
    protocol_settings: caller's protocolSettings, echoed.
    source: ``source`` from the request.
    created_by: user id of the creator.
    connections: project connections.
    deleted: set once deleted.
    listed_from: ``time.monotonic()`` from which the store listing shows it (a listing lag fault);
        the per-store GET sees it at once.
    """

    id: str
    name: str
    team_id: str
    configuration_id: str
    integration_id: str
    product_id: str
    metadata: dict[str, Any]
    billing_plan: dict[str, Any]
    secrets: dict[str, str]
    external_resource_id: str
    created_at: int | None
    updated_at: int
    ready_at: float
    external_id: str | None = None
    protocol_settings: dict[str, Any] | None = None
    source: str = "marketplace"
    created_by: str = ""
    connections: list[Connection] = field(default_factory=list)
    deleted: bool = False
    listed_from: float = 0.0


@dataclass
class EnvVar:
    """A project environment variable.

    id: env var id.
    project_id: owning project.
    key: variable name.
    value: plaintext value.
    type: ``plain``, ``encrypted``, ``sensitive``…
    target: standard targets (production/preview/development).
    custom_environment_ids: custom environment ids it targets.
    git_branch: preview branch it is limited to, or None.
    configuration_id: the integration configuration that wrote it, or None.
    content_hint: ``contentHint`` object, or None.
    created_at: epoch ms.
    updated_at: epoch ms.
    comment: free text, or None.
    """

    id: str
    project_id: str
    key: str
    value: str
    type: str
    target: list[str]
    custom_environment_ids: list[str] = field(default_factory=list)
    git_branch: str | None = None
    configuration_id: str | None = None
    content_hint: dict[str, Any] | None = None
    created_at: int = 0
    updated_at: int = 0
    comment: str | None = None
