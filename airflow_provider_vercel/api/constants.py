"""Closed vocabularies of the API layer, defined once; imports nothing, so the CLI's parser (``--help``) can use them.

Importing ``api.plans`` or ``api.models`` costs pydantic (most of a second); this module costs nothing.
"""

from __future__ import annotations

# Billing plan types (§3); a plan of another type is read, never refused.
PLAN_TYPE_SUBSCRIPTION = "subscription"
PLAN_TYPE_PREPAYMENT = "prepayment"
PLAN_TYPES = (PLAN_TYPE_SUBSCRIPTION, PLAN_TYPE_PREPAYMENT)

# How ``PlanRule`` chooses a billing plan.
RULES = ("id", "name", "free", "cheapest")

# The ``installationType`` filter of the configurations listing (§1).
INSTALLATION_TYPES = ("marketplace", "external", "provisioning")
