"""Reading the endpoints' answers (``parsers.py``): decoded JSON in, models out, ``VercelResponseError`` otherwise.

The emulator's answers go through these parsers in every endpoint test (``test_calls.py``); here each
parser gets the other shapes the contract allows, and the answers it must refuse, as decoded JSON.
"""

from __future__ import annotations

from typing import Any

import pytest

from airflow_provider_vercel.api import parsers
from airflow_provider_vercel.api.errors import VercelResponseError
from airflow_provider_vercel.api.models import Store

SECRET = "s3cret-value-never-shown"


def refused(parse: Any, data: Any) -> str:
    with pytest.raises(VercelResponseError) as info:
        parse(data)
    return str(info.value)


def test_a_model_mismatch_names_the_field_never_the_value():
    message = refused(parsers.env_page, {"envs": [{"key": ["NOT", "TEXT"], "value": SECRET}]})
    assert "env does not match the contract" in message and "key" in message
    assert SECRET not in message and "NOT" not in message


@pytest.mark.parametrize(
    "data",
    [[{"id": "icfg_1"}], {"configurations": [{"id": "icfg_1"}]}, {"integrations": [{"id": "icfg_1"}]}],
    ids=["bare-array", "configurations-wrapper", "integrations-wrapper"],
)
def test_configurations_read_the_bare_array_and_tolerate_a_wrapper(data):
    assert [c.id for c in parsers.configurations(data)] == ["icfg_1"]


def test_configurations_skip_an_item_without_an_id():
    assert [c.id for c in parsers.configurations([{"id": None}, {"slug": "x"}, {"id": "icfg_2"}])] == ["icfg_2"]


@pytest.mark.parametrize("data", [{"configurations": "none"}, "icfg_1", None])
def test_configurations_refuse_what_is_not_an_array(data):
    assert "expected a JSON array" in refused(parsers.configurations, data)


def test_one_configuration_without_an_id_is_the_one_asked_for():
    parse = parsers.configuration("icfg_asked")
    assert parse({"slug": "neon"}).id == "icfg_asked"
    assert parse({"id": "icfg_other"}).id == "icfg_other"


def test_store_or_none_reads_the_store_or_a_null_store():
    store = parsers.store_or_none({"store": {"id": "store_1", "status": "available"}})
    assert store is not None and (store.id, store.status) == ("store_1", "available")
    assert parsers.store_or_none({"store": None}) is None


@pytest.mark.parametrize("data", [{"id": "store_1"}, [], None])
def test_store_or_none_refuses_an_answer_without_a_store_key(data):
    assert "'store' key" in refused(parsers.store_or_none, data)


@pytest.mark.parametrize("data", [{"stores": [{"id": "store_1"}]}, [{"id": "store_1"}]], ids=["wrapped", "bare"])
def test_stores_read_the_wrapped_or_bare_array(data):
    assert [s.id for s in parsers.stores(data)] == ["store_1"]


@pytest.mark.parametrize("data", [{"stores": None}, {"store": {}}, "stores"])
def test_stores_refuse_an_answer_without_an_array(data):
    assert "'stores' array" in refused(parsers.stores, data)


@pytest.mark.parametrize(
    ("data", "keys", "cursor"),
    [
        ({"envs": [{"key": "A"}], "pagination": {"next": 17}}, ["A"], 17),
        ({"envs": [{"key": "A"}], "pagination": {"next": None}}, ["A"], None),
        ({"envs": [{"key": "A"}, {"key": "B"}], "hiddenProductionEnvCount": 2}, ["A", "B"], None),
        ({"key": "ONE", "value": "v"}, ["ONE"], None),
        ([{"key": "A"}], ["A"], None),
    ],
    ids=["paged", "last-page", "hidden-count", "single-env", "bare-array"],
)
def test_env_page_reads_every_shape_of_the_listing(data, keys, cursor):
    page = parsers.env_page(data)
    assert [env.key for env in page.envs] == keys and page.next_cursor == cursor


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        ({"envs": {"key": "A"}}, "envs: expected a JSON array"),
        ({"envs": [], "pagination": {"next": "17"}}, "pagination.next: expected a number or null"),
        ({"envs": [], "pagination": {"next": True}}, "pagination.next: expected a number or null"),
        ({"value": SECRET}, "expected an object with an 'envs' array"),
    ],
)
def test_env_page_refuses_an_unreadable_listing(data, problem):
    message = refused(parsers.env_page, data)
    assert problem in message and SECRET not in message


def test_require_store_returns_the_store_and_refuses_a_null_one_naming_the_request():
    store = Store.model_validate({"id": "store_1"})
    assert parsers.require_store(store, "store_1") is store
    with pytest.raises(VercelResponseError) as info:
        parsers.require_store(None, "store_1")
    assert "/v1/storage/stores/store_1" in str(info.value) and "store is null" in str(info.value)
