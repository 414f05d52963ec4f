"""The steps an I/O-free flow yields: an ``ApiCall`` to execute, or a ``Sleep``.

Flows (get-or-create, connect, env pages, provisioning, readiness) are generators of these steps; the
sync client and the async client drive the same generator with ``client.run(flow)``, so the logic is
written once and only the transport differs.
"""

from __future__ import annotations

from dataclasses import dataclass

from airflow_provider_vercel.api.calls import ApiCall


@dataclass(frozen=True)
class Sleep:
    """A step asking the driver to wait.

    :param seconds: how long.
    """

    seconds: float


Step = ApiCall | Sleep
