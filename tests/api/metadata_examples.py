"""A product's metadataSchema shaped as the API contract (§2) describes, shared by the metadata tests."""

from __future__ import annotations

from typing import Any

# A product shaped as docs/api-contract.md §2 describes (composed, made-up ids).
EXAMPLE_PRODUCT: dict[str, Any] = {
    "id": "iap_Pg7Hd2Kx9Lm4Qw1Z",
    "slug": "neon-postgres",
    "name": "Neon Postgres",
    "primaryProtocol": "storage",
    "protocols": {"storage": {"status": "enabled", "repl": {"enabled": True, "supportsReadOnlyMode": True}}},
    "metadataSchema": {
        "type": "object",
        "properties": {
            "region": {
                "type": "string",
                "ui:control": "vercel-region",
                "ui:label": "Region",
                "default": "iad1",
                "ui:hidden": "update",
                "ui:options": ["iad1", "fra1", {"value": "sfo1", "label": "San Francisco"}],
            },
            "plan_tier": {
                "type": "string",
                "ui:control": "select",
                "ui:label": "Compute size",
                "ui:options": [
                    {"value": "small", "label": "0.25 CU"},
                    {"value": "large", "label": "2 CU", "hidden": True},
                ],
            },
            "storage_gb": {
                "type": "number",
                "ui:control": "input",
                "minimum": 1,
                "maximum": 256,
                "ui:read-only": {"expr": "plan == 'free'"},
            },
            "pooling": {"type": "boolean", "ui:control": "toggle", "default": True},
        },
        "required": ["region"],
        "ui:order": ["region", "plan_tier", "storage_gb", "pooling"],
    },
}
EXAMPLE = EXAMPLE_PRODUCT["metadataSchema"]


def one_field(descriptor: dict[str, Any], *, required: bool = False, name: str = "field") -> dict[str, Any]:
    """A schema holding a single field."""
    return {"type": "object", "properties": {name: descriptor}, "required": [name] if required else []}
