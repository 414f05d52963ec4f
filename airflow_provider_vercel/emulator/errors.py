"""Vercel-shaped error responses and the exception handlers that produce them."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException

from .responses import JSONResponse

# Codes Vercel documents for plain HTTP errors (docs/api-contract.md §6).
_DEFAULT_CODES = {
    400: "bad_request",
    401: "unauthorized",
    402: "payment_required",
    403: "forbidden",
    404: "not_found",
    405: "method_unknown",
    409: "conflict",
    429: "rate_limited",
    500: "internal_server_error",
    502: "bad_gateway",
    503: "service_unavailable",
    504: "gateway_timeout",
}


def default_code(status: int) -> str:
    """Return Vercel's snake_case error code for an HTTP status.

    status: the HTTP status code.
    """
    return _DEFAULT_CODES.get(status, "bad_request" if status < 500 else "internal_server_error")


def error_body(code: str, message: str, key: str = "error", **extra: Any) -> dict[str, Any]:
    """Build ``{"error": {"code", "message", ...}}``.

    code: snake_case error code.
    message: human-readable text.
    key: top-level key; ``err`` for the endpoints that use that spelling.
    extra: additional fields placed next to code and message.
    """
    return {key: {"code": code, "message": message, **extra}}


class ApiError(Exception):
    """An error answered with Vercel's error body.

    status: HTTP status code.
    message: human-readable text.
    code: snake_case code; defaults from the status.
    key: top-level key of the body (``error`` or ``err``).
    extra: additional fields inside the error object.
    headers: additional response headers.
    """

    def __init__(
        self,
        status: int,
        message: str,
        code: str | None = None,
        *,
        key: str = "error",
        extra: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.code = code or default_code(status)
        self.key = key
        self.extra = extra or {}
        self.headers = headers or {}

    def response(self) -> JSONResponse:
        """Return the JSON response for this error."""
        body = error_body(self.code, self.message, self.key, **self.extra)
        return JSONResponse(body, status_code=self.status, headers=self.headers)


def bad_request(message: str, code: str = "bad_request") -> ApiError:
    """Return a 400 error.

    message: which field is wrong and why.
    code: snake_case code.
    """
    return ApiError(400, message, code)


def not_found(message: str) -> ApiError:
    """Return a 404 error.

    message: what was not found.
    """
    return ApiError(404, message, "not_found")


def _describe_validation(exc: RequestValidationError) -> str:
    parts = []
    for err in exc.errors()[:5]:
        loc = [str(p) for p in err.get("loc", ())]
        where = loc[0] if loc else "request"
        name = ".".join(loc[1:]) or where
        kind = {"query": "query parameter", "path": "path parameter", "header": "header", "body": "body field"}
        parts.append(f"{kind.get(where, where)} `{name}`: {err.get('msg', 'invalid')}")
    return "Invalid request: " + "; ".join(parts) if parts else "Invalid request"


def _allowed_methods(request: Request) -> list[str]:
    """Methods of every route matching the path; a literal path (no parameters) hides templated ones."""
    path = request.url.path
    matching = [
        route
        for route in request.app.routes
        if getattr(route, "methods", None) and getattr(route, "path_regex", None) and route.path_regex.match(path)
    ]
    literal = [route for route in matching if getattr(route, "path", None) == path]
    return sorted({method for route in literal or matching for method in route.methods})


def install_error_handlers(app: FastAPI) -> None:
    """Make every framework-level error answer with Vercel's error body.

    app: the FastAPI application.
    """

    async def on_api_error(_: Request, exc: ApiError) -> JSONResponse:
        return exc.response()

    async def on_validation(_: Request, exc: RequestValidationError) -> JSONResponse:
        # FastAPI answers 422 by default; Vercel answers 400 bad_request.
        return ApiError(400, _describe_validation(exc)).response()

    async def on_http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        status = exc.status_code
        message = {404: "The requested API endpoint was not found.", 405: "Method not allowed."}.get(
            status, str(exc.detail)
        )
        headers = dict(exc.headers or {})
        if status == 405:
            # Starlette names only the first route matching the path; several routes can share a path.
            headers["Allow"] = ", ".join(_allowed_methods(request))
        return ApiError(status, message, headers=headers).response()

    app.add_exception_handler(ApiError, on_api_error)  # type: ignore[arg-type]
    app.add_exception_handler(RequestValidationError, on_validation)  # type: ignore[arg-type]
    app.add_exception_handler(StarletteHTTPException, on_http)  # type: ignore[arg-type]
