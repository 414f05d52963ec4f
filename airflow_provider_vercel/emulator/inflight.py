"""In-flight request counter: how many requests to each endpoint are being served at once, and the peak.

A request counts from the moment the server hands it to the app until its answer is sent (or the client
is gone), faults and held-back answers included, so a caller that bounds its concurrency (an Airflow
pool across several workers) can be checked from the server's side. Control endpoints are not counted.

Read it at ``GET /_emulator/in-flight``; ``DELETE /_emulator/in-flight`` zeroes the peaks and totals
(requests still in flight stay counted).
"""

from __future__ import annotations

import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

from fastapi import APIRouter, Request

from .responses import JSONResponse

CONTROL_PREFIX = "/_emulator"


@dataclass
class _Counter:
    current: int = 0
    peak: int = 0
    total: int = 0


class InFlight:
    """Thread-safe counters of in-flight requests, one per ``"METHOD /path"``."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._counters: dict[str, _Counter] = {}

    @asynccontextmanager
    async def track(self, method: str, path: str) -> AsyncIterator[None]:
        """Count one request while the block runs.

        :param method: the request method.
        :param path: the URL path; control paths are not counted.
        """
        if path.startswith(CONTROL_PREFIX):
            yield
            return
        key = f"{method.upper()} {path}"
        with self._lock:
            counter = self._counters.setdefault(key, _Counter())
            counter.current += 1
            counter.total += 1
            counter.peak = max(counter.peak, counter.current)
        try:
            yield
        finally:
            with self._lock:
                counter.current -= 1

    def snapshot(self) -> dict[str, dict[str, int]]:
        """Return ``{"METHOD /path": {"current", "peak", "total"}}``."""
        with self._lock:
            return {
                key: {"current": c.current, "peak": c.peak, "total": c.total} for key, c in self._counters.items()
            }

    def reset(self) -> None:
        """Zero the peaks and totals; requests in flight stay counted (and set the new peak)."""
        with self._lock:
            for counter in self._counters.values():
                counter.peak = counter.current
                counter.total = 0


router = APIRouter(prefix="/_emulator", include_in_schema=False)


def _tracker(request: Request) -> InFlight:
    tracker: InFlight = request.app.state.emulator_inflight
    return tracker


@router.get("/in-flight")
async def in_flight(request: Request) -> JSONResponse:
    """Return ``{"endpoints": {"POST /v1/…": {"current", "peak", "total"}}}``."""
    return JSONResponse({"endpoints": _tracker(request).snapshot()})


@router.delete("/in-flight")
async def reset_in_flight(request: Request) -> JSONResponse:
    """Zero the peaks and totals."""
    _tracker(request).reset()
    return JSONResponse({"ok": True})
