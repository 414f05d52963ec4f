"""The README and docs/ cannot drift from the code.

- the generated tables (task arguments, the emulator's seed) equal what ``scripts/readme_tables.py`` builds;
- every ``python`` block parses, its ``airflow_provider_vercel`` imports resolve, and every keyword it passes
  to one of our classes or hook methods is a real parameter;
- the block marked ``<!-- readme-test: imports -->`` runs, and each block marked
  ``<!-- readme-test: dag DAG_ID -->`` is a complete DAG file, run through ``dag.test()`` against the emulator;
- the emulator really has the seeded tokens and ids the README lists, on every start;
- nothing points at a ``shared/`` folder the repository does not have.
"""

from __future__ import annotations

import ast
import importlib
import inspect
import re
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))
import readme_tables  # noqa: E402

from tests.helpers.airflow import bundle_dagbag, run_dag, task_states, xcoms  # noqa: E402

DOCUMENTS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
BLOCK = re.compile(r"(?:<!-- readme-test: (?P<mark>[^>]*?) -->\n)?```python\n(?P<code>.*?)```", re.S)
#: Arguments fixed when the DAG is parsed, so not templated (the README's table marks them).
PARSE_TIME = {
    "VercelCreateStoreOperator": {"asset_alias"},
    "VercelApiOperator": {"response_filter"},
    "VercelStoreReadySensor": {"poke_interval", "timeout"},
}


def blocks(mark: str | None = None) -> list[tuple[str, str, str]]:
    """``(document, mark, code)`` of every python block (only those whose mark starts with ``mark``)."""
    found = []
    for document in DOCUMENTS:
        for match in BLOCK.finditer(document.read_text()):
            block_mark = match.group("mark") or ""
            if mark is None or block_mark.startswith(mark):
                found.append((document.name, block_mark, match.group("code")))
    return found


def block_id(block: tuple[str, str, str]) -> str:
    return f"{block[0]}:{block[2].splitlines()[0][:40]}"


# --- generated tables ----------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(readme_tables.TABLES))
def test_the_readmes_generated_table_is_current(name):
    text = (ROOT / "README.md").read_text()
    assert readme_tables.readme_table(text, name) == readme_tables.TABLES[name](), (
        f"run: python scripts/readme_tables.py --write ({name})"
    )


@pytest.mark.parametrize(("package", "name"), readme_tables.TASK_CLASSES)
def test_every_argument_is_templated_except_those_fixed_at_parse_time(package, name):
    cls = readme_tables.task_class(package, name)
    untemplated = {p.name for p in readme_tables.own_arguments(cls) if not readme_tables.is_templated(cls, p.name)}
    assert untemplated == PARSE_TIME.get(name, set())
    assert set(readme_tables.COMMON) <= set(cls.template_fields)


def test_the_emulator_has_the_seeded_tokens_and_ids_on_every_start():
    from airflow_provider_vercel.emulator.server import EmulatorServer

    seen = []
    for _ in range(2):
        server = EmulatorServer(port=0)
        server.start()
        try:
            seen.append((server.admin_token, server.member_token, server.team_id, server.configuration_id("neon")))
        finally:
            server.stop()
    assert seen[0] == seen[1]
    table = readme_tables.emulator_table()
    for value in seen[0]:
        assert f"`{value}`" in table


# --- the code blocks -----------------------------------------------------------------------------


@pytest.mark.parametrize("block", blocks(), ids=block_id)
def test_each_python_block_parses_and_names_only_real_imports_and_parameters(block):
    document, _, code = block
    tree = ast.parse(code)
    names: dict[str, Any] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("airflow_provider_vercel"):
            module = importlib.import_module(node.module)
            for alias in node.names:
                assert hasattr(module, alias.name), f"{document}: {node.module} has no {alias.name}"
                names[alias.asname or alias.name] = getattr(module, alias.name)
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        target = _our_callable(node.func, names)
        if target is None:
            continue
        accepted = _parameters(target)
        for keyword in node.keywords:
            if keyword.arg is not None:
                assert keyword.arg in accepted, f"{document}: {target.__qualname__} has no argument {keyword.arg!r}"


def _our_callable(func: ast.expr, names: dict[str, Any]) -> Any:
    """The class (or ``.partial``'s class, or hook method) a call names, when it is one of ours."""
    if isinstance(func, ast.Name):
        return names.get(func.id)
    if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and func.value.id in names:
        owner = names[func.value.id]
        return owner if func.attr == "partial" else getattr(owner, func.attr, None)
    if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and func.value.id == "hook":
        from airflow_provider_vercel.hooks.vercel import VercelHook

        return getattr(VercelHook, func.attr, None)
    return None


def _parameters(target: Any) -> set[str]:
    """Every keyword ``target`` accepts: its own, its bases' (``**kwargs`` reach BaseOperator)."""
    accepted: set[str] = set()
    for cls in inspect.getmro(target) if inspect.isclass(target) else ():
        init = cls.__dict__.get("__init__")
        if init is not None:
            accepted |= set(inspect.signature(init).parameters)
    if not inspect.isclass(target):
        accepted |= set(inspect.signature(target).parameters)
    return accepted


def test_the_import_block_runs():
    (block,) = blocks("imports")
    namespace: dict[str, Any] = {}
    exec(compile(block[2], "README import block", "exec"), namespace)  # noqa: S102  (our own README)
    assert {"VercelStoreReadySensor", "VercelStoreStatusTrigger", "VercelCreateStoreOperator"} <= set(namespace)


@pytest.fixture
def docs_dagbag(airflow_db: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Any:
    """Every ``readme-test: dag`` block written to a DAG file and parsed as a bundle."""
    for _, mark, code in blocks("dag "):
        (tmp_path / f"{mark.split()[1]}.py").write_text(code)
    return bundle_dagbag(monkeypatch, tmp_path, "readme-dags")


def test_the_readmes_quick_start_dag_runs_against_the_emulator(docs_dagbag, airflow_emulator):
    server = airflow_emulator
    server.state.ready_delay = 0.5
    dag_run = run_dag(docs_dagbag, "vercel_quickstart")
    states = task_states(dag_run)
    assert str(dag_run.state) == "success", states
    values = xcoms(dag_run)
    assert values[("find_configuration", -1, "return_value")] == server.configuration_id("neon")
    assert values[("select_plan", -1, "return_value")] == "launch"
    created = values[("create_store", -1, "return_value")]
    assert (created["name"], created["outcome"]) == ("acme-42-db", "created")
    assert values[("connect_store", -1, "return_value")]["environments"] == ["preview"]
    assert values[("delete_store", -1, "return_value")]["deleted"] is True


def test_the_recipes_customer_stores_dag_runs_against_the_emulator(docs_dagbag, airflow_emulator):
    dag_run = run_dag(docs_dagbag, "vercel_customer_stores")
    assert str(dag_run.state) == "success", task_states(dag_run)
    values = xcoms(dag_run)
    assert [values[("customer_store.select_plan", i, "return_value")] for i in range(2)] == ["free", "launch"]
    created = [values[("customer_store.create_store", i, "return_value")] for i in range(2)]
    assert [(c["name"], c["plan"]["id"]) for c in created] == [("globex-db", "free"), ("initech-db", "launch")]


def test_no_document_or_module_points_at_a_shared_folder():
    texts = [*DOCUMENTS, *ROOT.glob("airflow_provider_vercel/**/*.py"), *ROOT.glob("tests/**/*.py")]
    offenders = [
        str(path.relative_to(ROOT))
        for path in texts
        if path != Path(__file__) and re.search(r"\bshared/|vercel-api\.md|DESIGN\.md", path.read_text())
    ]
    assert offenders == []


def test_every_vercel_class_the_readme_names_imports_from_a_public_package():
    packages = ("operators", "sensors", "triggers", "hooks.vercel")
    text = (ROOT / "README.md").read_text()
    defined_in_examples = set(re.findall(r"^class (\w+)", text, re.M))  # a recipe's own subclass
    named = set(re.findall(r"\bVercel[A-Za-z]*(?:Operator|Sensor|Trigger|Hook|Link)\b", text)) - defined_in_examples
    assert named, "the README names no class"
    missing = sorted(
        name for name in named
        if not any(hasattr(importlib.import_module(f"airflow_provider_vercel.{p}"), name) for p in packages)
    )
    assert missing == []


def test_every_file_path_the_documents_cite_exists():
    # A path in the README or docs/ is a claim ("this is tested in ..."): moving a file must move the claim.
    cited = set()
    for document in [ROOT / "README.md", ROOT / "CONTRIBUTING.md", *sorted((ROOT / "docs").glob("*.md"))]:
        if document.is_file():
            cited |= set(re.findall(r"`((?:tests|scripts|benchmarks|example_dags|airflow_provider_vercel)/[\w./-]+\.py)`", document.read_text()))
    assert cited, "the pattern found no cited path at all"
    assert sorted(path for path in cited if not (ROOT / path).exists()) == []
