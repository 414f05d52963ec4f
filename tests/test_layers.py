"""The layers of docs/architecture.md, read from the import statements of every module (function-level ones too)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "airflow_provider_vercel"
ROOT = "airflow_provider_vercel"


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_of(path: Path) -> set[str]:
    """Every module ``path`` imports, wherever the import statement is (relative imports resolved)."""
    found: set[str] = set()
    inside = PACKAGE.parent in path.parents
    own = _module_name(path) if inside else path.stem
    package = own if path.name == "__init__.py" else own.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join([*package.split(".")[: len(package.split(".")) - node.level + 1], base]).strip(".")
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names)
    return found


def modules_in(folder: str) -> list[Path]:
    return sorted((PACKAGE / folder).rglob("*.py"))


def _offenders(folder: str, forbidden: tuple[str, ...]) -> dict[str, list[str]]:
    result = {}
    for path in modules_in(folder):
        bad = sorted(name for name in imports_of(path) if any(name == f or name.startswith(f"{f}.") for f in forbidden))
        if bad:
            result[_module_name(path)] = bad
    return result


def test_the_api_layer_imports_nothing_from_airflow_or_the_layers_above():
    above = tuple(f"{ROOT}.{layer}" for layer in ("hooks", "operators", "sensors", "triggers", "tasks", "cli", "emulator"))
    assert _offenders("api", ("airflow", *above)) == {}


@pytest.mark.parametrize(
    ("folder", "forbidden"),
    [
        ("operators", ("sensors",)),
        ("sensors", ("operators",)),
        ("triggers", ("operators", "sensors", "tasks")),
        ("tasks", ("operators", "sensors")),
        ("hooks", ("operators", "sensors", "triggers", "tasks", "cli")),
    ],
)
def test_task_modules_import_only_the_allowed_directions(folder, forbidden):
    assert _offenders(folder, tuple(f"{ROOT}.{name}" for name in forbidden)) == {}


def test_only_the_deferral_reaches_up_to_the_trigger():
    reaching = {name for folder in ("tasks", "operators", "sensors") for name in _offenders(folder, (f"{ROOT}.triggers",))}
    assert reaching == {f"{ROOT}.tasks.waiting"}


def test_the_emulator_shares_no_code_with_the_client():
    # A shared misunderstanding of the contract would otherwise pass every test.
    assert _offenders("emulator", (f"{ROOT}.api", f"{ROOT}.hooks")) == {}


def test_the_checker_sees_function_level_and_relative_imports(tmp_path):
    # The rules above are only as good as the import reader: prove it finds what hides inside functions.
    module = PACKAGE / "tasks" / "waiting.py"
    assert f"{ROOT}.triggers.stores" in imports_of(module)  # imported inside defer_until_ready
    sample = tmp_path / "sample.py"
    sample.write_text("def f():\n    import json\n    from os import path\n")
    assert {"json", "os", "os.path"} <= imports_of(sample)
