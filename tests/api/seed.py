"""Ids from the emulator's default seed, read from the seed file so tests never drift from it."""

from __future__ import annotations

import json
from importlib import resources
from typing import Any

_SEED = json.loads(resources.files("airflow_provider_vercel.emulator").joinpath("seed.json").read_text())
_TEAMS = {team["slug"]: team["id"] for team in _SEED["teams"]}
_INTEGRATIONS = {i["id"]: i for i in _SEED["integrations"]}


def configuration_id(team_slug: str, integration_slug: str) -> str:
    """The seeded configuration of ``integration_slug`` in team ``team_slug``."""
    return next(
        c["id"]
        for c in _SEED["configurations"]
        if c["teamId"] == _TEAMS[team_slug] and _INTEGRATIONS[c["integrationId"]]["slug"] == integration_slug
    )


def product_id(slug: str) -> str:
    """The seeded product id of ``slug``."""
    return next(p["id"] for i in _SEED["integrations"] for p in i["products"] if p["slug"] == slug)


def project_id(name: str) -> str:
    """The seeded project id called ``name``."""
    return next(p["id"] for p in _SEED["projects"] if p["name"] == name)


NEON_CFG = configuration_id("acme", "neon")
UPSTASH_CFG = configuration_id("acme", "upstash")
NOPAY_NEON_CFG = configuration_id("nopay", "neon")
NEON_PRODUCT = "neon-postgres"
NEON_PRODUCT_ID = product_id(NEON_PRODUCT)
WEB_APP = project_id("web-app")


def billing_plans(product_slug: str) -> list[dict[str, Any]]:
    """The seeded billing plans of the product ``product_slug``, as the seed writes them."""
    return next(p["plans"] for i in _SEED["integrations"] for p in i["products"] if p["slug"] == product_slug)


def billing_plan(product_slug: str, **match: Any) -> dict[str, Any]:
    """The first seeded plan of ``product_slug`` whose fields equal ``match`` (e.g. ``type="prepayment"``)."""
    return next(plan for plan in billing_plans(product_slug) if all(plan.get(k) == v for k, v in match.items()))
