"""Vercel triggers. Names are imported lazily, so importing this package stays cheap at DAG-parse time."""

from __future__ import annotations

from typing import TYPE_CHECKING

from airflow_provider_vercel.lazy_exports import lazy_getattr

_EXPORTS = {
    "VercelStoreStatusTrigger": "airflow_provider_vercel.triggers.stores",
}

if TYPE_CHECKING:
    from airflow_provider_vercel.triggers.stores import VercelStoreStatusTrigger

__all__ = ["VercelStoreStatusTrigger"]


__getattr__ = lazy_getattr(__name__, _EXPORTS)
