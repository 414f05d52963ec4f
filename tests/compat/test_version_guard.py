"""``airflow_provider_vercel`` refuses, at import, an Airflow older than 2.11.0 with a clear message."""

from __future__ import annotations

import importlib.metadata
import subprocess
import sys
import textwrap

import pytest

import airflow_provider_vercel
from airflow_provider_vercel import _check_airflow_version

REAL_VERSION = importlib.metadata.version


def fake_versions(monkeypatch, **versions):
    """Make ``importlib.metadata.version`` report ``versions`` (dist name → version; None = not installed)."""

    def version(name):
        key = name.replace("-", "_")
        if key in versions:
            if versions[key] is None:
                raise importlib.metadata.PackageNotFoundError(name)
            return versions[key]
        return REAL_VERSION(name)

    monkeypatch.setattr(importlib.metadata, "version", version)


@pytest.mark.parametrize("old", ["2.10.5", "2.9.0", "1.10.15", "2.10.99rc1"])
def test_an_airflow_older_than_2_11_is_refused_with_the_floor_and_the_found_version(monkeypatch, old):
    fake_versions(monkeypatch, apache_airflow=old)
    with pytest.raises(RuntimeError) as raised:
        _check_airflow_version()
    message = str(raised.value)
    assert message == (
        f"airflow-provider-vercel {airflow_provider_vercel.__version__} needs Apache Airflow >= 2.11.0; "
        f"this environment has {old}."
    )


@pytest.mark.parametrize("supported", ["2.11.0", "2.11.0rc1", "2.11.2", "3.0.6", "3.1.8", "3.3.2", "3.4.0.dev0", "10.0.0"])
def test_supported_airflow_versions_pass(monkeypatch, supported):
    fake_versions(monkeypatch, apache_airflow=supported)
    _check_airflow_version()


def test_an_airflow_version_that_is_not_pep_440_is_refused_with_the_found_version(monkeypatch):
    fake_versions(monkeypatch, apache_airflow="custom-build")
    with pytest.raises(RuntimeError, match=r"needs Apache Airflow >= 2\.11\.0; this environment has custom-build\."):
        _check_airflow_version()


def test_only_airflow_core_installed_is_checked_too(monkeypatch):
    fake_versions(monkeypatch, apache_airflow=None, apache_airflow_core="2.10.0")
    with pytest.raises(RuntimeError, match=r"needs Apache Airflow >= 2\.11\.0; this environment has 2\.10\.0\."):
        _check_airflow_version()
    fake_versions(monkeypatch, apache_airflow=None, apache_airflow_core="3.1.8")
    _check_airflow_version()


def test_without_airflow_the_package_still_imports(monkeypatch):
    # The API layer and the emulator are usable where Airflow is absent.
    fake_versions(monkeypatch, apache_airflow=None, apache_airflow_core=None)
    _check_airflow_version()


def test_the_installed_airflow_passes():
    _check_airflow_version()


def test_importing_the_package_on_airflow_2_10_fails_with_the_message():
    # A fresh interpreter whose package metadata says apache-airflow 2.10.5: the import itself must fail.
    code = textwrap.dedent(
        """
        import importlib.metadata as metadata
        real = metadata.version
        metadata.version = lambda name: "2.10.5" if name == "apache-airflow" else real(name)
        import airflow_provider_vercel
        """
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 1
    last_line = done.stderr.strip().splitlines()[-1]
    assert last_line == (
        f"RuntimeError: airflow-provider-vercel {airflow_provider_vercel.__version__} needs Apache Airflow >= 2.11.0; "
        "this environment has 2.10.5."
    )
    # Raised while the package's __init__ runs, i.e. by the import statement (line 5 of the snippet).
    assert 'File "<string>", line 5, in <module>' in done.stderr
    assert "airflow_provider_vercel/__init__.py" in done.stderr
