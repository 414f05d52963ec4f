"""The hook's credentials methods find a store's variables by ``contentHint.storeId``: with prefixed keys,
next to another store of the same product, and on any page of a paged env listing."""

from __future__ import annotations

import pytest

from airflow_provider_vercel.hooks.vercel import VercelHook
from tests.hooks.test_store_credentials import PROJECT, assert_masked, emu, new_store, secrets_of  # noqa: F401

PAGE_SIZE = 1  # the smallest page: every variable sits on a page of its own


@pytest.fixture
def two_prefixed_stores(emu):  # noqa: F811
    hook = VercelHook()
    first = new_store(hook, emu, name="pr-41")
    second = new_store(hook, emu, name="pr-42")
    hook.connect_store(first.configuration_id, first.id, PROJECT, ["production"], env_var_prefix="PR41_")
    hook.connect_store(second.configuration_id, second.id, PROJECT, ["production"], env_var_prefix="PR42_")
    emu.state.env_page_size = PAGE_SIZE
    return hook, first, second


def test_credentials_of_each_prefixed_store_are_its_own_read_across_pages(emu, two_prefixed_stores):  # noqa: F811
    hook, first, second = two_prefixed_stores
    for store, prefix in ((first, "PR41_"), (second, "PR42_")):
        creds = hook.get_store_credentials(store.id, PROJECT)
        assert creds == {prefix + key: value for key, value in secrets_of(emu, store.id).items()}
    pages = [r for r in emu.requests if r["path"].endswith(f"/projects/{PROJECT}/env")]
    assert any("until" in r["query"] for r in pages), "the listing was read page by page"


def test_url_and_connection_of_each_prefixed_store_are_distinct_and_masked(emu, two_prefixed_stores):  # noqa: F811
    hook, first, second = two_prefixed_stores
    urls = [hook.get_store_url(store.id, PROJECT) for store in (first, second)]
    assert len(set(urls)) == 2
    for store, url in zip((first, second), urls, strict=True):
        assert url in secrets_of(emu, store.id).values()
        assert_masked(url)
    connection = hook.get_store_connection(second.id, PROJECT, variable="DATABASE_URL")
    assert f"{connection.login}:{connection.password}@" in urls[1]


def test_a_variable_named_without_its_prefix_is_found_with_it(two_prefixed_stores):
    hook, first, _ = two_prefixed_stores
    assert hook.get_store_url(first.id, PROJECT, variable="DATABASE_URL") == hook.get_store_url(
        first.id, PROJECT, variable="PR41_DATABASE_URL"
    )
