"""The ASGI gate in front of every endpoint: request log, latency, rate-limit window and faults.

It must sit outside Starlette's own middleware, where ``send`` is still the server's: dropping a
connection without a response needs the server's transport, which uvicorn exposes as
``send.__self__.transport`` (its request cycle object). Control endpoints (``/_emulator/…``) and the
OpenAPI documents bypass the gate entirely: they are not logged and never faulted.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any
from urllib.parse import parse_qsl

from .errors import default_code, error_body
from .faults import Fault, Faults, WindowVerdict, retry_after_header
from .limits import DEFAULT_MAX_BODY_BYTES
from .requestlog import RequestLog

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

CONTROL_PREFIX = "/_emulator/"
UNGATED_PATHS = frozenset({"/openapi.json", "/docs", "/docs/oauth2-redirect", "/redoc", "/_emulator"})

_TRUNCATION = b"<!-- emulator: truncated -->"


def _header_list(headers: dict[str, str]) -> list[tuple[bytes, bytes]]:
    return [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in headers.items()]


async def _send_json(send: Send, status: int, body: Any, headers: dict[str, str] | None = None) -> None:
    payload = json.dumps(body).encode()
    all_headers = {"content-type": "application/json; charset=utf-8", "content-length": str(len(payload))}
    all_headers.update(headers or {})
    await send({"type": "http.response.start", "status": status, "headers": _header_list(all_headers)})
    await send({"type": "http.response.body", "body": payload, "more_body": False})


def _replace_length(headers: list[tuple[bytes, bytes]], length: int) -> list[tuple[bytes, bytes]]:
    kept = [(k, v) for k, v in headers if k.lower() != b"content-length"]
    return [*kept, (b"content-length", str(length).encode())]


async def _drop(send: Send, partial: tuple[int, list[tuple[bytes, bytes]], bytes] | None = None) -> None:
    """Drop the connection, optionally after a status line, headers and part of a body.

    send: the server's send callable.
    partial: (status, headers, full body) to start answering before dropping, or None for no bytes.
    """
    cycle = getattr(send, "__self__", None)
    transport = getattr(cycle, "transport", None)
    if partial is not None:
        status, headers, body = partial
        declared = len(body) if body else 2  # an empty body cannot be left incomplete
        await send({"type": "http.response.start", "status": status, "headers": _replace_length(headers, declared)})
        await send({"type": "http.response.body", "body": body[: len(body) // 2], "more_body": True})
    if transport is None:
        if partial is None:
            # No transport (e.g. an in-process ASGI client): an unfinished response is the closest drop.
            await send({"type": "http.response.start", "status": 200, "headers": [(b"content-length", b"2")]})
            await send({"type": "http.response.body", "body": b"", "more_body": True})
        return
    if partial is None:
        transport.abort()  # RST: the client gets no response at all
    else:
        transport.close()  # flushes what was written, then FIN mid-body
    # Let the server notice the disconnect so it does not log an unfinished response as an app error.
    for _ in range(200):
        if getattr(cycle, "disconnected", True):
            break
        await asyncio.sleep(0.001)


def rate_limited_body(limit: int, reset_at: float) -> dict[str, Any]:
    """Build the 429 body with ``error.limit``.

    limit: the advertised budget.
    reset_at: epoch seconds when the budget frees.
    """
    return error_body(
        "rate_limited",
        "Too many requests, please try again later.",
        limit={"remaining": 0, "reset": int(reset_at), "resetMs": int(reset_at * 1000), "total": limit},
    )


def _rate_headers(limit: int, remaining: int, reset_at: float) -> dict[str, str]:
    return {
        "x-ratelimit-limit": str(limit),
        "x-ratelimit-remaining": str(remaining),
        "x-ratelimit-reset": str(int(reset_at)),
    }


class _BodyTooLarge(Exception):
    pass


async def _bounded_body(scope: Scope, receive: Receive, limit: int) -> Receive:
    """Read the request body, at most ``limit`` bytes, and return a receive that replays it.

    A declared ``Content-Length`` over the limit is refused before a byte of the body is read; a body
    streamed without one is refused as soon as it passes the limit. Either way the rest is never read
    (the server stops reading from the socket and the connection is closed after the answer).
    """
    for key, value in scope.get("headers", []):
        if key.lower() == b"content-length" and value.strip().isdigit() and int(value) > limit:
            raise _BodyTooLarge
    buffered: list[Message] = []
    size = 0
    while True:
        message = await receive()
        buffered.append(message)
        if message["type"] != "http.request":
            break
        size += len(message.get("body", b""))
        if size > limit:
            raise _BodyTooLarge
        if not message.get("more_body"):
            break

    async def replay() -> Message:
        if buffered:
            return buffered.pop(0)
        return await receive()

    return replay


class FaultGate:
    """Applies the body size limit, logging and faults around an ASGI app.

    faults: the fault registry.
    log: the request log.
    max_body_bytes: largest request body accepted; larger ones are answered 400 while reading.
    """

    def __init__(self, faults: Faults, log: RequestLog, max_body_bytes: int = DEFAULT_MAX_BODY_BYTES) -> None:
        if isinstance(max_body_bytes, bool) or not isinstance(max_body_bytes, int) or max_body_bytes < 1:
            raise ValueError("max_body_bytes must be a positive integer")
        self.faults = faults
        self.log = log
        self.max_body_bytes = max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send, app: ASGIApp) -> None:
        """Serve one request through ``app``.

        scope: ASGI scope.
        receive: ASGI receive.
        send: ASGI send (the server's).
        app: the application behind the gate.
        """
        path = scope.get("path", "")
        if scope.get("type") != "http":
            await app(scope, receive, send)
            return
        gated = not (path.startswith(CONTROL_PREFIX) or path in UNGATED_PATHS)
        method = scope["method"]
        query = dict(parse_qsl(scope.get("query_string", b"").decode("latin-1"), keep_blank_values=True))
        try:
            receive = await _bounded_body(scope, receive, self.max_body_bytes)
        except _BodyTooLarge:
            if gated:
                self.log.finish(self.log.start(method, path, query), 400)
            # 400 as for any body the emulator cannot take; the connection closes, the rest stays unread.
            body = error_body("bad_request", f"The request body is larger than {self.max_body_bytes} bytes.")
            await _send_json(send, 400, body, {"connection": "close"})
            return
        if not gated:
            await app(scope, receive, send)
            return
        entry = self.log.start(method, path, query)
        if self.faults.latency_seconds:
            await asyncio.sleep(self.faults.latency_seconds)
        verdict = self.faults.check_window()
        if verdict is not None and not verdict.admitted:
            headers = _rate_headers(verdict.limit, 0, verdict.reset_at)
            headers["retry-after"] = str(verdict.retry_after)
            self.log.finish(entry, 429, "rate_limit_window")
            await _send_json(send, 429, rate_limited_body(verdict.limit, verdict.reset_at), headers)
            return
        fault = self.faults.take(method, path)

        # The log is completed before the first byte goes out, so a client that has its answer (or its
        # transport error) always finds the request logged with its final status.
        def record(status: int) -> None:
            self.log.finish(entry, status, None if fault is None else fault.kind)

        if fault is None:
            await self._pass(app, scope, receive, send, verdict, record)
        else:
            await self._apply(fault, app, scope, receive, send, verdict, record)

    async def _apply(
        self,
        fault: Fault,
        app: ASGIApp,
        scope: Scope,
        receive: Receive,
        send: Send,
        verdict: WindowVerdict | None,
        record: Callable[[int], None],
    ) -> None:
        """Apply one fault."""
        kind = fault.kind
        if kind == "rate_limit":
            reset_at = time.time() + (fault.retry_after or 0)
            headers = _rate_headers(fault.limit, 0, reset_at)
            if fault.retry_after is not None:
                headers["retry-after"] = retry_after_header(fault.retry_after, fault.http_date)
            record(429)
            await _send_json(send, 429, rate_limited_body(fault.limit, reset_at), headers)
        elif kind == "server_error":
            status = fault.status or 500
            headers = {} if fault.retry_after is None else {"retry-after": str(fault.retry_after)}
            record(status)
            await _send_json(send, status, error_body(default_code(status), "Injected server error."), headers)
        elif kind == "reset_connection":
            record(0)
            await _drop(send)
        elif kind == "delay":
            replay = await self._sleep_unless_gone(receive, fault.seconds or 0.0)
            if replay is None:
                record(499)
            else:
                await self._pass(app, scope, replay, send, verdict, record)
        else:
            await self._apply_after_commit(fault, app, scope, receive, send, record)

    async def _apply_after_commit(
        self, fault: Fault, app: ASGIApp, scope: Scope, receive: Receive, send: Send, record: Callable[[int], None]
    ) -> None:
        """Run the endpoint (its side effects happen), then spoil its answer as the fault says."""
        status, headers, body = await self._capture(app, scope, receive)
        kind = fault.kind
        if kind == "malformed_json":
            broken = body[: len(body) // 2] + _TRUNCATION
            record(status)
            await send(
                {"type": "http.response.start", "status": status, "headers": _replace_length(headers, len(broken))}
            )
            await send({"type": "http.response.body", "body": broken, "more_body": False})
        elif kind == "commit_then_drop":
            record(0)
            await _drop(send, (status, headers, body))
        elif kind == "commit_then_error":
            error_status = fault.status or 500
            record(error_status)
            await _send_json(send, error_status, error_body(default_code(error_status), "Injected server error."))
        else:  # commit_then_delay
            record(status)
            if not await _nap_unless_gone(receive, fault.seconds or 0.0):
                return  # the client gave up; nothing left to answer
            await send({"type": "http.response.start", "status": status, "headers": headers})
            await send({"type": "http.response.body", "body": body, "more_body": False})

    async def _pass(
        self,
        app: ASGIApp,
        scope: Scope,
        receive: Receive,
        send: Send,
        verdict: WindowVerdict | None,
        record: Callable[[int], None],
    ) -> None:
        """Run the app unchanged (plus rate-limit headers), recording its status as it starts answering."""
        extra = (
            [] if verdict is None else _header_list(_rate_headers(verdict.limit, verdict.remaining, verdict.reset_at))
        )

        async def watching_send(message: Message) -> None:
            if message["type"] == "http.response.start":
                record(message["status"])
                if extra:
                    message = {**message, "headers": list(message.get("headers", [])) + extra}
            await send(message)

        await app(scope, receive, watching_send)

    async def _capture(
        self, app: ASGIApp, scope: Scope, receive: Receive
    ) -> tuple[int, list[tuple[bytes, bytes]], bytes]:
        """Run the app, keeping its response instead of sending it."""
        start: dict[str, Any] = {"status": 500, "headers": []}
        chunks: list[bytes] = []

        async def keeping_send(message: Message) -> None:
            if message["type"] == "http.response.start":
                start["status"] = message["status"]
                start["headers"] = list(message.get("headers", []))
            elif message["type"] == "http.response.body":
                chunks.append(bytes(message.get("body", b"")))

        await app(scope, receive, keeping_send)
        return start["status"], start["headers"], b"".join(chunks)

    async def _sleep_unless_gone(self, receive: Receive, seconds: float) -> Receive | None:
        """Read the body, sleep, and return a receive that replays it; None if the client left."""
        buffered: list[Message] = []
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return None
            buffered.append(message)
            if not message.get("more_body"):
                break
        if not await _nap_unless_gone(receive, seconds):
            return None

        async def replay() -> Message:
            if buffered:
                return buffered.pop(0)
            return await receive()

        return replay


async def _nap_unless_gone(receive: Receive, seconds: float) -> bool:
    """Sleep, waking early if the client disconnects; return whether it is still connected.

    receive: ASGI receive, with the request body already consumed (so it only reports a disconnect).
    seconds: how long to sleep.
    """
    gone = asyncio.ensure_future(receive())
    nap = asyncio.ensure_future(asyncio.sleep(seconds))
    try:
        done, _ = await asyncio.wait({gone, nap}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for task in (gone, nap):
            if not task.done():
                task.cancel()
    return not (gone in done and gone.result().get("type") == "http.disconnect")
