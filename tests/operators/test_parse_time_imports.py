"""What importing the task modules costs a DAG file when it is parsed: no client, hook or pydantic model at the top."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

from airflow_provider_vercel import operators
from airflow_provider_vercel.api.coerce import rendered_mapping as mapping_argument


def test_mapping_argument_accepts_json_and_rendered_python_dicts():
    assert mapping_argument("metadata", '{"a": 1}') == {"a": 1}
    assert mapping_argument("metadata", "{'a': True}") == {"a": True}
    assert mapping_argument("metadata", "None") is None


HEAVY_AT_PARSE_TIME = (
    "airflow_provider_vercel.hooks",
    "airflow_provider_vercel.api.client",
    "airflow_provider_vercel.api.calls",
    "airflow_provider_vercel.api.metadata",
    "airflow_provider_vercel.api.plans",
    "airflow_provider_vercel.api.models",
    "airflow_provider_vercel.api.provisioning",
    "airflow_provider_vercel.api.readiness",
    "airflow_provider_vercel.api.create",
    "airflow_provider_vercel.api.approval",
    "airflow_provider_vercel.triggers",
    "jsonschema",
    "httpx",
    "pydantic",
    "fastapi",
)


PARSE_TIME_MODULES = [
    *(
        f"operators/{name}"
        for name in (
            "__init__",
            "api",
            "billing_plans",
            "cleanup",
            "discovery",
            "lifecycle",
            "matching",
            "store_assets",
            "stores",
        )
    ),
    "sensors/__init__",
    "sensors/stores",
    "tasks/base",
    "tasks/waiting",
]


@pytest.mark.parametrize("module", PARSE_TIME_MODULES)
def test_operator_modules_import_nothing_heavy_at_module_level(module):
    """DAG files import these at parse time: the client, the hook and the pydantic models load inside execute."""
    source = (Path(operators.__file__).parents[1] / f"{module}.py").read_text()
    top_level = []
    for node in ast.parse(source).body:
        if isinstance(node, ast.Import):
            top_level += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            top_level.append(node.module)
    heavy = [name for name in top_level if any(name == h or name.startswith(f"{h}.") for h in HEAVY_AT_PARSE_TIME)]
    assert heavy == []


def test_the_package_exports_exactly_the_lazily_loaded_names():
    import airflow_provider_vercel.operators as operators

    assert sorted(operators.__all__) == sorted(operators._EXPORTS)
    assert all(getattr(operators, name) is not None for name in operators.__all__)


def test_importing_every_task_module_loads_no_model_client_or_hook():
    """The transitive check: what the modules above import must not pull the pydantic models in either."""
    modules = [
        f"airflow_provider_vercel.{name.replace('/', '.').removesuffix('.__init__')}" for name in PARSE_TIME_MODULES
    ]
    heavy = (
        "airflow_provider_vercel.api.models",
        "airflow_provider_vercel.api.calls",
        "airflow_provider_vercel.api.client",
        "airflow_provider_vercel.hooks",
        "airflow_provider_vercel.triggers.stores",
        "airflow_provider_vercel.emulator",
    )
    code = (
        "import importlib, sys\n"
        f"for name in {modules!r}: importlib.import_module(name)\n"
        f"print(sorted(m for m in sys.modules if m.startswith({heavy!r})))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip().splitlines()[-1] == "[]"
