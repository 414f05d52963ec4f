"""The ``vercel`` connection form on every supported Airflow.

Airflow >= 3.2 reads the form from the provider info (``conn-fields``, ``ui-field-behaviour``) without
importing the hook. Airflow 2.11 and 3.1 (3.1 only when wtforms/flask-appbuilder are installed, e.g. with
the FAB provider) import the hook instead and call ``get_ui_field_behaviour()`` (snake_case keys,
validated against ``customized_form_field_behaviours.schema.json``) and ``get_connection_form_widgets()``
(wtforms fields) for the extras.
"""

from __future__ import annotations

import importlib.util
import json
from importlib import resources

import jsonschema
import pytest

from airflow_provider_vercel.hooks.vercel import VercelHook
from tests.compat.harness import AIRFLOW_VERSION

READS_PROVIDER_INFO = AIRFLOW_VERSION >= (3, 2, 0)


def test_the_hooks_field_behaviour_has_the_format_older_airflow_reads():
    # A pure check of the hook method, so it runs on every version (only Airflow < 3.2 calls it).
    schema = json.loads(resources.files("airflow").joinpath("customized_form_field_behaviours.schema.json").read_text())
    behaviour = VercelHook.get_ui_field_behaviour()
    jsonschema.validate(behaviour, schema)
    assert {"schema", "port", "login"} <= set(behaviour["hidden_fields"])


@pytest.fixture(scope="module")
def providers_manager():
    if not READS_PROVIDER_INFO and importlib.util.find_spec("wtforms") is None:
        pytest.skip("Airflow < 3.2 without wtforms (no FAB provider) builds no custom connection forms at all")
    from airflow.providers_manager import ProvidersManager

    return ProvidersManager()


def test_this_airflow_hides_login_port_and_schema_and_relabels_the_rest(providers_manager):
    behaviour = providers_manager.field_behaviours.get("vercel")
    assert behaviour is not None, "no field behaviour registered for connection type vercel"
    assert {"schema", "port", "login"} <= set(behaviour["hidden_fields"])
    assert behaviour["relabeling"] == {"password": "API token", "host": "API base URL"}
    assert behaviour["placeholders"]["host"] == "https://api.vercel.com"


def test_this_airflow_shows_team_id_and_team_slug(providers_manager):
    widgets = providers_manager.connection_form_widgets
    assert {"extra__vercel__team_id", "extra__vercel__team_slug"} <= set(widgets)
