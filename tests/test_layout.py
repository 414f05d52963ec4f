"""The tests mirror the package: ``airflow_provider_vercel/<dir>/<m>.py`` is tested in ``tests/<dir>/test_<m>.py``.

A newcomer looking for the tests of a module opens one file. A module whose behaviour is only tested
through another one (or by a cross-cutting suite) is named in ``EXCEPTIONS`` with where it is tested;
the dict is kept honest both ways: an exception for a module that is gone, or that has its mirrored
file by now, fails too.
"""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "airflow_provider_vercel"
TESTS = ROOT / "tests"

# The folders of the package whose modules are mirrored ("" is the package's own top-level modules).
MIRRORED_FOLDERS = ["", "api", "hooks", "secrets", "emulator", "tasks", "operators", "sensors", "triggers", "cli"]

# Modules without a mirrored test file, each with the reason (path relative to the package).
EXCEPTIONS = {
    "__init__.py": "the Airflow version guard; tested in tests/compat/test_version_guard.py with the other compatibility checks",
    "__main__.py": "shim: python -m airflow_provider_vercel runs cli.main, tested in tests/cli/test_main.py",
    "defaults.py": "constants only, no behaviour of its own",
    "api/__init__.py": "empty package marker",
    "api/steps.py": "the steps a flow yields and the driver's advance(); every flow test drives them through client.run "
    "(test_create.py, test_connect.py, test_provisioning.py, test_readiness.py)",
    "api/teardown.py": "tested through the delete and sweep operators in tests/operators/test_lifecycle.py, which the operator rewrite moves",
    "hooks/__init__.py": "empty package marker",
    "secrets/__init__.py": "package docstring only",
    "api/async_client.py": "AsyncVercelClient; tested with VercelClient in suites parametrized over both clients: "
    "tests/api/test_client.py, test_retry.py, test_bounded.py, test_create.py, test_provisioning.py, test_readiness.py",
    "api/constants.py": "constants only, no behaviour of its own",
    "emulator/fault_args.py": "the fault arguments' checks, split from faults.py; tested with the faults in test_faults.py",
    "emulator/rate_window.py": "the rate-limit window, split from faults.py; tested with rate_limit_window in test_faults.py",
    "emulator/records.py": "the state's record types, split from state.py; tested through the routes like the state",
    "emulator/seed.py": "reading seed.json; the seeded ids on every start are tests/docs/test_readme.py, a custom seed test_server.py",
    "emulator/store_status.py": "the status vocabulary and name conventions, split from state.py; tested in test_routes_stores.py",
    "tasks/__init__.py": "package docstring only",
    "operators/__init__.py": "lazy exports; that they are exactly the public names is tests/operators/test_parse_time_imports.py",
    "sensors/__init__.py": "lazy exports; loading none of the modules is tests/test_lazy_exports.py",
    "triggers/__init__.py": "lazy exports; loading none of the modules is tests/test_lazy_exports.py",
    "cli/__init__.py": "main(): tested in tests/cli/test_main.py",
    "emulator/__init__.py": "lazy re-export of EmulatorServer; its cheap import is tested in tests/emulator/test_server.py",
    "emulator/__main__.py": "the emulator's command line; tested with the server in tests/emulator/test_server.py (test_cli_*) "
    "and, for --postgres, in test_backends.py",
    "emulator/app.py": "assembles the routes into the FastAPI app: every route test drives it, /openapi.json in test_server.py",
    "emulator/errors.py": "Vercel's error body and handlers; asserted by the 4xx tests of the route tests and test_bodies.py",
    "emulator/ids.py": "random ids shaped like Vercel's; the shapes are asserted in test_routes_stores.py",
    "emulator/limits.py": "constants only; the body limit is tested in test_middleware.py",
    "emulator/metadata.py": "the emulator's metadata validator; tested through the create route, one test per rule, in test_routes_stores.py",
    "emulator/pgserver.py": "the throwaway PostgreSQL server behind vercel_postgres; exercised by the real-database tests of test_backends.py",
    "emulator/pricing.py": "plan prices; tested through the plans route in test_routes_catalog.py and the create route in test_routes_stores.py",
    "emulator/responses.py": "the JSON response class; that no input renders a 500 is test_bodies.py",
    "emulator/routes_projects.py": "the env var routes; tested with the connections that write the variables, in test_connections.py",
    "emulator/shapes.py": "renders the JSON shapes; asserted by the route tests and against Vercel's published schemas in tests/contract",
    "emulator/spec.py": "the OpenAPI schemas; test_server.py checks /openapi.json, tests/reliability/test_openapi_fuzz.py fuzzes from it",
    "emulator/state.py": "the in-memory account behind every route; tested through the routes (statuses over time in test_routes_stores.py)",
}

# Test files in the mirrored folders that name no module, each with the reason (path relative to tests/).
UNMIRRORED_TESTS = {
    "test_layout.py": "checks this layout itself",
    "test_layers.py": "the import directions between the layers, across the package",
    "operators/test_argument_errors.py": "every operator's argument errors: parse time, after rendering, naming task and DAG",
    "operators/test_mapped_arguments.py": "every operator mapped with expand() through dag.test()",
    "operators/test_task_failures_through_airflow.py": "which failures skip Airflow's retries, for every operator, through dag.test()",
    "operators/test_parse_time_imports.py": "what every task module costs a DAG file when it is parsed",
    "sensors/test_sensor_dag_runs.py": "the sensor and the create-and-wait through dag.test(), the trigger inline",
    "cli/test_main.py": "cli/__init__.py's main(): dispatch, exit statuses, the token never printed",
}


def mirrored_test(module: Path) -> Path:
    """The test file that mirrors ``module``: ``tests/<dir>/test_<name>.py``.

    :param module: a module path relative to the package.
    """
    return TESTS / module.parent / f"test_{module.stem}.py"


def modules() -> list[Path]:
    """Every module of the mirrored folders, relative to the package (subfolders are folders of their own)."""
    return sorted(path.relative_to(PACKAGE) for folder in MIRRORED_FOLDERS for path in (PACKAGE / folder).glob("*.py"))


def test_every_module_of_the_mirrored_folders_has_its_test_file():
    missing = [
        f"{module.as_posix()}: no {mirrored_test(module).relative_to(ROOT).as_posix()}"
        for module in modules()
        if module.as_posix() not in EXCEPTIONS and not mirrored_test(module).is_file()
    ]
    assert not missing, "modules without their mirrored test file (add it, or an exception with a reason):\n" + "\n".join(missing)


def test_every_test_file_of_the_mirrored_folders_names_a_module():
    names = {mirrored_test(module).relative_to(TESTS).as_posix() for module in modules()}
    orphans = [
        test.relative_to(TESTS).as_posix()
        for folder in MIRRORED_FOLDERS
        for test in sorted((TESTS / folder).glob("test_*.py"))
        if test.relative_to(TESTS).as_posix() not in names | UNMIRRORED_TESTS.keys()
    ]
    assert not orphans, "test files that mirror no module (move their tests to the module's file):\n" + "\n".join(orphans)


def test_every_exception_names_a_module_still_without_its_test_file():
    known = {module.as_posix() for module in modules()}
    stale = [
        f"{name}: " + ("no such module" if name not in known else f"{mirrored_test(Path(name)).name} exists now")
        for name in EXCEPTIONS
        if name not in known or mirrored_test(Path(name)).is_file()
    ]
    stale += [f"tests/{name}: no such test file" for name in UNMIRRORED_TESTS if not (TESTS / name).is_file()]
    assert not stale, "exceptions to drop:\n" + "\n".join(stale)

