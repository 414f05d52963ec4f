"""The steady rate-limit fault: a sliding window of requests and its verdict for one request."""

from __future__ import annotations

import math
import time
from collections import deque
from dataclasses import dataclass, field


@dataclass
class WindowVerdict:
    """Outcome of the steady rate-limit window for one request.

    admitted: whether the request is within budget.
    limit: the window's budget.
    remaining: requests left in the window after this one.
    reset_at: epoch seconds when the oldest counted request leaves the window.
    retry_after: whole seconds to wait (only when not admitted).
    """

    admitted: bool
    limit: int
    remaining: int
    reset_at: float
    retry_after: int = 0


@dataclass
class RateWindow:
    """A sliding window of at most ``max_requests`` per ``per_seconds``; not thread-safe (``Faults`` locks).

    max_requests: the budget.
    per_seconds: the window's length.
    hits: ``time.monotonic()`` of each request counted, oldest first.
    """

    max_requests: int
    per_seconds: float
    hits: deque[float] = field(default_factory=deque)

    def admit(self) -> WindowVerdict:
        """Count a request against the window and say whether it is within budget."""
        now = time.monotonic()
        while self.hits and self.hits[0] <= now - self.per_seconds:
            self.hits.popleft()
        if len(self.hits) < self.max_requests:
            self.hits.append(now)
            oldest = self.hits[0]
            reset_at = time.time() + (oldest + self.per_seconds - now)
            return WindowVerdict(True, self.max_requests, self.max_requests - len(self.hits), reset_at)
        wait = self.hits[0] + self.per_seconds - now
        return WindowVerdict(False, self.max_requests, 0, time.time() + wait, max(1, math.ceil(wait)))
