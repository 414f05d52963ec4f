"""``VercelApiOperator``: call any Vercel endpoint with the connection's token, team and retry policy.

API modules that build pydantic models (``calls``, ``plans``, ``provisioning``) are imported where they
are used, not at the top: DAG files import this module when they are parsed, and those imports would
multiply its cost (``make bench BENCH_ARGS="--only parse"``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from airflow.providers.common.compat.sdk import determine_kwargs

from airflow_provider_vercel.api import validation as check
from airflow_provider_vercel.api.coerce import decode_text, optional_text, rendered_mapping
from airflow_provider_vercel.api.errors import VercelInputError
from airflow_provider_vercel.tasks.base import VercelBaseOperator, is_deferred, task_failures

if TYPE_CHECKING:
    from airflow.providers.common.compat.sdk import Context


def _check_call(method: Any, path: Any, query: Any) -> Any:
    from airflow_provider_vercel.api import calls  # heavy: see the module docstring

    return calls.generic(method, path, check.finite_json("query", rendered_mapping("query", query)))


def _checked_body(body: Any) -> Any:
    return check.finite_json("body", _json_body(body))


def _json_body(body: Any) -> Any:
    """The body to send as JSON; text that looks like a JSON object or array (a rendered template) is decoded."""
    if not isinstance(body, str):
        return body
    text = optional_text(body)
    if text is None:
        return None
    if text.lstrip()[:1] in ("{", "["):
        return decode_text("body", text, "looks like JSON but does not parse")
    return body


class VercelApiOperator(VercelBaseOperator):
    """Call any Vercel REST endpoint (an HTTP task with the Vercel connection's auth).

    The hook adds the bearer token and the team scope (``teamId``/``slug``); GET, HEAD and DELETE
    are retried on 429, 5xx and network errors (honouring ``Retry-After``), other methods are sent
    once; an error status fails the task with Vercel's error code and message (never the token).

    Returns (XCom ``return_value``) the decoded JSON response (None for an empty body), or what
    ``response_filter`` returns. Keep it small and free of secrets: XCom values are not masked.

    :param path: the endpoint path, e.g. ``/v1/storage/stores`` (templated).
    :param method: HTTP method, ``GET`` by default (templated).
    :param query: query parameters; team scoping is added automatically (templated).
    :param body: JSON body for POST, PUT or PATCH; text of a JSON object or array is decoded (templated).
    :param response_filter: callable turning the decoded JSON into the return value; it may also
        accept Airflow context variables as keyword arguments (as ``HttpOperator``'s does).
    :param vercel_conn_id: the Vercel connection (templated).
    """

    template_fields: Sequence[str] = ("path", "method", "query", "body", *VercelBaseOperator.template_fields)
    template_fields_renderers = {"query": "json", "body": "json"}

    def __init__(
        self,
        *,
        path: str,
        method: str = "GET",
        query: dict[str, Any] | str | None = None,
        body: Any = None,
        response_filter: Callable[..., Any] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.path = path
        self.method = method
        self.query = query
        self.body = body
        self.response_filter = response_filter
        if response_filter is not None and not callable(response_filter):
            raise VercelInputError("response_filter", f"must be callable, got {type(response_filter).__name__}")

        if not any(map(is_deferred, (method, path, query))):
            _check_call(method, path, query)
        if not is_deferred(body):
            _checked_body(body)

    def execute(self, context: Context) -> Any:
        with task_failures():
            self.check_rendered()
            call = _check_call(self.method, self.path, self.query)
            body = _checked_body(self.body)
            self.log.info("Calling %s %s", call.method, call.path)
            data = self.hook.client.request(call.method, call.path, params=call.params, json=body)
        if self.response_filter is None:
            return data
        kwargs = determine_kwargs(self.response_filter, [data], context)
        return self.response_filter(data, **kwargs)
