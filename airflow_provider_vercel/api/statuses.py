"""The store status vocabulary (§4, §5.2) and the values of a readiness outcome; standard library only.

Kept apart from the pydantic models so that modules imported when a DAG file is parsed can use them.
"""

from __future__ import annotations

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
