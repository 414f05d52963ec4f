"""Checks of the arguments a fault is registered with (Python calls and JSON specs alike), each a ValueError."""

from __future__ import annotations

import math
import time
from email.utils import formatdate
from typing import Any


def retry_after_header(seconds: int, http_date: bool) -> str:
    """Format a ``Retry-After`` value.

    seconds: how long to wait.
    http_date: format as an HTTP date that many seconds ahead instead of a number.
    """
    return formatdate(time.time() + seconds, usegmt=True) if http_date else str(seconds)


def count(n: Any) -> int:
    if isinstance(n, bool) or not isinstance(n, int) or n < 1:
        raise ValueError("n (count) must be a positive integer")
    return n


def seconds(value: Any, name: str = "seconds") -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) or value < 0:
        raise ValueError(f"{name} must be a non-negative number")
    return float(value)


def method_filter(method: Any) -> str | None:
    if method is None:
        return None
    if not isinstance(method, str) or not method.isalpha():
        raise ValueError("method must be an HTTP method name")
    return method.upper()


def path_filter(path: Any) -> str | None:
    if path is None:
        return None
    if not isinstance(path, str) or not path.startswith("/"):
        raise ValueError("path must be a URL path prefix starting with /")
    return path


def retry_after(value: Any, http_date: bool) -> tuple[int | None, bool]:
    """Accept seconds, None, or ``"http-date"`` / ``"http-date:N"`` (an HTTP date N seconds ahead)."""
    if value is None:
        return None, http_date
    if isinstance(value, str):
        head, _, tail = value.partition(":")
        if head != "http-date":
            raise ValueError('retry_after must be seconds, None, "http-date" or "http-date:N"')
        return (retry_after(int(tail), True)[0] if tail else 2), True
    return math.ceil(seconds(value, "retry_after")), http_date
