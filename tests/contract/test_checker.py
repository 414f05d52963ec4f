"""The conformance checker itself refuses the answers the contract forbids (so a passing suite means something)."""

from __future__ import annotations

import pytest

from tests.contract.conformance import answer_problems, open_schema, operation_ids

_PAGINATION = {"count": 1, "next": None, "prev": None}
_ENV = {"key": "DATABASE_URL", "value": "x", "type": "encrypted", "securityIssues": []}


@pytest.mark.parametrize(
    ("operation_id", "status", "body", "expected"),
    [
        pytest.param("filterProjectEnvs", 200, {"envs": [_ENV]}, "required", id="bare-envs-without-pagination"),
        pytest.param(
            "filterProjectEnvs",
            200,
            {"envs": [{k: v for k, v in _ENV.items() if k != "securityIssues"}], "pagination": _PAGINATION},
            "securityIssues",
            id="env-without-securityIssues",
        ),
        pytest.param("filterProjectEnvs", 201, {"envs": [_ENV], "pagination": _PAGINATION}, "status 201", id="status"),
        pytest.param("getStorageStoresById", 200, {"store": {"status": "available"}}, "projectsMetadata", id="store"),
        pytest.param(
            "getStorageStoresById",
            200,
            {"store": {"status": "ready", "projectsMetadata": [], "usageQuotaExceeded": False}},
            "enum",
            id="store-status-outside-the-published-enum",
        ),
        pytest.param("getBillingPlans", 200, {"plans": [{"id": "free"}]}, "paymentMethodRequired", id="plan"),
        pytest.param("connectIntegrationResourceToProject", 200, None, "status 200", id="connect-status"),
        pytest.param("getConfigurations", 200, {"configurations": []}, "type", id="configurations-not-an-array"),
    ],
)
def test_checker_reports_what_the_contract_forbids(operation_id: str, status: int, body: object, expected: str) -> None:
    problems = answer_problems(operation_id, status, body)
    assert problems and expected in " ".join(problems)


def test_checker_allows_extra_keys_in_an_answer() -> None:
    body = {"envs": [{**_ENV, "brandNewField": 1}], "pagination": _PAGINATION, "alsoNew": True}
    assert answer_problems("filterProjectEnvs", 200, body) == []


def test_open_schema_reads_one_of_as_any_of_and_drops_closed_objects() -> None:
    schema = {"oneOf": [{"type": "object", "additionalProperties": False, "properties": {"a": {"oneOf": []}}}]}
    assert open_schema(schema) == {"anyOf": [{"type": "object", "properties": {"a": {"anyOf": []}}}]}


def test_contract_copy_covers_the_operations_the_client_calls() -> None:
    assert set(operation_ids()) == {
        "getConfigurations",
        "getConfiguration",
        "getConfigurationProducts",
        "getBillingPlans",
        "createIntegrationStoreDirect",
        "connectIntegrationResourceToProject",
        "getStorageStoresById",
        "filterProjectEnvs",
        "getProjectEnv",
    }
