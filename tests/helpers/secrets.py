"""The check every output of a task or a client goes through: no token, no store secret."""

from __future__ import annotations

import json
from typing import Any


def assert_no_secrets(server: Any, value: Any) -> None:
    """Neither the emulator's token nor any store secret value appears in ``value``.

    :param server: the emulator (its admin token and its stores' secret values are looked for).
    :param value: anything JSON can render; other objects are rendered with ``str``.
    """
    text = json.dumps(value, default=str)
    assert server.admin_token not in text
    for store in server.state.stores.values():
        for secret in store.secrets.values():
            assert secret not in text
