"""Vercel's published contract (``data/``) as checks: answers against response schemas, requests against
parameters and bodies. Shared by the emulator suite (``tests/contract``) and the live suite (``tests/live``).

The schemas are read as the contract's README says to: objects are open (extra keys allowed),
overlapping ``oneOf`` lists are checked as ``anyOf``, enums are checked as published.
"""

from __future__ import annotations

import copy
import functools
import json
from collections import Counter
from pathlib import Path
from typing import Any

from jsonschema import Draft7Validator
from jsonschema.exceptions import ValidationError

DATA = Path(__file__).parent / "data"
CONTRACT_FILE = DATA / "vercel-sdk-1.28.35-contract.json"
CREATE_EXCERPT_FILE = DATA / "vercel-openapi-1.28.39-create-excerpt.json"

#: What the checks saw in this session, printed at the end of the run (see conftest.py).
TALLY: Counter[str] = Counter()
OPERATIONS_CHECKED: set[str] = set()


@functools.cache
def contract() -> dict[str, Any]:
    """The whole contract file, parsed once."""
    return json.loads(CONTRACT_FILE.read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def contract_version() -> str:
    """The ``@vercel/sdk`` version the contract was derived from."""
    return str(contract()["sdkVersion"])


def operation(operation_id: str) -> dict[str, Any]:
    """One operation's entry (method, path, parameters, statuses, schemas)."""
    return contract()["operations"][operation_id]  # type: ignore[no-any-return]


def operation_ids() -> list[str]:
    """Every operation the contract covers."""
    return sorted(contract()["operations"])


def open_schema(schema: Any) -> Any:
    """A copy of ``schema`` read the published way: ``oneOf`` as ``anyOf``, no closed objects."""
    if isinstance(schema, list):
        return [open_schema(item) for item in schema]
    if not isinstance(schema, dict):
        return schema
    result: dict[str, Any] = {}
    for key, value in schema.items():
        if key == "oneOf":
            result["anyOf"] = open_schema(value)
        elif key == "additionalProperties" and value is False:
            continue  # OpenAPI objects are open: a new key in an answer is not a break
        elif key in ("properties", "definitions"):
            result[key] = {name: open_schema(sub) for name, sub in value.items()}
        else:
            result[key] = open_schema(value)
    return result


@functools.cache
def response_schema(operation_id: str) -> dict[str, Any] | None:
    """The operation's success-body schema, opened; None when the contract declares no body."""
    raw = operation(operation_id).get("responseSchema")
    return None if raw is None else open_schema(copy.deepcopy(raw))


@functools.cache
def _validator(operation_id: str) -> Draft7Validator | None:
    schema = response_schema(operation_id)
    return None if schema is None else Draft7Validator(schema)


def _describe(error: ValidationError) -> str:
    # Name the place and the rule, never the value: answers can carry secrets (decrypted env values).
    deepest = error
    while deepest.context:  # an anyOf: the branch that got furthest is the one the answer meant
        deepest = max(deepest.context, key=lambda e: (len(e.absolute_path), -len(e.absolute_schema_path)))
    rule = json.dumps(deepest.validator_value, default=str)
    if len(rule) > 120:
        rule = rule[:117] + "..."
    return f"{deepest.json_path}: fails {deepest.validator} {rule}"


def answer_problems(operation_id: str, status: int, body: Any) -> list[str]:
    """What is wrong with an answer, as short lines (empty when it conforms).

    :param operation_id: the contract's operation id.
    :param status: the HTTP status received.
    :param body: the decoded JSON body (None for an empty one).
    """
    op = operation(operation_id)
    TALLY["answers checked"] += 1
    OPERATIONS_CHECKED.add(operation_id)
    problems = []
    if status != int(op["successStatus"]):
        problems.append(f"status {status}, the contract says {op['successStatus']}")
    validator = _validator(operation_id)
    if validator is not None:
        if body is None:
            problems.append("empty body, the contract declares one")
        else:
            problems.extend(sorted({_describe(e) for e in validator.iter_errors(body)}))
    return problems


def check_response(operation_id: str, response: Any) -> Any:
    """Assert an httpx response conforms to the operation's contract; returns its decoded body."""
    body = response.json() if response.content.strip() else None
    problems = answer_problems(operation_id, response.status_code, body)
    assert not problems, f"{operation_id} {response.request.method} {response.request.url.path}: " + "; ".join(
        problems[:8]
    )
    return body


def request_body_schema(operation_id: str) -> dict[str, Any] | None:
    """The operation's request-body schema, as published (closed objects kept)."""
    raw = operation(operation_id).get("requestBodySchema")
    if raw is None:
        return None
    return raw["definitions"][raw["$ref"].rsplit("/", 1)[-1]]  # type: ignore[no-any-return]


def required_body_fields(operation_id: str) -> list[str]:
    """Body fields a request must carry: the SDK's ``required``, plus the newest OpenAPI's for create."""
    schema = request_body_schema(operation_id) or {}
    fields = list(schema.get("required", []))
    if operation_id == "createIntegrationStoreDirect":
        excerpt = json.loads(CREATE_EXCERPT_FILE.read_text(encoding="utf-8"))
        published = excerpt["requestBody"]["content"]["application/json"]["schema"]["required"]
        fields += [name for name in published if name not in fields]
    return fields


def query_parameters(operation_id: str) -> list[dict[str, Any]]:
    """The operation's query parameters (name, required, schema)."""
    return [p for p in operation(operation_id)["parameters"] if p["in"] == "query"]


def enum_parameters() -> list[tuple[str, str, list[str]]]:
    """``(operation_id, parameter, published values)`` of every closed-enum query parameter."""
    return [
        (op_id, p["name"], list(p["schema"]["enum"]))
        for op_id in operation_ids()
        for p in query_parameters(op_id)
        if "enum" in p["schema"]
    ]
