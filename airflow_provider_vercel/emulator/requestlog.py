"""The request log: one entry per non-control request, faulted ones included."""

from __future__ import annotations

import threading
import time
from typing import Any


class RequestLog:
    """Thread-safe list of ``{"method", "path", "query", "status", "time", "fault"}`` entries.

    Entries are appended when a request arrives (so counts are right even while a response is held back)
    and completed with the status once known. ``status`` is None while in flight, 0 for a dropped
    connection, 499 when the client left during a ``delay`` fault.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._entries: list[dict[str, Any]] = []

    def start(self, method: str, path: str, query: dict[str, str]) -> dict[str, Any]:
        """Record an arriving request and return its entry.

        method: request method.
        path: URL path.
        query: query parameters (last value wins).
        """
        entry: dict[str, Any] = {
            "method": method,
            "path": path,
            "query": query,
            "status": None,
            "time": time.time(),
            "fault": None,
        }
        with self._lock:
            self._entries.append(entry)
        return entry

    def finish(self, entry: dict[str, Any], status: int, fault: str | None = None) -> None:
        """Complete an entry.

        entry: the entry from ``start``.
        status: HTTP status sent (0 when the connection was dropped).
        fault: name of the fault applied, or None.
        """
        with self._lock:
            entry["status"] = status
            if fault is not None:
                entry["fault"] = fault

    def entries(self) -> list[dict[str, Any]]:
        """Return a copy of all entries, in arrival order."""
        with self._lock:
            return [dict(e, query=dict(e["query"])) for e in self._entries]

    def clear(self) -> None:
        """Forget every entry."""
        with self._lock:
            self._entries.clear()
