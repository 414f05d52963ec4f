"""Every example DAG, parsed by a DagBag and run end to end through Airflow against the emulator."""

from __future__ import annotations

import time
from pathlib import Path

from airflow_provider_vercel.operators.stores import STORE_ID_XCOM_KEY, STORE_URL_XCOM_KEY
from tests.helpers.airflow import EXAMPLE_DAGS, VERCEL_POOL, run_dag, task_states, xcoms

CREATE_PATH = "/v1/storage/stores/integration/direct"
EXAMPLE_DAG_IDS = {"vercel_free_store", "vercel_paid_store", "vercel_prepayment_store", "vercel_preview_stores"}
LINK_KEY = "_link_VercelStoreLink"


def create_posts(server):
    return [r for r in server.requests if r["method"] == "POST" and r["path"] == CREATE_PATH]


def live_stores(server):
    return sorted((s for s in server.state.stores.values() if not s.deleted), key=lambda s: s.name)


def assert_success(dag_run):
    states = task_states(dag_run)
    assert str(dag_run.state) == "success", states
    assert set(states.values()) == {"success"}, states


def assert_store_xcoms(values, task_id, store, map_index=-1):
    summary = values[(task_id, map_index, "return_value")]
    assert summary["id"] == store.id
    assert summary["name"] == store.name
    assert summary["secret_names"] == list(store.secrets)
    assert values[(task_id, map_index, STORE_ID_XCOM_KEY)] == store.id
    url = values[(task_id, map_index, STORE_URL_XCOM_KEY)]
    assert url == summary["dashboard_url"] and url.endswith(f"/~/stores/integration/{store.id}")
    # Airflow 3 evaluates the operator's extra link on the worker and stores its URL.
    assert values[(task_id, map_index, LINK_KEY)] == url
    for value in values.values():
        for secret in store.secrets.values():
            assert secret not in str(value)
    return summary


# --- import -----------------------------------------------------------------------------------


def test_example_dags_import_without_errors(example_dagbag):
    assert example_dagbag.import_errors == {}
    assert set(example_dagbag.dag_ids) >= EXAMPLE_DAG_IDS
    assert all(dag_id.startswith("vercel_") for dag_id in example_dagbag.dag_ids)
    paid = example_dagbag.get_dag("vercel_paid_store")
    assert Path(paid.fileloc).name == "vercel_paid_store.py"


def test_a_fresh_dagbag_of_the_folder_has_no_import_errors(airflow_db):
    from airflow.dag_processing.dagbag import DagBag

    bag = DagBag(dag_folder=str(EXAMPLE_DAGS), known_pools={"default_pool", VERCEL_POOL})
    assert bag.import_errors == {}
    assert set(bag.dag_ids) >= EXAMPLE_DAG_IDS


# --- (a) free store ---------------------------------------------------------------------------


def test_free_store_dag(example_dagbag, airflow_emulator):
    server = airflow_emulator
    started = time.monotonic()
    dag_run = run_dag(example_dagbag, "vercel_free_store")
    print(f"vercel_free_store: {time.monotonic() - started:.2f}s")
    assert_success(dag_run)
    values = xcoms(dag_run)
    upstash_cfg = server.configuration_id("upstash")
    assert values[("find_configuration", -1, "return_value")] == upstash_cfg
    product_id = values[("find_product", -1, "return_value")]
    assert product_id.startswith("iap_")
    assert values[("select_plan", -1, "return_value")] == "free"
    assert values[("select_plan", -1, "billing_plan")]["is_free"] is True

    (store,) = live_stores(server)
    assert (store.name, store.configuration_id, store.product_id) == ("vercel-free-kv", upstash_cfg, product_id)
    assert store.billing_plan["id"] == "free"
    assert store.metadata["primaryRegion"] == "iad1"
    summary = assert_store_xcoms(values, "create_store", store)
    assert summary["outcome"] == "created"
    assert summary["plan"]["id"] == "free"
    assert len(create_posts(server)) == 1


# --- (b) paid store: discovery, cheapest paid plan under a ceiling, XCom hand-off ---------------


def test_paid_store_dag_hands_the_cheapest_paid_plan_to_the_create_step(example_dagbag, airflow_emulator):
    server = airflow_emulator
    started = time.monotonic()
    dag_run = run_dag(example_dagbag, "vercel_paid_store")
    print(f"vercel_paid_store: {time.monotonic() - started:.2f}s")
    assert_success(dag_run)
    values = xcoms(dag_run)
    neon_cfg = server.configuration_id("neon")
    assert values[("find_configuration", -1, "return_value")] == neon_cfg
    listed = {plan["id"] for plan in values[("list_plans", -1, "return_value")]}
    assert listed == {"free", "launch", "scale", "credits"}
    assert values[("select_plan", -1, "return_value")] == "launch"
    assert values[("select_plan", -1, "billing_plan")]["monthly_cost"] == "19.00"

    (store,) = live_stores(server)
    assert store.name == "vercel-paid-db"
    assert store.configuration_id == neon_cfg
    assert store.billing_plan["id"] == "launch"
    assert store.metadata["region"] == "iad1" and store.metadata["databaseName"] == "appdb"
    summary = assert_store_xcoms(values, "create_store", store)
    assert summary["plan"]["id"] == "launch"
    assert len(create_posts(server)) == 1


def test_paid_store_dag_fails_before_creating_when_no_paid_plan_fits_the_ceiling(example_dagbag, airflow_emulator):
    server = airflow_emulator
    dag_run = run_dag(example_dagbag, "vercel_paid_store", run_conf={"region": "gru1"})
    states = task_states(dag_run)
    assert str(dag_run.state) == "failed"
    assert states[("select_plan", -1)] == "failed"
    assert states[("create_store", -1)] == "upstream_failed"
    assert create_posts(server) == []
    assert live_stores(server) == []


def test_a_runs_conf_does_not_leak_into_the_next_run_of_the_same_dag(example_dagbag, airflow_emulator):
    failed = run_dag(example_dagbag, "vercel_paid_store", run_conf={"region": "gru1"})
    assert str(failed.state) == "failed"
    again = run_dag(example_dagbag, "vercel_paid_store")
    assert str(again.state) == "success"
    assert xcoms(again)[("select_plan", -1, "return_value")] == "launch"


# --- (c) prepayment ---------------------------------------------------------------------------


def test_prepayment_store_dag(example_dagbag, airflow_emulator):
    server = airflow_emulator
    started = time.monotonic()
    dag_run = run_dag(example_dagbag, "vercel_prepayment_store")
    print(f"vercel_prepayment_store: {time.monotonic() - started:.2f}s")
    assert_success(dag_run)
    values = xcoms(dag_run)
    assert values[("select_plan", -1, "return_value")] == "credits"
    plan = values[("select_plan", -1, "billing_plan")]
    assert plan["type"] == "prepayment" and plan["minimum_amount"] == "5.00"

    (store,) = live_stores(server)
    assert store.name == "vercel-credits-db"
    assert store.billing_plan["id"] == "credits"
    summary = assert_store_xcoms(values, "create_store", store)
    assert summary["plan"]["id"] == "credits"
    assert len(create_posts(server)) == 1


# --- (d) dynamic task mapping, idempotent on re-run -------------------------------------------


def test_mapped_preview_stores_dag_creates_one_store_per_pull_request_and_nothing_on_rerun(
    example_dagbag, airflow_emulator
):
    server = airflow_emulator
    dag = example_dagbag.get_dag("vercel_preview_stores")
    assert dag.get_task("create_store").partial_kwargs["pool"] == VERCEL_POOL

    started = time.monotonic()
    first = run_dag(example_dagbag, "vercel_preview_stores")
    print(f"vercel_preview_stores: {time.monotonic() - started:.2f}s")
    assert_success(first)
    stores = live_stores(server)
    assert [s.name for s in stores] == ["pr-101-db", "pr-102-db", "pr-103-db"]
    assert len(create_posts(server)) == 3
    labels = {ti.map_index: ti.rendered_map_index for ti in first.get_task_instances() if ti.task_id == "create_store"}
    assert sorted(labels.values()) == ["pr-101-db", "pr-102-db", "pr-103-db"]
    values = xcoms(first)
    assert values[("store_names", -1, "return_value")] == ["pr-101-db", "pr-102-db", "pr-103-db"]
    by_name = {s.name: s for s in stores}
    first_ids = {}
    for map_index in range(3):
        name = values[("create_store", map_index, "return_value")]["name"]
        summary = assert_store_xcoms(values, "create_store", by_name[name], map_index)
        assert summary["outcome"] == "created"
        first_ids[name] = summary["id"]

    started = time.monotonic()
    second = run_dag(example_dagbag, "vercel_preview_stores")
    print(f"vercel_preview_stores re-run: {time.monotonic() - started:.2f}s")
    assert_success(second)
    assert len(create_posts(server)) == 3  # nothing new was sent
    assert [s.name for s in live_stores(server)] == ["pr-101-db", "pr-102-db", "pr-103-db"]
    again = xcoms(second)
    for map_index in range(3):
        summary = again[("create_store", map_index, "return_value")]
        assert summary["outcome"] == "reused"
        assert summary["id"] == first_ids[summary["name"]]


def test_mapped_dag_takes_the_pull_requests_from_the_run_conf(example_dagbag, airflow_emulator):
    dag_run = run_dag(example_dagbag, "vercel_preview_stores", run_conf={"pull_requests": [7]})
    assert_success(dag_run)
    assert [s.name for s in live_stores(airflow_emulator)] == ["pr-7-db"]


def test_every_example_dag_reads_only_the_default_connection(example_dagbag):
    tasks = [task for dag_id in example_dagbag.dag_ids for task in example_dagbag.get_dag(dag_id).tasks]
    for task in tasks:
        conn_id = getattr(task, "vercel_conn_id", None)
        if conn_id is None and hasattr(task, "partial_kwargs"):
            conn_id = task.partial_kwargs.get("vercel_conn_id")
        assert conn_id in (None, "vercel_default")
