"""lazy_getattr: a package export is imported on first use, and an unknown name is an AttributeError."""

from __future__ import annotations

import subprocess
import sys

import pytest

from airflow_provider_vercel.lazy_exports import lazy_getattr


def test_an_export_is_read_from_its_module():
    getter = lazy_getattr("pkg", {"dumps": "json"})
    import json

    assert getter("dumps") is json.dumps


def test_an_unknown_name_is_an_attribute_error_naming_the_package():
    with pytest.raises(AttributeError, match="'pkg' has no attribute 'nope'"):
        lazy_getattr("pkg", {})("nope")


def test_importing_a_task_package_loads_none_of_its_modules():
    code = (
        "import sys, airflow_provider_vercel.operators, airflow_provider_vercel.sensors, airflow_provider_vercel.triggers\n"
        "print(sorted(m for m in sys.modules if m.startswith(('airflow_provider_vercel.operators.',"
        " 'airflow_provider_vercel.sensors.', 'airflow_provider_vercel.triggers.'))))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip().splitlines()[-1] == "[]"
