"""``--token-file`` (or ``ARIES_TOKEN_FILE``, its default) that names no file -- a directory,
a path ending with a separator -- exits 2 naming the option, before any request, instead of
failing at the first save or read of the token."""

from __future__ import annotations

from pathlib import Path

import pytest
from cli_harness import Cli, cli_fixture  # noqa: F401 - cli_fixture: `cli`


@pytest.mark.parametrize("where", ["before", "after", "variable"])
def test_a_token_file_that_names_a_directory_exits_2(cli: Cli, tmp_path: Path, where: str) -> None:
    cli.sign_in()
    directory = str(tmp_path)
    if where == "variable":
        cli.setenv(ARIES_TOKEN_FILE=directory)
        done = cli("accounts")
    elif where == "before":
        done = cli("--token-file", directory, "accounts")
    else:
        done = cli("accounts", "--token-file", directory)
    assert (done.code, done.out) == (2, ""), done.err
    assert "--token-file" in done.err and "ARIES_TOKEN_FILE" in done.err, done.err
    assert "not a directory's" in done.err and repr(directory) in done.err, done.err
    assert cli.requests("GET", "/v2/users/me/accounts") == 0


def test_a_token_file_ending_with_a_separator_exits_2(cli: Cli, tmp_path: Path) -> None:
    cli.sign_in()
    done = cli("accounts", "--token-file", f"{tmp_path}/new/")
    assert done.code == 2 and "no separator at its end" in done.err, done.err
    assert cli.requests("GET", "/v2/users/me/accounts") == 0


def test_an_empty_token_file_is_the_default_one(cli: Cli) -> None:
    """As an empty ``ARIES_TOKEN_FILE`` is: not a file named "" (the current directory)."""
    done = cli("--token-file", "", "logout", "--json")
    assert done.code == 0 and '"had_token": false' in done.out, done.err
