"""The FastAPI application that emulates the Vercel REST API endpoints of docs/api-contract.md."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI

from . import inflight, routes_catalog, routes_control, routes_projects, routes_stores
from .errors import install_error_handlers
from .faults import Faults
from .limits import DEFAULT_MAX_BODY_BYTES
from .middleware import FaultGate, Receive, Scope, Send
from .requestlog import RequestLog
from .responses import JSONResponse
from .state import EmulatorState


class EmulatorApp(FastAPI):
    """FastAPI with the fault gate outermost, so it sees the server's own ``send`` (needed to drop connections)."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Serve one ASGI connection through the gate.

        scope: ASGI scope.
        receive: ASGI receive.
        send: ASGI send.
        """
        gate: FaultGate | None = getattr(self.state, "emulator_gate", None)
        if gate is None or scope["type"] != "http":
            await super().__call__(scope, receive, send)
            return
        async with self.state.emulator_inflight.track(scope["method"], scope.get("path", "")):
            await gate(scope, receive, send, super().__call__)


def _json_encoded_query(schema: dict[str, Any], operation_id: str, name: str) -> None:
    """Declare a query parameter as a JSON-encoded object (OpenAPI ``content``), which FastAPI cannot express."""
    for operations in schema.get("paths", {}).values():
        for operation in operations.values():
            if not isinstance(operation, dict) or operation.get("operationId") != operation_id:
                continue
            for parameter in operation.get("parameters", []):
                if parameter.get("name") == name and parameter.get("in") == "query":
                    parameter.pop("schema", None)
                    parameter["content"] = {"application/json": {"schema": {"type": "object"}}}


def _openapi(app: FastAPI) -> dict[str, Any]:
    """Generate the schema once, without FastAPI's 422 responses (the emulator answers 400 instead)."""
    if app.openapi_schema is None:
        schema = FastAPI.openapi(app)
        for operations in schema.get("paths", {}).values():
            for operation in operations.values():
                if isinstance(operation, dict):
                    operation.get("responses", {}).pop("422", None)
        schema.get("components", {}).get("schemas", {}).pop("HTTPValidationError", None)
        schema.get("components", {}).get("schemas", {}).pop("ValidationError", None)
        _json_encoded_query(schema, "getBillingPlans", "metadata")
        schema["servers"] = [{"url": "/"}]
        app.openapi_schema = schema
    return app.openapi_schema


def create_app(
    state: EmulatorState | None = None,
    faults: Faults | None = None,
    log: RequestLog | None = None,
    max_body_bytes: int = DEFAULT_MAX_BODY_BYTES,
) -> FastAPI:
    """Build the emulator app.

    state: the emulated account; None loads the packaged seed.
    faults: the fault registry; None creates an empty one.
    log: the request log; None creates an empty one.
    max_body_bytes: largest request body accepted (larger ones are answered 400 while reading).
    """
    app = EmulatorApp(
        title="Vercel API emulator",
        version="1.0",
        description="Local emulator of the Vercel REST API endpoints used to provision Marketplace integration stores.",
        default_response_class=JSONResponse,
        redirect_slashes=False,
    )
    app.state.emulator_state = state if state is not None else EmulatorState()
    app.state.emulator_faults = faults if faults is not None else Faults()
    app.state.emulator_log = log if log is not None else RequestLog()
    app.state.emulator_gate = FaultGate(app.state.emulator_faults, app.state.emulator_log, max_body_bytes)
    app.state.emulator_inflight = inflight.InFlight()
    install_error_handlers(app)
    for module in (routes_catalog, routes_stores, routes_projects, routes_control, inflight):
        app.include_router(module.router)
    app.openapi = lambda: _openapi(app)  # type: ignore[method-assign]
    return app
