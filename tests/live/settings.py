"""What the live suite runs against, read from the environment (never from a file: the token is a secret).

``VERCEL_TOKEN`` (required, else every test skips), ``VERCEL_TEAM_ID`` or ``VERCEL_TEAM_SLUG``,
``VERCEL_BASE_URL`` (default ``https://api.vercel.com``; the normal suite points it at the emulator),
``VERCEL_LIVE_WRITES=1`` to also create and delete one free store, ``VERCEL_LIVE_INTEGRATION`` /
``VERCEL_LIVE_PRODUCT`` to choose what to create (default: the first marketplace product with a free
plan), ``VERCEL_LIVE_PROJECT`` to check a project's env listing, ``VERCEL_LIVE_REPORT`` a file to write
the report to, ``VERCEL_LIVE_WAIT`` seconds to wait for the new store (default 300).
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from airflow_provider_vercel.defaults import DEFAULT_BASE_URL

NO_TOKEN = "VERCEL_TOKEN is not set: the live checks against Vercel's API are skipped (see tests/live/settings.py)"


@dataclass(frozen=True)
class LiveSettings:
    """The live run's target; ``repr`` never shows the token."""

    token: str
    base_url: str
    team_id: str | None
    team_slug: str | None
    writes: bool
    integration: str | None
    product: str | None
    project: str | None
    report_path: str | None
    wait_seconds: float

    def __repr__(self) -> str:
        return f"LiveSettings(base_url={self.base_url!r}, team={self.team_id or self.team_slug!r}, writes={self.writes})"

    @property
    def team_params(self) -> dict[str, str]:
        """The query parameters that scope a request to the team."""
        if self.team_id:
            return {"teamId": self.team_id}
        return {"slug": self.team_slug} if self.team_slug else {}


def from_environment() -> LiveSettings | None:
    """The settings, or None when no token is set."""
    token = os.environ.get("VERCEL_TOKEN", "").strip()
    if not token:
        return None
    return LiveSettings(
        token=token,
        base_url=os.environ.get("VERCEL_BASE_URL", "").strip() or DEFAULT_BASE_URL,
        team_id=os.environ.get("VERCEL_TEAM_ID", "").strip() or None,
        team_slug=os.environ.get("VERCEL_TEAM_SLUG", "").strip() or None,
        writes=os.environ.get("VERCEL_LIVE_WRITES", "").strip() == "1",
        integration=os.environ.get("VERCEL_LIVE_INTEGRATION", "").strip() or None,
        product=os.environ.get("VERCEL_LIVE_PRODUCT", "").strip() or None,
        project=os.environ.get("VERCEL_LIVE_PROJECT", "").strip() or None,
        report_path=os.environ.get("VERCEL_LIVE_REPORT", "").strip() or None,
        wait_seconds=float(os.environ.get("VERCEL_LIVE_WAIT", "300")),
    )
