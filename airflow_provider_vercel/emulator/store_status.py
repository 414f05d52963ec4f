"""Store statuses: the finals a rule may select, the name conventions, and the partner vocabulary."""

from __future__ import annotations

#: Final store statuses a rule may select; ``initializing`` means "never becomes ready".
STORE_STATUSES = (
    "available",
    "error",
    "initializing",
    "onboarding",
    "suspended",
    "limits-exceeded-suspended",
    "limits-exceeded-suspended-store-count",
    "uninstalled",
)

#: Name prefixes that pick a final status without any control call.
NAME_CONVENTIONS = {
    "emu-error-": "error",
    "emu-suspended-": "suspended",
    "emu-uninstalled-": "uninstalled",
    "emu-stuck-": "initializing",
}

# Stores and partner resources use two vocabularies (docs/api-contract.md §7.5).
EXTERNAL_STATUS = {
    "available": "ready",
    "initializing": "pending",
    "onboarding": "onboarding",
    "error": "error",
    "suspended": "suspended",
    "limits-exceeded-suspended": "suspended",
    "limits-exceeded-suspended-store-count": "suspended",
    "uninstalled": "uninstalled",
}
