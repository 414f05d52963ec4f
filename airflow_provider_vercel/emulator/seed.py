"""Reading an emulator seed: teams, tokens, integrations, configurations and projects as JSON."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

DEFAULT_SEED_PATH = Path(__file__).with_name("seed.json")


def load_seed(path: str | Path) -> dict[str, Any]:
    """Read a seed file.

    path: JSON file with the same layout as the default ``seed.json``.
    """
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ValueError(f"cannot read emulator seed {path}: {exc}") from exc
    if not isinstance(data, dict):
        raise ValueError(f"emulator seed {path} is not a JSON object")
    missing = [k for k in ("teams", "tokens", "integrations", "configurations", "projects") if k not in data]
    if missing:
        raise ValueError(f"emulator seed {path} lacks {', '.join(missing)}")
    return data
