"""The create task's store link and asset event helpers (through Airflow: tests/dags/test_store_assets.py)."""

from __future__ import annotations

from typing import Any

from airflow.providers.common.compat.sdk import AssetAlias
from airflow.providers.common.compat.version_compat import AIRFLOW_V_3_0_PLUS

from airflow_provider_vercel.operators.store_assets import (
    VercelStoreLink,
    alias_outlets,
    emit_store_event,
    store_asset_uri,
)


def test_the_asset_uri_names_the_team_or_the_personal_account():
    assert store_asset_uri("team_1", "db") == "vercel://team_1/stores/db"
    assert store_asset_uri(None, "db") == "vercel://personal/stores/db"


def test_the_alias_is_added_to_the_outlets_on_airflow_3():
    alias, outlets = alias_outlets("vercel_stores", ["kept"])
    if AIRFLOW_V_3_0_PLUS:
        assert alias == "vercel_stores" and outlets[0] == "kept" and isinstance(outlets[1], AssetAlias)
    else:
        assert (alias, outlets) == (None, ["kept"])
    assert alias_outlets(None, None) == (None, None)


class _Events:
    """Stands in for ``context["outlet_events"]``: records the alias asked for and the events added to it."""

    def __init__(self) -> None:
        self.aliases: list[Any] = []
        self.added: list[tuple[str, dict[str, Any]]] = []

    def __getitem__(self, alias: Any) -> _Events:  # AssetAlias is not hashable on every Airflow line
        self.aliases.append(alias)
        return self

    def add(self, asset: Any, extra: dict[str, Any]) -> None:
        self.added.append((asset.uri, extra))


def test_an_event_carries_the_store_and_its_outcome():
    events = _Events()
    summary = {"id": "store_1", "name": "db", "status": "available", "outcome": "created", "product": {"slug": "neon"}}
    uri = emit_store_event({"outlet_events": events}, "vercel_stores", "team_1", summary)
    assert uri == "vercel://team_1/stores/db"
    ((added_uri, extra),) = events.added
    assert [alias.name for alias in events.aliases] == ["vercel_stores"]
    assert added_uri == uri and extra["store_id"] == "store_1" and extra["product"] == "neon"


def test_no_event_without_outlet_events_or_a_store_name():
    assert emit_store_event({}, "vercel_stores", None, {"name": "db"}) is None
    assert emit_store_event({"outlet_events": _Events()}, "vercel_stores", None, {"name": None}) is None


def test_the_link_reads_the_url_of_the_operator_that_ran():
    class Ran:
        link_url = "https://vercel.com/t/~/stores/integration/store_1"

    class Failed:
        link_url = None

    assert VercelStoreLink().get_link(Ran(), ti_key=None) == Ran.link_url
    assert VercelStoreLink().get_link(Failed(), ti_key=None) == ""
