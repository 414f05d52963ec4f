"""A base for scripted HTTP servers on loopback that answer JSON (``http.server``, standard library)."""

from __future__ import annotations

import json
from http.server import BaseHTTPRequestHandler


class JsonAnswers(BaseHTTPRequestHandler):
    """A request handler whose subclasses answer with ``_send``; it writes no access log."""

    def log_message(self, *args: object) -> None:  # keep test output clean
        pass

    def _send(self, status: int, body: object) -> None:
        """Answer ``status`` with ``body`` as JSON.

        :param status: the HTTP status.
        :param body: anything ``json.dumps`` renders.
        """
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)
