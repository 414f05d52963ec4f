"""A connected store's credentials in a project's env vars (docs/api-contract.md §8): every decision, no I/O.

Vercel writes a store's secrets into the environment variables of each project it is connected to.
This module decides which of a project's variables belong to a store and a target, whether their
values can be read back, which one is "the" connection URL, and how that URL becomes the fields of an
Airflow connection. The hook does the reading (and the masking) around these functions.

Rules:

- A variable belongs to a store when its ``contentHint.storeId`` says so. Key names are never used
  for that: a store connected with an ``envVarPrefix`` has prefixed keys (``PR7_DATABASE_URL``).
- A target is ``production``, ``preview`` or ``development``. With ``git_branch``, a ``preview``
  variable limited to that branch wins over the unbranched one of the same key; without it,
  branch-limited variables are left out (they apply to their branch only).
- ``sensitive`` variables can never be read back: asking for them is an error that says how to
  connect the store so that they can be.
- The URL is chosen in this order: ``DATABASE_URL``, ``POSTGRES_URL``, ``REDIS_URL``, ``KV_URL`` (with
  or without the prefix), then variables whose ``contentHint`` type is ``postgres-url`` or
  ``redis-url``, then any ``*_URL``; the first whose value is a ``postgres(ql)://`` or ``redis(s)://``
  URL wins. A caller may name the variable instead, with or without the prefix.

Error messages name keys, targets and remedies, never a value.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

from airflow_provider_vercel.api import validation as check
from airflow_provider_vercel.api.errors import VercelCredentialsError
from airflow_provider_vercel.api.models import EnvVar

TARGETS = check.ENV_TARGETS
PREFERRED_URL_KEYS = ("DATABASE_URL", "POSTGRES_URL", "REDIS_URL", "KV_URL")
URL_HINT_TYPES = ("postgres-url", "redis-url")
#: URL scheme -> Airflow connection type.
CONN_TYPES = {"postgres": "postgres", "postgresql": "postgres", "redis": "redis", "rediss": "redis"}

_CONNECT_HINT = (
    "connect the store to the project for that target first, e.g. VercelConnectStoreOperator("
    "store_id={store_id!r}, project_id={project!r}, environments=[{target!r}]) or "
    "VercelHook.connect_store(..., environments=[{target!r}])"
)


def check_target(target: Any) -> str:
    """A standard target: ``production``, ``preview`` or ``development``.

    :param target: the target asked for.
    """
    return check.choice("target", target, TARGETS)


def store_env_vars(
    envs: Iterable[EnvVar], store_id: str, target: str, git_branch: str | None = None
) -> list[EnvVar]:
    """The variables of ``store_id`` that apply to ``target`` (and ``git_branch``), in API order.

    :param envs: a project's env vars, as listed.
    :param store_id: the store (``store_…``); matched on ``contentHint.storeId`` only.
    :param target: ``production``, ``preview`` or ``development``.
    :param git_branch: a preview branch; its branch-limited variables win over unbranched ones.
    """
    selected: dict[str, EnvVar] = {}
    for env in envs:
        if env.store_id != store_id or target not in env.targets:
            continue
        if env.git_branch is not None and env.git_branch != git_branch:
            continue
        current = selected.get(env.key)
        if current is None or (current.git_branch is None and env.git_branch is not None):
            selected[env.key] = env
    return list(selected.values())


def store_targets(envs: Iterable[EnvVar], store_id: str) -> list[str]:
    """The targets for which a project holds variables of ``store_id``, sorted.

    :param envs: a project's env vars.
    :param store_id: the store.
    """
    return sorted({t for env in envs if env.store_id == store_id for t in env.targets})


def not_connected_message(
    envs: Sequence[EnvVar], store_id: str, project: str, target: str, git_branch: str | None = None
) -> str:
    """Why a project has no variables of a store for a target, and what to do.

    :param envs: the project's env vars, as listed.
    :param store_id: the store.
    :param project: the project id or name.
    :param target: the target asked for.
    :param git_branch: the preview branch asked for, if any.
    """
    hint = _CONNECT_HINT.format(store_id=store_id, project=project, target=target)
    others = store_targets(envs, store_id)
    if not others:
        return (
            f"Store {store_id} has no environment variables in project {project!r}: it is not connected to it; "
            f"{hint}."
        )
    if target in others:
        branches = sorted({e.git_branch for e in envs if e.store_id == store_id and e.git_branch})
        return (
            f"Store {store_id}'s {target} variables in project {project!r} are limited to git branch(es) "
            f"{', '.join(branches)}, not {git_branch or 'an unbranched read'}: pass git_branch= one of them."
        )
    return (
        f"Store {store_id} is connected to project {project!r} for {', '.join(others)}, not {target}. "
        f"Read one of those targets, or {hint} (an existing connection must be removed first: "
        "VercelHook.disconnect_store)."
    )


def sensitive_keys(envs: Iterable[EnvVar]) -> list[str]:
    """Keys of the variables whose values Vercel never returns (type ``sensitive``), sorted.

    :param envs: a store's variables.
    """
    return sorted(env.key for env in envs if env.is_sensitive)


def sensitive_message(keys: Sequence[str], store_id: str, project: str, target: str) -> str:
    """The error for sensitive variables: what happened and how to connect the store instead.

    :param keys: the sensitive keys.
    :param store_id: the store.
    :param project: the project.
    :param target: the target.
    """
    return (
        f"Store {store_id}'s {target} variables in project {project!r} are sensitive ({', '.join(keys)}): "
        "Vercel never returns their values, so they cannot be read back. Connect the store with "
        "make_env_vars_sensitive=False (VercelConnectStoreOperator(..., make_env_vars_sensitive=False) or "
        "VercelHook.connect_store(..., sensitive=False)); to change an existing connection, disconnect the "
        "store from the project first."
    )


def is_readable(env: EnvVar) -> bool:
    """True when a variable read with ``GET /v1/projects/{p}/env/{id}`` carries its plaintext value.

    :param env: the variable as returned by that read.
    """
    if env.is_sensitive or env.value is None:
        return False
    # Encrypted variables come back as ciphertext unless the API says it decrypted them.
    return not (env.type in ("encrypted", "secret") and env.decrypted is False)


def find_key(keys: Sequence[str], wanted: str) -> str | None:
    """The key that is ``wanted``, or ``wanted`` behind the prefix that every key shares; else None.

    A store's variables in one project come from one connection, so they share its prefix (maybe
    empty). ``DATABASE_URL`` thus finds ``PR7_DATABASE_URL`` when every key starts with ``PR7_``.

    :param keys: the store's keys.
    :param wanted: a key, with or without the prefix.
    """
    if wanted in keys:
        return wanted
    for key in sorted((k for k in keys if k.endswith(wanted)), key=len):
        prefix = key[: len(key) - len(wanted)]
        if all(other.startswith(prefix) for other in keys):
            return key
    return None


def url_conn_type(value: str | None) -> str | None:
    """``postgres`` or ``redis`` when ``value`` is a URL of one of those schemes, else None.

    :param value: a variable's value.
    """
    if not value or "://" not in value:
        return None
    return CONN_TYPES.get(value.split("://", 1)[0].strip().lower())


def url_candidates(envs: Sequence[EnvVar], variable: str | None = None) -> list[EnvVar]:
    """The store's variables that may hold its URL, best first (see the module docstring).

    :param envs: the store's variables for one target.
    :param variable: a key named by the caller (with or without the prefix); only it is returned.
    """
    by_key = {env.key: env for env in envs}
    keys = list(by_key)
    if variable is not None:
        wanted = check.require_text("variable", variable)
        key = find_key(keys, wanted)
        if key is None:
            raise VercelCredentialsError(
                f"The store has no variable {wanted!r} for this target; its variables: {', '.join(keys) or 'none'}.",
                "no_url",
            )
        return [by_key[key]]
    ordered: list[EnvVar] = []
    for preferred in PREFERRED_URL_KEYS:
        key = find_key(keys, preferred)
        if key is not None:
            ordered.append(by_key[key])
    ordered += [env for env in envs if (env.content_hint or {}).get("type") in URL_HINT_TYPES]
    ordered += [env for env in envs if env.key.upper().endswith("URL")]
    unique: dict[str, EnvVar] = {}
    for env in ordered:
        unique.setdefault(env.key, env)
    return list(unique.values())


def choose_url(
    envs: Sequence[EnvVar], read: Callable[[EnvVar], str], variable: str | None = None
) -> tuple[str, str]:
    """``(key, url)`` of the store's connection URL; values are read lazily, best candidate first.

    :param envs: the store's variables for one target.
    :param read: returns a variable's plaintext value (the hook's decrypted read, which masks it).
    :param variable: a key named by the caller; its value is returned whatever its shape.
    """
    candidates = url_candidates(envs, variable)
    for env in candidates:
        value = read(env)
        if variable is not None or url_conn_type(value):
            return env.key, value
    names = ", ".join(env.key for env in envs) or "none"
    raise VercelCredentialsError(
        f"None of the store's variables ({names}) holds a postgres://, postgresql://, redis:// or rediss:// URL; "
        "name the one to use with variable=.",
        "no_url",
    )


def mask_fragments(value: str) -> list[str]:
    """What to register with a secret masker for one value: the value, and a URL's user and password alone.

    :param value: a variable's plaintext value.
    """
    fragments = [value]
    if "://" in value:
        try:
            parts = urlsplit(value)
            userinfo = [parts.password, parts.username]
        except ValueError:
            userinfo = []
        for item in userinfo:
            if item:
                fragments += [item, unquote(item)]
    return [f for f in dict.fromkeys(fragments) if f]


@dataclass(frozen=True)
class ConnectionParts:
    """The fields of an Airflow connection read from a URL; the password is left out of ``repr``.

    :param conn_type: ``postgres`` or ``redis``.
    :param host: host name or address.
    :param port: port, if the URL has one.
    :param login: user name.
    :param password: password.
    :param schema: the database name (postgres); None for redis.
    :param extra: query parameters, plus ``db`` (redis database number) and ``ssl`` (``rediss://``).
    """

    conn_type: str
    host: str | None
    port: int | None
    login: str | None
    password: str | None = field(repr=False)
    schema: str | None
    extra: dict[str, Any]

    def extra_json(self) -> str | None:
        """``extra`` as the JSON text Airflow connections store, or None when empty."""
        return json.dumps(self.extra, sort_keys=True) if self.extra else None


def parse_connection_url(url: str, key: str) -> ConnectionParts:
    """Split a ``postgres(ql)://`` or ``redis(s)://`` URL into connection fields.

    ``postgresql`` maps to the conn type ``postgres`` and ``rediss`` to ``redis`` with ``ssl: true``.
    Errors name the variable, never its value.

    :param url: the URL.
    :param key: the variable it came from (for errors).
    """
    conn_type = url_conn_type(url)
    if conn_type is None:
        raise VercelCredentialsError(
            f"{key} is not a postgres://, postgresql://, redis:// or rediss:// URL, so it cannot become an "
            "Airflow connection; name another variable with variable=, or use get_store_url().",
            "bad_url",
        )
    try:  # a bad port or bracket raises here; the exception text would quote the URL, so it is dropped
        parts = urlsplit(url.strip())
        port = parts.port
        unparsable = False
    except ValueError:
        unparsable = True
    if unparsable or not parts.hostname:
        raise VercelCredentialsError(f"{key} is not a URL with a host and a numeric port.", "bad_url")
    scheme = parts.scheme.lower()
    path = unquote(parts.path.lstrip("/"))
    extra: dict[str, Any] = dict(parse_qsl(parts.query, keep_blank_values=True))
    schema: str | None = None
    if conn_type == "postgres":
        schema = path or None
    else:
        if path:
            if not path.isdigit():
                raise VercelCredentialsError(f"{key} is a redis URL whose path is not a database number.", "bad_url")
            extra["db"] = int(path)
        if scheme == "rediss":
            extra["ssl"] = True
    return ConnectionParts(
        conn_type=conn_type,
        host=parts.hostname,
        port=port,
        login=unquote(parts.username) if parts.username is not None else None,
        password=unquote(parts.password) if parts.password is not None else None,
        schema=schema,
        extra=extra,
    )


__all__ = [
    "CONN_TYPES",
    "PREFERRED_URL_KEYS",
    "TARGETS",
    "URL_HINT_TYPES",
    "ConnectionParts",
    "check_target",
    "choose_url",
    "find_key",
    "is_readable",
    "mask_fragments",
    "not_connected_message",
    "parse_connection_url",
    "sensitive_keys",
    "sensitive_message",
    "store_env_vars",
    "store_targets",
    "url_candidates",
    "url_conn_type",
]
