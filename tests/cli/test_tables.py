"""Plain-text tables."""

from __future__ import annotations

from airflow_provider_vercel.cli import format_table


def test_format_table_aligns_columns_and_renders_values_plainly():
    table = format_table(
        ("id", "free", "options", "note"),
        [("free", True, ["a", "b"], None), ("launch-plan", False, [], "two\nlines\x1b[31m")],
        indent="  ",
    )
    assert table.splitlines() == [
        "  ID           FREE  OPTIONS  NOTE",
        "  free         yes   a, b     -",
        "  launch-plan  no    -        two lines [31m",
    ]
    assert format_table(("id",), []) == "(none)"
