"""No id escapes its path segment: empty and dot-only values are refused, naming the argument, before any request.

A URL library resolves ``.`` and ``..`` segments, so ``delete_store("..")`` would reach another endpoint
(``DELETE /v1/storage/stores``) and a delete operator would report a store gone that never was. The
lists of arguments under test are derived from the code, so a new argument cannot be missed:

- the request builders of ``api/calls.py``: each string argument is given a marker value and the
  builder's path is searched for it (no I/O);
- the hook's methods: called against the emulator with marker values, the request log shows which
  arguments reach a path;
- the operators' and sensor's constructor arguments named like a path argument found above.
"""

from __future__ import annotations

import asyncio
import inspect
from typing import Any

import pytest

from airflow_provider_vercel.api import calls
from airflow_provider_vercel.api.client import AsyncVercelClient, VercelClient
from airflow_provider_vercel.api.errors import VercelInputError
from airflow_provider_vercel.hooks.vercel import VercelHook
from airflow_provider_vercel.operators import __all__ as OPERATOR_NAMES  # noqa: N812
from airflow_provider_vercel.tasks.base import VercelTaskError
from tests.operators.conftest import RecordingTaskInstance
from tests.reliability.conftest import make_async_client, make_client

BAD_SEGMENTS = [".", "..", "...", ""]

#: A valid value for every argument name the builders, hook methods and operators take. A new argument
#: without an entry here fails ``test_every_string_argument_has_a_sample_value``.
VALID: dict[str, Any] = {
    "configuration_id": "icfg_valid1",
    "integration_configuration_id": "icfg_valid1",
    "store_id": "store_valid1",
    "project_id": "prj_valid1",
    "project": "prj_valid1",
    "connection_id": "spc_valid1",
    "env_id": "env_valid1",
    "integration": "neon",
    "product": "neon-postgres",
    "view": "account",
    "installation_type": "marketplace",
    "git_branch": "main",
    "target": "production",
    "variable": "DATABASE_URL",
    "conn_id": "my_db",
    "name": "valid-db",
    "environments": ["production"],
    "env_var_prefix": "PR1_",
}
#: Arguments that take a fixed vocabulary or a non-string: no marker can be appended to them.
NOT_MARKABLE = {"view", "installation_type", "target", "environments"}
#: Builders that take no path id: the generic call (its path is checked on its own) and the create body.
NOT_ID_BUILDERS = {"generic", "create_store"}


def _builders() -> dict[str, Any]:
    return {
        name: fn
        for name, fn in inspect.getmembers(calls, inspect.isfunction)
        if fn.__module__ == calls.__name__
        and not name.startswith("_")
        and str(inspect.signature(fn).return_annotation).startswith("ApiCall[")
        and name not in NOT_ID_BUILDERS
    }


def _markable(params: list[inspect.Parameter]) -> list[str]:
    return [p.name for p in params if p.name in VALID and p.name not in NOT_MARKABLE]


def _marked(name: str) -> str:
    return f"{VALID[name]}zq{abs(hash(name)) % 997}"


def _builder_path_arguments() -> list[tuple[str, str]]:
    """``(builder, argument)`` for every builder argument whose value lands in the URL path."""
    found = []
    for builder_name, fn in sorted(_builders().items()):
        params = list(inspect.signature(fn).parameters.values())
        for name in _markable(params):
            # Optional arguments stay at their defaults (env_var_prefix, for one, picks another route).
            kwargs = {p.name: VALID[p.name] for p in params if p.name in VALID and p.default is p.empty}
            kwargs[name] = _marked(name)
            if _marked(name) in fn(**kwargs).path:
                found.append((builder_name, name))
    return found


BUILDER_PATH_ARGUMENTS = _builder_path_arguments()
PATH_ARGUMENT_NAMES = sorted({name for _, name in BUILDER_PATH_ARGUMENTS})


def test_the_derived_list_covers_the_known_path_arguments():
    # Guards the derivation itself: if it found nothing, every test below would pass vacuously.
    assert ("delete_store", "store_id") in BUILDER_PATH_ARGUMENTS
    assert ("disconnect_store", "connection_id") in BUILDER_PATH_ARGUMENTS
    assert ("connect_store", "configuration_id") in BUILDER_PATH_ARGUMENTS
    assert ("get_project_env", "env_id") in BUILDER_PATH_ARGUMENTS
    assert {"store_id", "project", "integration", "product", "configuration_id"} <= set(PATH_ARGUMENT_NAMES)


def test_every_string_argument_has_a_sample_value():
    missing = {
        f"{builder}({p.name})"
        for builder, fn in _builders().items()
        for p in inspect.signature(fn).parameters.values()
        if p.name not in VALID and p.annotation in ("str", "str | None")
    }
    assert not missing, f"add sample values to VALID for {sorted(missing)}"


@pytest.mark.parametrize("bad", BAD_SEGMENTS, ids=repr)
@pytest.mark.parametrize(("builder", "argument"), BUILDER_PATH_ARGUMENTS, ids=[f"{b}.{a}" for b, a in BUILDER_PATH_ARGUMENTS])
def test_every_builder_refuses_an_empty_or_dot_only_path_argument(builder, argument, bad):
    fn = _builders()[builder]
    params = inspect.signature(fn).parameters.values()
    kwargs = {p.name: VALID[p.name] for p in params if p.name in VALID and p.default is p.empty}
    kwargs[argument] = bad
    with pytest.raises(VercelInputError) as caught:
        fn(**kwargs)
    assert caught.value.argument == argument


@pytest.mark.parametrize("bad", [".", "..", "%2e%2e", "%2E."], ids=repr)
def test_the_generic_call_refuses_a_dot_only_segment_in_its_path(bad):
    with pytest.raises(VercelInputError) as caught:
        calls.generic("DELETE", f"/v1/storage/stores/{bad}/x")
    assert caught.value.argument == "path"


@pytest.mark.parametrize("bad", BAD_SEGMENTS, ids=repr)
@pytest.mark.parametrize(("method", "argument"), BUILDER_PATH_ARGUMENTS, ids=[f"{b}.{a}" for b, a in BUILDER_PATH_ARGUMENTS])
def test_every_client_method_refuses_it_before_any_request(vercel_emulator, method, argument, bad):
    params = list(inspect.signature(getattr(VercelClient, method)).parameters)[1:]
    kwargs = {p: VALID[p] for p in params if p in VALID}
    kwargs[argument] = bad
    with make_client(vercel_emulator) as client, pytest.raises(VercelInputError) as caught:
        getattr(client, method)(**kwargs)
    assert caught.value.argument == argument
    if hasattr(AsyncVercelClient, method):

        async def go() -> None:
            async with make_async_client(vercel_emulator) as aclient:
                await getattr(aclient, method)(**kwargs)

        with pytest.raises(VercelInputError):
            asyncio.run(go())
    assert vercel_emulator.requests == []


HOOK_METHODS = sorted(
    name
    for name, fn in inspect.getmembers(VercelHook, inspect.isfunction)
    if not name.startswith("_") and _markable(list(inspect.signature(fn).parameters.values()))
)


@pytest.mark.parametrize("method", HOOK_METHODS)
def test_every_hook_method_refuses_an_empty_or_dot_only_value_for_each_argument_that_reaches_a_path(
    emulator, method
):
    fn = getattr(VercelHook, method)
    params = list(inspect.signature(fn).parameters.values())[1:]
    hook = VercelHook()
    try:
        # Which arguments reach a path: send marker values and read the emulator's request log.
        reaching = []
        for name in _markable(params):
            emulator.log.clear()
            # Optional arguments stay at their defaults (env_var_prefix, for one, picks another route).
            kwargs = {p.name: VALID[p.name] for p in params if p.name in VALID and p.default is p.empty}
            kwargs[name] = _marked(name)
            try:
                fn(hook, **kwargs)
            except Exception:  # noqa: BLE001  (unknown ids answer 404: only the paths matter here)
                pass
            if any(_marked(name) in r["path"] for r in emulator.requests):
                reaching.append(name)
        for name in reaching:
            assert name in PATH_ARGUMENT_NAMES  # the builders' list knows every argument the hook sends
            for bad in BAD_SEGMENTS:
                emulator.log.clear()
                kwargs = {p.name: VALID[p.name] for p in params if p.name in VALID}
                kwargs[name] = bad
                with pytest.raises(VercelInputError) as caught:
                    fn(hook, **kwargs)
                assert caught.value.argument == name, (method, name, bad)
                assert emulator.requests == [], (method, name, bad)
    finally:
        hook.close()


def _operator_classes() -> dict[str, type]:
    import airflow_provider_vercel.operators as operators
    from airflow_provider_vercel.sensors.stores import VercelStoreReadySensor

    found = {
        name: getattr(operators, name)
        for name in OPERATOR_NAMES
        if isinstance(getattr(operators, name), type) and hasattr(getattr(operators, name), "execute")
    }
    found["VercelStoreReadySensor"] = VercelStoreReadySensor
    return found


#: Operator arguments named differently from the builder argument they feed.
OPERATOR_ALIASES = {"integration_configuration_id": "configuration_id", "project_id": "project"}


def _operator_path_arguments() -> list[tuple[str, str]]:
    cases = []
    for cls_name, cls in sorted(_operator_classes().items()):
        for name in inspect.signature(cls.__init__).parameters:
            if OPERATOR_ALIASES.get(name, name) in PATH_ARGUMENT_NAMES:
                cases.append((cls_name, name))
    return cases


OPERATOR_PATH_ARGUMENTS = _operator_path_arguments()


def _operator(cls_name: str, **overrides: Any) -> Any:
    cls = _operator_classes()[cls_name]
    required = [
        p.name
        for p in inspect.signature(cls.__init__).parameters.values()
        if p.default is inspect.Parameter.empty and p.kind is inspect.Parameter.KEYWORD_ONLY
    ]
    kwargs: dict[str, Any] = {p: VALID[p] for p in required if p in VALID}
    kwargs.update(overrides)
    return cls(task_id="t", **kwargs)


def test_the_operator_list_covers_the_delete_operator_and_the_sensor():
    assert ("VercelDeleteStoreOperator", "store_id") in OPERATOR_PATH_ARGUMENTS
    assert ("VercelStoreReadySensor", "store_id") in OPERATOR_PATH_ARGUMENTS
    assert ("VercelListProductsOperator", "integration_configuration_id") in OPERATOR_PATH_ARGUMENTS


def _optional(operator: str, argument: str) -> bool:
    parameter = inspect.signature(_operator_classes()[operator].__init__).parameters[argument]
    return parameter.default is None


#: An empty optional argument means "not given" (an operator then asks the API), so only dots are bad there.
OPERATOR_CASES = [
    (operator, argument, bad)
    for operator, argument in OPERATOR_PATH_ARGUMENTS
    for bad in BAD_SEGMENTS
    if not (bad == "" and _optional(operator, argument))
]


@pytest.mark.parametrize(
    ("operator", "argument", "bad"), OPERATOR_CASES, ids=[f"{o}.{a}={b!r}" for o, a, b in OPERATOR_CASES]
)
def test_every_operator_refuses_an_empty_or_dot_only_id_when_built(operator, argument, bad):
    with pytest.raises((VercelInputError, VercelTaskError)) as caught:
        _operator(operator, **{argument: bad})
    assert argument in str(caught.value)


def test_a_delete_operator_whose_store_id_renders_to_dots_fails_instead_of_reporting_success(emulator):
    op = _operator("VercelDeleteStoreOperator", store_id="{{ ti.xcom_pull(task_ids='create') }}")
    op.store_id = ".."  # what the template rendered to
    with pytest.raises(VercelTaskError) as caught:
        op.execute({"ti": RecordingTaskInstance()})
    assert "store_id" in str(caught.value)
    assert emulator.requests == []
