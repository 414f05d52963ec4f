"""VercelHook against the emulator: connection parsing, masking, the HTTPS rule, test_connection, credentials.

``get_store_credentials / get_store_url / get_store_connection``: placeholder values first (fast, no
database), then the real path: a store backed by a real PostgreSQL database
(``vercel_emulator_postgres``), whose connection the hook builds and psycopg uses. Then the credentials
of prefixed stores, found by ``contentHint.storeId`` next to another store of the same product and on
any page of a paged env listing.
"""

from __future__ import annotations

import json

import pytest

from airflow_provider_vercel.api.errors import VercelCredentialsError, VercelInputError
from airflow_provider_vercel.hooks.vercel import VercelHook
from tests.api.seed import NEON_CFG
from tests.helpers.hostile_clients import BAD_TOKENS, TOKEN, assert_token_nowhere, hostile_connection
from tests.helpers.stores import PROJECT, assert_masked, connect_env, new_store, secrets_of


def set_conn(monkeypatch, conn_id="vercel_default", **fields):
    fields.setdefault("conn_type", "vercel")
    monkeypatch.setenv(f"AIRFLOW_CONN_{conn_id.upper()}", json.dumps(fields))


@pytest.fixture
def emulator_conn(monkeypatch, vercel_emulator):
    set_conn(
        monkeypatch,
        host=vercel_emulator.url,
        password=vercel_emulator.admin_token,
        extra={"team_id": vercel_emulator.team_id, "max_attempts": 2, "backoff_initial": 0.01},
    )
    return vercel_emulator


def test_hook_reads_token_base_url_team_and_retry_settings_from_the_connection(emulator_conn):
    hook = VercelHook()
    settings = hook.settings
    assert settings.base_url == emulator_conn.url
    assert settings.team_id == emulator_conn.team_id
    assert settings.retry_policy.max_attempts == 2
    assert emulator_conn.admin_token not in repr(settings)


def test_hook_calls_reach_the_emulator_with_the_team(emulator_conn):
    hook = VercelHook()
    assert NEON_CFG in {c.id for c in hook.list_configurations()}
    assert hook.list_products(NEON_CFG).products
    assert all(r["query"].get("teamId") == emulator_conn.team_id for r in emulator_conn.requests)


def test_hook_builds_its_client_once_and_reuses_it(emulator_conn):
    hook = VercelHook()
    first = hook.client
    hook.list_configurations()
    hook.list_stores()
    assert hook.client is first
    hook.close()
    assert hook.client is not first


def test_constructing_a_hook_does_no_io_even_for_an_unknown_connection():
    hook = VercelHook(vercel_conn_id="does_not_exist")
    assert hook.vercel_conn_id == "does_not_exist"
    with pytest.raises(Exception, match="does_not_exist"):
        hook.client


def test_team_slug_from_extras_and_legacy_prefixed_extras_are_read(monkeypatch, vercel_emulator):
    set_conn(monkeypatch, host=vercel_emulator.url, password="t0k", extra={"extra__vercel__team_slug": "acme"})
    assert VercelHook().settings.team_slug == "acme"


def test_uri_style_loopback_connection_defaults_to_plain_http(monkeypatch):
    monkeypatch.setenv("AIRFLOW_CONN_VERCEL_URI", "vercel://:tok123@127.0.0.1:8123?team_id=team_abc")
    settings = VercelHook("vercel_uri").settings
    assert settings.base_url == "http://127.0.0.1:8123"
    assert settings.team_id == "team_abc"


def test_empty_host_means_the_public_api(monkeypatch):
    set_conn(monkeypatch, password="tok123")
    assert VercelHook().settings.base_url == "https://api.vercel.com"


def test_plain_http_to_a_remote_host_is_refused_naming_the_connection(monkeypatch):
    set_conn(monkeypatch, host="http://api.vercel.com", password="tok123")
    with pytest.raises(VercelInputError) as info:
        VercelHook().settings
    assert info.value.argument == "connection 'vercel_default' host"
    assert "https" in info.value.reason


def test_missing_token_names_the_password_field(monkeypatch):
    set_conn(monkeypatch, host="https://api.vercel.com")
    with pytest.raises(VercelInputError) as info:
        VercelHook().settings
    assert "password" in info.value.argument


def test_bad_timeout_extra_is_named(monkeypatch):
    set_conn(monkeypatch, password="tok123", extra={"timeout": "soon"})
    with pytest.raises(VercelInputError, match="timeout"):
        VercelHook().settings


def test_deadline_and_response_limit_extras_reach_the_client(monkeypatch):
    set_conn(monkeypatch, password="tok123", extra={"timeout": 5, "deadline": "12.5", "max_response_bytes": "65536"})
    hook = VercelHook()
    client = hook.client
    assert (client.deadline, client.max_response_bytes) == (12.5, 65536)
    hook.close()


def test_the_deadline_defaults_to_connect_timeout_plus_timeout(monkeypatch):
    set_conn(monkeypatch, password="tok123", extra={"timeout": 7, "connect_timeout": 2})
    hook = VercelHook()
    assert hook.client.deadline == 9.0 and hook.client.max_response_bytes == 4 * 1024 * 1024
    hook.close()


def test_the_hook_argument_deadline_wins_over_the_connection(monkeypatch):
    set_conn(monkeypatch, password="tok123", extra={"deadline": 30})
    hook = VercelHook(deadline=3)
    assert hook.client.deadline == 3.0
    hook.close()


@pytest.mark.parametrize(
    ("key", "value"),
    [("deadline", "nan"), ("deadline", "inf"), ("deadline", 0), ("timeout", "nan"), ("max_response_bytes", "4MiB"),
     ("max_response_bytes", 0), ("max_response_bytes", True)],
)
def test_bad_deadline_or_limit_extra_is_named(monkeypatch, key, value):
    set_conn(monkeypatch, password="tok123", extra={key: value})
    with pytest.raises(VercelInputError, match=key):
        VercelHook().settings


def test_token_is_registered_with_the_secret_masker(emulator_conn):
    from airflow.providers.common.compat.sdk import redact

    VercelHook().settings
    assert emulator_conn.admin_token not in str(redact(f"Bearer {emulator_conn.admin_token}"))


def test_test_connection_succeeds_and_says_what_it_saw(emulator_conn):
    ok, message = VercelHook().test_connection()
    assert ok, message
    assert "configuration" in message and emulator_conn.team_id in message


def test_test_connection_reports_a_bad_token_without_raising_or_echoing_it(monkeypatch, vercel_emulator):
    set_conn(monkeypatch, host=vercel_emulator.url, password="vcl_wrong_token_123", extra={"team_id": vercel_emulator.team_id})
    ok, message = VercelHook().test_connection()
    assert not ok and "401" in message and "vcl_wrong_token_123" not in message


def test_test_connection_reports_an_unreachable_server_quickly(monkeypatch):
    set_conn(monkeypatch, host="http://127.0.0.1:9", password="tok123")
    ok, message = VercelHook().test_connection()
    assert not ok and "connect" in message


def test_ui_field_behaviour_matches_the_provider_info():
    from airflow_provider_vercel.get_provider_info import get_provider_info

    (conn,) = get_provider_info()["connection-types"]
    behaviour = conn["ui-field-behaviour"]
    assert VercelHook.get_ui_field_behaviour() == {
        "hidden_fields": behaviour["hidden-fields"],
        "relabeling": behaviour["relabeling"],
        "placeholders": behaviour["placeholders"],
    }


def test_test_connection_without_a_team_that_sees_nothing_says_the_team_is_probably_missing(monkeypatch, vercel_emulator):
    set_conn(monkeypatch, host=vercel_emulator.url, password=vercel_emulator.admin_token)
    ok, message = VercelHook().test_connection()
    assert ok, message
    assert "0 configuration(s)" in message
    assert "team_id or team_slug" in message and "probably missing" in message


def test_test_connection_with_a_team_set_gives_no_missing_team_hint(emulator_conn):
    ok, message = VercelHook().test_connection()
    assert ok and "probably missing" not in message


# --- a server that echoes the token -------------------------------------------------------------------


@pytest.mark.parametrize("status", [401, 500])
def test_test_connection_message_holds_no_echoed_token(status, hostile, monkeypatch, caplog):
    from airflow_provider_vercel.hooks.vercel import VercelHook

    hostile.mode, hostile.status = "echo_token", status
    hostile_connection(monkeypatch, hostile)
    ok, message = VercelHook().test_connection()
    assert not ok and str(status) in message and "***" in message
    assert TOKEN not in message
    assert_token_nowhere([], caplog)


@pytest.mark.parametrize("bad", BAD_TOKENS)
def test_a_connection_password_http_cannot_carry_is_refused_by_name(bad, hostile, monkeypatch):
    from airflow_provider_vercel.hooks.vercel import VercelHook

    hostile_connection(monkeypatch, hostile, password=bad)
    with pytest.raises(VercelInputError) as caught:
        VercelHook().settings
    assert "password" in caught.value.argument
    assert caught.value.__cause__ is None and caught.value.__context__ is None
    assert "SECRET" not in str(caught.value) and "SECRET" not in repr(caught.value)
    ok, message = VercelHook().test_connection()
    assert not ok and "SECRET" not in message
    assert hostile.seen == []


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
