"""Client settings read from a ``vercel`` Airflow connection: token, base URL, team, timeouts, retries."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from airflow_provider_vercel.api import validation as check
from airflow_provider_vercel.api.coerce import rendered_count
from airflow_provider_vercel.api.create import DEFAULT_SETTLE_SECONDS as DEFAULT_SETTLE_SECONDS
from airflow_provider_vercel.api.errors import VercelInputError
from airflow_provider_vercel.api.retry import RetryPolicy
from airflow_provider_vercel.defaults import DEFAULT_BASE_URL

_RETRY_KEYS = ("max_attempts", "backoff_initial", "backoff_max", "max_elapsed", "jitter", "retry_statuses")


class ConnectionFields(Protocol):
    """The fields of an Airflow connection the settings are read from (SDK and ORM connections alike)."""

    @property
    def conn_id(self) -> str | None: ...

    @property
    def host(self) -> str | None: ...

    @property
    def schema(self) -> str | None: ...

    @property
    def port(self) -> int | None: ...

    @property
    def password(self) -> str | None: ...

    @property
    def extra_dejson(self) -> Mapping[str, Any]: ...


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
    create_settle_seconds: float = DEFAULT_SETTLE_SECONDS

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
    try:
        count = rendered_count(key, value)
    except VercelInputError:
        count = 0
    if count < 1:
        raise VercelInputError(f"connection {conn_id!r} extra {key}", f"must be a whole number >= 1, got {value!r}")
    return count


def _base_url(conn: ConnectionFields) -> str:
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


def settings_from_connection(conn: ConnectionFields, overrides: Mapping[str, Any] | None = None) -> ClientSettings:
    """Read token, base URL, team and timeouts from an Airflow connection; each bad field is named.

    :param conn: the Airflow connection.
    :param overrides: hook arguments that win over the connection (team_id, team_slug, base_url, timeout…).
    """
    conn_id = conn.conn_id or "vercel"
    overrides = {key: value for key, value in (overrides or {}).items() if value is not None}
    extras: Mapping[str, Any] = conn.extra_dejson or {}
    password = conn.password
    # Checked without raising and catching, so no exception that saw the password is ever chained.
    problem = check.token_problem(password)
    if problem is not None:
        if not isinstance(password, str) or not password.strip():
            problem = "is empty: put the Vercel API token in the connection's password (shown as 'API token')"
        raise VercelInputError(f"connection {conn_id!r} password", problem)
    token = str(password).strip()  # a str: token_problem refuses every other value
    try:
        base_url = check.base_url(overrides.get("base_url") or _base_url(conn))
    except VercelInputError as exc:
        raise VercelInputError(f"connection {conn_id!r} host", exc.reason) from None
    retry_values = dict(_extra(extras, "retry") or {})
    retry_values.update({key: extras[key] for key in _RETRY_KEYS if key in extras})
    policy = overrides.get("retry_policy")
    if not isinstance(policy, RetryPolicy):
        try:
            policy = RetryPolicy.from_mapping(retry_values)
        except VercelInputError as exc:
            raise VercelInputError(f"connection {conn_id!r} extra {exc.argument}", exc.reason) from None
    deadline = overrides.get("deadline", _extra(extras, "deadline"))
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
        deadline=None if deadline is None else _number(conn_id, "deadline", deadline, 0.0),
        max_response_bytes=_whole_number(conn_id, "max_response_bytes", _extra(extras, "max_response_bytes")),
        create_settle_seconds=_number(
            conn_id,
            "create_settle_seconds",
            overrides.get("create_settle_seconds", _extra(extras, "create_settle_seconds")),
            DEFAULT_SETTLE_SECONDS,
            minimum=0.0,
        ),
    )
