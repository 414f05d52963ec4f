"""Vercel sensors. Names are imported lazily, so importing this package stays cheap at DAG-parse time."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

_EXPORTS = {
    "VercelStoreFailedError": "airflow_provider_vercel.sensors.stores",
    "VercelStoreReadySensor": "airflow_provider_vercel.sensors.stores",
    "VercelStoreWaitError": "airflow_provider_vercel.sensors.stores",
    "VercelStoreWaitTimeout": "airflow_provider_vercel.sensors.stores",
}

if TYPE_CHECKING:
    from airflow_provider_vercel.sensors.stores import (
        VercelStoreFailedError,
        VercelStoreReadySensor,
        VercelStoreWaitError,
        VercelStoreWaitTimeout,
    )

__all__ = [
    "VercelStoreFailedError",
    "VercelStoreReadySensor",
    "VercelStoreWaitError",
    "VercelStoreWaitTimeout",
]


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)
