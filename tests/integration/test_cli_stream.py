"""``aries-async stream``: NDJSON against the simulator, exit codes, Ctrl-C, and the table."""

from __future__ import annotations

import argparse
import contextlib
import os
import re
import signal
import subprocess
import sys
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from cli_harness import (  # noqa: F401 - the `cli` fixture
    Cli,
    closed_port,
    run_on_terminal,
    running_cli,
    stepping_cli_fixture,
)

from aries_async._cli.common import stream_options
from aries_async._cli.stream import StreamState, record, redraw, render_frame
from aries_async.models.events import (
    QuoteUpdate,
    StreamConnected,
    StreamDisconnected,
    StreamReauthenticated,
    TradeUpdate,
)
from aries_async.sim import ServerErrorFault
from aries_async.streaming import StreamConfig


def test_ndjson_lines_carry_decimal_strings(cli: Cli) -> None:
    cli.sign_in()
    done = cli("stream", "AAPL", "msft", "--count", "6")
    assert done.code == 0, done.err
    lines = done.ndjson()
    assert len(lines) == 6  # stdout is not a terminal: one line per update, nothing else
    assert {line["symbol"] for line in lines} <= {"AAPL", "MSFT"}
    assert {line["event"] for line in lines} <= {"quote", "trade"}
    for line in lines:
        assert set(line) == {
            "event",
            "symbol",
            "bid_price",
            "ask_price",
            "last_price",
            "size",
            "volume",
            "timestamp",
        }
        for field in ("bid_price", "ask_price", "last_price"):
            if line[field] is not None:
                assert isinstance(line[field], str)
                assert Decimal(line[field]) > 0
        when = datetime.fromisoformat(line["timestamp"].replace("Z", "+00:00"))
        assert when.tzinfo is not None
    quotes = [line for line in lines if line["event"] == "quote"]
    assert quotes and all(Decimal(q["ask_price"]) >= Decimal(q["bid_price"]) for q in quotes)
    assert "connected" in done.err  # status notices go to stderr


def test_fields_choose_columns_and_channels(cli: Cli) -> None:
    cli.sign_in()
    # the older column names still choose the columns; the keys are the models' names
    done = cli("stream", "AAPL", "--json", "--fields", "bid,ask_price", "--count", "3")
    assert done.code == 0, done.err
    lines = done.ndjson()
    assert len(lines) == 3
    assert all(set(line) == {"event", "symbol", "bid_price", "ask_price"} for line in lines)
    assert all(line["event"] == "quote" for line in lines)  # no trade subscription


def test_duration_stops_the_stream(cli: Cli) -> None:
    cli.sign_in()
    done = cli("stream", "AAPL", "--duration", "0.5")
    assert done.code == 0, done.err
    assert done.ndjson()


@pytest.mark.parametrize("value", ["preMarket", "halted", "lunchAuction"])
def test_a_market_status_beyond_open_and_closed_is_told(cli: Cli, value: str) -> None:
    """websocket.md 3.2 leaves the values beyond ``open`` and ``closed`` UNKNOWN: whatever
    the server says is told as it came, once (stderr: stdout carries only the updates)."""
    cli.sign_in()
    cli.on_sim(lambda: setattr(cli.sim.faults, "ws_market_status", value))
    done = cli("stream", "AAPL", "--count", "2")
    assert done.code == 0, done.err
    assert done.err.count(f"aries-async stream: market {value}\n") == 1
    assert len(done.ndjson()) == 2


@pytest.mark.parametrize(
    "args",
    [
        ("stream",),
        ("stream", "AAPL", "--fields", "bid,colour"),
        ("stream", "AAPL", "--count", "0"),
        ("stream", "AAPL", "--duration", "-1"),
        ("stream", "AAPL", " "),
    ],
)
def test_usage_errors_exit_2(cli: Cli, args: tuple[str, ...]) -> None:
    assert cli(*args).code == 2


@pytest.mark.parametrize("value", ["0", "-1", "inf", "nan", "soon"])
def test_a_reconnect_delay_that_is_no_positive_number_of_seconds_exits_2(
    cli: Cli, value: str
) -> None:
    done = cli("stream", "AAPL", f"--reconnect-delay={value}")
    assert done.code == 2
    said = f"--reconnect-delay: expected a positive number of seconds, got '{value}'"
    assert said in done.err.splitlines()[-1]


def test_reconnect_delay_starts_the_backoff_and_caps_it_when_longer() -> None:
    def waits(delay: float | None) -> list[float]:
        options = stream_options(argparse.Namespace(reconnect_delay=delay))
        policy = options.get("config", StreamConfig()).retry_policy
        return [policy.delay(attempt, 0.0) for attempt in (1, 2, 3, 9)]

    assert waits(None) == [0.5, 1.0, 2.0, 30.0]  # the streams' defaults
    assert waits(0.25) == [0.25, 0.5, 1.0, 30.0]
    assert waits(60) == [60.0, 60.0, 60.0, 60.0]


BOUND = ("--duration", "60")
"""Ends a run that would otherwise never end (each one here ends after its updates)."""


@pytest.mark.parametrize(
    ("what", "lines"),
    [
        (("AAPL",), 4),
        (("AAPL", "--charts"), 3),
        (("--account", "TEST-ACCOUNT-001", "--topics", "snapshots"), 3),
    ],
    ids=["market", "charts", "account"],
)
def test_reconnect_delay_is_the_wait_before_each_reconnect(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    what: tuple[str, ...],
    lines: int,
) -> None:
    # Prices that never step: each connection carries its acknowledgements and snapshots,
    # then the server ends it; the updates counted come from the second.
    with running_cli(tmp_path, monkeypatch, tick_interval=None) as cli:
        cli.sign_in()
        cli.on_sim(lambda: setattr(cli.sim.faults, "ws_drop_after", lines))
        done = cli("stream", *what, "--count", "2", "--reconnect-delay", "0.001", *BOUND)
    assert done.code == 0, done.err
    told = [line for line in done.err.splitlines() if "disconnected" in line]
    assert told and all(line.endswith("; retrying in 0.0 s") for line in told), done.err


def on_a_terminal(cli: Cli, *args: str, columns: int | None = None) -> str:
    """What ``aries-async stream ARGS`` wrote to a pseudo-terminal (it must exit 0); with
    ``columns``, a terminal that wide, which stderr writes to as well (as in a shell)."""
    cli.sign_in()
    code, output = run_on_terminal(["stream", *args], columns=columns)
    assert code == 0, output
    return output


@pytest.mark.skipif(sys.platform == "win32", reason="needs a POSIX pseudo-terminal")
def test_on_a_terminal_the_table_is_redrawn_in_place(cli: Cli) -> None:
    text = on_a_terminal(cli, "AAPL", "MSFT", "--count", "8")
    assert "{" not in text  # no NDJSON on a terminal
    assert text.startswith("\x1b[?25l") and text.rstrip().endswith("\x1b[?25h")
    frames = text.split("\x1b[J")[1:]
    assert len(frames) >= 2 and "\x1b[5A" in text  # up over the 5-line frame before
    last = frames[-1].replace("\r", "").splitlines()
    assert last[0].split()[:3] == ["SYMBOL", "BID", "ASK"]
    assert last[1].startswith("AAPL") and last[2].startswith("MSFT")
    assert last[4].startswith("[connected] updates 8 |")


@pytest.mark.skipif(sys.platform == "win32", reason="needs a POSIX pseudo-terminal")
def test_a_long_status_on_a_narrow_terminal_keeps_the_table_in_place(cli: Cli) -> None:
    """Connecting to a socket that is down for a while (its handshakes answered 503): the
    library warns that it cannot be reached, at length, wider than the terminal, which wraps
    it; then the stream connects. Each redraw moves up over the rows the frame before took,
    wrapped ones included, and the warning goes to the status line, not across the table
    (stderr is the terminal too)."""
    down = ServerErrorFault(count=4)
    cli.on_sim(lambda: cli.sim.faults.server_errors.__setitem__("GET /v1/market/ws", down))
    args = ("AAPL", "--reconnect-delay", "0.02", "--count", "1", "--duration", "10")
    text = on_a_terminal(cli, *args, columns=60).replace("\x1b[?25h", "")
    # Each frame is written as: "\r", up over the rows of the one before, clear, the frame.
    parts = re.split(r"\r(?:\x1b\[(\d+)A)?\x1b\[J", text)
    frames, ups = parts[2::2], [int(up) for up in parts[3::2]]
    assert len(frames) >= 3, text
    assert any(len(frame.splitlines()[-1]) > 60 for frame in frames), text  # wider: wrapped
    for frame in frames:
        assert len(frame.rstrip("\r\n").split("\r\n")) == 4, frame  # no line but its own
    rows = [
        sum(max(1, -(-len(line) // 60)) for line in f.rstrip("\r\n").split("\r\n")) for f in frames
    ]
    assert ups == rows[:-1]


@pytest.mark.skipif(sys.platform == "win32", reason="needs a POSIX pseudo-terminal")
def test_terminated_on_a_terminal_it_gives_the_cursor_back(cli: Cli) -> None:
    """``timeout 60 aries-async stream AAPL``, or a ``kill``: SIGTERM ends the command as it
    would (killed by the signal, as ``timeout`` expects), but not before it shows the cursor
    it hid for the table: the shell is not left without one."""
    import pty

    cli.sign_in()
    leader, follower = pty.openpty()
    proc = cli.spawn("stream", "AAPL", stdout=follower)
    os.close(follower)
    output = b""
    try:
        while b"[connected]" not in output:  # a frame is drawn: the cursor is hidden
            output += os.read(leader, 65536)
        proc.send_signal(signal.SIGTERM)
        with contextlib.suppress(OSError):  # EIO once the command has exited
            while chunk := os.read(leader, 65536):
                output += chunk
    finally:
        os.close(leader)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    assert proc.returncode == -signal.SIGTERM
    assert output.startswith(b"\x1b[?25l") and output.rstrip().endswith(b"\x1b[?25h")


def test_not_signed_in_exits_3(cli: Cli) -> None:
    done = cli("stream", "AAPL", "--count", "1")
    assert done.code == 3
    assert "aries-async login" in done.err


@pytest.mark.parametrize(
    "command", [("stream", "AAPL", "--count", "1"), ("stream", "--account", "TEST-SIM-001")]
)
def test_a_refused_token_is_told_once(cli: Cli, command: tuple[str, ...]) -> None:
    """The stream's refusal of the token ends the command with "not signed in: ...", and
    only that: not first the library's warning that the stream failed, saying it again. A
    process of its own, where nothing has configured logging (as a user runs it): the
    installed ``aries-async`` itself."""
    cli.setenv(ARIES_ACCESS_TOKEN="not-a-token")
    proc = cli.spawn(*command, script=True)
    out, err = proc.communicate(timeout=60)
    assert (proc.returncode, out) == (3, ""), err
    assert err.count("the server refused the access token") == 1, err
    assert err.startswith("not signed in: "), err


def test_ctrl_c_exits_0(cli: Cli) -> None:
    """Also when the tests run where Ctrl-C is ignored (a shell's background job, which the
    command inherits): the spawned command is the one a terminal starts."""
    cli.sign_in()
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)  # as in a background job
    try:
        proc = cli.spawn("stream", "AAPL")
    finally:
        signal.signal(signal.SIGINT, previous)
    try:
        assert proc.stdout is not None
        first = proc.stdout.readline()
        assert first.startswith("{"), proc.stderr.read() if proc.stderr else ""
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=30) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


# -- the terminal table as a pure function ------------------------------------------------------


def quote(symbol: str, **data: object) -> QuoteUpdate:
    return QuoteUpdate(symbol, data)


def test_state_merges_partial_updates() -> None:
    state = StreamState(["AAPL"])
    state.apply(quote("AAPL", bidPrice=189.49, askPrice=189.51, quoteTimestamp=1_800_000_000_000))
    row = state.apply(quote("AAPL", askPrice="189.52"))
    assert row["bid_price"] == Decimal("189.49") and row["ask_price"] == Decimal("189.52")
    row = state.apply(TradeUpdate("AAPL", {"lastPrice": 189.5, "size": 100, "totalVolume": 12345}))
    assert row["last_price"] == Decimal("189.5") and row["volume"] == Decimal("12345")
    assert state.updates == 3
    line = record("trade", "AAPL", row, ["bid_price", "last_price", "volume", "timestamp"])
    assert line == {
        "event": "trade",
        "symbol": "AAPL",
        "bid_price": "189.49",
        "last_price": "189.5",
        "volume": "12345",  # a quantity: an exact decimal string, as prices are
        "timestamp": "2027-01-15T08:00:00Z",
    }


@pytest.mark.parametrize("stamp", [1_800_000_000_000, "2027-01-15T08:00:00Z", "not a time", None])
def test_the_envelope_timestamp_in_any_form_never_breaks_the_table(stamp: object) -> None:
    state = StreamState(["AAPL"])
    row = state.apply(QuoteUpdate("AAPL", {"bidPrice": 1.5}, stamp))  # type: ignore[arg-type]
    when = datetime(2027, 1, 15, 8, tzinfo=UTC)
    expected = None if stamp in ("not a time", None) else when
    assert row.get("timestamp") == expected


def test_render_frame_table_and_status_line() -> None:
    state = StreamState(["AAPL", "MSFT"])
    state.rows["AAPL"] = {
        "bid_price": Decimal("189.49"),
        "ask_price": Decimal("189.51"),
        "last_price": Decimal("189.50"),
        "volume": Decimal("1234567"),
        "timestamp": datetime(2026, 11, 28, 14, 30, 1, tzinfo=UTC),
    }
    state.status(StreamConnected(attempt=1, reconnect=False, at=0.0))
    state.updates, state.reconnects, state.conflated = 42, 1, 7
    frame = render_frame(state, ["bid_price", "ask_price", "last_price", "volume", "timestamp"])
    lines = frame.splitlines()
    assert lines[0].split() == ["SYMBOL", "BID", "ASK", "LAST", "VOLUME", "TIME", "(UTC)"]
    assert lines[1].split() == ["AAPL", "189.49", "189.51", "189.50", "1,234,567", "14:30:01"]
    assert lines[2].split() == ["MSFT", "-", "-", "-", "-", "-"]  # nothing yet
    # Numbers are right-aligned under their heading.
    assert lines[1].index("189.49") + len("189.49") == lines[0].index("BID") + len("BID")
    assert lines[1].index("1,234,567") + 9 == lines[0].index("VOLUME") + len("VOLUME")
    assert lines[3] == ""
    assert lines[4] == ("[connected] updates 42 | reconnects 1 | conflated 7 | connected")
    assert "\x1b" not in frame
    state.market = "afterHours"  # once the server said it
    assert render_frame(state, ["bid_price"]).splitlines()[-1] == (
        "[connected] updates 42 | reconnects 1 | conflated 7 | market afterHours | connected"
    )


def test_status_line_shows_disconnects_and_the_redraw_moves_the_cursor() -> None:
    state = StreamState(["AAPL"])
    state.status(
        StreamDisconnected(reason="server closed (1006)", will_reconnect=True, retry_in=0.5, at=1)
    )
    frame = render_frame(state, ["bid_price"])
    assert frame.splitlines()[-1].startswith("[not connected]")
    assert "disconnected: server closed (1006); retrying in 0.5 s" in frame
    state.status(StreamConnected(attempt=2, reconnect=True, at=2.0))
    assert "reconnected" in render_frame(state, ["bid_price"])
    state.status(StreamReauthenticated(at=3.0))  # said too, and still connected
    assert render_frame(state, ["bid_price"]).splitlines()[-1] == (
        "[connected] updates 0 | reconnects 0 | conflated 0 | re-authenticated on the live "
        "socket (subscriptions sent again)"
    )
    assert redraw(0, "a\nb") == "\r\x1b[Ja\nb\n"
    assert redraw(4, "a\nb") == "\r\x1b[4A\x1b[Ja\nb\n"


# -- the account socket -------------------------------------------------------------------------


def test_account_topics_as_ndjson(cli: Cli) -> None:
    cli.sign_in()
    done = cli(
        "stream",
        "--account",
        "TEST-ACCOUNT-001",
        "--account",
        "TEST-SIM-001",
        "--topics",
        "pnl,snapshots",
        "--interval",
        "15s",
        "--count",
        "4",
    )
    assert done.code == 0, done.err
    lines = done.ndjson()
    assert len(lines) == 4
    snapshots = [line for line in lines if line["event"] == "snapshot"]
    assert {s["account_id"] for s in snapshots} == {"TEST-ACCOUNT-001", "TEST-SIM-001"}
    for snapshot in snapshots:  # the whole snapshot, under the models' names
        assert "account" not in snapshot  # the account is ``account_id``, as in the models
        assert isinstance(snapshot["balance"]["cash_balance"], str)
        assert isinstance(snapshot["positions"], list) and isinstance(snapshot["orders"], list)
    events = [line for line in lines if line["event"] == "pnl"]
    assert events
    for event in events:
        assert event["interval"] == "15s" and event["candles"]
        candle = event["candles"][-1]
        assert isinstance(candle["close"], str)
        Decimal(candle["close"])
        assert datetime.fromisoformat(candle["timestamp"].replace("Z", "+00:00")).tzinfo
    assert "connected" in done.err


@pytest.mark.parametrize(
    "args",
    [
        ("stream", "--account", "TEST-ACCOUNT-001", "--topics", "pnl,gossip"),
        ("stream", "AAPL", "--topics", "pnl"),
        ("stream", "--account", "TEST-ACCOUNT-001", "--interval", "2m"),
    ],
)
def test_account_usage_errors_exit_2(cli: Cli, args: tuple[str, ...]) -> None:
    assert cli(*args).code == 2


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (("--account", "TEST-ACCOUNT-001", "--charts"), "--charts"),
        (("--account", "TEST-ACCOUNT-001", "AAPL"), "SYMBOL"),
        (("--account", "TEST-ACCOUNT-001", "--topics", "orders,pnl", "AAPL"), "SYMBOL"),
        (("--account", "TEST-ACCOUNT-001", "--fields", "bid_price"), "--fields"),
        (("--account", "TEST-ACCOUNT-001", "--interval", "5m"), "--interval"),
        (("AAPL", "--interval", "5m"), "--interval"),
    ],
)
def test_an_option_the_stream_would_ignore_exits_2(
    cli: Cli, args: tuple[str, ...], words: str
) -> None:
    """Asked of a stream that has no use for it (the account socket has no chart quotes,
    takes symbols only for its news, candles only for pnl): a usage error naming it, not a
    stream that quietly shows something else than was asked."""
    cli.sign_in()
    done = cli("stream", *args, "--duration", "0.5")
    assert (done.code, done.out) == (2, ""), done.err
    assert words in done.err and "nothing was sent" in done.err


@pytest.mark.skipif(sys.platform == "win32", reason="needs a POSIX pseudo-terminal")
def test_account_events_on_a_terminal_are_table_lines(cli: Cli) -> None:
    args = ("--account", "TEST-ACCOUNT-001", "--topics", "snapshots,pnl", "--count", "2")
    lines = on_a_terminal(cli, *args).replace("\r", "").splitlines()
    assert "{" not in "".join(lines)  # no NDJSON on a terminal
    assert lines[0].split()[:5] == ["TIME", "(UTC)", "ACCOUNT", "EVENT", "DETAILS"]
    assert any("connected" in line for line in lines)
    events = [line.split()[2] for line in lines[1:] if "TEST-ACCOUNT-001" in line]
    assert events[0] == "snapshot"
    assert "pnl" in events


def test_account_info_quoting_a_secret_is_printed_without_it(cli: Cli) -> None:
    """``account.info`` is printed as it came (its schema is UNKNOWN: what a user debugging
    the stream needs to see), but for the secrets the command holds: a server echoing the
    token it was sent, the refresh token or the client secret there has them blanked, whole
    and every 8 characters of them, on stdout and stderr."""
    from aries_async.sim.ws import hub_of
    from aries_async.testing import shows_secret

    token = cli.sign_in()
    secrets = [token.access_token, token.refresh_token or "", cli.sim.client_secret]
    assert all(secrets)
    topics = cli.on_sim(lambda: hub_of(cli.sim.simulator.app).topics)
    data = {
        "accountId": "TEST-ACCOUNT-001",
        "status": "OPEN",
        "echo": {"auth": f"Bearer {secrets[0]}", "form": f"refresh_token={secrets[1]}"},
        "note": [f"client_secret={secrets[2]}"],
    }
    proc = cli.spawn("stream", "--account", "TEST-ACCOUNT-001", "--topics", "info", "--count", "1")
    try:
        assert proc.stderr is not None
        assert "connected" in proc.stderr.readline()
        # Sent until the account's subscription is in (the command then ends after one).
        while not cli.on_sim(lambda: topics.account_info("TEST-ACCOUNT-001", data)):
            assert proc.poll() is None
        out, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == 0, err
    (line,) = [line for line in out.splitlines() if line.strip()]
    assert '"status": "OPEN"' in line or '"status":"OPEN"' in line, line  # the data is shown
    assert "[redacted]" in line, line
    for secret in secrets:
        assert not shows_secret(out + err, secret, window=8), (out, err)
