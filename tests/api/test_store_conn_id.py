"""The store connection id form ``vercel-store--<store>--<project>--<target>`` (api/store_conn_id.py)."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from airflow_provider_vercel.api.errors import VercelInputError
from airflow_provider_vercel.api.store_conn_id import StoreConnectionRef, parse_store_conn_id, store_conn_id

#: Airflow's own conn id pattern (airflow.models.connection.RE_SANITIZE_CONN_ID, unchanged 2.x-3.3).
AIRFLOW_CONN_ID = re.compile(r"^[\w#!()\-.:/\\]{1,}$")


def test_ids_name_store_project_and_target():
    assert store_conn_id("store_abc123", "web-app", "preview") == "vercel-store--store_abc123--web-app--preview"
    assert parse_store_conn_id("vercel-store--pr-42-db--prj_X1--production") == StoreConnectionRef(
        "pr-42-db", "prj_X1", "production"
    )


def test_a_project_name_may_contain_the_separator():
    ref = parse_store_conn_id("vercel-store--store_a--my--app--development")
    assert ref == StoreConnectionRef("store_a", "my--app", "development")
    assert ref.store_is_id and ref.conn_id == "vercel-store--store_a--my--app--development"


@pytest.mark.parametrize(
    "conn_id",
    [
        "vercel_default",
        "postgres_default",
        "vercel-store--store_a--web-app",  # no target
        "vercel-store--store_a--web-app--staging",  # unknown target
        "vercel-store----web-app--preview",  # no store
        "vercel-store--store_a----preview",  # no project
        "vercel-store--store a--web-app--preview",  # space
        "Vercel-Store--store_a--web-app--preview",  # the prefix is exact
    ],
)
def test_other_ids_are_not_the_backends(conn_id):
    assert parse_store_conn_id(conn_id) is None


@pytest.mark.parametrize(
    ("store", "project", "target", "argument"),
    [("a--b", "web", "preview", "store"), ("s", "we b", "preview", "project"), ("s", "web", "prod", "target")],
)
def test_building_an_id_refuses_parts_it_cannot_carry(store, project, target, argument):
    with pytest.raises(VercelInputError, match=argument):
        store_conn_id(store, project, target)


_PART = st.from_regex(r"[A-Za-z0-9_.][A-Za-z0-9_.-]{0,20}[A-Za-z0-9_.]", fullmatch=True)


@given(
    store=_PART.filter(lambda s: "--" not in s),
    project=_PART,
    target=st.sampled_from(["production", "preview", "development"]),
)
def test_every_built_id_is_a_valid_airflow_conn_id_and_parses_back(store, project, target):
    conn_id = store_conn_id(store, project, target)
    assert AIRFLOW_CONN_ID.match(conn_id)
    assert parse_store_conn_id(conn_id) == StoreConnectionRef(store, project, target)
