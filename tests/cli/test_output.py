"""What the CLI writes: API errors as one line, and never the token."""

from __future__ import annotations

import sys

import pytest

from tests.helpers.cli import run


def test_a_bad_token_exits_3_without_showing_it(vercel_emulator, env, capsys):
    token = "vcl_not_a_real_token_7f3a9c2d"
    status, out, err = run(capsys, {**env, "VERCEL_TOKEN": token}, "discover")
    assert (status, out) == (3, "")
    assert err == (
        "error: Vercel API answered 401 unauthorized to GET /v1/integrations/configurations: "
        "The bearer token is not valid.\n"
    )
    assert token not in out + err


@pytest.mark.parametrize(
    "argv",
    [
        ["discover", "-v"],
        ["discover", "--json"],
        ["plan", "--json", "-v", "--integration", "neon", "--product", "neon-postgres", "--metadata", '{"region": "sfo1"}'],
        ["plan", "--integration", "upstash", "--product", "upstash-vector", "--rule", "free"],
        ["plan", "--integration", "neon", "--product", "neon-postgres", "--metadata", '{"region": "x"}'],
        ["plan", "--integration", "neon", "--product", "nope", "-v"],
    ],
    ids=["discover-verbose", "discover-json", "plan-json-verbose", "plan-exit-1", "plan-exit-2", "plan-exit-3"],
)
def test_the_token_never_appears_in_any_output(vercel_emulator, capsys, argv):
    token = vercel_emulator.admin_token
    # The token as a flag too: the worst case for leaking it.
    status, out, err = run(capsys, {}, *argv, "--token", token, "--base-url", vercel_emulator.url, "--team", "acme")
    assert out or err
    assert token not in out and token not in err
    assert status in (0, 1, 2, 3)


def test_every_written_line_is_scrubbed_of_the_token(capsys):
    from airflow_provider_vercel.cli import Output

    output = Output(sys.stdout, sys.stderr)
    output.hide("vcl_secret_value_123")
    output.out("token vcl_secret_value_123 here")
    output.err("and vcl_secret_value_123 there")
    out, err = capsys.readouterr()
    assert (out, err) == ("token *** here\n", "and *** there\n")
