"""Fixtures of the live suite: the settings (skip without a token), a raw httpx client and the API client.

Run with ``make test-live``; ``tests/conftest.py`` leaves this folder out of every other run.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from airflow_provider_vercel.api.client import VercelClient
from airflow_provider_vercel.api.retry import RetryPolicy
from tests.contract.conformance import contract_version
from tests.live import report
from tests.live.settings import NO_TOKEN, LiveSettings, from_environment


@pytest.fixture(scope="session")
def live() -> LiveSettings:
    """The live settings; skips the test with the reason when ``VERCEL_TOKEN`` is not set."""
    settings = from_environment()
    if settings is None:
        pytest.skip(NO_TOKEN)
    return settings


@pytest.fixture(scope="session")
def raw(live: LiveSettings) -> Iterator[httpx.Client]:
    """httpx on the API with the token and team scope: for reading answers exactly as sent."""
    with httpx.Client(
        base_url=live.base_url,
        headers={"Authorization": f"Bearer {live.token}"},
        params=live.team_params,
        timeout=30.0,
    ) as client:
        yield client


@pytest.fixture(scope="session")
def client(live: LiveSettings) -> Iterator[VercelClient]:
    """The provider's own client, as a DAG would use it."""
    with VercelClient(
        live.token,
        base_url=live.base_url,
        team_id=live.team_id,
        team_slug=live.team_slug,
        retry_policy=RetryPolicy(max_attempts=3),
    ) as api:
        yield api


def pytest_terminal_summary(terminalreporter: Any) -> None:
    settings = from_environment()
    if settings is None:
        terminalreporter.section("live contract report")
        terminalreporter.write_line(NO_TOKEN)
        return
    header = f"API {settings.base_url}, contract @vercel/sdk {contract_version()}, writes {'on' if settings.writes else 'off'}"
    text = report.render(header)
    terminalreporter.section("live contract report (paste into an issue)")
    terminalreporter.write_line(text)
    if settings.report_path:
        Path(settings.report_path).write_text(text + "\n", encoding="utf-8")
