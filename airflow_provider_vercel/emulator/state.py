"""In-memory state of the emulated Vercel account: teams, tokens, catalog, projects, stores, env vars.

Everything is loaded from a seed (``seed.json`` beside this file by default) and ``reset()`` goes back to
it. One re-entrant lock guards all of it: request handlers run on the server's event-loop thread while
tests and benchmarks poke at the state from theirs. Multi-step operations (check then insert) hold
``state.lock`` across the steps.

Store status is computed when read, never by a background thread: a store is ``initializing`` until
``ready_delay`` seconds (the value in force when it was created) have passed, then takes its final
status: ``available`` unless a rule from ``set_final_status_for`` or a name convention says otherwise.
Name conventions, usable from a DAG without Python access:

- ``emu-error-…`` ends in ``error``; ``emu-suspended-…`` in ``suspended``;
  ``emu-uninstalled-…`` in ``uninstalled``; ``emu-stuck-…`` stays ``initializing`` forever.
"""

from __future__ import annotations

import copy
import logging
import threading
import time
from pathlib import Path
from typing import Any

from .backends import SecretBackend, default_backends
from .records import Connection, EnvVar, Principal, Store, now_ms
from .seed import DEFAULT_SEED_PATH, load_seed
from .store_status import EXTERNAL_STATUS, NAME_CONVENTIONS, STORE_STATUSES

# Re-exported: these names were defined here before the records, seed and statuses had modules of their own.
__all__ = [
    "DEFAULT_READY_DELAY",
    "DEFAULT_SEED_PATH",
    "NAME_CONVENTIONS",
    "STORE_STATUSES",
    "Connection",
    "EmulatorState",
    "EnvVar",
    "Principal",
    "Store",
    "load_seed",
    "now_ms",
]

log = logging.getLogger(__name__)

DEFAULT_READY_DELAY = 0.2


class EmulatorState:
    """All mutable emulator data, thread-safe, resettable to its seed.

    seed: the seed dict; None loads ``seed_path``.
    seed_path: seed file; None means the packaged ``seed.json``.
    ready_delay: seconds a new store stays ``initializing``.
    backends: backend name -> ``SecretBackend``, merged over the built-in ones.
    """

    def __init__(
        self,
        seed: dict[str, Any] | None = None,
        *,
        seed_path: str | Path | None = None,
        ready_delay: float = DEFAULT_READY_DELAY,
        backends: dict[str, SecretBackend] | None = None,
    ) -> None:
        self.lock = threading.RLock()
        self.seed: dict[str, Any] = (
            copy.deepcopy(seed) if seed is not None else load_seed(seed_path or DEFAULT_SEED_PATH)
        )
        self.backends: dict[str, SecretBackend] = {**default_backends(), **(backends or {})}
        self._initial_ready_delay = float(ready_delay)
        self.reset()

    # ------------------------------------------------------------------ lifecycle
    def reset(self) -> None:
        """Go back to the seed: drop stores, connections, written env vars, rules and settings.

        Live stores are released by their backends first, so a real database behind one is dropped.
        """
        with self.lock:
            for store in list(getattr(self, "stores", {}).values()):
                if not store.deleted:
                    self._release(store)
            seed = copy.deepcopy(self.seed)
            self.ready_delay = self._initial_ready_delay
            self.reject_duplicate_names = False
            self.env_page_size: int | None = None  # None: the env listing answers in one page
            self._status_rules: list[tuple[str, str]] = []
            self.teams: dict[str, dict[str, Any]] = {t["id"]: t for t in seed["teams"]}
            self.users: dict[str, dict[str, Any]] = {u["id"]: u for u in seed.get("users", [])}
            self.principals: dict[str, Principal] = {
                t["token"]: Principal(t["token"], t.get("alias", ""), t["userId"], t["teamId"], t.get("role", "member"))
                for t in seed["tokens"]
            }
            self.integrations: dict[str, dict[str, Any]] = {i["id"]: i for i in seed["integrations"]}
            self.configurations: dict[str, dict[str, Any]] = {c["id"]: c for c in seed["configurations"]}
            self.projects: dict[str, dict[str, Any]] = {}
            self.env_vars: dict[str, EnvVar] = {}
            for project in seed["projects"]:
                envs = project.pop("env", []) or []
                self.projects[project["id"]] = project
                for env in envs:
                    self._add_seed_env(project, env)
            self.stores: dict[str, Store] = {}

    def _add_seed_env(self, project: dict[str, Any], env: dict[str, Any]) -> None:
        created = int(project.get("createdAt", 0))
        self.env_vars[env["id"]] = EnvVar(
            id=env["id"],
            project_id=project["id"],
            key=env["key"],
            value=env.get("value", ""),
            type=env.get("type", "encrypted"),
            target=list(env.get("target", ["production", "preview", "development"])),
            custom_environment_ids=list(env.get("customEnvironmentIds", [])),
            git_branch=env.get("gitBranch"),
            configuration_id=env.get("configurationId"),
            content_hint=env.get("contentHint"),
            created_at=created,
            updated_at=created,
            comment=env.get("comment"),
        )

    # ------------------------------------------------------------------ identity
    def principal(self, token: str) -> Principal | None:
        """Return who owns a bearer token, or None.

        token: the bearer token.
        """
        with self.lock:
            return self.principals.get(token)

    def token_for(self, alias: str) -> str | None:
        """Return the token string the seed names ``alias``, or None.

        alias: ``admin``, ``member``, ``nopay_admin``, ``other_team``…
        """
        with self.lock:
            return next((p.token for p in self.principals.values() if p.alias == alias), None)

    def team(self, team_id: str | None = None, slug: str | None = None) -> dict[str, Any] | None:
        """Return a team by id or slug (id wins when both are given), or None.

        team_id: ``team_…`` id.
        slug: team slug.
        """
        with self.lock:
            if team_id is not None:
                return self.teams.get(team_id)
            return next((t for t in self.teams.values() if t.get("slug") == slug), None)

    def default_team(self) -> dict[str, Any] | None:
        """Return the seed's ``defaultTeam`` (by slug), else the first team."""
        with self.lock:
            slug = self.seed.get("defaultTeam")
            found = self.team(slug=slug) if slug else None
            return found or next(iter(self.teams.values()), None)

    def has_payment_method(self, team_id: str, payment_method_id: str | None = None) -> bool:
        """Whether the team can pay (optionally with a given method).

        team_id: the team.
        payment_method_id: a specific ``pm_…`` id, or None for the default.
        """
        with self.lock:
            methods = self.teams.get(team_id, {}).get("paymentMethods") or []
            return bool(methods) if payment_method_id is None else payment_method_id in methods

    # ------------------------------------------------------------------ catalog
    def team_configurations(self, team_id: str) -> list[dict[str, Any]]:
        """Return the team's configurations in seed order.

        team_id: the team.
        """
        with self.lock:
            return [c for c in self.configurations.values() if c.get("teamId") == team_id]

    def integration(self, id_or_slug: str) -> dict[str, Any] | None:
        """Return an integration by ``oac_…`` id or slug, or None.

        id_or_slug: integration id or slug.
        """
        with self.lock:
            found = self.integrations.get(id_or_slug)
            return found or next((i for i in self.integrations.values() if i.get("slug") == id_or_slug), None)

    def product(self, integration: dict[str, Any], id_or_slug: str) -> dict[str, Any] | None:
        """Return one of an integration's products by ``iap_…`` id or slug, or None.

        integration: the integration's seed entry.
        id_or_slug: product id or slug.
        """
        products = integration.get("products") or []
        return next((p for p in products if id_or_slug in (p.get("id"), p.get("slug"))), None)

    def product_by_id(self, product_id: str) -> tuple[dict[str, Any], dict[str, Any]] | None:
        """Return (integration, product) for a product id, or None.

        product_id: ``iap_…`` id.
        """
        with self.lock:
            for integration in self.integrations.values():
                for product in integration.get("products") or []:
                    if product.get("id") == product_id:
                        return integration, product
            return None

    def project(self, team_id: str, id_or_name: str) -> dict[str, Any] | None:
        """Return a team's project by ``prj_…`` id or name, or None.

        team_id: the team.
        id_or_name: project id or name.
        """
        with self.lock:
            for project in self.projects.values():
                if project.get("teamId") == team_id and id_or_name in (project["id"], project.get("name")):
                    return project
            return None

    # ------------------------------------------------------------------ stores
    def add_store(self, store: Store) -> None:
        """Insert a new store.

        store: the store.
        """
        with self.lock:
            self.stores[store.id] = store

    def store(self, store_id: str, team_id: str | None) -> Store | None:
        """Return a live store of a team, or None (unknown, deleted or another team's).

        store_id: ``store_…`` id.
        team_id: the caller's team; None never matches.
        """
        with self.lock:
            found = self.stores.get(store_id)
            if found is None or found.deleted or team_id is None or found.team_id != team_id:
                return None
            return found

    def team_stores(self, team_id: str, configuration_id: str | None = None) -> list[Store]:
        """Return a team's live stores, oldest first, optionally of one configuration.

        team_id: the team.
        configuration_id: filter, or None.
        """
        with self.lock:
            return [
                s
                for s in self.stores.values()
                if not s.deleted
                and s.team_id == team_id
                and (configuration_id is None or s.configuration_id == configuration_id)
            ]

    def set_store_created_at(self, store_id: str, created_at: int | None) -> None:
        """Backdate (or blank) a live store's ``createdAt``, e.g. to test age-based sweeps.

        store_id: ``store_…`` id of a live store.
        created_at: epoch ms, or None to make the API answer ``createdAt: null`` (age unknown).
        """
        if created_at is not None and (isinstance(created_at, bool) or not isinstance(created_at, int)):
            raise ValueError("created_at must be epoch milliseconds (an integer) or null")
        with self.lock:
            found = self.stores.get(store_id)
            if found is None or found.deleted:
                raise ValueError(f"no live store {store_id!r}")
            found.created_at = created_at

    def delete_store(self, store: Store) -> None:
        """Mark a store deleted and let its backend release the resource.

        store: the store.
        """
        with self.lock:
            store.deleted = True
            store.updated_at = now_ms()
        self._release(store, strict=True)

    def _release(self, store: Store, strict: bool = False) -> None:
        """Let the store's backend release its resource; failures raise only when ``strict``."""
        backend_name = (self.product_by_id(store.product_id) or ({}, {}))[1].get("backend", "rest")
        backend = self.backends.get(backend_name)
        if backend is None:
            return
        try:
            backend.release(store.id)
        except Exception:
            if strict:
                raise
            log.warning("backend %s could not release store %s", backend_name, store.id, exc_info=True)

    def set_final_status_for(self, match: str, status: str) -> None:
        """Make stores end in ``status`` instead of ``available``.

        match: a store id, or a name prefix (applies to existing and future stores).
        status: one of ``STORE_STATUSES``; ``initializing`` keeps them initializing forever.
        """
        if status not in STORE_STATUSES:
            raise ValueError(f"status must be one of {', '.join(STORE_STATUSES)}")
        if not isinstance(match, str) or not match:
            raise ValueError("match must be a non-empty store id or name prefix")
        with self.lock:
            self._status_rules.insert(0, (match, status))

    def clear_final_statuses(self) -> None:
        """Drop every rule set by ``set_final_status_for`` (name conventions stay)."""
        with self.lock:
            self._status_rules.clear()

    def final_status(self, store: Store) -> str:
        """Return the status a store has once ready.

        store: the store.
        """
        with self.lock:
            for match, status in self._status_rules:
                if store.id == match or store.name.startswith(match):
                    return status
        for prefix, status in NAME_CONVENTIONS.items():
            if store.name.startswith(prefix):
                return status
        return "available"

    def store_status(self, store: Store) -> tuple[str, str]:
        """Return ``(status, externalResourceStatus)`` as of now.

        store: the store.
        """
        final = self.final_status(store)
        if final == "initializing" or time.time() < store.ready_at:
            return "initializing", "pending"
        return final, EXTERNAL_STATUS.get(final, "ready")

    # ------------------------------------------------------------------ env vars
    def project_env_vars(self, project_id: str) -> list[EnvVar]:
        """Return a project's env vars, oldest first.

        project_id: the project.
        """
        with self.lock:
            return [e for e in self.env_vars.values() if e.project_id == project_id]

    def add_env_var(self, env: EnvVar) -> None:
        """Insert an env var.

        env: the variable.
        """
        with self.lock:
            self.env_vars[env.id] = env

    def remove_env_vars(self, env_ids: list[str]) -> None:
        """Delete env vars by id (unknown ids are ignored).

        env_ids: ids to delete.
        """
        with self.lock:
            for env_id in env_ids:
                self.env_vars.pop(env_id, None)
