"""``aries-async stream``: symbols and accounts the server refuses. Every one refused: the
command stops at once, names them with the server's reason and exits 1; some refused: it says
so and streams the others. A symbol counts as refused when every channel asked of it is; one
refused in part is named with what was refused, and streams the rest.

``--duration 60`` only bounds a run that would otherwise never end: each of these runs ends as
soon as the refusals come, or after the updates it counts.

A refused symbol stays wanted, so every reconnect asks for it again and is refused again: the
command tells a refusal once, again only when its reason changes or after it was lifted.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from cli_harness import Cli, cli_fixture, running_cli  # noqa: F401 - the `cli` fixture

from aries_async.sim.ws import hub_of
from aries_async.sim.ws_faults import ERROR_ID_PLACES

BOUND = ("--duration", "60")
AT_ONCE = ("--reconnect-delay", "0.001")
"""For the runs whose connections the server ends: the next one follows without a real wait."""


@pytest.fixture
def quiet_cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Cli]:
    """A ``cli`` whose simulator's prices never step: a connection carries only what its
    subscriptions bring at once (an acknowledgement, a snapshot, a refusal), so
    ``ws_drop_after`` ends every connection after the same lines."""
    with running_cli(tmp_path, monkeypatch, tick_interval=None) as harness:
        yield harness


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


@pytest.mark.parametrize("error_id", ERROR_ID_PLACES)
def test_every_charts_symbol_refused_stops_wherever_the_errors_put_their_id(
    cli: Cli, error_id: str
) -> None:
    """Each symbol is two requests on the charts socket (quotes, trades), each refused: the
    stream tells one refusal per symbol once both answers are in, so the command, which
    looks again at each thing told, sees every symbol refused (with ids or without) and
    stops, whichever way the answers fall into the stream's reads."""
    cli.sign_in()
    cli.on_sim(lambda: setattr(cli.sim.faults, "ws_error_id", error_id))
    done = cli("stream", "NOSUCHSYM", "nosuchtoo", "--charts", "--count", "1", *BOUND)
    assert done.code == 1, done.err
    assert done.out == ""
    said = [line for line in done.err.splitlines() if "refused" in line or "error" in line]
    every = "the server refused every symbol: NOSUCHSYM, NOSUCHTOO (invalid symbol)"
    # The first symbol's refusal may be in before the second's answers are (one subscribe
    # each): then it is told alone first, once.
    first = "the server refused NOSUCHSYM (invalid symbol); streaming NOSUCHTOO"
    assert said[-1] == f"aries-async stream: {every}", done.err
    assert said[:-1] in ([], [f"aries-async stream: {first}"]), done.err


def test_some_symbols_refused_are_named_and_the_others_stream(cli: Cli) -> None:
    cli.sign_in()
    done = cli("stream", "AAPL", "NOSUCHSYM", "--count", "4", *BOUND)
    assert done.code == 0, done.err
    said = [line for line in done.err.splitlines() if "NOSUCHSYM" in line]
    assert len(said) == 1 and "invalid symbol" in said[0] and "AAPL" in said[0]
    assert {line["symbol"] for line in done.ndjson()} == {"AAPL"}
    assert len(done.ndjson()) == 4


def _refusing(cli: Cli, channels: dict[str, frozenset[str]]) -> None:
    """Make the simulator's market and charts sockets refuse ``channels`` (symbol, or ``*``
    for every symbol -> the channels), as ``sim --ws-refuse-channel`` does."""
    cli.on_sim(lambda: _refusing_now(cli, channels))


def _refusing_now(cli: Cli, channels: dict[str, frozenset[str]]) -> None:
    """:func:`_refusing`, on the simulator's loop already (in an ``on_open`` hook)."""
    cli.sim.faults.ws_refused_channels = channels


@pytest.mark.parametrize("socket", [(), ("--charts",)], ids=["market", "charts"])
def test_a_symbol_with_only_some_channels_refused_streams_the_others(
    quiet_cli: Cli, socket: tuple[str, ...]
) -> None:
    cli = quiet_cli
    cli.sign_in()
    _refusing(cli, {"*": frozenset({"trades"})})
    # Each connection ends after its fifth line: the refusal of AAPL's trades and the snapshot
    # of its quotes are in. A quote a connection, and the refusal again on the second.
    cli.on_sim(lambda: setattr(cli.sim.faults, "ws_drop_after", 5))
    done = cli("stream", "AAPL", *socket, "--count", "2", *BOUND, *AT_ONCE)
    assert done.code == 0, done.err
    said = [line for line in done.err.splitlines() if "refused" in line or "error" in line]
    told = "aries-async stream: AAPL: trades refused (not entitled to trades); streaming its quotes"
    assert said == [told], done.err
    assert [(line["event"], line["symbol"]) for line in done.ndjson()] == [("quote", "AAPL")] * 2


def test_a_partly_refused_symbol_is_told_by_a_server_that_acknowledges_nothing(
    quiet_cli: Cli,
) -> None:
    cli = quiet_cli
    cli.sign_in()
    _refusing(cli, {"*": frozenset({"trades"})})
    # No answer about the quotes ever comes: their snapshot says they are served.
    cli.on_sim(lambda: setattr(cli.sim.faults, "ws_market_unacknowledged", True))
    done = cli("stream", "AAPL", "--count", "1", *BOUND)
    assert done.code == 0, done.err
    said = [line for line in done.err.splitlines() if "refused" in line or "error" in line]
    told = "aries-async stream: AAPL: trades refused (not entitled to trades); streaming its quotes"
    assert said == [told], done.err
    assert [line["symbol"] for line in done.ndjson()] == ["AAPL"]


def test_a_symbol_served_in_part_then_refused_in_full_stops_the_command(
    quiet_cli: Cli,
) -> None:
    """What came on one connection says nothing of the next: AAPL's quotes streamed on the
    first, the second refuses them too, and nothing is left to stream."""
    cli = quiet_cli
    cli.sign_in()
    refusing = [frozenset({"trades"}), frozenset({"quotes", "trades"})]

    def opened(kind: str, number: int) -> None:  # each connection set up as it opens
        if kind == "market":
            _refusing_now(cli, {"AAPL": refusing[min(number, 2) - 1]})
            cli.sim.faults.ws_drop_after = 5 if number == 1 else None

    cli.on_sim(lambda: setattr(hub_of(cli.sim.app), "on_open", opened))
    done = cli("stream", "AAPL", "--count", "5", *BOUND, *AT_ONCE)
    assert done.code == 1, done.err
    assert [line["symbol"] for line in done.ndjson()] == ["AAPL"]
    last = done.err.splitlines()[-1]
    every = "the server refused every symbol: AAPL (not entitled to quotes, trades)"
    assert last == f"aries-async stream: {every}", done.err


def test_a_refusal_of_the_connection_before_is_not_this_ones(quiet_cli: Cli) -> None:
    """AAPL's quotes refused on the first connection, its trades on the second, which never
    acknowledges: the quotes' refusal is the first connection's while the second's answer
    about them is not in, and their snapshot says they are served."""
    cli = quiet_cli
    cli.sign_in()
    refusing = [frozenset({"quotes"}), frozenset({"trades"})]

    def opened(kind: str, number: int) -> None:  # each connection set up as it opens
        if kind == "market":
            _refusing_now(cli, {"AAPL": refusing[min(number, 2) - 1]})
            cli.sim.faults.ws_drop_after = 5 if number == 1 else None  # after the trade
            cli.sim.faults.ws_market_unacknowledged = number > 1

    cli.on_sim(lambda: setattr(hub_of(cli.sim.app), "on_open", opened))
    told = _told_by_connection(cli, "stream", "AAPL", "--count", "2", *BOUND, *AT_ONCE)
    quotes = "AAPL: quotes refused (not entitled to quotes); streaming its trades"
    trades = "AAPL: trades refused (not entitled to trades); streaming its quotes"
    assert told == [[quotes], [trades]]


def test_a_partly_refused_symbol_is_named_with_what_streams(quiet_cli: Cli) -> None:
    cli = quiet_cli
    cli.sign_in()
    _refusing(cli, {"AAPL": frozenset({"trades"})})
    # AAPL's quote snapshot, then MSFT's: the refusal of AAPL's trades came before both.
    done = cli("stream", "AAPL", "MSFT", "--count", "2", *BOUND)
    assert done.code == 0, done.err
    said = [line for line in done.err.splitlines() if "refused" in line or "error" in line]
    told = "AAPL: trades refused (not entitled to trades); streaming AAPL's quotes, MSFT"
    assert said == [f"aries-async stream: {told}"], done.err
    assert [line["symbol"] for line in done.ndjson()] == ["AAPL", "MSFT"]


def test_a_refused_symbol_beside_a_partly_refused_one_is_not_every_symbol(
    quiet_cli: Cli,
) -> None:
    cli = quiet_cli
    cli.sign_in()
    _refusing(cli, {"*": frozenset({"trades"})})
    done = cli("stream", "NOSUCHSYM", "AAPL", "--count", "1", *BOUND)
    assert done.code == 0, done.err
    said = "\n".join(line for line in done.err.splitlines() if "refused" in line)
    assert "every" not in said, done.err
    assert "NOSUCHSYM (invalid symbol)" in said, done.err
    assert "AAPL: trades refused (not entitled to trades)" in said, done.err
    assert [(line["event"], line["symbol"]) for line in done.ndjson()] == [("quote", "AAPL")]


@pytest.mark.parametrize("socket", [(), ("--charts",)], ids=["market", "charts"])
def test_every_channel_asked_refused_is_every_symbol_refused(
    cli: Cli, socket: tuple[str, ...]
) -> None:
    cli.sign_in()
    _refusing(cli, {"AAPL": frozenset({"trades"})})
    # Only trades asked for: AAPL has nothing left to stream.
    done = cli("stream", "NOSUCHSYM", "AAPL", *socket, "--fields", "size", *BOUND)
    assert done.code == 1, done.err
    assert done.out == ""
    last = done.err.splitlines()[-1]
    every = "the server refused every symbol: NOSUCHSYM (invalid symbol); AAPL (not entitled"
    assert last.startswith(f"aries-async stream: {every} to trades)"), done.err


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
    assert [line["account_id"] for line in done.ndjson()] == ["TEST-ACCOUNT-001"]


@pytest.mark.parametrize(
    ("socket", "per_connection"), [((), 2), (("--charts",), 1)], ids=["market", "charts"]
)
def test_a_refusal_every_reconnect_resends_is_told_once(
    quiet_cli: Cli, socket: tuple[str, ...], per_connection: int
) -> None:
    cli = quiet_cli
    cli.sign_in()
    # Each connection ends after its sixth line: its refusal of NOSUCHSYM and the snapshots
    # of AAPL (a quote and a trade on the market socket, a quote on the charts one) are in.
    cli.on_sim(lambda: setattr(cli.sim.faults, "ws_drop_after", 6))
    updates = str(2 * per_connection)  # two connections' worth: a reconnect
    done = cli("stream", "AAPL", "NOSUCHSYM", *socket, "--count", updates, *BOUND, *AT_ONCE)
    assert done.code == 0, done.err
    lines = done.err.splitlines()
    assert sum("reconnected" in line for line in lines) == 1, done.err
    said = [line for line in lines if "NOSUCHSYM" in line or "invalid symbol" in line]
    told = "aries-async stream: the server refused NOSUCHSYM (invalid symbol); streaming AAPL"
    assert said == [told], done.err
    assert {line["symbol"] for line in done.ndjson()} == {"AAPL"}


def test_a_refusal_is_told_again_when_its_reason_changes_or_after_it_was_lifted(
    quiet_cli: Cli,
) -> None:
    """The connections run one after another, each ended by the server after its sixth line
    (its refusal and acknowledgement in, and a snapshot); between two, the server is told what
    to refuse of AAPL on the next. The command tells a refusal on the connections where what
    is refused of AAPL is new (1: all of it, 2: its trades only) or which follow one that
    acknowledged AAPL (4), and only there."""
    cli = quiet_cli
    cli.sign_in()
    refusing: list[frozenset[str]] = [
        frozenset({"quotes", "trades"}),
        frozenset({"trades"}),  # another reason
        frozenset(),  # AAPL acknowledged
        frozenset({"trades"}),  # the same reason as before, but it was lifted since
    ]

    def opened(kind: str, number: int) -> None:  # each connection set up as it opens
        if kind == "market":
            refuse = refusing[min(number, len(refusing)) - 1]
            cli.sim.faults.ws_refused_channels = {"AAPL": refuse}
            cli.sim.faults.ws_drop_after = 6

    cli.on_sim(lambda: setattr(hub_of(cli.sim.app), "on_open", opened))
    # The snapshots that make the count: MSFT's quote on the first connection (cut there),
    # AAPL's quote and MSFT's on the second, and AAPL's trade besides on the third: the
    # seventh is the fourth connection's quote of AAPL, after its refusal.
    told = _told_by_connection(cli, "stream", "AAPL", "MSFT", "--count", "7", *BOUND, *AT_ONCE)
    every = "the server refused AAPL (not entitled to quotes, trades); streaming MSFT"
    trades = "AAPL: trades refused (not entitled to trades); streaming AAPL's quotes, MSFT"
    assert told == [[every], [trades], [], [trades]]


def test_an_account_refusal_every_reconnect_resends_is_told_once(quiet_cli: Cli) -> None:
    cli = quiet_cli
    cli.sign_in()
    # Each connection ends after its fourth line: NO-SUCH-1's refusal and the snapshot of
    # TEST-ACCOUNT-001 are in.
    cli.on_sim(lambda: setattr(cli.sim.faults, "ws_drop_after", 4))
    accounts = ("--account", "NO-SUCH-1", "--account", "TEST-ACCOUNT-001")
    done = cli("stream", *accounts, "--topics", "snapshots", "--count", "2", *BOUND, *AT_ONCE)
    assert done.code == 0, done.err
    lines = done.err.splitlines()
    assert sum("reconnected" in line for line in lines) == 1, done.err
    said = [line for line in lines if "NO-SUCH-1" in line or "not found" in line]
    told = "aries-async stream: the server refused NO-SUCH-1 (account not found); streaming "
    assert said == [told + "TEST-ACCOUNT-001"], done.err
    assert [line["resync"] for line in done.ndjson()] == [False, True]


def test_an_account_refusal_is_told_again_after_the_account_was_acknowledged(
    quiet_cli: Cli,
) -> None:
    """As above, on the account socket: TEST-SIM-001 is unknown to the server on the first
    and third connections (taken out of its books in between) and known on the second."""
    cli = quiet_cli
    cli.sign_in()
    books = cli.sim.state.accounts
    account = books["TEST-SIM-001"]
    known = [False, True, False]

    def opened(kind: str, number: int) -> None:  # each connection set up as it opens
        if kind == "accounts":
            if known[min(number, len(known)) - 1]:
                books["TEST-SIM-001"] = account
            else:
                books.pop("TEST-SIM-001", None)
            cli.sim.faults.ws_drop_after = 4  # one account's answer and the other's snapshot

    cli.on_sim(lambda: setattr(hub_of(cli.sim.app), "on_open", opened))
    accounts = ("--account", "TEST-SIM-001", "--account", "TEST-ACCOUNT-001")
    # One snapshot a connection: the third's comes after its refusal.
    told = _told_by_connection(
        cli, "stream", *accounts, "--topics", "snapshots", "--count", "3", *BOUND, *AT_ONCE
    )
    refused = "the server refused TEST-SIM-001 (account not found); streaming TEST-ACCOUNT-001"
    assert told == [[refused], [], [refused]]


def _told_by_connection(cli: Cli, *args: str) -> list[list[str]]:
    """Run the CLI with ``args`` to its end (exit 0) and return what it told of refusals and
    server errors, a list a connection (a new one begins at each "disconnected")."""
    done = cli(*args)
    assert done.code == 0, done.err
    told: list[list[str]] = [[]]
    for line in done.err.splitlines(keepends=True):
        if "refused" in line or "server error" in line:
            told[-1].append(line.split(": ", 1)[1].strip())
        if "disconnected" in line:  # the server ended it
            told.append([])
    return told
