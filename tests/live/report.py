"""The live run's findings, kept as one line per check and printed as a pasteable report."""

from __future__ import annotations

import platform
from dataclasses import dataclass


@dataclass(frozen=True)
class Finding:
    """One check: what, whether it held, and how it differed (no values: answers can carry secrets)."""

    check: str
    held: bool
    detail: str = ""


FINDINGS: list[Finding] = []


def record(check: str, problems: list[str] | None = None, detail: str = "") -> bool:
    """Keep a check's outcome; True when it held.

    :param check: what was checked.
    :param problems: what differed (empty or None: it held).
    :param detail: a figure worth reporting either way (e.g. a lag).
    """
    held = not problems
    text = "; ".join((problems or [])[:5]) if problems else detail
    FINDINGS.append(Finding(check, held, text))
    return held


def render(header: str) -> str:
    """The report as Markdown lines: a header, then held and differed checks."""
    from airflow_provider_vercel import __version__

    lines = [f"### airflow-provider-vercel {__version__} live check", header, f"Python {platform.python_version()}", ""]
    differed = [f for f in FINDINGS if not f.held]
    lines.append(f"{len(FINDINGS) - len(differed)} held, {len(differed)} differed")
    for finding in FINDINGS:
        mark = "held" if finding.held else "DIFFERED"
        lines.append(f"- {mark}: {finding.check}" + (f" ({finding.detail})" if finding.detail else ""))
    return "\n".join(lines)
