"""Apache Airflow provider for Vercel Marketplace storage (integration stores)."""

from __future__ import annotations

# Read through the module (not ``from … import version``) so a test can stand in another version.
import importlib.metadata

from packaging.version import InvalidVersion, Version

__version__ = "0.1.0"

MIN_AIRFLOW_VERSION = "2.11.0"


def _check_airflow_version() -> None:
    """Fail at import with a clear message on an Airflow older than the supported floor."""
    # Read the installed distribution's metadata rather than importing airflow: the API layer
    # and the emulator must stay cheap to import and usable where Airflow is absent.
    try:
        raw = importlib.metadata.version("apache-airflow")
    except importlib.metadata.PackageNotFoundError:
        try:
            raw = importlib.metadata.version("apache-airflow-core")
        except importlib.metadata.PackageNotFoundError:
            return
    try:
        # Pre-, post- and dev releases count as their release (2.11.0rc1 passes, 2.10.99rc1 does not).
        supported = Version(Version(raw).base_version) >= Version(MIN_AIRFLOW_VERSION)
    except InvalidVersion:
        supported = False
    if not supported:
        raise RuntimeError(
            f"airflow-provider-vercel {__version__} needs Apache Airflow >= {MIN_AIRFLOW_VERSION}; "
            f"this environment has {raw}."
        )


_check_airflow_version()
