"""Bounded HTTP exchanges: a wall-clock deadline per request and a size limit per response.

httpx's timeouts apply to each network operation, so a server that sends one byte per second keeps a
request alive forever. The async client puts the whole exchange under ``asyncio.timeout``. A sync
request cannot be cancelled from outside, so the sync client's own transport runs httpcore over a
network backend whose every connect, read and write gets at most the time left before the request's
deadline: a blocked read then ends at the deadline, with no thread and no signal involved.

The deadline of the request in progress travels in a context variable: httpcore does a sync
request's I/O in the calling thread, so the variable set around ``send`` is the one the reads see.
"""

from __future__ import annotations

import contextvars
import ssl
import time
from collections.abc import AsyncIterator, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import httpcore
import httpx

from airflow_provider_vercel.api.errors import VercelResponseError

DEFAULT_MAX_RESPONSE_BYTES = 4 * 1024 * 1024

# The trace event httpcore emits just before the request line and headers are written.
SENDING_EVENTS = frozenset({"http11.send_request_headers.started", "http2.send_request_headers.started"})


@dataclass
class Attempt:
    """One request on the wire: its deadline, and whether it may have reached the server.

    :param deadline: ``time.monotonic()`` by which the whole exchange must be over.
    :param traced: True once httpcore reported any step (so ``sent`` is known, not guessed).
    :param sent: True once the request's headers started to leave.
    """

    deadline: float
    traced: bool = False
    sent: bool = False

    def remaining(self) -> float:
        """Seconds left before the deadline (negative once past it)."""
        return self.deadline - time.monotonic()

    def may_have_sent(self) -> bool:
        """Whether the server may have seen the request; True when unknown (a transport without traces)."""
        return self.sent or not self.traced


current_attempt: contextvars.ContextVar[Attempt | None] = contextvars.ContextVar("vercel_attempt", default=None)


def _capped(timeout: float | None, expired: type[Exception]) -> float | None:
    """``timeout`` shortened to what is left of the current request's deadline."""
    attempt = current_attempt.get()
    if attempt is None:
        return timeout
    remaining = attempt.remaining()
    if remaining <= 0:
        raise expired("request deadline reached")
    return remaining if timeout is None else min(timeout, remaining)


class _DeadlineStream(httpcore.NetworkStream):
    """A network stream whose every operation ends by the current request's deadline."""

    def __init__(self, inner: httpcore.NetworkStream) -> None:
        self._inner = inner

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._inner.read(max_bytes, _capped(timeout, httpcore.ReadTimeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._inner.write(buffer, _capped(timeout, httpcore.WriteTimeout))

    def close(self) -> None:
        self._inner.close()

    def start_tls(
        self, ssl_context: ssl.SSLContext, server_hostname: str | None = None, timeout: float | None = None
    ) -> httpcore.NetworkStream:
        inner = self._inner.start_tls(ssl_context, server_hostname, _capped(timeout, httpcore.ConnectTimeout))
        return _DeadlineStream(inner)

    def get_extra_info(self, info: str) -> Any:
        return self._inner.get_extra_info(info)


class _DeadlineBackend(httpcore.NetworkBackend):
    """httpcore's sync socket backend, with connects and streams bounded by the request deadline.

    Name resolution happens inside the socket connect and cannot be interrupted; the connect
    timeout still applies to it.
    """

    def __init__(self) -> None:
        self._inner = httpcore.SyncBackend()

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        stream = self._inner.connect_tcp(
            host, port, _capped(timeout, httpcore.ConnectTimeout), local_address, socket_options
        )
        return _DeadlineStream(stream)

    def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Iterable[Any] | None = None
    ) -> httpcore.NetworkStream:
        return _DeadlineStream(
            self._inner.connect_unix_socket(path, _capped(timeout, httpcore.ConnectTimeout), socket_options)
        )

    def sleep(self, seconds: float) -> None:
        self._inner.sleep(seconds)


# httpcore's exceptions as the httpx ones the client handles (httpx does the same in its own transport).
_HTTPX_ERRORS: tuple[tuple[type[Exception], type[httpx.TransportError]], ...] = (
    (httpcore.ConnectTimeout, httpx.ConnectTimeout),
    (httpcore.ReadTimeout, httpx.ReadTimeout),
    (httpcore.WriteTimeout, httpx.WriteTimeout),
    (httpcore.PoolTimeout, httpx.PoolTimeout),
    (httpcore.ConnectError, httpx.ConnectError),
    (httpcore.ReadError, httpx.ReadError),
    (httpcore.WriteError, httpx.WriteError),
    (httpcore.RemoteProtocolError, httpx.RemoteProtocolError),
    (httpcore.LocalProtocolError, httpx.LocalProtocolError),
    (httpcore.UnsupportedProtocol, httpx.UnsupportedProtocol),
    (httpcore.ProxyError, httpx.ProxyError),
)


_CORE_ERRORS = tuple(core for core, _ in _HTTPX_ERRORS)


def _as_httpx(exc: Exception) -> Exception:
    for core, mapped in _HTTPX_ERRORS:
        if isinstance(exc, core):
            return mapped(str(exc))
    return exc


class _BodyStream(httpx.SyncByteStream):
    def __init__(self, inner: Iterable[bytes]) -> None:
        self._inner = inner

    def __iter__(self) -> Iterator[bytes]:
        try:
            yield from self._inner
        except _CORE_ERRORS as exc:
            raise _as_httpx(exc) from None

    def close(self) -> None:
        close = getattr(self._inner, "close", None)
        if close is not None:
            close()


class DeadlineTransport(httpx.BaseTransport):
    """httpx transport over an httpcore pool whose network I/O honours the request deadline.

    :param ssl_context: TLS settings for https.
    :param limits: pool size and keep-alive.
    """

    def __init__(self, ssl_context: ssl.SSLContext, limits: httpx.Limits) -> None:
        self._pool = httpcore.ConnectionPool(
            ssl_context=ssl_context,
            max_connections=limits.max_connections,
            max_keepalive_connections=limits.max_keepalive_connections,
            keepalive_expiry=limits.keepalive_expiry,
            network_backend=_DeadlineBackend(),
        )

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        core_request = httpcore.Request(
            method=request.method,
            url=httpcore.URL(
                scheme=request.url.raw_scheme,
                host=request.url.raw_host,
                port=request.url.port,
                target=request.url.raw_path,
            ),
            headers=request.headers.raw,
            content=request.stream if isinstance(request.stream, Iterable) else None,
            extensions=request.extensions,
        )
        try:
            answer = self._pool.handle_request(core_request)
        except _CORE_ERRORS as exc:
            raise _as_httpx(exc) from None
        stream = answer.stream if isinstance(answer.stream, Iterable) else ()
        return httpx.Response(
            status_code=answer.status,
            headers=answer.headers,
            stream=_BodyStream(stream),
            extensions=answer.extensions,
        )

    def close(self) -> None:
        self._pool.close()


def _too_large(method: str, path: str, limit: int) -> VercelResponseError:
    return VercelResponseError(method, path, f"response body larger than the {limit}-byte limit")


def check_declared_size(response: httpx.Response, limit: int, method: str, path: str) -> None:
    """Refuse a response whose ``Content-Length`` already exceeds ``limit``, before reading it."""
    declared = response.headers.get("Content-Length", "").strip()
    if declared.isdigit() and len(declared) <= 20 and int(declared) > limit:
        raise _too_large(method, path, limit)


class DeadlineExpired(Exception):
    """The request's deadline passed between two chunks of the body (seen by our own check)."""


def read_body(response: httpx.Response, attempt: Attempt, limit: int, method: str, path: str) -> bytes:
    """The whole (decoded) body, refused past ``limit`` bytes and stopped at the deadline.

    :param response: a response opened with ``stream=True``.
    :param attempt: the request's deadline.
    :param limit: the largest body accepted, in bytes after decompression.
    :param method: HTTP method, for the error.
    :param path: request path, for the error.
    """
    check_declared_size(response, limit, method, path)
    chunks: list[bytes] = []
    size = 0
    for chunk in response.iter_bytes():
        size += len(chunk)
        if size > limit:
            raise _too_large(method, path, limit)
        chunks.append(chunk)
        if attempt.remaining() <= 0:  # a transport without the deadline backend: check between chunks
            raise DeadlineExpired()
    return b"".join(chunks)


async def aread_body(response: httpx.Response, limit: int, method: str, path: str) -> bytes:
    """Async twin of ``read_body``; the deadline is the caller's ``asyncio.timeout``."""
    check_declared_size(response, limit, method, path)
    chunks: list[bytes] = []
    size = 0
    body: AsyncIterator[bytes] = response.aiter_bytes()
    async for chunk in body:
        size += len(chunk)
        if size > limit:
            raise _too_large(method, path, limit)
        chunks.append(chunk)
    return b"".join(chunks)
