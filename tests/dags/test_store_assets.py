"""Data-aware scheduling: a create task emits an asset event for its store, and the consumer DAG is queued.

Runs the producer DAGs through Airflow (``dag.test()``), then reads the metadata DB the scheduler
would read: ``asset_event`` (the event, its extra, its source task and alias), ``asset_alias`` (the
alias now resolves to the store's asset) and ``asset_dag_run_queue`` (the consumer DAG, scheduled on
the alias, is queued for a run).
"""

from __future__ import annotations

from airflow_provider_vercel.operators.stores import STORE_ASSET_ALIAS, store_asset_uri
from tests.helpers.airflow import run_dag, task_states, xcoms

CONSUMER = "vercel_store_consumer"


def asset_events(dag_run):
    from airflow.models.asset import AssetEvent, AssetModel
    from airflow.utils.session import create_session

    with create_session() as session:
        rows = (
            session.query(AssetEvent, AssetModel)
            .join(AssetModel, AssetModel.id == AssetEvent.asset_id)
            .filter(AssetEvent.source_dag_id == dag_run.dag_id, AssetEvent.source_run_id == dag_run.run_id)
            .all()
        )
        return [
            {
                "uri": asset.uri,
                "extra": dict(event.extra),
                "task_id": event.source_task_id,
                "map_index": event.source_map_index,
                "aliases": sorted(alias.name for alias in event.source_aliases),
            }
            for event, asset in rows
        ]


def queued_consumers(uri):
    from airflow.models.asset import AssetDagRunQueue, AssetModel
    from airflow.utils.session import create_session

    with create_session() as session:
        rows = (
            session.query(AssetDagRunQueue.target_dag_id)
            .join(AssetModel, AssetModel.id == AssetDagRunQueue.asset_id)
            .filter(AssetModel.uri == uri)
            .all()
        )
        return {dag_id for (dag_id,) in rows}


def alias_assets(name):
    from airflow.models.asset import AssetAliasModel
    from airflow.utils.session import create_session

    with create_session() as session:
        alias = session.query(AssetAliasModel).filter(AssetAliasModel.name == name).one_or_none()
        return set() if alias is None else {asset.uri for asset in alias.assets}


def test_store_asset_uri_is_stable_from_team_and_name():
    assert store_asset_uri("team_abc", "pr-42-db") == "vercel://team_abc/stores/pr-42-db"
    assert store_asset_uri(None, "kv") == "vercel://personal/stores/kv"
    from airflow.providers.common.compat.sdk import Asset

    uri = store_asset_uri("team_abc", "pr-42-db")
    assert Asset(uri=uri).uri == uri  # Airflow accepts it unchanged (no normalisation of the custom scheme)


def test_consumer_dag_is_scheduled_on_the_store_alias(example_dagbag):
    dag = example_dagbag.get_dag(CONSUMER)
    assert dag is not None, example_dagbag.import_errors
    from airflow.providers.common.compat.sdk import AssetAlias

    assert dag.timetable.asset_condition == AssetAlias(name=STORE_ASSET_ALIAS) or STORE_ASSET_ALIAS in str(
        dag.timetable.asset_condition
    )
    create = example_dagbag.get_dag("vercel_free_store").get_task("create_store")
    assert AssetAlias(name=STORE_ASSET_ALIAS) in create.outlets


def unpause(dag_id):
    from airflow.models.dag import DagModel
    from airflow.utils.session import create_session

    with create_session() as session:
        session.query(DagModel).filter(DagModel.dag_id == dag_id).update({DagModel.is_paused: False})


def test_creating_a_store_records_an_asset_event_and_queues_the_consumer(example_dagbag, airflow_emulator):
    server = airflow_emulator
    # The consumer, run by hand (no events), which also writes it to the metadata DB; then switched on,
    # as a user would (new DAGs start paused, and paused DAGs are not queued).
    by_hand = run_dag(example_dagbag, CONSUMER)
    assert str(by_hand.state) == "success", task_states(by_hand)
    assert xcoms(by_hand)[("describe_new_stores", -1, "return_value")] == []
    unpause(CONSUMER)

    dag_run = run_dag(example_dagbag, "vercel_free_store")
    assert str(dag_run.state) == "success", task_states(dag_run)
    summary = xcoms(dag_run)[("create_store", -1, "return_value")]
    uri = store_asset_uri(server.team_id, "vercel-free-kv")

    (event,) = asset_events(dag_run)
    assert event["uri"] == uri
    assert event["task_id"] == "create_store"
    assert event["aliases"] == [STORE_ASSET_ALIAS]
    assert event["extra"] == {
        "store_id": summary["id"],
        "store_name": "vercel-free-kv",
        "configuration_id": server.configuration_id("upstash"),
        "product": "upstash-kv",
        "status": summary["status"],
        "outcome": "created",
    }
    assert uri in alias_assets(STORE_ASSET_ALIAS)
    assert CONSUMER in queued_consumers(uri)  # the scheduler would now start the consumer DAG

    # A re-run reuses the store and says so in a new event.
    again = run_dag(example_dagbag, "vercel_free_store")
    (second,) = asset_events(again)
    assert second["uri"] == uri and second["extra"]["outcome"] == "reused"
    assert second["extra"]["store_id"] == summary["id"]


def test_mapped_create_tasks_emit_one_event_per_store(example_dagbag, airflow_emulator):
    dag_run = run_dag(example_dagbag, "vercel_preview_stores", run_conf={"pull_requests": [7, 8]})
    assert str(dag_run.state) == "success", task_states(dag_run)
    events = asset_events(dag_run)
    team = airflow_emulator.team_id
    assert sorted(e["uri"] for e in events) == [store_asset_uri(team, "pr-7-db"), store_asset_uri(team, "pr-8-db")]
    assert sorted(e["map_index"] for e in events) == [0, 1]


def test_the_consumer_task_reads_the_events_it_was_triggered_by(airflow_emulator, monkeypatch, example_dagbag):
    """The consumer's task, given the events a scheduler would pass, reads each store's status."""
    from types import SimpleNamespace

    from airflow_provider_vercel.api.calls import CreateStoreRequest
    from airflow_provider_vercel.hooks.vercel import VercelHook

    server = airflow_emulator
    store = (
        VercelHook()
        .get_or_create_store(
            CreateStoreRequest(
                name="consumed", integration_configuration_id=server.configuration_id("upstash"), product="upstash-kv"
            )
        )
        .store
    )
    uri = store_asset_uri(server.team_id, "consumed")
    event = SimpleNamespace(
        asset=SimpleNamespace(uri=uri), extra={"store_id": store.id, "store_name": "consumed", "outcome": "created"}
    )
    context = {"triggering_asset_events": {uri: [event]}}
    task = example_dagbag.get_dag(CONSUMER).get_task("describe_new_stores")
    monkeypatch.setitem(task.python_callable.__globals__, "get_current_context", lambda: context)
    (result,) = task.python_callable()
    assert {k: result[k] for k in ("uri", "store_id", "store_name", "outcome")} == {
        "uri": uri,
        "store_id": store.id,
        "store_name": "consumed",
        "outcome": "created",
    }
    assert result["status"] in ("initializing", "available")
