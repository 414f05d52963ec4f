"""A JSON response that can always be rendered: ASCII-escaped, no NaN (bad input must never become a 500)."""

from __future__ import annotations

import json
from typing import Any

from starlette.responses import JSONResponse as _StarletteJSONResponse


class JSONResponse(_StarletteJSONResponse):
    """Starlette's JSONResponse, but escaping non-ASCII so lone surrogates from input cannot break encoding."""

    def render(self, content: Any) -> bytes:
        """Serialise the body.

        content: the JSON-able body.
        """
        return json.dumps(content, ensure_ascii=True, allow_nan=False, separators=(",", ":")).encode("ascii")
