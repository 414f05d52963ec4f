"""Schema-driven fuzzing of the emulator from its own ``/openapi.json``: no input makes it answer 5xx.

``tests/emulator/test_bodies.py`` fuzzes hand-picked endpoints with hand-written
strategies; this walks the document the emulator serves, so an operation added to the emulator is fuzzed
without touching this file. It is a small schemathesis-like generator built on hypothesis (no extra
dependency): for every operation, path parameters, query parameters and the JSON body are drawn from
their JSON schemas (``type``, ``enum``, ``pattern``, lengths, ``items``, ``properties``, ``required``,
``anyOf``...), and at every node the value is sometimes replaced by arbitrary JSON, so both valid and
invalid input reach the handlers. Path parameters also draw from the seed's real ids, so requests get
past "not found" into the code behind it.

Checks, for every generated request (the fault gate is idle: only faults produce 5xx):
- the status is below 500 and is one the document lists for the operation;
- an error status carries Vercel's error body (``error`` or ``err`` object with ``code`` and ``message``);
- a success body, when there is one, is valid JSON.
"""

from __future__ import annotations

import json
import string
from typing import Any
from urllib.parse import quote

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from airflow_provider_vercel.emulator.app import create_app
from tests.reliability.conftest import make_client, neon_request, record_figure

EXAMPLES = 30
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    derandomize=True,  # the same inputs on every run: a red CI run replays locally
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.filter_too_much],
)
METHODS = ("get", "post", "put", "patch", "delete")

junk = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=12),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3),
    max_leaves=8,
)


def _resolve(schema: Any, document: dict[str, Any]) -> Any:
    while isinstance(schema, dict) and "$ref" in schema:
        node: Any = document
        for part in schema["$ref"].lstrip("#/").split("/"):
            node = node[part]
        schema = node
    return schema


ID_KINDS = ("configuration", "store", "integration", "product", "connection", "project", "env")


class Generator:
    """Hypothesis strategies from the JSON schemas of one OpenAPI document.

    :param document: the OpenAPI document (for ``$ref``).
    :param pools: real ids by kind; a parameter or property whose name or description names a kind
        (``integrationConfigurationId``, "Store id (store_…)") also draws from that pool.
    """

    def __init__(self, document: dict[str, Any], pools: dict[str, list[str]]) -> None:
        self.document = document
        self.pools = pools

    def pool(self, text: str) -> list[str] | None:
        lowered = text.lower()
        return next((self.pools[kind] for kind in ID_KINDS if kind in lowered and self.pools[kind]), None)

    def fuzz(self, schema: Any, depth: int = 0, name: str = "") -> st.SearchStrategy[Any]:
        """Mostly valid values (real ids where the name says which), sometimes anything at all."""
        options = [self.valid(schema, depth), self.valid(schema, depth), junk]
        pool = self.pool(name) if name else None
        if pool:
            options[1] = st.sampled_from(pool)
        return st.one_of(options)

    def valid(self, schema: Any, depth: int = 0) -> st.SearchStrategy[Any]:
        """Values the schema accepts (as far as this small generator understands JSON Schema)."""
        schema = _resolve(schema, self.document)
        if not isinstance(schema, dict) or depth > 4:
            return junk
        if "enum" in schema:
            return st.sampled_from(schema["enum"])
        if "const" in schema:
            return st.just(schema["const"])
        for key in ("anyOf", "oneOf"):
            if key in schema:
                return st.one_of([self.fuzz(s, depth + 1) for s in schema[key]])
        kind = schema.get("type")
        if isinstance(kind, list):
            return st.one_of([self.valid({**schema, "type": k}, depth) for k in kind])
        if kind == "string":
            low, high = schema.get("minLength", 0), schema.get("maxLength", 40)
            if "pattern" in schema:
                text = st.from_regex(schema["pattern"], fullmatch=True).map(lambda s: s[:high])
                return text.filter(lambda s: len(s) >= low)
            return st.text(string.printable, min_size=low, max_size=min(high, 40))
        if kind in ("number", "integer"):
            low = schema.get("minimum", schema.get("exclusiveMinimum"))
            high = schema.get("maximum", schema.get("exclusiveMaximum"))
            ints = st.integers(None if low is None else int(low), None if high is None else int(high))
            return ints if kind == "integer" else ints | st.floats(low, high, allow_nan=False, allow_infinity=False)
        if kind == "boolean":
            return st.booleans()
        if kind == "null":
            return st.none()
        if kind == "array":
            items = self.fuzz(schema.get("items", {}), depth + 1)
            return st.lists(items, min_size=schema.get("minItems", 0), max_size=min(schema.get("maxItems", 4), 4))
        if kind == "object" or "properties" in schema:
            return self._object(schema, depth)
        return junk

    def _object(self, schema: dict[str, Any], depth: int) -> st.SearchStrategy[dict[str, Any]]:
        properties = schema.get("properties", {})
        required = [name for name in schema.get("required", []) if name in properties]
        values = {name: self.fuzz(s, depth + 1, name) for name, s in properties.items()}
        optional = {name: value for name, value in values.items() if name not in required}
        extra = schema.get("additionalProperties")
        extras = (
            st.dictionaries(
                st.text(string.ascii_letters, min_size=1, max_size=8), self.fuzz(extra, depth + 1), max_size=3
            )
            if isinstance(extra, dict)
            else st.just({})
        )
        base = st.fixed_dictionaries({name: values[name] for name in required}, optional=optional)
        # Sometimes drop a required property: a missing field is bad input too.
        dropped = st.sampled_from(required) if required else st.none()
        return st.tuples(base, extras, st.integers(0, 3), dropped).map(
            lambda t: {k: v for k, v in {**t[1], **t[0]}.items() if not (t[2] == 0 and k == t[3])}
        )

    def path_parameter(self, parameter: dict[str, Any]) -> st.SearchStrategy[str]:
        schema_description = parameter.get("schema", {}).get("description", "")
        text = f"{parameter['name']} {parameter.get('description', '')} {schema_description}"
        pool = self.pool(text) or sorted({i for ids in self.pools.values() for i in ids})
        return st.one_of(
            st.sampled_from(pool),
            st.sampled_from(pool),
            self.valid(parameter.get("schema", {})).map(str),
            st.text(min_size=1, max_size=12),
        )


def _as_query(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (dict, list)):
        return json.dumps(value)
    return str(value)


def operations(document: dict[str, Any]) -> list[tuple[str, str]]:
    return [(method, path) for path, item in document["paths"].items() for method in item if method in METHODS]


# The document as the emulator builds it, for parametrising; each test then fuzzes from the *served* one.
OFFLINE_DOCUMENT = create_app().openapi()
OPERATIONS = operations(OFFLINE_DOCUMENT)


@pytest.fixture
def served(vercel_emulator: Any) -> dict[str, Any]:
    response = httpx.get(f"{vercel_emulator.url}/openapi.json", timeout=10)
    assert response.status_code == 200
    return response.json()


def known_ids(server: Any) -> dict[str, list[str]]:
    """Real ids of the seed by kind, plus a store connected to a project, so requests reach the handlers."""
    with make_client(server) as client:
        store = client.get_or_create_store(neon_request(server, "fuzz-db")).store
        client.connect_store(server.configuration_id("neon"), store.id, "web-app")
        connected = client.get_store(store.id)
    state = server.state
    with state.lock:
        products = [p for i in state.integrations.values() for p in i.get("products") or []]
        team = server.team_id
        projects = [p for p in state.projects.values() if p.get("teamId") == team]
        pools = {
            "configuration": [c["id"] for c in state.team_configurations(team)],
            "store": [store.id],
            "integration": [*state.integrations, *(i["slug"] for i in state.integrations.values())],
            "product": [p[k] for p in products for k in ("id", "slug")],
            "project": [*(p["id"] for p in projects), *(p["name"] for p in projects)],
            "connection": [c.id for c in connected.projects_metadata if c.id],
            "env": [e.id for p in projects for e in state.project_env_vars(p["id"])],
        }
    pools["connection"] += pools["project"]
    return pools


def test_every_operation_of_the_served_document_is_fuzzed(served):
    assert sorted(operations(served)) == sorted(OPERATIONS)
    assert len(OPERATIONS) >= 10


@pytest.mark.parametrize(("method", "path"), OPERATIONS, ids=[f"{m.upper()} {p}" for m, p in OPERATIONS])
def test_no_generated_request_makes_the_emulator_answer_5xx(vercel_emulator, served, method, path):
    server = vercel_emulator
    operation = served["paths"][path][method]
    parameters = [_resolve(p, served) for p in operation.get("parameters", [])]
    generate = Generator(served, known_ids(server))
    path_params = {p["name"]: generate.path_parameter(p) for p in parameters if p["in"] == "path"}
    query_params = {}
    for p in parameters:
        if p["in"] == "query" and p["name"] not in ("teamId", "slug"):  # team scoping is drawn below
            value = generate.fuzz(p.get("schema", {}), 0, p["name"])
            query_params[p["name"]] = value if p.get("required") else st.none() | value
    body_schema = operation.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema")
    bodies = (
        st.none()
        if body_schema is None
        else st.one_of(generate.fuzz(body_schema), st.binary(max_size=40).map(lambda b: ("raw", b)))
    )
    documented = set(operation.get("responses", {}))
    seen: dict[int, int] = {}
    http = httpx.Client(
        base_url=server.url, headers={"Authorization": f"Bearer {server.admin_token}"}, timeout=10, verify=False
    )

    @FUZZ
    @given(st.fixed_dictionaries(path_params), st.fixed_dictionaries(query_params), bodies, st.integers(0, 4))
    def check(path_values: dict[str, str], query: dict[str, Any], body: Any, scope: int) -> None:
        url = path
        for name, value in path_values.items():
            url = url.replace("{" + name + "}", quote(str(value), safe="") or "%20")
        params = {k: q for k, v in query.items() if (q := _as_query(v)) is not None}
        if scope:  # mostly the seed's team; sometimes the personal account (no team)
            params["teamId"] = server.team_id
        kwargs: dict[str, Any] = {"params": params}
        if isinstance(body, tuple) and body and body[0] == "raw":
            kwargs.update(content=body[1], headers={"content-type": "application/json"})
        elif body_schema is not None:
            kwargs["json"] = body
        response = http.request(method.upper(), url, **kwargs)
        seen[response.status_code] = seen.get(response.status_code, 0) + 1
        assert response.status_code < 500, (method, url, params, body, response.text[:300])
        assert str(response.status_code) in documented, (response.status_code, sorted(documented), url)
        if response.status_code >= 400:
            error = response.json()
            detail = error.get("error", error.get("err")) if isinstance(error, dict) else None
            assert isinstance(detail, dict) and detail.get("code") and detail.get("message"), error
        elif response.content:
            response.json()

    try:
        check()
    finally:
        http.close()
    assert sum(seen.values()) >= EXAMPLES // 2
    _FUZZED[f"{method.upper()} {path}"] = seen


_FUZZED: dict[str, dict[int, int]] = {}


def test_zz_report_the_fuzzing_figures():
    if not _FUZZED:
        pytest.skip("the fuzz tests did not run in this session")
    requests = sum(sum(seen.values()) for seen in _FUZZED.values())
    statuses: dict[int, int] = {}
    for seen in _FUZZED.values():
        for status, count in seen.items():
            statuses[status] = statuses.get(status, 0) + count
    record_figure(
        "openapi fuzz",
        f"{len(_FUZZED)} operations from /openapi.json, {requests} generated requests, 0 answered 5xx; "
        f"statuses: " + ", ".join(f"{k}={v}" for k, v in sorted(statuses.items())),
    )
