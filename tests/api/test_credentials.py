"""``api/credentials.py``: selecting a store's env vars and its URL, and parsing the URL; no I/O, no Airflow."""

from __future__ import annotations

import pytest

from airflow_provider_vercel.api import credentials as cr
from airflow_provider_vercel.api.errors import VercelCredentialsError, VercelInputError
from airflow_provider_vercel.api.models import EnvVar

STORE = "store_AbCdEfGh12345678"
OTHER = "store_ZzZzZzZzZzZzZzZz"


def env(key, value="v", *, store=STORE, target=("production", "preview", "development"), type_="encrypted", **kw):
    hint = {"type": kw.pop("hint", "integration-store-secret"), "storeId": store} if store else None
    targets = target if isinstance(target, str) else list(target)
    return EnvVar.model_validate(
        {"key": key, "value": value, "type": type_, "target": targets, "contentHint": hint, "id": f"id_{key}", **kw}
    )


def values_of(envs):
    by_key = {e.key: e.value for e in envs}
    return lambda e: by_key[e.key]


# --- selection by store and target -----------------------------------------------------------------


def test_variables_are_selected_by_content_hint_store_id_not_by_name():
    envs = [
        env("DATABASE_URL"),
        env("DATABASE_URL", store=OTHER),  # same name, another store
        env("NEXT_PUBLIC_SITE_URL", store=None),  # no hint at all
        env("PR7_PGHOST"),
    ]
    assert [e.key for e in cr.store_env_vars(envs, STORE, "production")] == ["DATABASE_URL", "PR7_PGHOST"]
    assert [e.key for e in cr.store_env_vars(envs, OTHER, "production")] == ["DATABASE_URL"]


def test_only_the_targets_variables_are_selected():
    envs = [env("A", target=["preview"]), env("B", target=["production"]), env("C", target="development")]
    assert [e.key for e in cr.store_env_vars(envs, STORE, "preview")] == ["A"]
    assert [e.key for e in cr.store_env_vars(envs, STORE, "development")] == ["C"]  # a single-string target
    assert cr.store_targets(envs, STORE) == ["development", "preview", "production"]


def test_a_branch_limited_preview_variable_wins_for_its_branch_and_is_left_out_otherwise():
    envs = [
        env("DATABASE_URL", "general", target=["preview"]),
        env("DATABASE_URL", "feature", target=["preview"], gitBranch="feature-x"),
        env("ONLY_BRANCH", "b", target=["preview"], gitBranch="feature-x"),
    ]
    plain = cr.store_env_vars(envs, STORE, "preview")
    assert [(e.key, e.value) for e in plain] == [("DATABASE_URL", "general")]
    branch = cr.store_env_vars(envs, STORE, "preview", "feature-x")
    assert [(e.key, e.value) for e in branch] == [("DATABASE_URL", "feature"), ("ONLY_BRANCH", "b")]
    other_branch = cr.store_env_vars(envs, STORE, "preview", "main")
    assert [(e.key, e.value) for e in other_branch] == [("DATABASE_URL", "general")]


def test_targets_are_checked():
    assert cr.check_target("preview") == "preview"
    with pytest.raises(VercelInputError, match="target"):
        cr.check_target("staging")


def test_not_connected_messages_say_what_to_do():
    message = cr.not_connected_message([], STORE, "web-app", "production")
    assert "not connected" in message and "VercelConnectStoreOperator" in message and "['production']" in message
    partial = [env("DATABASE_URL", target=["preview", "development"])]
    message = cr.not_connected_message(partial, STORE, "web-app", "production")
    assert "for development, preview, not production" in message and "disconnect" in message
    branched = [env("DATABASE_URL", target=["preview"], gitBranch="feature-x")]
    message = cr.not_connected_message(branched, STORE, "web-app", "preview")
    assert "feature-x" in message and "git_branch" in message


# --- sensitive and unreadable -----------------------------------------------------------------------


def test_sensitive_variables_are_named_and_the_message_says_how_to_connect_instead():
    envs = [env("DATABASE_URL", "", type_="sensitive"), env("PGHOST", "h", type_="encrypted")]
    assert cr.sensitive_keys(envs) == ["DATABASE_URL"]
    message = cr.sensitive_message(["DATABASE_URL"], STORE, "web-app", "production")
    assert "make_env_vars_sensitive=False" in message and "cannot be read back" in message


@pytest.mark.parametrize(
    ("fields", "readable"),
    [
        ({"type": "encrypted", "value": "x", "decrypted": True}, True),
        ({"type": "encrypted", "value": "ciphertext", "decrypted": False}, False),
        ({"type": "plain", "value": "x", "decrypted": False}, True),
        ({"type": "sensitive", "value": "", "decrypted": False}, False),
        ({"type": "encrypted", "value": None}, False),
    ],
)
def test_readability_of_a_decrypted_read(fields, readable):
    assert cr.is_readable(EnvVar.model_validate({"key": "K", **fields})) is readable


# --- choosing the URL ------------------------------------------------------------------------------


def test_find_key_accepts_the_name_with_or_without_the_connection_prefix():
    keys = ["PR7_DATABASE_URL", "PR7_DATABASE_URL_UNPOOLED", "PR7_PGHOST"]
    assert cr.find_key(keys, "DATABASE_URL") == "PR7_DATABASE_URL"
    assert cr.find_key(keys, "PR7_DATABASE_URL") == "PR7_DATABASE_URL"
    assert cr.find_key(keys, "DATABASE_URL_UNPOOLED") == "PR7_DATABASE_URL_UNPOOLED"
    assert cr.find_key(keys, "URL") is None  # ambiguous suffix: not behind the shared prefix
    assert cr.find_key(keys, "POSTGRES_URL") is None


def test_the_preference_order_and_the_value_shape_decide():
    envs = [
        env("KV_REST_API_URL", "https://kv.example"),
        env("REDIS_URL", "redis://default:tok@h:6379"),
        env("POSTGRES_URL", "postgresql://u:p@h/db"),
        env("DATABASE_URL", "not a url"),  # preferred name, but its value is no postgres/redis URL
    ]
    assert [e.key for e in cr.url_candidates(envs)][:3] == ["DATABASE_URL", "POSTGRES_URL", "REDIS_URL"]
    assert cr.choose_url(envs, values_of(envs)) == ("POSTGRES_URL", "postgresql://u:p@h/db")


def test_prefixed_keys_are_found_and_any_url_shaped_variable_is_the_last_resort():
    prefixed = [env("PR7_PGHOST", "h"), env("PR7_DATABASE_URL", "postgres://u:p@h/db")]
    assert cr.choose_url(prefixed, values_of(prefixed)) == ("PR7_DATABASE_URL", "postgres://u:p@h/db")
    odd = [env("CACHE_ENDPOINT_URL", "rediss://default:t@h:6380"), env("HTTP_URL", "https://x")]
    assert cr.choose_url(odd, values_of(odd)) == ("CACHE_ENDPOINT_URL", "rediss://default:t@h:6380")
    hinted = [env("PRIMARY", "postgres://u:p@h/db", hint="postgres-url"), env("PGHOST", "h")]
    assert cr.choose_url(hinted, values_of(hinted)) == ("PRIMARY", "postgres://u:p@h/db")


def test_values_are_read_lazily_best_candidate_first():
    envs = [env("PGPASSWORD", "secret"), env("DATABASE_URL", "postgres://u:p@h/db"), env("REDIS_URL", "redis://h")]
    read = []

    def reader(e):
        read.append(e.key)
        return e.value

    cr.choose_url(envs, reader)
    assert read == ["DATABASE_URL"]


def test_a_variable_named_by_the_caller_is_used_whatever_its_shape():
    envs = [env("PR7_DATABASE_URL", "postgres://u:p@h/db"), env("PR7_PGHOST", "h")]
    assert cr.choose_url(envs, values_of(envs), "PGHOST") == ("PR7_PGHOST", "h")
    with pytest.raises(VercelCredentialsError, match="no variable 'NOPE'") as info:
        cr.choose_url(envs, values_of(envs), "NOPE")
    assert "PR7_DATABASE_URL" in str(info.value) and "postgres://" not in str(info.value)


def test_no_url_shaped_variable_is_an_error_naming_keys_only():
    envs = [env("KV_REST_API_URL", "https://secret-host.example/abc"), env("TOKEN", "s3cr3t-token")]
    with pytest.raises(VercelCredentialsError) as info:
        cr.choose_url(envs, values_of(envs))
    assert info.value.reason == "no_url"
    assert "KV_REST_API_URL" in str(info.value)
    assert "secret-host" not in str(info.value) and "s3cr3t" not in str(info.value)


# --- parsing the URL ---------------------------------------------------------------------------------


def test_a_postgresql_url_becomes_postgres_connection_fields():
    parts = cr.parse_connection_url("postgresql://app%40user:p%2Fss@db.example:6543/app_db?sslmode=require", "X")
    assert (parts.conn_type, parts.host, parts.port, parts.login, parts.password, parts.schema) == (
        "postgres",
        "db.example",
        6543,
        "app@user",
        "p/ss",
        "app_db",
    )
    assert parts.extra == {"sslmode": "require"}
    assert parts.extra_json() == '{"sslmode": "require"}'
    assert "p/ss" not in repr(parts)


def test_redis_urls_become_redis_connection_fields():
    plain = cr.parse_connection_url("redis://default:tok@127.0.0.1:6379/2", "REDIS_URL")
    assert (plain.conn_type, plain.login, plain.password, plain.port, plain.schema) == (
        "redis",
        "default",
        "tok",
        6379,
        None,
    )
    assert plain.extra == {"db": 2}
    tls = cr.parse_connection_url("rediss://default:tok@cache.example:6380", "KV_URL")
    assert tls.extra == {"ssl": True} and tls.conn_type == "redis"


@pytest.mark.parametrize(
    "url",
    [
        "https://user:hunter2@host/x",
        "postgres://user:hunter2@host:notaport/db",
        "postgres://user:hunter2@[::1/db",
        "redis://user:hunter2@host:6379/notanumber",
        "postgres:///db-without-host",
    ],
)
def test_bad_urls_are_errors_that_never_quote_the_value(url):
    with pytest.raises(VercelCredentialsError) as info:
        cr.parse_connection_url(url, "DATABASE_URL")
    assert info.value.reason == "bad_url"
    assert "DATABASE_URL" in str(info.value)
    assert "hunter2" not in str(info.value) and url not in str(info.value)
    assert info.value.__context__ is None


def test_mask_fragments_cover_the_value_and_a_urls_user_and_password():
    assert cr.mask_fragments("plain-token") == ["plain-token"]
    fragments = cr.mask_fragments("postgres://app_owner:p%2Fw0rd@h/db")
    assert fragments == ["postgres://app_owner:p%2Fw0rd@h/db", "p%2Fw0rd", "p/w0rd", "app_owner"]
    assert cr.mask_fragments("") == []


def test_an_env_vars_value_never_shows_in_its_repr():
    from airflow_provider_vercel.api.models import EnvVar

    env = EnvVar(key="DATABASE_URL", value="postgres://u:s3cr3t-value@h/db", type="encrypted")
    assert "s3cr3t-value" not in repr(env) and "s3cr3t-value" not in str(env)
