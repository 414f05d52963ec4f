"""Plumbing shared by the Vercel operators: the hook, argument checks around templating, failures.

Operators check each argument twice: in ``__init__`` when its value is already final (not a Jinja
template, not an XCom reference), so a DAG with a bad literal fails at parse time; and at the start of
``execute`` after rendering, always before the first request.
"""

from __future__ import annotations

import ast
import json
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from functools import cached_property
from typing import TYPE_CHECKING, Any

from airflow.providers.common.compat.sdk import AirflowFailException, BaseOperator

from airflow_provider_vercel.api.errors import (
    VercelInputError,
    VercelPlanSelectionError,
    VercelStoreExistsError,
)

if TYPE_CHECKING:
    from airflow_provider_vercel.hooks.vercel import VercelHook

DEFAULT_CONN_ID = "vercel_default"
_JINJA_MARKERS = ("{{", "{%", "{#")
_PLAIN = (str, int, float, bool, type(None))


class VercelTaskError(AirflowFailException):
    """A Vercel task failed for a reason a retry cannot fix: bad input, no plan fits, no unique match.

    Subclasses ``AirflowFailException``, so the task fails at once instead of being retried.

    :param message: what went wrong, naming the argument.
    :param argument: the offending argument, when one is to blame.
    """

    def __init__(self, message: str, argument: str | None = None) -> None:
        self.argument = argument
        super().__init__(message)


def is_deferred(value: Any) -> bool:
    """True when ``value`` is not final yet: a Jinja template, an XCom reference or a mapped argument.

    Such a value is checked after rendering, at the start of ``execute``.

    :param value: an operator argument as passed to ``__init__``.
    """
    if isinstance(value, str):
        return any(marker in value for marker in _JINJA_MARKERS)
    if isinstance(value, _PLAIN):
        return False
    if isinstance(value, Mapping):
        return any(is_deferred(key) or is_deferred(item) for key, item in value.items())
    if isinstance(value, (list, tuple, set, frozenset)):
        return any(is_deferred(item) for item in value)
    # XComArg, MappedArgument, ObjectStoragePath…: resolved by Airflow before execute.
    return True


def mapping_argument(argument: str, value: Any) -> dict[str, Any] | None:
    """A mapping argument, also accepted as JSON (or a Python literal) text, as templates render dicts.

    :param argument: the argument's name, for the error.
    :param value: None, a mapping or its text.
    """
    if value is None:
        return None
    if isinstance(value, str):
        text = value.strip()
        if not text or text.lower() in ("none", "null"):
            return None
        try:
            value = json.loads(text)
        except ValueError:
            try:
                value = ast.literal_eval(text)
            except (ValueError, SyntaxError):
                raise VercelInputError(argument, "must be a mapping, or JSON text of an object") from None
    if not isinstance(value, Mapping):
        raise VercelInputError(argument, f"must be a mapping, got {type(value).__name__}")
    return dict(value)


def optional_text(value: Any) -> Any:
    """None for None or an empty string, else the value unchanged (checks come later).

    :param value: a rendered optional argument.
    """
    if isinstance(value, str) and not value.strip():
        return None
    return value


@contextmanager
def task_failures() -> Iterator[None]:
    """Turn the API layer's deterministic errors into ``VercelTaskError`` (no retry), keeping the cause."""
    try:
        yield
    except VercelInputError as exc:
        raise VercelTaskError(f"Invalid argument {exc}", argument=exc.argument) from exc
    except (VercelPlanSelectionError, VercelStoreExistsError) as exc:
        raise VercelTaskError(str(exc)) from exc


class VercelBaseOperator(BaseOperator):
    """Base of the Vercel operators: keyword-only arguments and a lazily built ``VercelHook``.

    Nothing is fetched in ``__init__``: the connection is read and the client built on first use of
    ``hook``, inside ``execute``.

    :param vercel_conn_id: the Airflow connection (type ``vercel``) holding the API token and team.
    """

    template_fields: Sequence[str] = ("vercel_conn_id",)
    ui_color = "#000000"
    ui_fgcolor = "#ffffff"

    def __init__(self, *, vercel_conn_id: str = DEFAULT_CONN_ID, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.vercel_conn_id = vercel_conn_id
        from airflow_provider_vercel.api import validation as check

        self.check_now(vercel_conn_id, lambda value: check.require_text("vercel_conn_id", value))

    def post_execute(self, context: Any, result: Any = None) -> None:
        """Close the hook's pooled connections once the task is done with them."""
        super().post_execute(context, result)
        hook = self.__dict__.pop("hook", None)
        if hook is not None:
            hook.close()

    @cached_property
    def hook(self) -> VercelHook:
        """The hook for ``vercel_conn_id``, built once per task run."""
        from airflow_provider_vercel.hooks.vercel import VercelHook

        return VercelHook(vercel_conn_id=self.vercel_conn_id)

    @staticmethod
    def check_now(value: Any, check: Callable[[Any], Any]) -> None:
        """Run ``check(value)`` unless ``value`` is still a template or an XCom reference.

        A bad literal thus raises ``VercelInputError`` at DAG-parse time.

        :param value: an argument's value as passed to ``__init__``.
        :param check: a checker raising ``VercelInputError`` naming the argument.
        """
        if not is_deferred(value):
            check(value)

    def check_rendered(self) -> None:
        """Check the rendered arguments; called first in ``execute``. Subclasses extend it."""
        from airflow_provider_vercel.api import validation as check

        check.require_text("vercel_conn_id", self.vercel_conn_id)

    @property
    def team(self) -> str | None:
        """The team the hook acts for (slug if known, else id), for dashboard URLs."""
        settings = self.hook.settings
        return settings.team_slug or settings.team_id
