"""How the answers of the Vercel endpoints are read: decoded JSON in, models out.

Each parser checks the shape the contract describes and raises ``VercelResponseError`` (without the
method and path, which the client adds) when an answer cannot be read. ``calls.py`` pairs each
endpoint with its parser.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from airflow_provider_vercel.api.errors import VercelResponseError
from airflow_provider_vercel.api.models import EnvVar, IntegrationConfiguration, Store

M = TypeVar("M", bound=BaseModel)


def parse_model(model: type[M], data: Any, what: str) -> M:
    """``data`` as a ``model``; a mismatch is a ``VercelResponseError`` naming the fields, never their values.

    :param model: the pydantic model of the answer.
    :param data: the decoded JSON.
    :param what: the name of the object in the error (``store``, ``env``...).
    """
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        # Never include input values: bodies can carry secrets (env var values).
        problems = "; ".join(
            f"{'.'.join(str(p) for p in err['loc']) or what}: {err['msg']}"
            for err in exc.errors(include_input=False, include_url=False)[:5]
        )
        raise VercelResponseError("", "", f"{what} does not match the contract ({problems})") from None


def configurations(data: Any) -> list[IntegrationConfiguration]:
    """The configurations listing (§1): a bare array; a wrapper object is tolerated in case Vercel adds one.

    :param data: the decoded JSON.
    """
    if isinstance(data, dict):
        data = data.get("configurations", data.get("integrations"))
    if not isinstance(data, list):
        raise VercelResponseError("", "", "configurations: expected a JSON array")
    # The published item shapes do not all require ``id``; one without can be neither named nor used.
    return [
        parse_model(IntegrationConfiguration, item, "configuration")
        for item in data
        if not (isinstance(item, dict) and item.get("id") is None)
    ]


def configuration(requested_id: str) -> Callable[[Any], IntegrationConfiguration]:
    """A parser of one configuration, the one asked for by ``requested_id``.

    :param requested_id: the configuration id of the request.
    """

    def parse(data: Any) -> IntegrationConfiguration:
        # One published shape of this answer does not require ``id``: it is the one asked for.
        if isinstance(data, dict) and data.get("id") is None:
            data = {**data, "id": requested_id}
        return parse_model(IntegrationConfiguration, data, "configuration")

    return parse


def store_or_none(data: Any) -> Store | None:
    """``{"store": ...}``: the store, or None when the server sent ``"store": null``.

    :param data: the decoded JSON.
    """
    if not isinstance(data, dict) or "store" not in data:
        raise VercelResponseError("", "", "expected an object with a 'store' key")
    raw = data["store"]
    return None if raw is None else parse_model(Store, raw, "store")


def stores(data: Any) -> list[Store]:
    """``{"stores": [...]}`` (or a bare array).

    :param data: the decoded JSON.
    """
    items = data.get("stores") if isinstance(data, dict) else data
    if not isinstance(items, list):
        raise VercelResponseError("", "", "expected an object with a 'stores' array")
    return [parse_model(Store, item, "store") for item in items]


@dataclass(frozen=True)
class EnvPage:
    """One page of a project's env var listing.

    :param envs: the variables on this page.
    :param next_cursor: ``pagination.next``: pass it back as ``until`` for the next page; None on the last.
    """

    envs: list[EnvVar]
    next_cursor: int | float | None = None


def env_page(data: Any) -> EnvPage:
    """One page of env vars (§8.1): ``{envs, pagination}``, ``{envs, hiddenProductionEnvCount}``, a bare
    ``{envs}``, a single env object or a bare array.

    :param data: the decoded JSON.
    """
    if isinstance(data, dict) and "envs" in data:
        items = data["envs"]
        if not isinstance(items, list):
            raise VercelResponseError("", "", "envs: expected a JSON array")
        pagination = data.get("pagination")
        cursor = pagination.get("next") if isinstance(pagination, dict) else None
        if cursor is not None and (isinstance(cursor, bool) or not isinstance(cursor, (int, float))):
            raise VercelResponseError("", "", "pagination.next: expected a number or null")
    elif isinstance(data, dict) and "key" in data:
        items, cursor = [data], None
    elif isinstance(data, list):
        items, cursor = data, None
    else:
        raise VercelResponseError("", "", "expected an object with an 'envs' array")
    return EnvPage([parse_model(EnvVar, item, "env") for item in items], cursor)


def require_store(store: Store | None, store_id: str) -> Store:
    """The store a ``GET`` of it answered; a ``"store": null`` answer is a ``VercelResponseError``.

    :param store: the parsed answer.
    :param store_id: the id asked for.
    """
    if store is None:
        raise VercelResponseError("GET", f"/v1/storage/stores/{store_id}", "store is null")
    return store
