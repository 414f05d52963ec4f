"""Random identifiers shaped like Vercel's (see docs/api-contract.md §6)."""

from __future__ import annotations

import secrets
import string

_ALNUM = string.ascii_letters + string.digits
_LOWER_HEX = "0123456789abcdef"


def alnum(length: int) -> str:
    """Return a random string of ASCII letters and digits.

    length: number of characters.
    """
    return "".join(secrets.choice(_ALNUM) for _ in range(length))


def hex_lower(length: int) -> str:
    """Return a random lower-case hex string.

    length: number of characters.
    """
    return "".join(secrets.choice(_LOWER_HEX) for _ in range(length))


def store_id() -> str:
    """Return a new store id: ``store_`` + 16 alphanumerics."""
    return "store_" + alnum(16)


def connection_id() -> str:
    """Return a new project-connection id: ``spc_`` + 24 alphanumerics."""
    return "spc_" + alnum(24)


def env_var_id() -> str:
    """Return a new project env var id (16 alphanumerics, as Vercel's look)."""
    return alnum(16)
