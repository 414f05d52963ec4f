"""Fixtures for the shared task glue: the emulator with ``vercel_default`` pointed at it, and ``make_store``."""

from __future__ import annotations

from tests.triggers.conftest import emulator, make_store  # noqa: F401  (shared fixtures)
