"""Where the CLI writes (every line scrubbed of the token), its exit statuses, and the one line each failure is."""

from __future__ import annotations

import contextlib
import json
import logging
from collections.abc import Callable, Iterator
from typing import Any, TextIO

from airflow_provider_vercel.api import errors
from airflow_provider_vercel.api.redact import Redactor
from airflow_provider_vercel.cli.parser import flag_of

EXIT_OK = 0
EXIT_NO_PLAN = 1
EXIT_USAGE = 2
EXIT_API = 3
EXIT_INTERNAL = 4
EXIT_INTERRUPTED = 130

# Shorter "secrets" would scrub ordinary words; no real token is this short.
_MIN_SECRET_LENGTH = 4


class CliError(Exception):
    """A failure reported as one line on stderr, ``message`` (without ``error:``), and exit status ``status``."""

    def __init__(self, message: str, status: int = EXIT_USAGE) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


def error_line(exc: BaseException) -> tuple[str, int]:
    """The one-line message (without ``error:``) and the exit status for an exception ``exc`` a command raised."""
    if isinstance(exc, CliError):
        return exc.message, exc.status
    if isinstance(exc, errors.VercelInputError):
        return errors.one_line(f"{flag_of(exc.argument)}: {exc.reason}"), EXIT_USAGE
    if isinstance(exc, errors.VercelError):
        return errors.failure_text(exc), EXIT_API
    return f"internal error: {type(exc).__name__}: {errors.one_line(str(exc))} (run with -v for the traceback)", EXIT_INTERNAL


class Output:
    """Where the CLI writes; every line is scrubbed of the secrets it was told about.

    :param stdout: stream for results (tables or the one JSON document).
    :param stderr: stream for errors, warnings and notes.
    """

    def __init__(self, stdout: TextIO, stderr: TextIO) -> None:
        self.stdout = stdout
        self.stderr = stderr
        self._redactors: list[Redactor] = []

    def hide(self, secret: str | None) -> None:
        """Never write ``secret`` (the API token), with or without its surrounding blanks, from now on."""
        for text in dict.fromkeys((secret, secret.strip())) if secret else ():
            if len(text) >= _MIN_SECRET_LENGTH:
                self._redactors.append(Redactor(text))

    def scrub(self, text: str) -> str:
        """``text`` with every known secret replaced by ``***``."""
        for redactor in self._redactors:
            text = redactor.text(text)
        return text

    def out(self, text: str = "") -> None:
        """Write a line to stdout."""
        self.stdout.write(self.scrub(text) + "\n")

    def err(self, text: str) -> None:
        """Write a line to stderr."""
        self.write(text + "\n")

    def write(self, text: str) -> None:
        """Write ``text`` to stderr, scrubbed (the stream of the ``-v`` log handler)."""
        self.stderr.write(self.scrub(text))
        self.stderr.flush()

    def flush(self) -> None:
        """Flush stderr (the log handler's stream protocol)."""
        self.stderr.flush()

    def result(self, document: Any, render: Callable[[Any, Output], None], as_json: bool) -> None:
        """Print ``document``: with ``as_json`` (``--json``) as the one JSON document on stdout, else by ``render``."""
        if as_json:
            self.out(json.dumps(document, indent=2, default=str))
        else:
            render(document, self)

    @contextlib.contextmanager
    def logging_to_stderr(self, enabled: bool) -> Iterator[None]:
        """With ``enabled`` (``-v``), the client's and httpx's logs on stderr, scrubbed, while the block runs."""
        loggers = [logging.getLogger(name) for name in ("airflow_provider_vercel", "httpx")] if enabled else []
        handler = logging.StreamHandler(self)
        handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
        levels = [logger.level for logger in loggers]
        for logger in loggers:
            logger.addHandler(handler)
            logger.setLevel(logging.DEBUG)
        try:
            yield
        finally:
            for logger, level in zip(loggers, levels):
                logger.removeHandler(handler)
                logger.setLevel(level)
