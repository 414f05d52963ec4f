"""Data-aware scheduling: run whenever a create task of any DAG produced a Vercel store.

``VercelCreateStoreOperator`` emits an asset event for its store (URI ``vercel://<team>/stores/<name>``,
extra ``{"store_id", "store_name", "configuration_id", "product", "status", "outcome"}``) through the
asset alias ``vercel_stores``. This DAG is scheduled on that alias, so the scheduler starts it after
each such event, with the events in ``triggering_asset_events``. To follow one store only, schedule on
its asset instead: ``schedule=Asset("vercel://team_…/stores/vercel-paid-db")``.

Its task reads the current status of each store named by the events. Triggered by hand, it finds no
events and says so.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from airflow.providers.common.compat.sdk import DAG, AssetAlias, get_current_context, task

from airflow_provider_vercel.operators.stores import STORE_ASSET_ALIAS

with DAG(
    dag_id="vercel_store_consumer",
    description="Runs after a Vercel store was created (asset events of VercelCreateStoreOperator)",
    schedule=AssetAlias(name=STORE_ASSET_ALIAS),
    start_date=datetime(2026, 1, 1),
    catchup=False,
    tags=["vercel", "example", "assets"],
    doc_md=__doc__,
) as dag:

    @task
    def describe_new_stores() -> list[dict[str, Any]]:
        """One line per store event that triggered this run: its asset URI, store id and current status."""
        from airflow_provider_vercel.hooks.vercel import VercelHook

        context = get_current_context()
        triggering = context.get("triggering_asset_events") or context.get("triggering_dataset_events") or {}
        stores: list[dict[str, Any]] = []
        for events in triggering.values():
            for event in events:
                target = getattr(event, "asset", None) or getattr(event, "dataset", None)
                extra = dict(getattr(event, "extra", None) or {})
                stores.append(
                    {
                        "uri": getattr(target, "uri", None),
                        "store_id": extra.get("store_id"),
                        "store_name": extra.get("store_name"),
                        "outcome": extra.get("outcome"),
                    }
                )
        if not stores:
            print("No asset events: this run was not triggered by a store creation.")
            return []
        hook = VercelHook()
        for store in stores:
            if store["store_id"]:
                store["status"] = hook.get_store(store["store_id"]).status
            print(f"{store['uri']}: store {store['store_id']} ({store['outcome']}), now {store.get('status')}")
        return stores

    describe_new_stores()


if __name__ == "__main__":
    dag.test()
