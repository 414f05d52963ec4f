"""JSON schemas for the OpenAPI document: request bodies and (loosely) response bodies.

Bodies are parsed by hand so that bad input becomes a Vercel 400, not FastAPI's 422; these schemas only
document them, so a schema-driven fuzzer knows what to send. Keep them in step with ``bodies.py``.
"""

from __future__ import annotations

from typing import Any

NAME_PATTERN = r"^[A-Za-z0-9_-]+$"
CONFIGURATION_ID_PATTERN = r"^icfg_[a-zA-Z0-9]+$"
PRODUCT_REF_PATTERN = r"^(iap_[a-zA-Z0-9_]+|[a-z0-9-]+)$"
ENV_PREFIX_PATTERN = r"^[A-Za-z][A-Za-z0-9_]*$"
#: ``source`` of a create body and of the plans query, a closed enum in the published contract.
SOURCES = (
    "marketplace",
    "deploy-button",
    "external",
    "v0",
    "resource-claims",
    "cli",
    "oauth",
    "backoffice",
    "import-recommended-integrations",
    "organization",
)

_STR = {"type": "string"}
_METADATA_VALUE = {
    "anyOf": [
        {"type": "string"},
        {"type": "number"},
        {"type": "boolean"},
        {"type": "array", "items": {"type": "string"}},
        {"type": "array", "items": {"type": "number"}},
    ]
}

CREATE_STORE_BODY: dict[str, Any] = {
    "type": "object",
    "required": ["name", "integrationConfigurationId", "integrationProductIdOrSlug"],
    "properties": {
        "name": {"type": "string", "minLength": 1, "maxLength": 128, "pattern": NAME_PATTERN},
        "integrationConfigurationId": {"type": "string", "pattern": CONFIGURATION_ID_PATTERN},
        "integrationProductIdOrSlug": {"type": "string", "pattern": PRODUCT_REF_PATTERN},
        "metadata": {"type": ["object", "null"], "additionalProperties": _METADATA_VALUE},
        "externalId": {"type": ["string", "null"]},
        "protocolSettings": {"type": ["object", "null"]},
        "source": {"type": ["string", "null"], "enum": [*SOURCES, None]},
        "billingPlanId": {"type": ["string", "null"], "minLength": 1},
        "paymentMethodId": {"type": ["string", "null"], "minLength": 1},
        "prepaymentAmountCents": {"type": ["number", "null"], "minimum": 50},
    },
}

_ENVIRONMENTS = {"type": "array", "minItems": 1, "items": {"type": "string", "minLength": 1}}

CONNECT_BODY: dict[str, Any] = {
    "type": "object",
    "required": ["projectId"],
    "properties": {
        "projectId": {"type": "string", "minLength": 1},
        "envVarEnvironments": _ENVIRONMENTS,
        "makeEnvVarsSensitive": {"type": "boolean"},
    },
}

CLI_CONNECT_BODY: dict[str, Any] = {
    "type": "object",
    "required": ["projectId"],
    "properties": {
        "projectId": {"type": "string", "minLength": 1},
        "envVarEnvironments": _ENVIRONMENTS,
        "type": {"type": "string", "enum": ["integration"]},
        "envVarPrefix": {"type": ["string", "null"], "pattern": ENV_PREFIX_PATTERN},
        "makeEnvVarsSensitive": {"type": "boolean"},
    },
}

ERROR: dict[str, Any] = {
    "type": "object",
    "description": "Vercel error body; a few endpoints use the key `err` instead of `error`.",
    "properties": {
        "error": {"type": "object", "required": ["code", "message"], "properties": {"code": _STR, "message": _STR}},
        "err": {"type": "object", "required": ["code", "message"], "properties": {"code": _STR, "message": _STR}},
    },
}

CONFIGURATION: dict[str, Any] = {
    "type": "object",
    "required": ["id", "integrationId", "slug", "ownerId", "scopes", "type", "createdAt", "updatedAt"],
    "properties": {
        "id": _STR,
        "integrationId": _STR,
        "slug": _STR,
        "ownerId": _STR,
        "teamId": {"type": ["string", "null"]},
        "userId": _STR,
        "scopes": {"type": "array", "items": _STR},
        "status": _STR,
        "source": _STR,
        "type": _STR,
        "installationType": _STR,
        "createdAt": {"type": "number"},
        "updatedAt": {"type": "number"},
        "integration": {"type": "object"},
    },
}

PLAN: dict[str, Any] = {
    "type": "object",
    "required": ["id", "type", "name", "scope", "description", "paymentMethodRequired"],
    "properties": {
        "id": _STR,
        "type": _STR,
        "name": _STR,
        "scope": _STR,
        "description": _STR,
        "paymentMethodRequired": {"type": "boolean"},
        "cost": _STR,
        "initialCharge": _STR,
        "minimumAmount": _STR,
        "maximumAmount": _STR,
        "disabled": {"type": "boolean"},
    },
}

PRODUCTS_RESPONSE: dict[str, Any] = {
    "type": "object",
    "required": ["products", "integration", "configuration"],
    "properties": {
        "products": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["id", "slug", "name", "protocols", "metadataSchema"],
                "properties": {
                    "id": _STR,
                    "slug": _STR,
                    "name": _STR,
                    "protocols": {"type": "object"},
                    "metadataSchema": {"type": "object"},
                },
            },
        },
        "integration": {"type": "object", "required": ["id", "slug", "name"]},
        "configuration": {"type": "object", "required": ["id"]},
    },
}

STORE: dict[str, Any] = {
    "type": "object",
    "required": [
        "id",
        "name",
        "type",
        "status",
        "projectsMetadata",
        "usageQuotaExceeded",
        "externalResourceId",
        "product",
        "secrets",
    ],
    "properties": {
        "id": _STR,
        "name": _STR,
        "type": _STR,
        "status": {"type": ["string", "null"]},
        "externalResourceStatus": {"type": ["string", "null"]},
        "projectsMetadata": {"type": "array", "items": {"type": "object"}},
        "totalConnectedProjects": {"type": "number"},
        "usageQuotaExceeded": {"type": "boolean"},
        "externalResourceId": _STR,
        "metadata": {"type": "object"},
        "product": {"type": "object", "required": ["integrationConfigurationId", "integration", "supportedProtocols"]},
        "secrets": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["name", "length"],
                "properties": {"name": _STR, "length": {"type": "number"}},
            },
        },
        "billingPlan": PLAN,
        "createdAt": {"type": "number"},
        "updatedAt": {"type": ["number", "null"]},
    },
}

ENV: dict[str, Any] = {
    "type": "object",
    "required": ["key", "value", "type", "securityIssues"],
    "properties": {
        "id": _STR,
        "key": _STR,
        "value": _STR,
        "type": _STR,
        "target": {"type": "array", "items": _STR},
        "decrypted": {"type": "boolean"},
        "configurationId": {"type": ["string", "null"]},
        "contentHint": {"type": ["object", "null"]},
        "securityIssues": {"type": "array", "items": _STR},
    },
}

ENV_LIST: dict[str, Any] = {
    "type": "object",
    "required": ["envs", "pagination"],
    "properties": {
        "envs": {"type": "array", "items": ENV},
        "pagination": {
            "type": "object",
            "required": ["count", "next", "prev"],
            "properties": {
                "count": {"type": "number"},
                "next": {"type": ["number", "null"]},
                "prev": {"type": ["number", "null"]},
            },
        },
    },
}


def body(schema: dict[str, Any]) -> dict[str, Any]:
    """Return ``openapi_extra`` declaring a required JSON request body.

    schema: the body's JSON schema.
    """
    return {"requestBody": {"required": True, "content": {"application/json": {"schema": schema}}}}


def responses(
    status: int, schema: dict[str, Any] | None, description: str, errors: tuple[int, ...] = (400, 401, 403, 404)
) -> dict[int | str, dict[str, Any]]:
    """Return a route's ``responses`` mapping.

    status: the success status.
    schema: the success body's schema, or None for an empty body.
    description: what success means.
    errors: error statuses the route can answer (429 and 5xx are added: faults can produce them).
    """
    success: dict[str, Any] = {"description": description}
    if schema is not None:
        success["content"] = {"application/json": {"schema": schema}}
    result: dict[int | str, dict[str, Any]] = {status: success}
    for code in (*errors, 429, 500, 502, 503, 504):
        result[code] = {"description": "Error", "content": {"application/json": {"schema": ERROR}}}
    return result
