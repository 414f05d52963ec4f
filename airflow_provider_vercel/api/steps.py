"""The steps an I/O-free flow yields: an ``ApiCall`` to execute, or a ``Sleep``.

Flows (get-or-create, connect, env pages, provisioning, readiness) are generators of these steps; the
sync client and the async client drive the same generator with ``client.run(flow)``, so the logic is
written once and only the transport differs. ``advance`` is the one move of a driver, shared by both.
"""

from __future__ import annotations

from collections.abc import Generator
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from airflow_provider_vercel.api.calls import ApiCall

T = TypeVar("T")


@dataclass(frozen=True)
class Sleep:
    """A step asking the driver to wait.

    :param seconds: how long.
    """

    seconds: float


Step = ApiCall[Any] | Sleep


@dataclass(frozen=True)
class Finished(Generic[T]):
    """A flow that has returned.

    :param value: its return value.
    """

    value: T


def advance(
    flow: Generator[Step, Any, T], result: Any = None, error: Exception | None = None
) -> Step | Finished[T]:
    """Send a step's result into a flow (or throw the step's error into it): its next step, or ``Finished``.

    :param flow: the flow being driven.
    :param result: the result of the step it yielded last (None to start it, or after a ``Sleep``).
    :param error: the exception that step raised, thrown into the flow instead of a result.
    """
    try:
        return flow.throw(error) if error is not None else flow.send(result)
    except StopIteration as stop:
        return Finished(stop.value)
