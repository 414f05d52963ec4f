"""VercelCleanupStoresOperator against the emulator: ages, guards, dry run, partial failure."""

from __future__ import annotations

import time
from typing import Any

import pytest
from airflow.providers.common.compat.sdk import AirflowException

from airflow_provider_vercel.api.calls import CreateStoreRequest
from airflow_provider_vercel.api.client import VercelClient
from airflow_provider_vercel.api.errors import VercelInputError
from airflow_provider_vercel.operators import VercelCleanupStoresOperator
from airflow_provider_vercel.operators.cleanup import REPORT_XCOM_KEY
from airflow_provider_vercel.operators.lifecycle import VercelConnectStoreOperator
from airflow_provider_vercel.tasks.base import VercelTaskError
from tests.helpers.secrets import assert_no_secrets
from tests.operators.conftest import api_requests

DAY_MS = 86_400_000
DELETE_PREFIX = "/v1/storage/stores/integration/"


def make_stores(server: Any, ages_days: dict[str, float | None], product: str = "neon-postgres") -> dict[str, str]:
    """Create one store per name and backdate it; None blanks its createdAt. Returns name -> id."""
    integration = "neon" if product == "neon-postgres" else "upstash"
    now = int(time.time() * 1000)
    ids = {}
    with VercelClient(server.admin_token, base_url=server.url, team_id=server.team_id) as client:
        for name, age in ages_days.items():
            request = CreateStoreRequest(
                name=name,
                integration_configuration_id=server.configuration_id(integration),
                product=product,
                metadata={"region": "iad1"} if integration == "neon" else None,
            )
            store_id = client.get_or_create_store(request).store.id
            server.state.set_store_created_at(store_id, None if age is None else int(now - age * DAY_MS))
            ids[name] = store_id
    return ids


def sweep(server: Any, **kwargs: Any) -> VercelCleanupStoresOperator:
    kwargs.setdefault("integration_configuration_id", server.configuration_id("neon"))
    return VercelCleanupStoresOperator(task_id="sweep", **kwargs)


def live(server: Any) -> set[str]:
    return {s.name for s in server.state.stores.values() if not s.deleted}


def names(entries: list[dict[str, Any]]) -> list[str]:
    return [e["name"] for e in entries]


def test_only_stores_older_than_the_duration_are_deleted(emulator, context):
    ids = make_stores(emulator, {"pr-1-db": 0.2, "pr-2-db": 3, "pr-3-db": 40, "main-db": 90})
    result = sweep(emulator, name_prefix="pr-", older_than="2d").execute(context)
    assert sorted(names(result["deleted"])) == ["pr-2-db", "pr-3-db"]
    assert {e["id"] for e in result["deleted"]} == {ids["pr-2-db"], ids["pr-3-db"]}
    kept = {e["name"]: e["reason"] for e in result["kept"]}
    assert kept["pr-1-db"].startswith("younger than older_than") and kept["main-db"] == "name does not match"
    assert result["failed"] == [] and result["dry_run"] is False
    assert live(emulator) == {"pr-1-db", "main-db"}
    deletes = [r["path"] for r in api_requests(emulator, "DELETE")]
    assert sorted(deletes) == sorted(DELETE_PREFIX + ids[n] for n in ("pr-2-db", "pr-3-db"))
    assert_no_secrets(emulator, result)


def test_a_store_without_creation_time_is_kept_and_reported(emulator, context, capfd, caplog):
    ids = make_stores(emulator, {"pr-1-db": 10, "pr-2-db": None})
    result = sweep(emulator, name_prefix="pr-").execute(context)
    assert names(result["deleted"]) == ["pr-1-db"]
    assert result["kept"] == [{"id": ids["pr-2-db"], "name": "pr-2-db", "reason": "age unknown (createdAt is None)"}]
    assert "pr-2-db" in live(emulator)
    logged = capfd.readouterr().out + caplog.text
    assert f"Store {ids['pr-2-db']} (pr-2-db) is kept: its age cannot be established" in logged


def test_more_matches_than_max_deletions_deletes_none_and_lists_them(emulator, context):
    ids = make_stores(emulator, {f"pr-{n}-db": 5 for n in range(1, 4)})
    with pytest.raises(VercelTaskError, match="3 stores match, more than max_deletions=2: none was deleted") as caught:
        sweep(emulator, name_glob="pr-*-db", max_deletions="2").execute(context)
    assert all(store_id in str(caught.value) for store_id in ids.values())
    assert api_requests(emulator, "DELETE") == []
    assert sorted(names(context["ti"].xcoms[REPORT_XCOM_KEY]["would_delete"])) == ["pr-1-db", "pr-2-db", "pr-3-db"]


def test_a_dry_run_reports_what_would_go_and_deletes_nothing(emulator, context):
    make_stores(emulator, {"pr-1-db": 1, "pr-2-db": 9})
    result = sweep(emulator, name_prefix="pr-", older_than="1w", dry_run="True").execute(context)
    assert result["dry_run"] is True and result["deleted"] == []
    assert names(result["would_delete"]) == ["pr-2-db"]
    assert names(result["kept"]) == ["pr-1-db"]
    assert live(emulator) == {"pr-1-db", "pr-2-db"}
    assert api_requests(emulator, "DELETE") == []


def test_one_failure_does_not_stop_the_others_and_the_task_fails_naming_it(emulator, context):
    ids = make_stores(emulator, {"pr-1-db": 3, "pr-2-db": 2, "pr-3-db": 1})
    # Every attempt (the test connection allows 3) at deleting pr-2-db answers 503.
    emulator.faults.server_error(n=50, status=503, method="DELETE", path=DELETE_PREFIX + ids["pr-2-db"])
    with pytest.raises(AirflowException, match=rf"1 of 3 store\(s\) could not be deleted: {ids['pr-2-db']} \(pr-2-db\)"):
        sweep(emulator, name_prefix="pr-", older_than="12h").execute(context)
    report = context["ti"].xcoms[REPORT_XCOM_KEY]
    assert sorted(names(report["deleted"])) == ["pr-1-db", "pr-3-db"]
    assert report["failed"] == [{"id": ids["pr-2-db"], "name": "pr-2-db", "error": "VercelServerError (HTTP 503)"}]
    assert live(emulator) == {"pr-2-db"}
    emulator.faults.clear()  # a retry of the task finishes the job
    again = sweep(emulator, name_prefix="pr-", older_than="12h").execute(context)
    assert names(again["deleted"]) == ["pr-2-db"] and live(emulator) == set()


def test_connected_stores_are_disconnected_then_deleted_or_kept_with_only_unconnected(emulator, context):
    ids = make_stores(emulator, {"pr-1-db": 3, "pr-2-db": 3})
    VercelConnectStoreOperator(task_id="c", store_id=ids["pr-1-db"], project_id="web-app").execute(context)
    kept = sweep(emulator, name_prefix="pr-", only_unconnected=True).execute(context)
    assert names(kept["deleted"]) == ["pr-2-db"]
    assert kept["kept"][0]["reason"] == "connected to a project (1 project(s))"
    result = sweep(emulator, name_prefix="pr-").execute(context)
    assert names(result["deleted"]) == ["pr-1-db"] and live(emulator) == set()
    paths = [r["path"] for r in api_requests(emulator, "DELETE")]
    disconnect = next(i for i, p in enumerate(paths) if p.startswith(f"/v1/storage/stores/{ids['pr-1-db']}/connections"))
    assert disconnect < paths.index(DELETE_PREFIX + ids["pr-1-db"])
    assert not [e for e in emulator.state.project_env_vars(emulator.project_id("web-app")) if (e.content_hint or {}).get("storeId") == ids["pr-1-db"]]


def test_the_product_selector_leaves_other_products_alone(emulator, context):
    make_stores(emulator, {"pr-1-db": 3})
    upstash = sweep(emulator, integration_configuration_id=emulator.configuration_id("upstash"), name_prefix="pr-")
    assert upstash.execute(context)["deleted"] == []  # another configuration's stores are not listed
    result = sweep(emulator, name_prefix="pr-", product="upstash-redis").execute(context)
    assert result["deleted"] == [] and result["kept"][0]["reason"].startswith("product does not match")


def test_bad_literals_fail_at_parse_time_naming_the_argument():
    cfg = "icfg_abc"
    with pytest.raises(VercelInputError, match="empty selector"):
        VercelCleanupStoresOperator(task_id="s", integration_configuration_id=cfg, product="neon-postgres")
    with pytest.raises(VercelInputError, match="older_than"):
        VercelCleanupStoresOperator(task_id="s", integration_configuration_id=cfg, older_than="a week")
    with pytest.raises(VercelInputError, match="max_deletions"):
        VercelCleanupStoresOperator(task_id="s", integration_configuration_id=cfg, name_prefix="pr-", max_deletions=-1)
    with pytest.raises(VercelInputError, match="integration_configuration_id"):
        VercelCleanupStoresOperator(task_id="s", integration_configuration_id="cfg", name_prefix="pr-")


def test_templated_arguments_are_checked_after_rendering_before_any_request(emulator, context):
    op = sweep(emulator, name_prefix="{{ params.prefix }}", older_than="{{ params.age }}")
    op.name_prefix, op.older_than = "", "None"  # what empty params render to
    with pytest.raises(VercelTaskError, match="empty selector"):
        op.execute(context)
    assert emulator.requests == []
