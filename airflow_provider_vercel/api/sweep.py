"""Which stores a sweep of leaked stores deletes, and why the others stay. Pure: no I/O, no clock.

A sweep looks at the stores of one configuration and selects those matching a selector (name prefix
or glob, product, minimum age, no connected project). Its guards live here so they can be tested
without Airflow or HTTP:

- a store whose age cannot be established from the API's answer (``createdAt`` missing, not a
  number, before Vercel Marketplace existed, or in the future) is never selected when an age is asked
  for, and when none is asked for it is kept as well: an unknown age always means "keep, and say so";
- a selector must narrow something (a name pattern or an age), so an empty one cannot match a whole
  team;
- ``too_many`` tells the caller when more stores match than it may delete: then it deletes none.
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from airflow_provider_vercel.api.errors import VercelInputError

if TYPE_CHECKING:
    from airflow_provider_vercel.api.models import Store  # annotations only: keeps this module free of pydantic

#: ``createdAt`` values before this (2020-01-01, epoch ms) cannot be a Marketplace store's: a seconds
#: timestamp or a placeholder such as 0. Treated as "age unknown".
EARLIEST_PLAUSIBLE_MS = 1_577_836_800_000
#: A ``createdAt`` further ahead of the caller's clock than this is not trusted (clock skew allowance).
FUTURE_TOLERANCE_MS = 5 * 60 * 1000

_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86_400, "w": 604_800}
_DURATION_PART = re.compile(r"(\d+(?:\.\d+)?)\s*([smhdw])")
_DURATION_TEXT = re.compile(r"^(?:\s*\d+(?:\.\d+)?\s*[smhdw])+\s*$")

REASON_NAME = "name does not match"
REASON_PRODUCT = "product does not match"
REASON_AGE_UNKNOWN = "age unknown"
REASON_TOO_YOUNG = "younger than older_than"
REASON_CONNECTED = "connected to a project"
REASON_NO_ID = "no id in the API's answer"


def parse_duration(value: Any, argument: str = "older_than") -> timedelta | None:
    """A duration from a ``timedelta``, seconds (number or numeric text) or text such as ``"7d"``, ``"1d12h"``.

    Units: ``s``, ``m``, ``h``, ``d``, ``w``. None, ``""`` and ``"None"`` mean "no age condition".

    :param value: the argument's value (possibly rendered from a template).
    :param argument: the argument's name, for the error.
    :raises VercelInputError: not a duration, or not positive.
    """
    if value is None:
        return None
    if isinstance(value, timedelta):
        duration = value
    elif isinstance(value, bool):
        raise VercelInputError(argument, f"must be a duration such as '7d' or '12h', got {value!r}")
    elif isinstance(value, (int, float)):
        duration = timedelta(seconds=value)
    elif isinstance(value, str):
        text = value.strip().lower()
        if text in ("", "none", "null"):
            return None
        if re.fullmatch(r"\d+(?:\.\d+)?", text):
            duration = timedelta(seconds=float(text))
        elif _DURATION_TEXT.match(text):
            seconds = sum(float(n) * _UNITS[unit] for n, unit in _DURATION_PART.findall(text))
            duration = timedelta(seconds=seconds)
        else:
            raise VercelInputError(argument, f"must be a duration such as '7d', '12h' or '1d12h', got {value!r}")
    else:
        raise VercelInputError(argument, f"must be a duration such as '7d', got {type(value).__name__}")
    if duration <= timedelta(0):
        raise VercelInputError(argument, "must be a positive duration")
    return duration


@dataclass(frozen=True)
class StoreSelector:
    """Which stores of a configuration a sweep deletes.

    :param name_prefix: the store's name starts with this.
    :param name_glob: the store's name matches this shell pattern (``fnmatch``, case-sensitive).
    :param product: the store's product id (``iap_…``) or slug.
    :param older_than: the store was created at least this long ago.
    :param only_unconnected: only stores connected to no project.
    """

    name_prefix: str | None = None
    name_glob: str | None = None
    product: str | None = None
    older_than: timedelta | None = None
    only_unconnected: bool = False

    def __post_init__(self) -> None:
        if not (self.name_prefix or self.name_glob or self.older_than):
            raise VercelInputError(
                "name_prefix", "a sweep needs name_prefix, name_glob or older_than: an empty selector would match every store"
            )
        if self.older_than is not None and self.older_than <= timedelta(0):
            raise VercelInputError("older_than", "must be a positive duration")

    def describe(self) -> str:
        """The selector in words, for logs."""
        parts = []
        if self.name_prefix:
            parts.append(f"name starts with {self.name_prefix!r}")
        if self.name_glob:
            parts.append(f"name matches {self.name_glob!r}")
        if self.product:
            parts.append(f"product {self.product!r}")
        if self.older_than:
            parts.append(f"older than {format_age(self.older_than.total_seconds())}")
        if self.only_unconnected:
            parts.append("no connected project")
        return ", ".join(parts)


@dataclass(frozen=True)
class StoreRef:
    """A store as a sweep reports it: id and name only.

    :param id: the store id (may be None when the answer had none).
    :param name: the store name.
    """

    id: str | None
    name: str | None

    def as_dict(self) -> dict[str, Any]:
        """``{"id", "name"}``."""
        return {"id": self.id, "name": self.name}


@dataclass(frozen=True)
class KeptStore:
    """A store a sweep leaves alone, with the reason.

    :param store: the store's id and name.
    :param reason: one of the ``REASON_*`` texts.
    :param detail: the figures behind the reason (ages, project count), for people.
    """

    store: StoreRef
    reason: str
    detail: str = ""

    def as_dict(self) -> dict[str, Any]:
        """``{"id", "name", "reason"}`` (the reason with its detail)."""
        reason = f"{self.reason} ({self.detail})" if self.detail else self.reason
        return {**self.store.as_dict(), "reason": reason}


@dataclass(frozen=True)
class SweepPlan:
    """What a sweep would do with each store it looked at.

    :param selected: the stores to delete, oldest first.
    :param kept: the other stores, with reasons.
    """

    selected: list[StoreRef] = field(default_factory=list)
    kept: list[KeptStore] = field(default_factory=list)

    @property
    def unknown_age(self) -> list[KeptStore]:
        """The stores kept because their age could not be established."""
        return [k for k in self.kept if k.reason == REASON_AGE_UNKNOWN]

    def too_many(self, max_deletions: int) -> bool:
        """True when more stores are selected than ``max_deletions``: then none may be deleted.

        :param max_deletions: the most stores one sweep may delete.
        """
        return len(self.selected) > max_deletions


def format_age(seconds: float) -> str:
    """An age in the largest whole unit, e.g. ``"3d"``, ``"5h"``, ``"40s"``.

    :param seconds: the age in seconds.
    """
    for unit in ("w", "d", "h", "m"):
        if seconds >= _UNITS[unit]:
            return f"{seconds / _UNITS[unit]:.3g}{unit}"
    return f"{seconds:.3g}s"


def created_at_ms(store: Store, now_ms: int) -> int | None:
    """The store's creation time in epoch ms, or None when the answer does not establish it.

    :param store: the store as the API answered.
    :param now_ms: the caller's clock, epoch ms.
    """
    value = store.created_at
    if isinstance(value, bool) or not isinstance(value, int):
        return None
    if value < EARLIEST_PLAUSIBLE_MS or value > now_ms + FUTURE_TOLERANCE_MS:
        return None
    return value


def _product_matches(store: Store, product: str) -> bool:
    info = store.product
    return info is not None and product in (info.id, info.slug)


def _name_matches(name: str, selector: StoreSelector) -> bool:
    if selector.name_prefix and not name.startswith(selector.name_prefix):
        return False
    return not (selector.name_glob and not fnmatch.fnmatchcase(name, selector.name_glob))


def judge(store: Store, selector: StoreSelector, now_ms: int) -> KeptStore | None:
    """None when the sweep deletes ``store``, else why it stays.

    Checks run in this order: id, name, product, age known, age, connections; the first that fails
    is the reason.

    :param store: the store as the API answered.
    :param selector: the sweep's selector.
    :param now_ms: the caller's clock, epoch ms.
    """
    ref = StoreRef(store.id, store.name)
    if not store.id:
        return KeptStore(ref, REASON_NO_ID)
    if not _name_matches(store.name or "", selector):
        return KeptStore(ref, REASON_NAME)
    if selector.product and not _product_matches(store, selector.product):
        product = store.product.slug or store.product.id if store.product else None
        return KeptStore(ref, REASON_PRODUCT, f"product {product}")
    created = created_at_ms(store, now_ms)
    if created is None:
        return KeptStore(ref, REASON_AGE_UNKNOWN, f"createdAt is {store.created_at!r}")
    if selector.older_than is not None:
        age = (now_ms - created) / 1000
        if age < selector.older_than.total_seconds():
            return KeptStore(ref, REASON_TOO_YOUNG, f"age {format_age(max(age, 0))}")
    if selector.only_unconnected:
        count = max(len(store.projects_metadata), store.total_connected_projects or 0)
        if count:
            return KeptStore(ref, REASON_CONNECTED, f"{count} project(s)")
    return None


def plan_sweep(stores: Iterable[Store], selector: StoreSelector, now_ms: int) -> SweepPlan:
    """Judge every store: the selected ones (oldest first) and the kept ones with reasons.

    :param stores: the configuration's stores as the API answered.
    :param selector: the sweep's selector.
    :param now_ms: the caller's clock, epoch ms.
    """
    selected: list[tuple[float, str, StoreRef]] = []
    kept: list[KeptStore] = []
    for store in stores:
        verdict = judge(store, selector, now_ms)
        if verdict is None:
            selected.append((store.created_at or 0, store.id or "", StoreRef(store.id, store.name)))
        else:
            kept.append(verdict)
    selected.sort(key=lambda item: (item[0], item[1]))
    return SweepPlan(selected=[ref for _, _, ref in selected], kept=kept)


def refs(stores: Sequence[StoreRef]) -> list[dict[str, Any]]:
    """The stores as ``[{"id", "name"}, …]``.

    :param stores: store references.
    """
    return [store.as_dict() for store in stores]
