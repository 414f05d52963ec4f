"""Secrets registered with Airflow's masker, and the token scrubbed from UI text (hooks/masking.py)."""

from __future__ import annotations

from airflow_provider_vercel.hooks.vercel import VercelHook


def test_token_is_registered_with_the_secret_masker(emulator_conn):
    from airflow.providers.common.compat.sdk import redact

    VercelHook().settings
    assert emulator_conn.admin_token not in str(redact(f"Bearer {emulator_conn.admin_token}"))


def test_without_token_scrubs_every_copy_and_leaves_other_text():
    from airflow_provider_vercel.hooks.masking import without_token

    assert without_token("token tok_123456 and tok_123456 again", "tok_123456") == "token *** and *** again"
    assert without_token("nothing to hide", None) == "nothing to hide"
