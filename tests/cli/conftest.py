"""Fixtures of the CLI's tests."""

from __future__ import annotations

import pytest


@pytest.fixture
def env(vercel_emulator):
    """The VERCEL_* variables pointing at the emulator as the seed team's admin."""
    return {
        "VERCEL_TOKEN": vercel_emulator.admin_token,
        "VERCEL_TEAM": vercel_emulator.team_id,
        "VERCEL_BASE_URL": vercel_emulator.url,
    }
