"""A small HTTP server that misbehaves on purpose, one mode per behaviour (raw sockets, standard library).

It answers every request according to ``server.mode`` and records what it saw, so tests can count the
requests that reached it. Each connection is served by its own daemon thread and closed after one
answer; ``stop()`` ends the slow modes at once, so a test never waits for a dribbling response.

Modes:
- ``ok``: 200 with ``server.body`` (JSON text, default ``[]``).
- ``rate_limited``: 429 with ``Retry-After: server.retry_after`` (omitted when None) and a Vercel error
  body whose ``limit.resetMs`` is ``server.reset_ms`` (omitted when None).
- ``huge_declared``: headers announcing a 1 TB body, then nothing.
- ``slow_headers``: a status line, then one header byte per second, forever.
- ``slow_body``: complete headers announcing 1000 bytes, then one body byte per second.
- ``endless_chunked``: a chunked 200 whose 64 KiB chunks never end.
- ``deep_nesting``: a 200 whose JSON is 100 000 nested arrays.
- ``echo_token``: ``server.status`` with the bearer token put into every error field (and a 200 body
  that echoes it in values, keys and a ``\\u``-escaped spelling).

``server.routes`` answers chosen (method, path) pairs normally whatever the mode; ``server.script``
gives the next requests their own mode and a delay before answering.
"""

from __future__ import annotations

import json
import socket
import socketserver
import threading
import time
from dataclasses import dataclass, field

CHUNK = b"x" * 65536
NESTING = 100_000


@dataclass
class Seen:
    """One request as the server read it."""

    method: str
    path: str
    headers: dict[str, str] = field(default_factory=dict)
    at: float = field(default_factory=time.monotonic)


class _Handler(socketserver.BaseRequestHandler):
    server: HostileServer

    def handle(self) -> None:
        sock: socket.socket = self.request
        sock.settimeout(5)
        head = b""
        try:
            while b"\r\n\r\n" not in head:
                data = sock.recv(65536)
                if not data:
                    return
                head += data
        except OSError:
            return
        lines = head.split(b"\r\n\r\n", 1)[0].decode("latin-1").split("\r\n")
        method, target, _ = lines[0].split(" ", 2)
        headers = {}
        for line in lines[1:]:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
        mode, delay = self.server.record(Seen(method, target.split("?", 1)[0], headers))
        token = headers.get("authorization", "").removeprefix("Bearer ")
        try:
            if self.server.stopping.wait(delay):
                return
            fixed = self.server.routes.get((method, target.split("?", 1)[0]))
            if fixed is not None:
                self._send(sock, fixed[0], fixed[1].encode())
            else:
                getattr(self, f"mode_{mode}")(sock, token)
        except OSError:  # the client gave up (its deadline or size limit): expected in most modes
            pass

    def _send(self, sock: socket.socket, status: int, body: bytes, extra: str = "") -> None:
        reason = {200: "OK", 400: "Bad Request", 429: "Too Many Requests", 500: "Internal Server Error"}
        head = (
            f"HTTP/1.1 {status} {reason.get(status, 'Whatever')}\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(body)}\r\nConnection: close\r\n{extra}\r\n"
        )
        sock.sendall(head.encode("latin-1") + body)

    def _dribble(self, sock: socket.socket, data: bytes) -> None:
        for byte in data:
            if self.server.stopping.wait(1.0):
                return
            sock.sendall(bytes([byte]))

    def mode_ok(self, sock: socket.socket, token: str) -> None:
        self._send(sock, 200, self.server.body.encode())

    def mode_rate_limited(self, sock: socket.socket, token: str) -> None:
        error: dict[str, object] = {"code": "rate_limited", "message": "slow down"}
        if self.server.reset_ms is not None:
            error["limit"] = {"remaining": 0, "resetMs": self.server.reset_ms, "total": 10}
        extra = "" if self.server.retry_after is None else f"Retry-After: {self.server.retry_after}\r\n"
        # allow_nan: a hostile body may carry the NaN/Infinity literals Python's decoder accepts.
        self._send(sock, 429, json.dumps({"error": error}, allow_nan=True).encode(), extra)

    def mode_huge_declared(self, sock: socket.socket, token: str) -> None:
        sock.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 1000000000000\r\n\r\n")
        self.server.stopping.wait(30)

    def mode_slow_headers(self, sock: socket.socket, token: str) -> None:
        sock.sendall(b"HTTP/1.1 200 OK\r\n")
        self._dribble(sock, b"X-Slow: " + b"a" * 10_000)

    def mode_slow_body(self, sock: socket.socket, token: str) -> None:
        sock.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n")
        self._dribble(sock, b"[" + b" " * 998 + b"]")

    def mode_endless_chunked(self, sock: socket.socket, token: str) -> None:
        sock.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n")
        chunk = b"%x\r\n%s\r\n" % (len(CHUNK), CHUNK)
        while not self.server.stopping.is_set():
            sock.sendall(chunk)
            self.server.chunks_sent += 1

    def mode_deep_nesting(self, sock: socket.socket, token: str) -> None:
        self._send(sock, 200, b"[" * NESTING + b"]" * NESTING)

    def mode_echo_token(self, sock: socket.socket, token: str) -> None:
        if self.server.status == 200:
            escaped = json.dumps(token)[1:-1].replace(token[0], f"\\u{ord(token[0]):04x}", 1)
            body = (
                f'{{"echo": "{token}", "nested": [{{"{token}": "Bearer {token}"}}], '
                f'"escaped": "{escaped}", "id": "icfg_x"}}'
            ).encode()
            self._send(sock, 200, body)
            return
        error = {
            "code": token,
            "message": f"bad token {token}",
            "action": token,
            "limit": {"resetMs": token},
        }
        extra = f"Retry-After: {token}\r\nX-Echo: {token}\r\n"
        self._send(sock, self.server.status, json.dumps({"error": error}).encode(), extra)


class HostileServer(socketserver.ThreadingTCPServer):
    """The server; ``url`` is its base URL on loopback, ``seen`` what it received."""

    daemon_threads = True
    allow_reuse_address = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.mode = "ok"
        self.body = "[]"
        self.status = 400
        self.retry_after: str | None = None
        self.reset_ms: object = None
        self.chunks_sent = 0
        # (method, path) -> (status, JSON text) answered whatever the mode (e.g. a listing before a create).
        self.routes: dict[tuple[str, str], tuple[int, str]] = {}
        # (mode, seconds before answering) for the next requests, in order; then ``mode`` at once.
        self.script: list[tuple[str, float]] = []
        self.seen: list[Seen] = []
        self.stopping = threading.Event()
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host}:{port}"

    def record(self, seen: Seen) -> tuple[str, float]:
        """Keep ``seen``; the mode and delay of this request's answer."""
        with self._lock:
            self.seen.append(seen)
            return self.script.pop(0) if self.script else (self.mode, 0.0)

    def start(self) -> HostileServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self.stopping.set()
        self.shutdown()
        self.server_close()
        self._thread.join(timeout=5)
