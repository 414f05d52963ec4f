"""The Airflow glue every Vercel task shares: the hook, argument checks around templating, failures.

Operators and the sensor subclass ``VercelBaseOperator``; the coercion of rendered values is the API
layer's (``api/coerce.py``), so the CLI reads flags the same way.

Operators check each argument twice: in ``__init__`` when its value is already final (not a Jinja
template, not an XCom reference), so a DAG with a bad literal fails at parse time; and at the start of
``execute`` after rendering, always before the first request.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from functools import cached_property, wraps
from typing import TYPE_CHECKING, Any

from airflow.providers.common.compat.sdk import AirflowFailException, BaseOperator

from airflow_provider_vercel.api import validation as check
from airflow_provider_vercel.api.coerce import rendered_bool
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
        check.require_text("vercel_conn_id", self.vercel_conn_id)
        self.retry_on_client_errors = rendered_bool("retry_on_client_errors", self.retry_on_client_errors)

    @property
    def team(self) -> str | None:
        """The team the hook acts for (slug if known, else id), for dashboard URLs."""
        settings = self.hook.settings
        return settings.team_slug or settings.team_id
