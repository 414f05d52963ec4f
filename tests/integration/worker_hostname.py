"""``[core] hostname_callable`` for the distributed check: each worker reports its own name.

Two Celery workers on one machine would otherwise both record the machine's FQDN as the task
instances' hostname; a deployment's workers sit on separate machines and differ by their FQDN.
"""

from __future__ import annotations

import os

ENV_VAR = "VERCEL_TEST_WORKER_HOSTNAME"


def worker_hostname() -> str:
    """The name in ``$VERCEL_TEST_WORKER_HOSTNAME`` (set per worker), else the machine's FQDN."""
    import socket

    return os.environ.get(ENV_VAR) or socket.getfqdn()
