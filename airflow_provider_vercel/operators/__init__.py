"""Vercel operators. Names are imported lazily, so importing this package stays cheap at DAG-parse time."""

from __future__ import annotations

from typing import TYPE_CHECKING

from airflow_provider_vercel.lazy_exports import lazy_getattr

_EXPORTS = {
    "VercelApiOperator": "airflow_provider_vercel.operators.api",
    "VercelBaseOperator": "airflow_provider_vercel.tasks.base",
    "VercelCleanupStoresOperator": "airflow_provider_vercel.operators.cleanup",
    "VercelConnectStoreOperator": "airflow_provider_vercel.operators.lifecycle",
    "VercelCreateStoreOperator": "airflow_provider_vercel.operators.stores",
    "VercelDeleteStoreOperator": "airflow_provider_vercel.operators.lifecycle",
    "VercelListBillingPlansOperator": "airflow_provider_vercel.operators.discovery",
    "VercelListConfigurationsOperator": "airflow_provider_vercel.operators.discovery",
    "VercelListProductsOperator": "airflow_provider_vercel.operators.discovery",
    "VercelSelectBillingPlanOperator": "airflow_provider_vercel.operators.discovery",
    "VercelStoreLink": "airflow_provider_vercel.operators.stores",
    "VercelTaskError": "airflow_provider_vercel.tasks.base",
}

if TYPE_CHECKING:
    from airflow_provider_vercel.operators.api import VercelApiOperator
    from airflow_provider_vercel.operators.cleanup import VercelCleanupStoresOperator
    from airflow_provider_vercel.operators.discovery import (
        VercelListBillingPlansOperator,
        VercelListConfigurationsOperator,
        VercelListProductsOperator,
        VercelSelectBillingPlanOperator,
    )
    from airflow_provider_vercel.operators.lifecycle import VercelConnectStoreOperator, VercelDeleteStoreOperator
    from airflow_provider_vercel.operators.stores import VercelCreateStoreOperator, VercelStoreLink
    from airflow_provider_vercel.tasks.base import VercelBaseOperator, VercelTaskError

__all__ = [
    "VercelApiOperator",
    "VercelBaseOperator",
    "VercelCleanupStoresOperator",
    "VercelConnectStoreOperator",
    "VercelCreateStoreOperator",
    "VercelDeleteStoreOperator",
    "VercelListBillingPlansOperator",
    "VercelListConfigurationsOperator",
    "VercelListProductsOperator",
    "VercelSelectBillingPlanOperator",
    "VercelStoreLink",
    "VercelTaskError",
]


__getattr__ = lazy_getattr(__name__, _EXPORTS)
