"""The sweep's selection (api/sweep.py): pure, without Airflow or HTTP."""

from __future__ import annotations

from datetime import timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from airflow_provider_vercel.api.errors import VercelInputError
from airflow_provider_vercel.api.models import ProjectConnection, Store, StoreProduct
from airflow_provider_vercel.api.sweep import (
    EARLIEST_PLAUSIBLE_MS,
    REASON_AGE_UNKNOWN,
    REASON_CONNECTED,
    REASON_NAME,
    REASON_NO_ID,
    REASON_PRODUCT,
    REASON_TOO_YOUNG,
    StoreSelector,
    parse_duration,
    plan_sweep,
)

NOW = 1_790_000_000_000  # a fixed clock, epoch ms
DAY_MS = 86_400_000


def store(name, *, age_days=10.0, created_at="auto", product="neon-postgres", projects=0, sid=None):
    return Store(
        id=sid if sid is not None else f"store_{name.replace('-', '')}",
        name=name,
        created_at=int(NOW - age_days * DAY_MS) if created_at == "auto" else created_at,
        product=StoreProduct(id=f"iap_{product.replace('-', '_')}", slug=product),
        projects_metadata=[ProjectConnection(id=f"spc_{i}", project_id=f"prj_{i}") for i in range(projects)],
    )


def reasons(plan):
    return {k.store.name: k.reason for k in plan.kept}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("7d", timedelta(days=7)),
        ("36h", timedelta(hours=36)),
        ("1d12h", timedelta(days=1, hours=12)),
        (" 2w ", timedelta(weeks=2)),
        ("90", timedelta(seconds=90)),
        (3600, timedelta(hours=1)),
        (timedelta(minutes=5), timedelta(minutes=5)),
    ],
)
def test_durations_are_read_from_text_seconds_and_timedeltas(text, expected):
    assert parse_duration(text) == expected


@pytest.mark.parametrize("empty", [None, "", "None", "null"])
def test_an_empty_duration_means_no_age_condition(empty):
    assert parse_duration(empty) is None


@pytest.mark.parametrize("bad", ["7 days", "d7", "-1d", "0", 0, True, [1], "1y"])
def test_bad_durations_are_refused_naming_the_argument(bad):
    with pytest.raises(VercelInputError, match="older_than"):
        parse_duration(bad)


def test_an_empty_selector_is_refused():
    with pytest.raises(VercelInputError, match="empty selector"):
        StoreSelector(product="neon-postgres", only_unconnected=True)


def test_stores_of_several_ages_only_the_old_enough_are_selected():
    stores = [store("pr-1-db", age_days=0.5), store("pr-2-db", age_days=3), store("pr-3-db", age_days=30)]
    plan = plan_sweep(stores, StoreSelector(name_prefix="pr-", older_than=timedelta(days=2)), NOW)
    assert [s.name for s in plan.selected] == ["pr-3-db", "pr-2-db"]  # oldest first
    assert reasons(plan) == {"pr-1-db": REASON_TOO_YOUNG}
    assert "age 12h" in plan.kept[0].as_dict()["reason"]


@pytest.mark.parametrize(
    "created_at", [None, 0, 1_700_000_000, NOW + 3600_000, "yesterday"], ids=["null", "zero", "seconds", "future", "text"]
)
def test_a_store_whose_age_is_unknown_is_never_selected_and_is_reported(created_at):
    unknown = store("pr-9-db", created_at=created_at) if created_at != "yesterday" else store("pr-9-db").model_copy(
        update={"created_at": "yesterday"}
    )
    for selector in (StoreSelector(name_prefix="pr-", older_than=timedelta(days=1)), StoreSelector(name_prefix="pr-")):
        plan = plan_sweep([unknown, store("pr-1-db")], selector, NOW)
        assert [s.name for s in plan.selected] == ["pr-1-db"]
        assert [k.store.name for k in plan.unknown_age] == ["pr-9-db"]
        assert reasons(plan)["pr-9-db"] == REASON_AGE_UNKNOWN


def test_the_earliest_plausible_creation_time_is_accepted():
    plan = plan_sweep([store("pr-1-db", created_at=EARLIEST_PLAUSIBLE_MS)], StoreSelector(older_than=timedelta(days=1)), NOW)
    assert [s.name for s in plan.selected] == ["pr-1-db"]


def test_name_prefix_glob_and_product_narrow_the_selection():
    stores = [
        store("pr-1-db"),
        store("pr-2-cache", product="upstash-redis"),
        store("prod-main"),
        store("feature-x-db"),
    ]
    plan = plan_sweep(stores, StoreSelector(name_glob="pr-*", product="neon-postgres"), NOW)
    assert [s.name for s in plan.selected] == ["pr-1-db"]
    assert reasons(plan) == {"pr-2-cache": REASON_PRODUCT, "prod-main": REASON_NAME, "feature-x-db": REASON_NAME}
    by_id = plan_sweep(stores, StoreSelector(name_prefix="pr-", product="iap_upstash_redis"), NOW)
    assert [s.name for s in by_id.selected] == ["pr-2-cache"]


def test_only_unconnected_keeps_connected_stores():
    stores = [store("pr-1-db", projects=2), store("pr-2-db")]
    plan = plan_sweep(stores, StoreSelector(name_prefix="pr-", only_unconnected=True), NOW)
    assert [s.name for s in plan.selected] == ["pr-2-db"]
    assert plan.kept[0].as_dict() == {"id": "store_pr1db", "name": "pr-1-db", "reason": f"{REASON_CONNECTED} (2 project(s))"}
    assert [s.name for s in plan_sweep(stores, StoreSelector(name_prefix="pr-"), NOW).selected] == ["pr-1-db", "pr-2-db"]


def test_a_store_without_id_is_kept():
    plan = plan_sweep([store("pr-1-db", sid="")], StoreSelector(name_prefix="pr-"), NOW)
    assert plan.selected == [] and reasons(plan) == {"pr-1-db": REASON_NO_ID}


def test_too_many_compares_the_selection_with_max_deletions():
    plan = plan_sweep([store(f"pr-{n}-db") for n in range(3)], StoreSelector(name_prefix="pr-"), NOW)
    assert plan.too_many(2) and not plan.too_many(3)


@given(
    ages=st.lists(st.one_of(st.none(), st.floats(min_value=-1, max_value=400)), max_size=12),
    older_days=st.floats(min_value=0.01, max_value=100),
)
def test_every_store_is_either_selected_or_kept_and_none_selected_is_young_or_undated(ages, older_days):
    stores = [
        store(f"pr-{i}-db", created_at=None) if age is None else store(f"pr-{i}-db", age_days=age)
        for i, age in enumerate(ages)
    ]
    plan = plan_sweep(stores, StoreSelector(name_prefix="pr-", older_than=timedelta(days=older_days)), NOW)
    assert {s.id for s in plan.selected} | {k.store.id for k in plan.kept} == {s.id for s in stores}
    assert not {s.id for s in plan.selected} & {k.store.id for k in plan.kept}
    ages_by_id = {s.id: age for s, age in zip(stores, ages)}
    for ref in plan.selected:
        age = ages_by_id[ref.id]
        assert age is not None and age * DAY_MS >= older_days * DAY_MS - 1
