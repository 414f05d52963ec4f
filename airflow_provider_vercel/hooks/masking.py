"""Registering secrets with Airflow's masker, and scrubbing the token from text shown to people."""

from __future__ import annotations

from airflow.providers.common.compat.sdk import mask_secret

from airflow_provider_vercel.api.credentials import mask_fragments
from airflow_provider_vercel.api.redact import Redactor


def mask_token(token: str) -> None:
    """Register the API token with the secret masker.

    :param token: the token.
    """
    mask_secret(token)


def mask_credential(value: str | None) -> None:
    """Register a credential with the masker: the value, and a URL's user and password on their own.

    :param value: a credential read from Vercel; None or empty registers nothing.
    """
    if not value:
        return
    for fragment in mask_fragments(value):
        mask_secret(fragment)


def without_token(message: str, token: str | None) -> str:
    """A message for the UI, the token masked (the API layer scrubs already; this is the last guard).

    :param message: the text to show.
    :param token: the token to hide; None leaves the message as it is.
    """
    if token is None:
        return message
    return Redactor(token).text(message)
