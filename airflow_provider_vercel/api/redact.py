"""Keeping the API token out of everything built from a response.

A server (or a proxy in front of it) may echo the ``Authorization`` header into an error code, a
message or a 200 body. Whatever we keep from a response passes through a ``Redactor`` first, so
the token reaches no exception, log line, UI message or XCom.
"""

from __future__ import annotations

from typing import Any

MASK = "***"


class Redactor:
    """Replaces one secret by ``***`` in text and in decoded JSON.

    :param secret: the value to hide (visible ASCII, checked by ``validation.token``).
    """

    def __init__(self, secret: str) -> None:
        self._secret = secret
        self._needle = secret.encode("ascii", "replace")
        # JSON may spell any character as \\uXXXX and '/' as '\\/': a raw byte search cannot see those.
        self._escapable = any(ch in secret for ch in '"\\/')

    def text(self, value: str) -> str:
        """``value`` with every occurrence of the secret masked."""
        return value.replace(self._secret, MASK) if self._secret in value else value

    def optional(self, value: str | None) -> str | None:
        """Like ``text``, passing None through."""
        return None if value is None else self.text(value)

    def may_hold(self, body: bytes) -> bool:
        """False only when the decoded JSON of ``body`` certainly holds no copy of the secret.

        Lets the common answer skip the walk of ``data``.
        """
        return self._escapable or self._needle in body or b"\\u" in body

    def data(self, value: Any) -> Any:
        """Decoded JSON with the secret masked in every string, keys included.

        Recursive: the JSON decoder already refused anything nested deeper than the interpreter's
        recursion limit; a caller treats a ``RecursionError`` here like that refusal.
        """
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, list):
            return [self.data(item) for item in value]
        if isinstance(value, dict):
            return {self.text(key) if isinstance(key, str) else key: self.data(item) for key, item in value.items()}
        return value
