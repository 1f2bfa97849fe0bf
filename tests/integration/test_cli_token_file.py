"""Where the command line keeps the token: ``--token-file`` before or after the command,
``ARIES_TOKEN_FILE``, and a ``~`` in either that no shell expanded."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from cli_harness import Cli, cli_fixture  # noqa: F401 - the `cli` fixture

from aries_async.auth.filestore import FileTokenStore
from aries_async.cli import main


def _sign_in_at(cli: Cli, path: Path) -> None:
    """A token the simulator issued, saved at ``path`` (and none at the default file)."""
    cli.sign_in()
    cli.token_file.rename(path)


@pytest.mark.parametrize(
    "where",
    [("--token-file=~/t.json", "accounts"), ("accounts", "--token-file=~/t.json"), ("accounts",)],
)
def test_a_tilde_in_the_token_file_is_the_home_directory(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, where: tuple[str, ...]
) -> None:
    """``--token-file=~/t.json`` (no shell expands a ``~`` after ``=``) and
    ``ARIES_TOKEN_FILE=~/t.json`` (nor in a variable's value) name ``$HOME/t.json``, not a
    file under a directory called ``~`` in the current one."""
    _sign_in_at(cli, tmp_path / "t.json")  # $HOME is tmp_path
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    if where == ("accounts",):
        cli.setenv(ARIES_TOKEN_FILE="~/t.json")
    done = cli(*where, "--json")
    assert done.code == 0, done.err
    assert not (work / "~").exists()
    logout = cli(*[w for w in where if w != "accounts"], "logout", "--json")
    assert logout.code == 0, logout.err
    assert logout.json()["token_file"] == str(tmp_path / "t.json")
    assert logout.json()["had_token"] is True
    assert not (work / "~").exists()


def test_file_token_store_expands_a_tilde(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    assert FileTokenStore("~/t.json").path == tmp_path / "t.json"
    assert FileTokenStore(Path("~/t.json")).path == tmp_path / "t.json"


@pytest.mark.parametrize(
    "command",
    [
        ("accounts",),
        ("quote", "AAPL"),
        ("positions", "TEST-SIM-001"),
        ("balances", "TEST-SIM-001"),
        ("bars", "AAPL"),
        ("search", "apple"),
        ("order", "list", "TEST-SIM-001"),
        ("stream", "AAPL", "--count", "1"),
    ],
)
def test_the_token_file_may_follow_the_command(
    cli: Cli, tmp_path: Path, command: tuple[str, ...]
) -> None:
    elsewhere = tmp_path / "elsewhere.json"
    _sign_in_at(cli, elsewhere)
    done = cli(*command, "--token-file", str(elsewhere))
    assert done.code == 0, done.err


def test_the_token_file_after_the_command_wins_over_the_one_before(
    cli: Cli, tmp_path: Path
) -> None:
    good, missing = tmp_path / "good.json", tmp_path / "missing.json"
    _sign_in_at(cli, good)
    after = cli("--token-file", str(missing), "accounts", "--token-file", str(good))
    assert after.code == 0, after.err
    before = cli("--token-file", str(good), "accounts", "--token-file", str(missing))
    assert before.code == 3, before.err
    # Before the command alone, as ever; and ARIES_TOKEN_FILE gives way to either.
    cli.setenv(ARIES_TOKEN_FILE=str(missing))
    assert cli("--token-file", str(good), "accounts").code == 0
    assert cli("accounts", "--token-file", str(good)).code == 0
    done = cli("logout", "--json", "--token-file", str(good))
    assert (done.code, done.json()["token_file"]) == (0, str(good))


def _help(capsys: pytest.CaptureFixture[str], *command: str) -> str:
    assert main([*command, "--help"]) == 0
    return capsys.readouterr().out


def test_every_command_that_signs_in_takes_the_token_file_and_says_how(
    capsys: pytest.CaptureFixture[str],
) -> None:
    listing = _help(capsys).partition("positional arguments:")[2].partition("options:")[0]
    commands: list[tuple[str, ...]] = [
        (c,) for c in re.findall(r"^ {4}(\w+) ", listing, re.MULTILINE)
    ]
    actions = _help(capsys, "order").partition("positional arguments:")[2]
    actions = actions.partition("options:")[0]
    commands += [("order", a) for a in re.findall(r"^ {4}(\w+) ", actions, re.MULTILINE)]
    assert len(commands) >= 15
    lacking = []
    for command in commands:
        if command[0] in ("demo", "sim"):  # their own simulator: no token file of yours
            continue
        text = " ".join(_help(capsys, *command).split())
        if "--token-file" not in text or "~" not in text or "after the command" not in text:
            lacking.append(" ".join(command))
    assert lacking == []
    top = " ".join(_help(capsys).split())
    assert "ARIES_TOKEN_FILE" in top and "~" in top and "after the command" in top
