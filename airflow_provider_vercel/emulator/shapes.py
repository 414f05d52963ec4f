"""Render state records into the JSON shapes of docs/api-contract.md (configurations, products, stores, env vars)."""

from __future__ import annotations

import base64
import copy
import hashlib
import json
from typing import Any

from .state import EmulatorState, EnvVar, Store

_CONFIG_OPTIONAL = (
    "projects",
    "externalId",
    "completedAt",
    "disabledAt",
    "disabledReason",
    "deletedAt",
    "deleteRequestedAt",
    "customerDeleteRequestedAt",
    "acceptedPoliciesInheritedFromInstallationId",
)

_PRODUCT_PUBLIC = (
    "id",
    "slug",
    "name",
    "primaryProtocol",
    "protocols",
    "metadataSchema",
    "tags",
    "shortDescription",
    "iconUrl",
)


def configuration_a(state: EmulatorState, cfg: dict[str, Any]) -> dict[str, Any]:
    """Return a configuration in shape A (no ``integration`` sub-object).

    state: the emulator state.
    cfg: the configuration's seed entry.
    """
    integration = state.integrations.get(cfg["integrationId"], {})
    shown: dict[str, Any] = {
        "id": cfg["id"],
        "integrationId": cfg["integrationId"],
        "slug": integration.get("slug", ""),
        "ownerId": cfg.get("teamId") or cfg.get("userId"),
        "teamId": cfg.get("teamId"),
        "userId": cfg.get("userId"),
        "scopes": list(cfg.get("scopes", [])),
        "status": cfg.get("status", "ready"),
        "source": cfg.get("source", "marketplace"),
        "type": "integration-configuration",
        # "provisioning" may be asked for but never appears in a response (docs/api-contract.md §7.16).
        "installationType": "external" if cfg.get("installationType") == "external" else "marketplace",
        "createdAt": cfg["createdAt"],
        "updatedAt": cfg["updatedAt"],
    }
    for key in _CONFIG_OPTIONAL:
        if key in cfg:
            shown[key] = copy.deepcopy(cfg[key])
    return shown


def configuration_b(state: EmulatorState, cfg: dict[str, Any]) -> dict[str, Any]:
    """Return a configuration in shape B (with the ``integration`` sub-object).

    state: the emulator state.
    cfg: the configuration's seed entry.
    """
    integration = state.integrations.get(cfg["integrationId"], {})
    shown = configuration_a(state, cfg)
    shown["integration"] = {
        "name": integration.get("name", ""),
        "icon": integration.get("icon", ""),
        "isLegacy": bool(integration.get("isLegacy", False)),
        "flags": list(integration.get("flags", [])),
        "tagIds": list(integration.get("tagIds", [])),
    }
    return shown


def configuration_full(state: EmulatorState, cfg: dict[str, Any]) -> dict[str, Any]:
    """Return the "full" single-configuration shape of §5.5.

    state: the emulator state.
    cfg: the configuration's seed entry.
    """
    shown = configuration_b(state, cfg)
    integration = state.integrations.get(cfg["integrationId"], {})
    user = state.users.get(cfg.get("userId", ""), {})
    created = int(cfg["createdAt"])
    shown["projectSelection"] = "selected" if cfg.get("projects") else "all"
    shown["notification"] = {
        "level": "info",
        "title": f"{integration.get('name', 'Integration')} is installed",
        "message": "Create a resource to get started.",
        "href": f"https://vercel.emulator.invalid/integrations/{integration.get('slug', '')}",
    }
    # A long-expired, discarded transfer: the field is required in this shape but rarely meaningful.
    shown["transferRequest"] = {
        "kind": "transfer-to-marketplace",
        "requestId": "tr_" + cfg["id"][5:21],
        "transferId": "tf_" + cfg["id"][-16:],
        "requester": {"name": user.get("username", "unknown"), "email": user.get("email")},
        "createdAt": created - 86_400_000,
        "expiresAt": created - 3_600_000,
        "discardedAt": created - 7_200_000,
        "discardedBy": cfg.get("userId"),
    }
    shown["canConfigureOpenTelemetry"] = False
    return shown


def product_listing(product: dict[str, Any]) -> dict[str, Any]:
    """Return a product as the configuration-products endpoint shows it.

    product: the product's seed entry.
    """
    return {k: copy.deepcopy(product[k]) for k in _PRODUCT_PUBLIC if k in product}


def _supported_protocols(product: dict[str, Any]) -> list[str]:
    protocols = product.get("protocols") or {}
    return [name for name, spec in protocols.items() if isinstance(spec, dict) and spec.get("status") == "enabled"]


def store_product(
    state: EmulatorState, store: Store, *, skip_metadata: bool = False, include_guides: bool = False
) -> dict[str, Any]:
    """Return the ``product`` object embedded in a store.

    state: the emulator state.
    store: the store.
    skip_metadata: leave out ``metadataSchema``.
    include_guides: add ``guides``.
    """
    found = state.product_by_id(store.product_id)
    integration, product = found if found else ({}, {})
    shown: dict[str, Any] = {
        "id": product.get("id", store.product_id),
        "slug": product.get("slug", ""),
        "name": product.get("name", ""),
        "integrationConfigurationId": store.configuration_id,
        "integration": {
            "id": integration.get("id", store.integration_id),
            "name": integration.get("name", ""),
            "slug": integration.get("slug", ""),
            "icon": integration.get("icon", ""),
            "supportsInstallationBillingPlans": bool(integration.get("supportsInstallationBillingPlans", False)),
            "flags": list(integration.get("flags", [])),
        },
        "supportedProtocols": _supported_protocols(product),
        "primaryProtocol": product.get("primaryProtocol"),
        "tags": list(product.get("tags", [])),
        "iconUrl": product.get("iconUrl"),
        "shortDescription": product.get("shortDescription"),
        "resourceTitle": product.get("resourceTitle"),
        "projectConnectionScopes": ["read-write:project-env-vars"],
    }
    if not skip_metadata:
        shown["metadataSchema"] = copy.deepcopy(product.get("metadataSchema", {"type": "object", "properties": {}}))
    if include_guides:
        shown["guides"] = copy.deepcopy(product.get("guides", []))
    return shown


def store_body(
    state: EmulatorState, store: Store, *, skip_metadata: bool = False, include_guides: bool = False
) -> dict[str, Any]:
    """Return a store in the §4 shape, including the undocumented identity fields.

    state: the emulator state.
    store: the store.
    skip_metadata: leave out ``metadata`` and the product's ``metadataSchema``.
    include_guides: add the product's ``guides``.
    """
    status, external_status = state.store_status(store)
    found = state.product_by_id(store.product_id)
    product = found[1] if found else {}
    updated = store.updated_at
    if status != "initializing":
        updated = max(updated, int(store.ready_at * 1000))
    projects = []
    for connection in store.connections:
        project = state.projects.get(connection.project_id, {})
        projects.append(
            {
                "id": connection.id,
                "projectId": connection.project_id,
                "name": project.get("name", ""),
                "framework": project.get("framework"),
                "environments": list(connection.environments),
                "envVarPrefix": connection.env_var_prefix,
                "environmentVariables": [state.env_vars[i].key for i in connection.env_var_ids if i in state.env_vars],
                "makeEnvVarsSensitive": connection.sensitive,
            }
        )
    shown: dict[str, Any] = {
        "id": store.id,
        "name": store.name,
        "type": "integration",
        "ownerId": store.team_id,
        "createdAt": store.created_at,
        "updatedAt": updated,
        "status": status,
        "externalResourceId": store.external_resource_id,
        "externalResourceStatus": external_status,
        "directPartnerConsoleUrl": str(product.get("consoleUrl", "https://partner.emulator.invalid/"))
        + store.external_resource_id,
        "usageQuotaExceeded": False,
        "ownership": "owned",
        "capabilities": {
            "billable": bool(store.billing_plan.get("paymentMethodRequired")),
            "projects": True,
            "secretsSync": True,
            "transferable": False,
            "sso": False,
            "mcp": False,
        },
        "projectsMetadata": projects,
        "totalConnectedProjects": len(projects),
        "product": store_product(state, store, skip_metadata=skip_metadata, include_guides=include_guides),
        "secrets": [{"name": name, "length": len(value)} for name, value in store.secrets.items()],
        "billingPlan": copy.deepcopy(store.billing_plan),
    }
    if not skip_metadata:
        shown["metadata"] = copy.deepcopy(store.metadata)
    if store.protocol_settings is not None:
        shown["protocolSettings"] = copy.deepcopy(store.protocol_settings)
    return shown


def ciphertext(env: EnvVar) -> str:
    """Return a stable, ciphertext-looking stand-in that reveals nothing of the value.

    env: the env var.
    """
    digest = hashlib.sha256(f"{env.id}\0{env.value}".encode()).hexdigest()
    blob = json.dumps({"v": "v2", "iv": digest[:24], "c": digest[24:]}, separators=(",", ":"))
    return base64.b64encode(blob.encode()).decode()


def env_body(env: EnvVar, *, decrypt: bool) -> dict[str, Any]:
    """Return a project env var in the §8 shape.

    env: the env var.
    decrypt: show the plaintext (never for ``sensitive`` variables).
    """
    if env.type == "sensitive":
        value, decrypted = "", False
    elif decrypt:
        value, decrypted = env.value, True
    elif env.type == "plain":
        value, decrypted = env.value, False
    else:
        value, decrypted = ciphertext(env), False
    shown: dict[str, Any] = {
        "id": env.id,
        "key": env.key,
        "value": value,
        "type": env.type,
        "target": list(env.target),
        "configurationId": env.configuration_id,
        "contentHint": copy.deepcopy(env.content_hint),
        "createdAt": env.created_at,
        "updatedAt": env.updated_at,
        "decrypted": decrypted,
        # Required by the published schema; the emulator never flags a variable.
        "securityIssues": [],
    }
    if env.custom_environment_ids:
        shown["customEnvironmentIds"] = list(env.custom_environment_ids)
    if env.git_branch is not None:
        shown["gitBranch"] = env.git_branch
    if env.comment is not None:
        shown["comment"] = env.comment
    return shown
