"""Defaults every layer shares, defined once; this module imports nothing so any module may use it cheaply."""

from __future__ import annotations

# The public Vercel REST API; a connection's host or the CLI's --base-url overrides it.
DEFAULT_BASE_URL = "https://api.vercel.com"

# The Airflow connection a hook, operator, sensor, trigger or secrets backend uses unless told otherwise
# (``VercelHook.default_conn_name``).
DEFAULT_CONN_ID = "vercel_default"

# The standard environment targets of a Vercel project: where a connected store exposes its variables.
ENV_TARGETS = ("production", "preview", "development")

# The environment variables a terminal (the CLI) or a test run names its client's settings with.
ENV_TOKEN = "VERCEL_TOKEN"
ENV_TEAM = "VERCEL_TEAM"
ENV_BASE_URL = "VERCEL_BASE_URL"
