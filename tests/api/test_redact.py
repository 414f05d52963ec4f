"""The token echoed back by a server (``redact.py``): scrubbed from errors, logs, returned JSON and XCom.

Against a server that echoes the ``Authorization`` header on purpose (real HTTP on loopback), for both
clients; the checks are those of ``tests.helpers.hostile_clients``.
"""

from __future__ import annotations

import json

import pytest

from airflow_provider_vercel.api.errors import (
    VercelApiError,
    VercelBadRequestError,
    VercelRateLimitedError,
    VercelResponseError,
    VercelServerError,
    VercelUnauthorizedError,
)
from airflow_provider_vercel.api.retry import RetryPolicy
from tests.helpers.hostile_clients import (
    FLAVOURS,
    MARGIN,
    TOKEN,
    Outcome,
    assert_token_nowhere,
    hostile_connection,
    one,
    report,
)

RETRIED_ONCE = RetryPolicy(max_attempts=2, backoff_initial=0.01, backoff_max=0.02, max_elapsed=5)


@pytest.mark.parametrize("flavour", FLAVOURS)
@pytest.mark.parametrize(
    ("status", "error_type"),
    [(400, VercelBadRequestError), (401, VercelUnauthorizedError), (429, VercelRateLimitedError), (500, VercelServerError)],
)
@pytest.mark.parametrize(("method", "args"), [("request", ("GET", "/v1/anything")), ("list_configurations", ())])
def test_a_token_echoed_in_every_error_field_reaches_no_error_or_log(
    flavour, status, error_type, method, args, hostile, caplog
):
    hostile.mode, hostile.status = "echo_token", status
    outcome = one(flavour, hostile, method, *args, retry_policy=RETRIED_ONCE)
    report(f"echo_token {status} {method} {flavour}", outcome.wall)
    assert type(outcome.error) is error_type
    assert isinstance(outcome.error, VercelApiError) and outcome.error.code == "***"
    assert "***" in outcome.error.message
    expected = RETRIED_ONCE.max_attempts if status in RETRIED_ONCE.retry_statuses else 1
    assert len(hostile.seen) == expected
    if expected > 1:  # the retry WARNING line was written, with the scrubbed code
        assert any("retrying" in r.getMessage() and "***" in r.getMessage() for r in caplog.records)
    assert outcome.wall < RETRIED_ONCE.max_elapsed + MARGIN
    assert_token_nowhere([outcome], caplog)


@pytest.mark.parametrize("flavour", FLAVOURS)
def test_a_token_echoed_in_a_200_body_is_scrubbed_from_the_returned_json(flavour, hostile, caplog):
    hostile.mode, hostile.status = "echo_token", 200
    outcome = one(flavour, hostile, "request", "GET", "/v1/anything")
    report(f"echo_token 200 request {flavour}", outcome.wall)
    assert outcome.error is None
    assert outcome.value["echo"] == "***"
    assert outcome.value["nested"] == [{"***": "Bearer ***"}]
    assert outcome.value["escaped"] == "***"  # sent as \\u-escaped JSON: decoded, then scrubbed
    assert len(hostile.seen) == 1
    assert_token_nowhere([outcome], caplog)


@pytest.mark.parametrize("flavour", FLAVOURS)
def test_a_token_echoed_in_a_200_body_of_the_wrong_shape_is_not_quoted_by_the_contract_error(
    flavour, hostile, caplog
):
    hostile.mode, hostile.status = "echo_token", 200
    outcome = one(flavour, hostile, "list_configurations")
    assert type(outcome.error) is VercelResponseError
    assert_token_nowhere([outcome], caplog)


def test_api_operator_xcom_holds_no_echoed_token(hostile, monkeypatch, caplog):
    from airflow_provider_vercel.operators.api import VercelApiOperator
    from tests.operators.conftest import RecordingTaskInstance

    hostile.mode, hostile.status = "echo_token", 200
    hostile_connection(monkeypatch, hostile)
    ti = RecordingTaskInstance()
    result = VercelApiOperator(task_id="call", path="/v1/anything").execute({"ti": ti})
    assert result["echo"] == "***"
    assert TOKEN not in json.dumps(result) and TOKEN not in json.dumps(ti.xcoms)
    assert_token_nowhere([Outcome(result, None, 0.0)], caplog)
