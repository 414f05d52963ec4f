"""Local emulator of the Vercel REST API (Marketplace configurations, plans, integration stores).

``EmulatorServer`` is imported lazily so that importing this package (e.g. as a pytest plugin) stays cheap.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .server import EmulatorServer

__all__ = ["EmulatorServer"]


def __getattr__(name: str) -> Any:
    if name == "EmulatorServer":
        from .server import EmulatorServer  # on first use: FastAPI costs ~3 s, the pytest plugin imports this package

        return EmulatorServer
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
