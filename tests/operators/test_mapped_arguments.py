"""Every operator and the sensor mapped over its arguments (``partial().expand()`` / ``expand_kwargs``), through ``dag.test()``.

``vercel_test_mapped`` (``tests/operators/dags``) maps each class once over flags, numbers, lists and ids,
some given as the text a template renders (``"False"``, ``"0.2"``), and runs a mapped task group, where
Airflow passes every argument to ``__init__`` as a ``MappedArgument`` when it parses the DAG.
"""

from __future__ import annotations

from typing import Any

from airflow_provider_vercel import operators, sensors
from tests.helpers.airflow import run_dag, task_states, xcoms

DAG_ID = "vercel_test_mapped"



def test_the_mapped_dag_maps_every_operator_and_the_sensor(operator_bag):
    dag = operator_bag.dags[DAG_ID]
    mapped = {task.operator_class.__name__ for task in dag.tasks if getattr(task, "is_mapped", False)}
    public = {name for name in operators.__all__ if name.endswith("Operator") and name != "VercelBaseOperator"}
    assert mapped == public | {"VercelStoreReadySensor"}
    assert "VercelStoreReadySensor" in sensors.__all__


def test_every_mapped_operator_runs_with_its_mapped_arguments(operator_bag, airflow_emulator):
    server = airflow_emulator
    neon, upstash = server.configuration_id("neon"), server.configuration_id("upstash")
    dag_run = run_dag(operator_bag, DAG_ID, run_conf={"neon": neon, "upstash": upstash})
    states = task_states(dag_run)
    assert str(dag_run.state) == "success", states
    assert set(states.values()) == {"success"}, states
    values = xcoms(dag_run)

    def out(task_id: str, index: int) -> Any:
        return values[(task_id, index, "return_value")]

    assert out("list_configurations", 0) == neon
    assert [c["id"] for c in out("list_configurations", 1)] == [upstash]
    assert out("list_products", 0).startswith("iap_")
    assert {p["slug"] for p in out("list_products", 1)} == {"upstash-kv", "upstash-vector"}
    with_disabled, enabled = out("list_billing_plans", 0), out("list_billing_plans", 1)
    assert {p["id"] for p in with_disabled} - {p["id"] for p in enabled} == {"business-legacy"}
    assert [out("select_plan", i) for i in range(3)] == ["launch", "free", "credits"]
    created = [out("create_store", i) for i in range(2)]
    assert [(s["name"], s["outcome"]) for s in created] == [("mapped-a", "created"), ("mapped-b", "created")]
    assert created[0]["status"] == "available"  # wait_for_ready=True, poll_interval "0.2"
    ids = [s["id"] for s in created]
    assert [out("wait_for_store", i)["status"] for i in range(2)] == ["available", "available"]
    assert [out("connect_store", i)["environments"] for i in range(2)] == [["preview"], ["preview"]]
    assert [out("read_store", i)["store"]["id"] for i in range(2)] == ids
    sweeps = [out("sweep_stores", i) for i in range(2)]
    assert [sorted(s["id"] for s in sweep["would_delete"]) for sweep in sweeps] == [sorted(ids), sorted(ids)]
    assert [(sweep["dry_run"], sweep["deleted"]) for sweep in sweeps] == [(True, []), (True, [])]
    assert [out("delete_store", i)["deleted"] for i in range(2)] == [True, True]
    assert all(server.state.stores[sid].deleted for sid in ids)
    # The mapped task group: the rule saw paid_only per customer; its creates were dry runs.
    assert [out("per_customer.pick_plan", i) for i in range(2)] == ["free", "launch"]
    plans = [out("per_customer.plan_store", i) for i in range(2)]
    assert [(p["dry_run"], p["would"], p["request"]["name"]) for p in plans] == [
        (True, "create", "customer-free"), (True, "create", "customer-paid")
    ]
