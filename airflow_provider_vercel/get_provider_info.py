"""Provider metadata Airflow discovers through the ``apache_airflow_provider`` entry point."""

from __future__ import annotations

from typing import Any

from airflow_provider_vercel.defaults import DEFAULT_BASE_URL

# The connection form: Airflow >= 3.2 reads this from here; older versions call the hook's
# get_ui_field_behaviour(), which returns the same dict.
UI_FIELD_BEHAVIOUR: dict[str, Any] = {
    "hidden-fields": ["schema", "port", "login", "extra"],
    "relabeling": {"password": "API token", "host": "API base URL"},
    "placeholders": {
        "password": "Vercel access token (Account settings > Tokens)",
        "host": DEFAULT_BASE_URL,
        "team_id": "team_…",
        "team_slug": "my-team",
    },
}

CONN_FIELDS: dict[str, Any] = {
    "team_id": {
        "label": "Team ID",
        "description": "Team to act for (team_…); sent as teamId on every call. Leave empty to use team_slug.",
        "schema": {"type": ["string", "null"]},
    },
    "team_slug": {
        "label": "Team slug",
        "description": "Team slug, used when no team id is set.",
        "schema": {"type": ["string", "null"]},
    },
    "timeout": {
        "label": "Read timeout (seconds)",
        "schema": {"type": ["number", "null"], "default": 30},
    },
    "max_attempts": {
        "label": "Attempts for safe requests",
        "description": "GET and DELETE requests are retried on 429, 5xx and network errors, honouring Retry-After.",
        "schema": {"type": ["integer", "null"], "default": 6},
    },
}


def get_provider_info() -> dict[str, Any]:
    """Return the provider's metadata for Airflow's providers manager."""
    return {
        "package-name": "airflow-provider-vercel",
        "name": "Vercel",
        "description": "Provision Vercel Marketplace storage (integration stores): discover plans, create, "
        "wait for, connect and tear down stores such as Neon Postgres or Upstash Redis.",
        "integrations": [
            {
                "integration-name": "Vercel",
                "external-doc-url": "https://vercel.com/docs/rest-api",
                "tags": ["service"],
            }
        ],
        "operators": [
            {
                "integration-name": "Vercel",
                "python-modules": [
                    "airflow_provider_vercel.operators.discovery",
                    "airflow_provider_vercel.operators.stores",
                    "airflow_provider_vercel.operators.lifecycle",
                    "airflow_provider_vercel.operators.api",
                    "airflow_provider_vercel.operators.cleanup",
                ],
            }
        ],
        "sensors": [
            {"integration-name": "Vercel", "python-modules": ["airflow_provider_vercel.sensors.stores"]}
        ],
        "hooks": [{"integration-name": "Vercel", "python-modules": ["airflow_provider_vercel.hooks.vercel"]}],
        "triggers": [
            {"integration-name": "Vercel", "python-modules": ["airflow_provider_vercel.triggers.stores"]}
        ],
        "connection-types": [
            {
                "hook-class-name": "airflow_provider_vercel.hooks.vercel.VercelHook",
                "hook-name": "Vercel",
                "connection-type": "vercel",
                "conn-fields": CONN_FIELDS,
                "ui-field-behaviour": UI_FIELD_BEHAVIOUR,
            }
        ],
        "extra-links": ["airflow_provider_vercel.operators.stores.VercelStoreLink"],
    }
