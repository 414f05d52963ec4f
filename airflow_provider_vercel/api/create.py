"""Get-or-create of a store, written once as a step generator that both clients drive.

The create POST is not idempotent and Vercel offers no idempotency key (§7.14). So: look for a store
of that name in the configuration first; after an ambiguous failure (the request may have reached the
server: dropped connection, timeout, 5xx, unreadable answer) look again before sending anything else,
and adopt what is found. Only a failure that certainly created nothing (429, connect refused), or a 5xx
answer followed by a look that finds nothing, leads to another POST. When the answer was lost (timeout,
dropped connection, unreadable body) the server may still be working on the request, so the flow keeps
looking for a while and then fails with ``VercelAmbiguousCreateError`` rather than risk a second store.
"""

from __future__ import annotations

import random
import time
from collections.abc import Generator, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from airflow_provider_vercel.api import calls
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

IfExists = Literal["reuse", "fail"]


@dataclass(frozen=True)
class Sleep:
    """A step asking the driver to wait.

    :param seconds: how long.
    """

    seconds: float


Step = calls.ApiCall | Sleep


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


def get_or_create_flow(
    request: calls.CreateStoreRequest,
    if_exists: IfExists,
    policy: RetryPolicy,
    rng: random.Random | None = None,
    settle_seconds: float = 10.0,
    known_stores: list[Store] | None = None,
) -> Generator[Step, Any, CreateOutcome]:
    """Steps of get-or-create; the driver sends back each call's result or throws its exception.

    :param request: the validated create body.
    :param if_exists: ``reuse`` or ``fail`` when a store of that name exists before the POST.
    :param policy: retry policy (attempts, waits, time budget).
    :param rng: random source for jitter.
    :param settle_seconds: after a lost answer, how long to keep looking for the store before failing.
    :param known_stores: the configuration's stores, already listed (batch creation lists once).
    """
    if if_exists not in ("reuse", "fail"):
        raise VercelInputError("if_exists", f"must be 'reuse' or 'fail', got {if_exists!r}")
    rng = rng or random.Random()
    listing = calls.list_stores(request.integration_configuration_id)
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
            wait = wait_seconds(exc, posts, policy, rng)
            elapsed = time.monotonic() - started
            out_of_budget = posts >= policy.max_attempts or elapsed + wait > policy.max_elapsed
            if kind is None:
                # Nothing was created (429 or connection refused): send again after the wait, if allowed.
                if out_of_budget:
                    raise
                yield Sleep(wait)
                continue
            # The POST may have been applied, or may still be in progress on the server: look before
            # anything else. A server that answered (5xx) has finished with the request, so one look
            # settles it; after a lost answer keep looking for ``settle_seconds``.
            answered = isinstance(exc, VercelServerError)
            window = 0.0 if answered else min(settle_seconds, max(0.0, policy.max_elapsed - elapsed))
            looks_until = time.monotonic() + window
            look = 0
            while True:
                look += 1
                remaining = looks_until - time.monotonic()
                yield Sleep(policy.backoff_initial if look == 1 else max(0.0, min(policy.backoff(look), remaining)))
                found = matching_stores((yield listing), request.name, request.product)
                if found:
                    return CreateOutcome(found[-1], created=True, reused=False, recovered_from=kind, posts=posts)
                if time.monotonic() >= looks_until:
                    break
            if not answered:
                # Sending again could create a second store if the first request is still being
                # processed. Fail instead: a retry of the task looks again before any POST.
                raise VercelAmbiguousCreateError(request.name, kind, window) from exc
            if out_of_budget:
                raise
            continue
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
