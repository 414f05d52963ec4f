"""Vercel sensors. Names are imported lazily, so importing this package stays cheap at DAG-parse time."""

from __future__ import annotations

from typing import TYPE_CHECKING

from airflow_provider_vercel.lazy_exports import lazy_getattr

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


__getattr__ = lazy_getattr(__name__, _EXPORTS)
