"""Get-or-create of a store, written once as a step generator that both clients drive.

The create POST is not idempotent and Vercel offers no idempotency key (§7.14). So: look for a store
of that name in the configuration first, then POST. Once a POST may have been applied, it is never
sent again within the call. That covers every answer short of a clear one: a dropped connection, a
timeout, an unreadable body, and *any* 5xx, since a gateway can answer 502/504 while the backend is
still provisioning and a 500 can follow a commit (§7.19). After such an answer the flow keeps looking
for the store for a settle window (the listing can lag the create by seconds, §7.20), adopts it when
it appears, and otherwise fails with ``VercelAmbiguousCreateError``: a task retry, which looks before
any POST, then settles it. Only answers that certainly created nothing (429, a connection refused
before sending) lead to another POST; other 4xx answers are raised as they are.

Nothing but the listing can find the store: its id is unknown until an answer arrives (so the
per-store GET cannot help) and the ``externalId`` sent with the create is echoed nowhere (§7.14). The
look-ups use the light listing (``skip-metadata=true``), their gaps grow from the policy's first
backoff but stay within a fixed share of the settle window, so a store that shows late is found soon
after it shows.
"""

from __future__ import annotations

import random
import time
from collections.abc import Generator, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from airflow_provider_vercel.api import calls
from airflow_provider_vercel.api import validation as check
from airflow_provider_vercel.api.errors import (
    VercelAmbiguousCreateError,
    VercelInputError,
    VercelRateLimitedError,
    VercelResponseError,
    VercelServerError,
    VercelStoreExistsError,
    VercelTransportError,
)
from airflow_provider_vercel.api.models import Store
from airflow_provider_vercel.api.retry import RetryPolicy, wait_seconds
from airflow_provider_vercel.api.steps import Sleep, Step

IfExists = Literal["reuse", "fail"]


@dataclass(frozen=True)
class CreateOutcome:
    """What get-or-create did.

    :param store: the store, created or adopted.
    :param created: True when this call's POST created it.
    :param reused: True when a store of that name existed before this call.
    :param recovered_from: kind of ambiguous failure after which the store was found by name, if any
        (None when the store came from an answered POST).
    :param posts: number of POST requests sent.
    """

    store: Store
    created: bool
    reused: bool
    recovered_from: str | None
    posts: int


def matching_stores(stores: list[Store], name: str, product: str | None = None) -> list[Store]:
    """Stores called ``name`` (and of ``product``, id or slug, when the listing says), oldest first."""
    found = []
    for store in stores:
        if store.name != name:
            continue
        if product and store.product and (store.product.id or store.product.slug):
            if product not in (store.product.id, store.product.slug):
                continue
        found.append(store)
    return sorted(found, key=lambda s: (s.created_at or 0, s.id or ""))


def _ambiguity(exc: BaseException) -> str | None:
    """Name of the failure when the POST may have been applied, None when it certainly was not."""
    if isinstance(exc, VercelTransportError):
        return exc.kind if exc.sent else None
    if isinstance(exc, VercelServerError):
        return f"http {exc.status}"
    if isinstance(exc, VercelResponseError):
        return "unreadable response"
    return None


#: Default settle window in seconds: long enough for a listing that lags the create by several seconds.
DEFAULT_SETTLE_SECONDS = 15.0
# Look-up gaps stay between these shares of the settle window: frequent enough to find a late store
# soon after it shows, sparse enough not to hammer the listing (a 15 s window: 0.3 s to 1.9 s apart).
_MIN_GAP_SHARE = 1 / 50
_MAX_GAP_SHARE = 1 / 8


def _look_gap(look: int, policy: RetryPolicy, settle_seconds: float, remaining: float) -> float:
    """Seconds to wait before look-up number ``look`` (1-based) after an ambiguous create."""
    gap = max(policy.backoff(min(look, 32)), settle_seconds * _MIN_GAP_SHARE)  # 2**look would overflow
    return max(0.0, min(gap, settle_seconds * _MAX_GAP_SHARE, remaining))


def get_or_create_flow(
    request: calls.CreateStoreRequest,
    if_exists: IfExists,
    policy: RetryPolicy,
    rng: random.Random | None = None,
    settle_seconds: float = DEFAULT_SETTLE_SECONDS,
    known_stores: list[Store] | None = None,
) -> Generator[Step, Any, CreateOutcome]:
    """Steps of get-or-create; the driver sends back each call's result or throws its exception.

    :param request: the validated create body.
    :param if_exists: ``reuse`` or ``fail`` when a store of that name exists before the POST.
    :param policy: retry policy (POSTs after answers that created nothing, waits, time budget).
    :param rng: random source for jitter.
    :param settle_seconds: after an answer that may have committed (5xx, lost or unreadable answer), how
        long to keep looking for the store before raising ``VercelAmbiguousCreateError`` (bounded by what
        is left of ``policy.max_elapsed``; at least one look is always made).
    :param known_stores: the configuration's stores, already listed (batch creation lists once).
    """
    if if_exists not in ("reuse", "fail"):
        raise VercelInputError("if_exists", f"must be 'reuse' or 'fail', got {if_exists!r}")
    settle_seconds = check.finite_number("settle_seconds", settle_seconds, minimum=0.0)
    rng = rng or random.Random()
    listing = calls.list_stores(request.integration_configuration_id, skip_metadata=True)
    if known_stores is None:
        known_stores = yield listing
    existing = matching_stores(known_stores, request.name, request.product)
    if existing:
        if if_exists == "fail":
            raise VercelStoreExistsError(request.name, existing[0].id)
        return CreateOutcome(existing[0], created=False, reused=True, recovered_from=None, posts=0)

    started = time.monotonic()
    posts = 0
    while True:
        posts += 1
        try:
            store = yield calls.create_store(request)
        except (VercelTransportError, VercelServerError, VercelResponseError, VercelRateLimitedError) as exc:
            kind = _ambiguity(exc)
            elapsed = time.monotonic() - started
            if kind is None:
                # Nothing was created (429 or connection refused): send again after the wait, if allowed.
                wait = wait_seconds(exc, posts, policy, rng)
                if posts >= policy.max_attempts or elapsed + wait > policy.max_elapsed:
                    raise
                yield Sleep(wait)
                continue
            # The POST may have been applied, or may still be in progress behind a gateway, and the
            # listing may show the store only seconds later: look for it during the settle window,
            # and never POST again in this call.
            window = min(settle_seconds, max(0.0, policy.max_elapsed - elapsed))
            looks_until = time.monotonic() + window
            look = 0
            while True:
                look += 1
                yield Sleep(_look_gap(look, policy, settle_seconds, looks_until - time.monotonic()))
                found = matching_stores((yield listing), request.name, request.product)
                if found:
                    return CreateOutcome(found[-1], created=True, reused=False, recovered_from=kind, posts=posts)
                if time.monotonic() >= looks_until:
                    break
            raise VercelAmbiguousCreateError(request.name, kind, window) from exc
        if store is None or not store.id:
            # §7.1: identity fields are undocumented; find the store by name when they are missing.
            found = matching_stores((yield listing), request.name, request.product)
            if found:
                return CreateOutcome(found[-1], created=True, reused=False, recovered_from=None, posts=posts)
            if store is None:
                raise VercelResponseError("POST", "/v1/storage/stores/integration/direct", "store is null")
        return CreateOutcome(store, created=True, reused=False, recovered_from=None, posts=posts)


def check_batch(requests: Sequence[calls.CreateStoreRequest]) -> list[str]:
    """The distinct configuration ids of a batch; two requests for one name in one configuration is an error."""
    seen: set[tuple[str, str]] = set()
    for index, request in enumerate(requests):
        if not isinstance(request, calls.CreateStoreRequest):
            raise VercelInputError(f"requests[{index}]", "must be a CreateStoreRequest")
        key = (request.integration_configuration_id, request.name)
        if key in seen:
            raise VercelInputError(f"requests[{index}]", f"store name {request.name!r} appears twice in the batch")
        seen.add(key)
    return sorted({request.integration_configuration_id for request in requests})
