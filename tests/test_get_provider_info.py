from __future__ import annotations

import importlib
import json
from importlib import resources
from importlib.metadata import entry_points

import jsonschema

from airflow_provider_vercel.get_provider_info import get_provider_info


def test_provider_info_validates_against_airflows_own_schema():
    schema = json.loads(resources.files("airflow").joinpath("provider_info.schema.json").read_text())
    jsonschema.validate(get_provider_info(), schema)


def test_package_name_equals_the_distribution_name_and_the_entry_point_is_registered():
    info = get_provider_info()
    assert info["package-name"] == "airflow-provider-vercel"
    found = [ep for ep in entry_points(group="apache_airflow_provider") if ep.dist.name == "airflow-provider-vercel"]
    assert [ep.value for ep in found] == ["airflow_provider_vercel.get_provider_info:get_provider_info"]


def test_connection_type_declares_the_form_fields():
    (conn,) = get_provider_info()["connection-types"]
    assert conn["connection-type"] == "vercel"
    behaviour = conn["ui-field-behaviour"]
    assert behaviour["relabeling"] == {"password": "API token", "host": "API base URL"}
    assert behaviour["placeholders"]["host"] == "https://api.vercel.com"
    assert {"schema", "port", "login"} <= set(behaviour["hidden-fields"])
    assert {"team_id", "team_slug"} <= set(conn["conn-fields"])


def test_every_class_and_module_the_provider_info_names_is_importable():
    info = get_provider_info()
    modules = [m for kind in ("operators", "sensors", "hooks", "triggers") for entry in info[kind] for m in entry["python-modules"]]
    for module in modules:
        importlib.import_module(module)
    for dotted in [info["connection-types"][0]["hook-class-name"], *info["extra-links"]]:
        module, _, name = dotted.rpartition(".")
        assert hasattr(importlib.import_module(module), name), dotted
