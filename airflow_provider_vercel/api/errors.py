"""Exception hierarchy of the Vercel API layer.

Messages carry the HTTP method, path, status and Vercel's error code and message: never the token
and never a whole response body (bodies can echo request data).
"""

from __future__ import annotations

from typing import Any

# Long upstream messages are cut: they go to logs and task failure banners.
_MAX_MESSAGE = 300


class VercelError(Exception):
    """Base class of every error this package raises."""


class VercelInputError(VercelError, ValueError):
    """An argument is invalid; raised before any request is sent.

    :param argument: name of the offending argument, as the caller wrote it.
    :param reason: what is wrong with it.
    """

    def __init__(self, argument: str, reason: str) -> None:
        self.argument = argument
        self.reason = reason
        super().__init__(f"{argument}: {reason}")


class VercelApiError(VercelError):
    """Vercel answered with an error status.

    :param status: HTTP status code.
    :param code: Vercel's error code (``error.code`` or ``err.code``), if any.
    :param message: Vercel's error message, shortened.
    :param method: HTTP method of the request.
    :param path: request path, without query string.
    """

    def __init__(
        self,
        status: int,
        code: str | None,
        message: str | None,
        method: str,
        path: str,
    ) -> None:
        self.status = status
        self.code = code
        self.message = _shorten(message)
        self.method = method
        self.path = path
        super().__init__(self._describe())

    def _describe(self) -> str:
        head = f"{self.method} {self.path} -> {self.status}"
        if self.code:
            head += f" {self.code}"
        return f"{head}: {self.message}" if self.message else head


class VercelBadRequestError(VercelApiError):
    """400: invalid input, no plan available, billing problem."""


class VercelUnauthorizedError(VercelApiError):
    """401: the token is missing, invalid or expired."""


class VercelPaymentRequiredError(VercelApiError):
    """402: the team has no valid payment method for a paid plan, or is soft-blocked."""


class VercelForbiddenError(VercelApiError):
    """403: not allowed (for creation: not an admin of the configuration)."""


class VercelNotFoundError(VercelApiError):
    """404: the resource does not exist for this team."""


class VercelConflictError(VercelApiError):
    """409: conflict (for example, a store already connected to the project)."""


class VercelGoneError(VercelApiError):
    """410: the resource is gone."""


class VercelRateLimitedError(VercelApiError):
    """429: rate limited, or not sent because an earlier 429's pause outlasts the call's time budget.

    :param retry_after: seconds the server asked to wait, when it said.
    :param sent: False when the request was held back by a known pause (the server never saw it).
    """

    def __init__(self, *args: Any, retry_after: float | None = None, sent: bool = True, **kwargs: Any) -> None:
        self.retry_after = retry_after
        self.sent = sent
        super().__init__(*args, **kwargs)


class VercelServerError(VercelApiError):
    """5xx: the server failed.

    :param retry_after: seconds the server asked to wait (503 may say), when it said.
    """

    def __init__(self, *args: Any, retry_after: float | None = None, **kwargs: Any) -> None:
        self.retry_after = retry_after
        super().__init__(*args, **kwargs)


class VercelTransportError(VercelError):
    """The request did not complete: connection refused or reset, timeout, protocol error.

    :param method: HTTP method of the request.
    :param path: request path.
    :param kind: short name of the failure (``connect``, ``timeout``, ``read``, ``protocol``…).
    :param sent: False when the request certainly never reached the server (connect failures).
    """

    def __init__(self, method: str, path: str, kind: str, sent: bool) -> None:
        self.method = method
        self.path = path
        self.kind = kind
        self.sent = sent
        super().__init__(f"{method} {path} failed: {kind} error")


class VercelResponseError(VercelError):
    """A success status with a body that is not the JSON the contract describes.

    :param method: HTTP method of the request.
    :param path: request path.
    :param reason: what was wrong with the body (never the body itself).
    """

    def __init__(self, method: str, path: str, reason: str) -> None:
        self.method = method
        self.path = path
        self.reason = reason
        super().__init__(f"{method} {path}: unexpected response: {reason}")


class VercelAmbiguousCreateError(VercelTransportError):
    """The create request got no clear answer (lost, unreadable or 5xx) and no store of that name appeared.

    The request may still be processed by Vercel, so it is not sent again; retrying the task (which
    looks for the store before any POST) is safe.

    :param name: the store name.
    :param kind: what the answer was (``timeout``, ``connection dropped``, ``http 502``…).
    :param waited: seconds spent looking for the store after the failure.
    """

    def __init__(self, name: str, kind: str, waited: float) -> None:
        super().__init__("POST", "/v1/storage/stores/integration/direct", kind, sent=True)
        self.name = name
        self.waited = waited
        self.args = (
            f"The create request for store {name!r} got no clear answer ({kind}) and no store of that name "
            f"appeared within {waited:.1f}s. It was not sent again, to avoid a second store; retrying the "
            "task is safe, as it looks for the store before creating.",
        )


class VercelStoreExistsError(VercelError):
    """A store with the requested name exists and ``if_exists="fail"`` was asked.

    :param name: the store name.
    :param store_id: id of the existing store.
    """

    def __init__(self, name: str, store_id: str | None) -> None:
        self.name = name
        self.store_id = store_id
        super().__init__(
            f"A store named {name!r} already exists in the configuration (id {store_id}); "
            "pass if_exists='reuse' to adopt it."
        )


class VercelPlanSelectionError(VercelError):
    """No billing plan satisfies the selection rule; the message lists each plan and why.

    :param message: the explanation, one line per plan.
    :param rejected: ``(plan_id, plan_name, reason)`` of every plan seen.
    """

    def __init__(self, message: str, rejected: tuple[Any, ...] = ()) -> None:
        self.rejected = rejected
        super().__init__(message)


_STATUS_ERRORS: dict[int, type[VercelApiError]] = {
    400: VercelBadRequestError,
    401: VercelUnauthorizedError,
    402: VercelPaymentRequiredError,
    403: VercelForbiddenError,
    404: VercelNotFoundError,
    409: VercelConflictError,
    410: VercelGoneError,
    429: VercelRateLimitedError,
}


def error_class_for(status: int) -> type[VercelApiError]:
    """The exception class for an HTTP error status."""
    if status >= 500:
        return VercelServerError
    return _STATUS_ERRORS.get(status, VercelApiError)


def _shorten(message: str | None) -> str | None:
    if message is None:
        return None
    text = " ".join(str(message).split())
    return text if len(text) <= _MAX_MESSAGE else text[: _MAX_MESSAGE - 1] + "…"


class VercelCredentialsError(VercelError):
    """A connected store's credentials cannot be read from a project's env vars.

    Raised when the project has no variables of the store for the target (not connected, or connected
    for other targets), when they are ``sensitive`` (Vercel never returns those values), or when no
    variable fits the request. The message names keys, targets and what to do; never a value.

    :param message: what is wrong and how to fix it.
    :param reason: ``not_connected``, ``sensitive``, ``unreadable``, ``no_url`` or ``bad_url``.
    """

    def __init__(self, message: str, reason: str) -> None:
        self.reason = reason
        super().__init__(message)


# --- messages for a person (the CLI, dry-run reports) -------------------------------------------


def one_line(text: str) -> str:
    """A message on one line: the ``- item`` lines of a multi-line message joined with ``; ``.

    :param text: the message.
    """
    head, *rest = [line.strip() for line in str(text).splitlines() if line.strip()] or [""]
    items = [line[2:] if line.startswith("- ") else line for line in rest]
    return " ".join([head, "; ".join(items)]).strip() if items else head


def failure_text(exc: BaseException) -> str:
    """One line describing a failed call: ``Vercel API answered 503 code to GET /path: message`` for an API error.

    :param exc: the failure (never carries the token: the client scrubs Vercel's messages).
    """
    if isinstance(exc, VercelApiError):
        code = f" {exc.code}" if exc.code else ""
        text = f"Vercel API answered {exc.status}{code} to {exc.method} {exc.path}"
        return f"{text}: {exc.message}" if exc.message else text
    return one_line(str(exc))
