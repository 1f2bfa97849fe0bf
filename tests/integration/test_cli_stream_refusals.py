"""``aries-async stream``: symbols and accounts the server refuses. Every one refused: the
command stops at once, names them with the server's reason and exits 1; some refused: it says
so and streams the others.

``--duration 60`` only bounds a run that would otherwise never end: each of these runs ends as
soon as the refusals come.
"""

from __future__ import annotations

import pytest
from cli_harness import Cli, cli_fixture  # noqa: F401 - the `cli` fixture

BOUND = ("--duration", "60")


@pytest.mark.parametrize("socket", [(), ("--charts",)], ids=["market", "charts"])
@pytest.mark.parametrize("limit", [("--count", "1"), ()], ids=["count", "duration"])
def test_every_symbol_refused_stops_at_once_and_exits_1(
    cli: Cli, socket: tuple[str, ...], limit: tuple[str, ...]
) -> None:
    cli.sign_in()
    done = cli("stream", "NOSUCHSYM", "nosuchtoo", *socket, *limit, *BOUND)
    assert done.code == 1, done.err
    assert done.out == ""
    last = done.err.splitlines()[-1]
    assert "refused" in last and "invalid symbol" in last
    assert "NOSUCHSYM" in last and "NOSUCHTOO" in last


def test_some_symbols_refused_are_named_and_the_others_stream(cli: Cli) -> None:
    cli.sign_in()
    done = cli("stream", "AAPL", "NOSUCHSYM", "--count", "4", *BOUND)
    assert done.code == 0, done.err
    said = [line for line in done.err.splitlines() if "NOSUCHSYM" in line]
    assert len(said) == 1 and "invalid symbol" in said[0] and "AAPL" in said[0]
    assert {line["symbol"] for line in done.ndjson()} == {"AAPL"}
    assert len(done.ndjson()) == 4


@pytest.mark.parametrize("limit", [("--count", "1"), ()], ids=["count", "duration"])
def test_every_account_refused_stops_at_once_and_exits_1(cli: Cli, limit: tuple[str, ...]) -> None:
    cli.sign_in()
    done = cli("stream", "--account", "NO-SUCH-1", "--account", "NO-SUCH-2", *limit, *BOUND)
    assert done.code == 1, done.err
    assert done.out == ""
    last = done.err.splitlines()[-1]
    assert "refused" in last and "account not found" in last
    assert "NO-SUCH-1" in last and "NO-SUCH-2" in last


def test_some_accounts_refused_are_named_and_the_others_stream(cli: Cli) -> None:
    cli.sign_in()
    # The refused account first: its answer comes before the other's snapshot.
    accounts = ("--account", "NO-SUCH-1", "--account", "TEST-ACCOUNT-001")
    done = cli("stream", *accounts, "--topics", "snapshots", "--count", "1", *BOUND)
    assert done.code == 0, done.err
    said = [line for line in done.err.splitlines() if "NO-SUCH-1" in line]
    assert len(said) == 1 and "account not found" in said[0] and "TEST-ACCOUNT-001" in said[0]
    assert [line["account"] for line in done.ndjson()] == ["TEST-ACCOUNT-001"]
