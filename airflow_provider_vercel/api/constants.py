"""Closed vocabularies of the API layer, defined once; imports nothing.

The CLI's parser (``--help``) and the modules DAG files import at parse time use them: importing
``api.plans`` or ``api.models`` costs pydantic model building, this module nothing.
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

# Store statuses (§4, §5.2) and the values of a readiness outcome.

#: Seconds between two reads of a store while waiting for it (sensor, create-and-wait, trigger).
DEFAULT_POLL_INTERVAL = 10.0
#: The status of a store that can be used.
STORE_STATUS_AVAILABLE = "available"
#: Statuses that end a wait at once; anything else unknown keeps waiting, never crashes.
STORE_FAILED_STATUSES = frozenset(
    {
        "error",
        "suspended",
        "limits-exceeded-suspended",
        "limits-exceeded-suspended-store-count",
        "uninstalled",
    }
)

#: Values of a readiness outcome's (and a trigger event's) ``status``.
EVENT_SUCCESS = "success"
EVENT_ERROR = "error"
EVENT_TIMEOUT = "timeout"
EVENT_STATUSES = (EVENT_SUCCESS, EVENT_ERROR, EVENT_TIMEOUT)
#: A single read (no deadline) found the store neither ready nor failed; never sent as an event.
PENDING = "pending"
