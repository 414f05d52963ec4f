"""The hook's store credentials (hooks/store_credentials.py): variables, URL and connection of a store, every value masked.

Placeholder values first (fast, no database), then a store backed by a real PostgreSQL database
(``vercel_emulator_postgres``), then prefixed stores found by ``contentHint.storeId`` on any page.
"""

from __future__ import annotations

import pytest

from airflow_provider_vercel.api.errors import VercelCredentialsError, VercelInputError
from airflow_provider_vercel.hooks.vercel import VercelHook
from tests.helpers.stores import PROJECT, assert_masked, connect_env, new_store, secrets_of

# --- credentials and URL ------------------------------------------------------------------------------


def test_credentials_are_the_stores_variables_for_the_target_every_value_masked(emu):
    hook = VercelHook()
    store = new_store(hook, emu)
    hook.connect_store(store.configuration_id, store.id, PROJECT, ["production", "preview"])
    creds = hook.get_store_credentials(store.id, PROJECT)
    assert creds == secrets_of(emu, store.id)
    for value in creds.values():
        if len(value) >= 5:  # Airflow's masker ignores shorter values
            assert_masked(value)
    # Values were read one by one, decrypted (§8.2), after one listing without decryption.
    listing = [r for r in emu.requests if r["path"] == f"/v10/projects/{PROJECT}/env"]
    assert listing and all(r["query"].get("decrypt") == "false" for r in listing)
    reads = [r for r in emu.requests if r["path"].startswith(f"/v1/projects/{PROJECT}/env/")]
    assert len(reads) == len(creds)


def test_the_url_is_database_url_unless_another_variable_is_named(emu):
    hook = VercelHook()
    store = new_store(hook, emu)
    hook.connect_store(store.configuration_id, store.id, PROJECT, ["preview"])
    secrets = secrets_of(emu, store.id)
    emu.log.clear()
    assert hook.get_store_url(store.id, PROJECT, target="preview") == secrets["DATABASE_URL"]
    assert len([r for r in emu.requests if r["path"].startswith(f"/v1/projects/{PROJECT}/env/")]) == 1
    unpooled = hook.get_store_url(store.id, PROJECT, target="preview", variable="DATABASE_URL_UNPOOLED")
    assert unpooled == secrets["DATABASE_URL_UNPOOLED"]


def test_a_prefixed_connection_is_found_by_store_id_and_the_variable_with_or_without_prefix(emu):
    hook = VercelHook()
    store = new_store(hook, emu)
    # The CLI's connect route takes an envVarPrefix (docs/api-contract.md §5.1).
    hook.client.request(
        "POST",
        f"/v1/storage/stores/{store.id}/connections",
        json={
            "projectId": PROJECT,
            "envVarEnvironments": ["development"],
            "type": "integration",
            "envVarPrefix": "PR9_",
        },
    )
    secrets = secrets_of(emu, store.id)
    creds = hook.get_store_credentials(store.id, PROJECT, target="development")
    assert creds == {f"PR9_{key}": value for key, value in secrets.items()}
    assert hook.get_store_url(store.id, PROJECT, target="development") == secrets["DATABASE_URL"]
    for name in ("DATABASE_URL_UNPOOLED", "PR9_DATABASE_URL_UNPOOLED"):
        assert hook.get_store_url(store.id, PROJECT, "development", variable=name) == secrets["DATABASE_URL_UNPOOLED"]


def test_a_redis_store_gives_a_redis_connection(emu):
    hook = VercelHook()
    store = new_store(hook, emu, "upstash", "upstash-kv", "creds-kv", primaryRegion="iad1")
    hook.connect_store(store.configuration_id, store.id, PROJECT, ["production"])
    secrets = secrets_of(emu, store.id)
    conn = hook.get_store_connection(store.id, PROJECT)
    assert conn.conn_type == "redis"
    assert conn.conn_id == f"vercel_store_{store.id}"
    assert (conn.host, conn.port, conn.login) == ("127.0.0.1", 6379, "default")
    assert conn.password == secrets["KV_REST_API_TOKEN"]
    assert_masked(conn.password)


def test_the_connection_of_a_postgres_store_has_its_fields_and_extras(emu):
    hook = VercelHook()
    store = new_store(hook, emu)
    hook.connect_store(store.configuration_id, store.id, PROJECT, ["production"])
    secrets = secrets_of(emu, store.id)
    conn = hook.get_store_connection(store.id, PROJECT, conn_id="pr_db", variable="DATABASE_URL_UNPOOLED")
    assert (conn.conn_id, conn.conn_type) == ("pr_db", "postgres")
    assert (conn.login, conn.password, conn.schema) == (secrets["PGUSER"], secrets["PGPASSWORD"], secrets["PGDATABASE"])
    assert conn.extra_dejson == {"sslmode": "disable"}
    assert secrets["PGPASSWORD"] not in (conn.description or "")


def test_a_preview_read_with_a_git_branch_prefers_that_branchs_variable(emu):
    from airflow_provider_vercel.emulator.state import EnvVar as EmulatedEnv

    hook = VercelHook()
    store = new_store(hook, emu)
    hook.connect_store(store.configuration_id, store.id, PROJECT, ["preview"])
    project_id = emu.project_id(PROJECT)
    general = next(e for e in emu.state.project_env_vars(project_id) if e.key == "DATABASE_URL")
    branch_url = "postgres://branch_user:branch-pass-123@127.0.0.1:5432/branchdb"
    emu.state.add_env_var(
        EmulatedEnv(
            id="envBranchOnly0001",
            project_id=project_id,
            key="DATABASE_URL",
            value=branch_url,
            type="encrypted",
            target=["preview"],
            git_branch="feature-x",
            content_hint=dict(general.content_hint),
        )
    )
    assert hook.get_store_url(store.id, PROJECT, "preview", git_branch="feature-x") == branch_url
    assert hook.get_store_url(store.id, PROJECT, "preview") == general.value
    listings = [r for r in emu.requests if r["path"] == f"/v10/projects/{PROJECT}/env"]
    branch_lists = [r for r in listings if "gitBranch" in r["query"]]
    assert branch_lists and branch_lists[0]["query"]["gitBranch"] == "feature-x"


# --- failures: clear, and never with a value ------------------------------------------------------------


def test_a_store_not_connected_to_the_project_says_how_to_connect_it(emu):
    hook = VercelHook()
    store = new_store(hook, emu)
    with pytest.raises(VercelCredentialsError) as info:
        hook.get_store_url(store.id, PROJECT)
    assert info.value.reason == "not_connected"
    assert "VercelConnectStoreOperator" in str(info.value) and "environments=['production']" in str(info.value)


def test_a_store_connected_for_other_targets_names_them(emu):
    hook = VercelHook()
    store = new_store(hook, emu)
    hook.connect_store(store.configuration_id, store.id, PROJECT, ["preview", "development"])
    with pytest.raises(VercelCredentialsError, match="for development, preview, not production"):
        hook.get_store_credentials(store.id, PROJECT, target="production")


def test_sensitive_variables_fail_clearly_and_say_how_to_connect_the_store(emu):
    hook = VercelHook()
    store = new_store(hook, emu)
    hook.connect_store(store.configuration_id, store.id, PROJECT, ["production"], sensitive=True)
    emu.log.clear()
    for call in (hook.get_store_credentials, hook.get_store_url, hook.get_store_connection):
        with pytest.raises(VercelCredentialsError) as info:
            call(store.id, PROJECT)
        assert info.value.reason == "sensitive"
        message = str(info.value)
        assert "make_env_vars_sensitive=False" in message and "DATABASE_URL" in message
        for value in secrets_of(emu, store.id).values():
            if len(value) > 4:
                assert value not in message
    # Nothing was read: the listing shows the type, so no single-variable GET was attempted.
    assert not [r for r in emu.requests if r["path"].startswith(f"/v1/projects/{PROJECT}/env/")]


def test_bad_arguments_fail_before_any_request(emu):
    hook = VercelHook()
    with pytest.raises(VercelInputError, match="target"):
        hook.get_store_url("store_x", PROJECT, target="staging")
    with pytest.raises(VercelInputError, match="store_id"):
        hook.get_store_credentials("", PROJECT)
    assert emu.requests == []


def test_a_decrypted_listing_is_masked_too(emu):
    hook = VercelHook()
    store = new_store(hook, emu)
    hook.connect_store(store.configuration_id, store.id, PROJECT, ["production"])
    envs = [e for e in hook.list_project_env(PROJECT, decrypt=True) if e.store_id == store.id]
    password = next(e.value for e in envs if e.key == "PGPASSWORD")
    assert_masked(password)


# --- the real database ------------------------------------------------------------------------------------


def test_a_real_database_is_reachable_with_the_hooks_connection_and_only_with_it(vercel_emulator_postgres, monkeypatch):
    import psycopg

    server = vercel_emulator_postgres
    server.state.ready_delay = 0
    connect_env(monkeypatch, server)
    hook = VercelHook()
    store = new_store(hook, server, name="real-creds-db")
    backend = server.state.backends["postgres"]
    assert backend.exists(store.id)
    hook.connect_store(store.configuration_id, store.id, PROJECT, ["production"])

    conn = hook.get_store_connection(store.id, PROJECT)
    kwargs = dict(host=conn.host, port=conn.port, user=conn.login, dbname=conn.schema, connect_timeout=5)
    with psycopg.connect(password=conn.password, **kwargs, **conn.extra_dejson) as db:
        assert db.execute("SELECT current_user, current_database()").fetchone() == (conn.login, conn.schema)
    with psycopg.connect(hook.get_store_url(store.id, PROJECT), connect_timeout=5) as db:
        assert db.execute("SELECT 1").fetchone() == (1,)
    with pytest.raises(psycopg.OperationalError):
        psycopg.connect(password="wrong-password", **kwargs).close()

    hook.disconnect_store(store.id)
    hook.delete_store(store.id)
    assert not backend.exists(store.id)  # deleting the store dropped its database and role


# --- prefixed stores: found by store id, across pages ----------------------------------------------

PAGE_SIZE = 1  # the smallest page: every variable sits on a page of its own


@pytest.fixture
def two_prefixed_stores(emu):
    hook = VercelHook()
    first = new_store(hook, emu, name="pr-41")
    second = new_store(hook, emu, name="pr-42")
    hook.connect_store(first.configuration_id, first.id, PROJECT, ["production"], env_var_prefix="PR41_")
    hook.connect_store(second.configuration_id, second.id, PROJECT, ["production"], env_var_prefix="PR42_")
    emu.state.env_page_size = PAGE_SIZE
    return hook, first, second


def test_credentials_of_each_prefixed_store_are_its_own_read_across_pages(emu, two_prefixed_stores):
    hook, first, second = two_prefixed_stores
    for store, prefix in ((first, "PR41_"), (second, "PR42_")):
        creds = hook.get_store_credentials(store.id, PROJECT)
        assert creds == {prefix + key: value for key, value in secrets_of(emu, store.id).items()}
    pages = [r for r in emu.requests if r["path"].endswith(f"/projects/{PROJECT}/env")]
    assert any("until" in r["query"] for r in pages), "the listing was read page by page"


def test_url_and_connection_of_each_prefixed_store_are_distinct_and_masked(emu, two_prefixed_stores):
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
