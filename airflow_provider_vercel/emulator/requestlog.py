"""The request log: one entry per non-control request, faulted ones included, in a bounded ring."""

from __future__ import annotations

import threading
import time
from collections import deque
from typing import Any

DEFAULT_LOG_SIZE = 1000


class RequestLog:
    """Thread-safe ring of the last ``size`` ``{"method", "path", "query", "status", "time", "fault"}`` entries.

    Entries are appended when a request arrives (so counts are right even while a response is held back)
    and completed with the status once known. ``status`` is None while in flight, 0 for a dropped
    connection, 499 when the client left during a ``delay`` fault. The oldest entries drop out once
    ``size`` is reached, so a long-running emulator stays small; ``total`` counts every request seen.

    size: how many entries are kept (at least 1).
    """

    def __init__(self, size: int = DEFAULT_LOG_SIZE) -> None:
        if isinstance(size, bool) or not isinstance(size, int) or size < 1:
            raise ValueError("the request log size must be a positive integer")
        self._lock = threading.Lock()
        self._entries: deque[dict[str, Any]] = deque(maxlen=size)
        self._total = 0

    @property
    def size(self) -> int:
        """How many entries are kept."""
        return self._entries.maxlen or 0

    @property
    def total(self) -> int:
        """Requests seen since the last ``clear``, including those that dropped out of the ring."""
        return self._total

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
            self._total += 1
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
        """Return a copy of the kept entries, in arrival order."""
        with self._lock:
            return [dict(e, query=dict(e["query"])) for e in self._entries]

    def clear(self) -> None:
        """Forget every entry and reset the total."""
        with self._lock:
            self._entries.clear()
            self._total = 0
