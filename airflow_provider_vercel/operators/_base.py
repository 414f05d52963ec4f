"""Plumbing shared by the Vercel operators: the hook, argument checks around templating, failures.

Operators check each argument twice: in ``__init__`` when its value is already final (not a Jinja
template, not an XCom reference), so a DAG with a bad literal fails at parse time; and at the start of
``execute`` after rendering, always before the first request.
"""

from __future__ import annotations

import ast
import json
import math
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from functools import cached_property, wraps
from typing import TYPE_CHECKING, Any

from airflow.providers.common.compat.sdk import AirflowFailException, BaseOperator

from airflow_provider_vercel.api.errors import (
    VercelApiError,
    VercelInputError,
    VercelPlanSelectionError,
    VercelStoreExistsError,
)
from airflow_provider_vercel.defaults import DEFAULT_CONN_ID

if TYPE_CHECKING:
    from airflow_provider_vercel.hooks.vercel import VercelHook

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


def decode_text(argument: str, text: str, unreadable: str) -> Any:
    """Decode the JSON (or Python literal) text a template rendered from a dict or list.

    :param argument: the argument's name, for the error.
    :param text: the rendered text.
    :param unreadable: the error's reason when the text parses as neither.
    """
    try:
        return json.loads(text)
    except ValueError:
        try:
            return ast.literal_eval(text.strip())
        except (ValueError, SyntaxError):
            raise VercelInputError(argument, unreadable) from None


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
        value = decode_text(argument, text, "must be a mapping, or JSON text of an object")
    if not isinstance(value, Mapping):
        raise VercelInputError(argument, f"must be a mapping, got {type(value).__name__}")
    return dict(value)


def rendered_bool(argument: str, value: Any, *, optional: bool = False) -> bool | None:
    """A boolean argument after rendering: a bool, or the text a template renders (``"True"``, ``"false"``).

    :param argument: the argument's name, for the error.
    :param value: the rendered value.
    :param optional: accept None (and ``""``, ``"None"``, ``"null"``) as "not set".
    """
    if isinstance(value, str):
        text = value.strip().lower()
        if text in ("true", "false"):
            return text == "true"
        if optional and text in ("", "none", "null"):
            return None
    if value is None and optional:
        return None
    if not isinstance(value, bool):
        raise VercelInputError(argument, f"must be True or False, got {value!r}")
    return value


def rendered_number(argument: str, value: Any) -> float | int | None:
    """A number argument after rendering: an int or float, or its text; None stays None. Range checks come later.

    :param argument: the argument's name, for the error.
    :param value: the rendered value.
    """
    value = optional_text(value)
    if value is None or (isinstance(value, str) and value.strip().lower() in ("none", "null")):
        return None
    if isinstance(value, str):
        text = value.strip()
        try:
            value = int(text)
        except ValueError:
            try:
                value = float(text)
            except ValueError:
                raise VercelInputError(argument, f"must be a number, got {text!r}") from None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise VercelInputError(argument, f"must be a finite number, got {value!r}")
    return value


def rendered_list(argument: str, value: Any) -> list[Any] | None:
    """A list argument after rendering: a list or tuple, or JSON (or Python literal) text of one.

    A single string that is not list text stays a one-item list; None stays None.

    :param argument: the argument's name, for the error.
    :param value: the rendered value.
    """
    if value is None:
        return None
    if isinstance(value, str):
        text = value.strip()
        if not text.startswith("["):
            return [value]
        value = decode_text(argument, text, "must be a list, or JSON text of an array")
    if not isinstance(value, (list, tuple)):
        raise VercelInputError(argument, f"must be a list, got {type(value).__name__}")
    return list(value)


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


#: Vercel answers that a retry of the same request cannot change: fail the task without retries.
FINAL_STATUSES = frozenset({400, 401, 402, 403, 404, 422})
# The task methods Airflow calls; each is wrapped so a final answer fails the task without retries.
_TASK_METHODS = ("execute", "execute_complete", "poke")


def _fail_fast_on_final_answers(method: Callable[..., Any]) -> Callable[..., Any]:
    @wraps(method)
    def run(self: VercelBaseOperator, *args: Any, **kwargs: Any) -> Any:
        try:
            return method(self, *args, **kwargs)
        except VercelApiError as exc:
            if self.wants_client_error_retries() or not self.is_final_answer(exc):
                raise
            raise VercelTaskError(
                f"{exc} (Vercel's answer {exc.status} does not change on retry, so the task fails without "
                "retries; pass retry_on_client_errors=True to retry it anyway)"
            ) from exc

    run.__vercel_fail_fast__ = True  # type: ignore[attr-defined]
    return run


def _dag_and_group_in_context() -> tuple[Any, Any]:
    """The DAG and task group of the enclosing ``with`` blocks, on Airflow 2 (3.x passes them in kwargs)."""
    try:
        from airflow.models.dag import DagContext
        from airflow.utils.task_group import TaskGroupContext
    except ImportError:
        return None, None
    dag = DagContext.get_current_dag()
    return dag, TaskGroupContext.get_current_task_group(dag) if dag is not None else None


def _task_label(kwargs: Mapping[str, Any]) -> str:
    """``task 'x' of DAG 'y'`` from an operator's ``__init__`` kwargs (the DAG when Airflow knows it)."""
    task_id = kwargs.get("task_id")
    dag, group = kwargs.get("dag"), kwargs.get("task_group")
    if dag is None:
        dag, group = _dag_and_group_in_context()
    if isinstance(task_id, str) and group is not None and getattr(group, "child_id", None):
        task_id = group.child_id(task_id)
    label = f"task {task_id!r}"
    return f"{label} of DAG {dag.dag_id!r}" if getattr(dag, "dag_id", None) else label


def _name_the_task(init: Callable[..., None]) -> Callable[..., None]:
    """Wrap an operator's ``__init__`` so an argument error names the task (and its DAG) first."""

    @wraps(init)
    def checked_init(self: VercelBaseOperator, *args: Any, **kwargs: Any) -> None:
        try:
            init(self, *args, **kwargs)
        except VercelInputError as exc:
            if getattr(exc, "task_label", None):
                raise
            named = VercelInputError(exc.argument, exc.reason)
            named.task_label = _task_label(kwargs)  # type: ignore[attr-defined]
            named.args = (f"Invalid argument in {named.task_label}: {exc}",)  # type: ignore[attr-defined]
            raise named from None

    checked_init.__vercel_names_task__ = True  # type: ignore[attr-defined]
    return checked_init


class VercelBaseOperator(BaseOperator):
    """Base of the Vercel operators: keyword-only arguments and a lazily built ``VercelHook``.

    Nothing is fetched in ``__init__``: the connection is read and the client built on first use of
    ``hook``, inside ``execute``.

    An API answer that a retry cannot change (``FINAL_STATUSES``: 400, 401, 402, 403, 404, 422) fails
    the task at once, without the task's Airflow retries, like invalid input does; 429, 5xx and
    network errors keep them. ``retry_on_client_errors=True`` gives those answers the retries too.

    :param vercel_conn_id: the Airflow connection (type ``vercel``) holding the API token and team.
    :param retry_on_client_errors: let Airflow retry the task after a 4xx answer in ``FINAL_STATUSES``
        (default False: such a task fails at once).
    """

    template_fields: Sequence[str] = ("vercel_conn_id", "retry_on_client_errors")
    ui_color = "#000000"
    ui_fgcolor = "#ffffff"

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        init = cls.__dict__.get("__init__")
        if init is not None and not getattr(init, "__vercel_names_task__", False):
            cls.__init__ = _name_the_task(init)  # type: ignore[method-assign]
        for name in _TASK_METHODS:
            method = cls.__dict__.get(name)
            if callable(method) and not getattr(method, "__vercel_fail_fast__", False):
                setattr(cls, name, _fail_fast_on_final_answers(method))

    def __init__(
        self, *, vercel_conn_id: str = DEFAULT_CONN_ID, retry_on_client_errors: bool = False, **kwargs: Any
    ) -> None:
        super().__init__(**kwargs)
        self.vercel_conn_id = vercel_conn_id
        from airflow_provider_vercel.api import validation as check

        self.retry_on_client_errors = retry_on_client_errors
        self.check_now(vercel_conn_id, lambda value: check.require_text("vercel_conn_id", value))
        self.check_now(retry_on_client_errors, lambda value: rendered_bool("retry_on_client_errors", value))

    def wants_client_error_retries(self) -> bool:
        """``retry_on_client_errors`` as rendered; a value that is not a boolean counts as False."""
        try:
            return bool(rendered_bool("retry_on_client_errors", self.retry_on_client_errors))
        except VercelInputError:
            return False

    def is_final_answer(self, error: VercelApiError) -> bool:
        """True when ``error`` is an answer a retry of this task cannot change (see ``FINAL_STATUSES``).

        :param error: the API error the task met.
        """
        return error.status in FINAL_STATUSES

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
        self.retry_on_client_errors = rendered_bool("retry_on_client_errors", self.retry_on_client_errors)

    @property
    def team(self) -> str | None:
        """The team the hook acts for (slug if known, else id), for dashboard URLs."""
        settings = self.hook.settings
        return settings.team_slug or settings.team_id
