"""Apache Airflow provider for Vercel Marketplace storage (integration stores)."""

from __future__ import annotations

__version__ = "0.1.0"

MIN_AIRFLOW_VERSION = (2, 11, 0)


def _version_tuple(raw: str) -> tuple[int, ...]:
    parts = []
    for piece in raw.split(".")[:3]:
        digits = ""
        for ch in piece:
            if not ch.isdigit():
                break
            digits += ch
        parts.append(int(digits) if digits else 0)
    return tuple(parts)


def _check_airflow_version() -> None:
    """Fail at import with a clear message on an Airflow older than the supported floor."""
    # Read the installed distribution's metadata rather than importing airflow: the API layer
    # and the emulator must stay cheap to import and usable where Airflow is absent.
    from importlib.metadata import PackageNotFoundError, version

    try:
        raw = version("apache-airflow")
    except PackageNotFoundError:
        try:
            raw = version("apache-airflow-core")
        except PackageNotFoundError:
            return
    if _version_tuple(raw) < MIN_AIRFLOW_VERSION:
        raise RuntimeError(
            f"airflow-provider-vercel {__version__} needs Apache Airflow >= "
            f"{'.'.join(map(str, MIN_AIRFLOW_VERSION))}; this environment has {raw}."
        )


_check_airflow_version()
