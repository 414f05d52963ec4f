"""``vercel_preview_stores_one_project`` through Airflow (``dag.test()``): N pull requests, N stores in one
project, N prefixes, N distinct URLs, credentials never in XCom, and every store deleted afterwards."""

from __future__ import annotations

from tests.helpers.airflow import EXAMPLE_DAGS, run_dag, task_states, xcoms

DAG_ID = "vercel_preview_stores_one_project"
PULL_REQUESTS = [41, 42, 43]


def test_each_pull_request_store_gets_its_own_prefix_and_url_in_one_project_then_is_deleted(airflow_emulator):
    from airflow.dag_processing.dagbag import DagBag

    server = airflow_emulator
    server.state.ready_delay = 0.3
    bag = DagBag(dag_folder=str(EXAMPLE_DAGS / f"{DAG_ID}.py"))
    dag_run = run_dag(bag, DAG_ID, run_conf={"pull_requests": PULL_REQUESTS, "project": "web-app"})
    states = task_states(dag_run)
    assert str(dag_run.state) == "success", states

    stores = list(server.state.stores.values())
    assert sorted(s.name for s in stores) == [f"pr-{n}-db" for n in PULL_REQUESTS]
    assert all(s.deleted for s in stores), "the teardown deleted every store"

    connects = [r for r in server.requests if r["method"] == "POST" and r["path"].endswith("/connections")]
    assert sorted(r["path"] for r in connects) == sorted(f"/v1/storage/stores/{s.id}/connections" for s in stores)

    values = xcoms(dag_run)
    summary = values[("check_credentials", -1, "return_value")]
    assert summary == {
        "stores": len(PULL_REQUESTS),
        "prefixes": [f"PR{n}_" for n in PULL_REQUESTS],
        "distinct_urls": len(PULL_REQUESTS),
    }
    prefixes_written = {
        name.split("_", 1)[0] + "_"
        for i in range(len(PULL_REQUESTS))
        for name in values[("connect_store", i, "return_value")]["env_var_names"]
    }
    assert prefixes_written == {f"PR{n}_" for n in PULL_REQUESTS}
    urls = {s.secrets["DATABASE_URL"] for s in stores}
    assert len(urls) == len(PULL_REQUESTS)
    every_xcom = repr(values)
    for store in stores:
        for secret in store.secrets.values():
            assert secret not in every_xcom, "a credential reached XCom"
