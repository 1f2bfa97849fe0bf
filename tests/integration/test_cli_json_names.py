"""One vocabulary in every ``--json`` output: each command, run against the simulator, prints
keys that are snake_case Python names, never a wire name (``clOrdId``, ``estimatedCost``,
``lp``)."""

from __future__ import annotations

import contextlib
import json
import re
import signal
import subprocess
import threading
from typing import Any

import orjson
import pytest
from cli_harness import (
    OLD_NAMES,
    WIRE_NAMES,
    Cli,
    assert_python_names,
    cli_fixture,  # noqa: F401 - the `cli` fixture
)

from aries_async._cli.stream_account import record_of
from aries_async.streaming.protocol import Decoder

ACCOUNT = "TEST-ACCOUNT-001"


def test_the_wire_names_to_refuse_are_known() -> None:
    # the check below could pass on nothing: make sure it knows the names the CLI once printed
    assert {"clOrdId", "estimatedCost", "avgPrice", "origClOrdId", "lp"} <= WIRE_NAMES
    # and the models' old names (the stream printed ``time`` for its ``timestamp``)
    assert {"bid", "time", "quote_time", "trade_time", "qty", "sod_ttl_equity"} <= OLD_NAMES
    assert not {"open", "close", "timestamp"} & OLD_NAMES  # current names of other models


def _account_stream(cli: Cli) -> list[Any]:
    """``stream --account --json`` while an order is placed (``order place --json``, checked
    too) and filled: NDJSON lines until the order, position and balance events came."""
    proc = cli.spawn("stream", "--account", ACCOUNT, "--topics", "account,pnl", "--json")
    assert proc.stdout is not None
    lines: list[Any] = []
    watchdog = threading.Timer(60, proc.kill)  # a stream that never tells ends the test
    watchdog.start()
    try:
        wanted = {"snapshot", "order", "position", "balance"}
        while not wanted <= {line["event"] for line in lines}:
            line = proc.stdout.readline()
            assert line, f"the stream ended before every event came; got {lines}"
            lines.append(json.loads(line))
            if len(lines) == 1:  # subscribed: now something happens to the account
                placed = cli("order", "place", ACCOUNT, "KO", "buy", "1", "--yes", "--json")
                assert placed.code == 0, placed.err
                assert_python_names(placed.json(), "order place (market)")
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=30) == 0
    finally:
        watchdog.cancel()
        if proc.poll() is None:
            proc.kill()
            with contextlib.suppress(subprocess.TimeoutExpired):
                proc.wait(timeout=10)
    return lines


COVERED = {
    "accounts",
    "positions",
    "balances",
    "quote",
    "bars",
    "search",
    "doctor",
    "order",
    "stream",
    "logout",
    "login",
}
"""The commands checked here, and ``login`` (a browser sign-in, checked in test_cli_login)."""


def test_every_command_with_json_is_checked(cli: Cli) -> None:
    def commands(*command: str) -> list[str]:
        """The sub-commands ``--help`` lists (indented under a COMMAND or ACTION heading)."""
        text = cli(*command, "--help").out.partition("positional arguments:")[2]
        listing = text.partition("options:")[0]
        return re.findall(r"^ {4}(\w+) ", listing, re.MULTILINE)

    def has_json(*command: str) -> bool:
        if "--json" in cli(*command, "--help").out:
            return True
        return any(has_json(*command, sub) for sub in commands(*command))

    assert "order" in commands() and "demo" in commands()
    assert {c for c in commands() if has_json(c)} == COVERED
    # every order action takes --json, and the test below runs each
    actions = {"preview", "place", "replace", "cancel", "wait", "list", "find"}
    assert set(commands("order")) == actions
    assert all(has_json("order", action) for action in commands("order"))


def test_every_json_output_speaks_python_names(cli: Cli) -> None:
    cli.sign_in()
    outputs: dict[str, Any] = {}

    def run(*args: str, code: int = 0, ndjson: bool = False) -> Any:
        done = cli(*args)
        assert done.code == code, f"{args}: {done.err}"
        data = done.ndjson() if ndjson else done.json()
        outputs[" ".join(args)] = data
        return data

    run("accounts", "--json")
    run("positions", ACCOUNT, "--json")
    run("balances", ACCOUNT, "--json")
    run("quote", "AAPL", "BADSYM", "--json", code=1)
    run("bars", "AAPL", "--json")
    run("search", "apple", "--json")
    run("doctor", "--json")
    run("order", "preview", ACCOUNT, "AAPL", "buy", "2", "--limit", "1.50", "--json")
    limit = ("order", "place", ACCOUNT, "AAPL", "buy", "2", "--limit", "1.50")
    placed = run(*limit, "--client-id", "names-1", "--yes", "--json")
    run("order", "list", ACCOUNT, "--json")
    found = run("order", "find", ACCOUNT, "names-1", "--json")
    moved = run(
        "order", "replace", ACCOUNT, placed["ack"]["cl_ord_id"], "--limit", "1.4", "--yes", "--json"
    )
    run("order", "cancel", ACCOUNT, moved["ack"]["cl_ord_id"], "--yes", "--json")
    run("order", "wait", ACCOUNT, moved["ack"]["cl_ord_id"], "--json", code=1)
    run("order", "cancel", ACCOUNT, "NO-SUCH-ORDER", "--yes", "--json", code=1)
    other = run(*limit, "--client-id", "names-2", "--yes", "--json")
    cli.lose_answer("cancel")
    unknown = run("order", "cancel", ACCOUNT, other["ack"]["cl_ord_id"], "--yes", "--json", code=1)
    run("stream", "AAPL", "--json", "--count", "4", ndjson=True)
    run("stream", "AAPL", "--charts", "--json", "--count", "4", ndjson=True)
    outputs["stream --account"] = _account_stream(cli)
    run("logout", "--json")

    for command, data in outputs.items():
        assert_python_names(data, command)
    # the names the models give: what a script reads is what the Python code reads
    assert found["client_id"] == "names-1" and found["cl_ord_id"] == placed["ack"]["cl_ord_id"]
    assert moved["request"]["price"] == "1.4" and moved["ack"]["orig_cl_ord_id"]
    assert "estimated_cost" in placed["preview"] and placed["request"]["quantity"] == "2"
    assert unknown["outcome"] == "unknown" and unknown["order"]["client_id"] == "names-2"
    events = {line["event"]: line for line in outputs["stream --account"]}
    assert events["order"]["order"]["symbol"] == "KO"
    # the account is ``account_id`` on every line, as the models name it, and only that
    assert all(line["account_id"] == ACCOUNT for line in outputs["stream --account"])
    assert not any("account" in line for line in outputs["stream --account"])
    assert events["order"]["timestamp"].endswith("Z")


def _decoded(payload: dict[str, Any]) -> Any:
    (event,) = Decoder().feed(orjson.dumps({"type": "event", "payload": payload}))
    return event


@pytest.mark.parametrize(
    "payload",
    [
        {"topic": "watchlist", "data": {"watchlistId": 7, "name": "Tech", "symbols": ["KO"]}},
        {"topic": "news", "data": {"headline": "Up", "publishedAt": 1768489200000}},
        {"topic": "pnl", "data": {"accountId": "A1", "t": 1768489200000, "c": "1.5"}},
        {
            "topic": "account",
            "name": "account.info",
            "data": {"accountId": "A1", "dayTradeCount": 2, "52WeekHigh": "1"},
        },
    ],
)
def test_account_events_the_simulator_sends_only_when_asked(payload: dict[str, Any]) -> None:
    record = record_of(_decoded({**payload, "timestamp": 1768489200000}))
    assert_python_names(record, payload["topic"])
    assert record["timestamp"] == "2026-01-15T15:00:00Z"
    if payload["topic"] == "watchlist":  # its id is the REST model's int
        assert record["watchlists"][0]["id"] == 7


def test_keys_that_are_data_are_printed_as_sent() -> None:
    # account.info has no known schema: its names become Python names, but a key that is a
    # symbol, a date or an id is data, and a script looks it up as the server sent it.
    data = {
        "accountId": "A1",
        "dayTradeCount": 2,
        "52WeekHigh": "1",
        "buyingPowerBySymbol": {"AAPL": "10", "BRK.B": "2", "AAPL260618C00180000": "1"},
        "dailyPnl": {"2026-01-05": "1.5", "2026-01-06T14:30:00Z": "-0.5"},
        "ordersById": {"a1b2-c3d4": {"clOrdId": "a1b2-c3d4"}},
    }
    payload = {"topic": "account", "name": "account.info", "data": data}
    printed = record_of(_decoded({**payload, "timestamp": 1768489200000}))["data"]
    names = ["account_id", "day_trade_count", "high_52_week_price", "buying_power_by_symbol"]
    assert list(printed) == [*names, "daily_pnl", "orders_by_id"]
    assert printed["buying_power_by_symbol"] == data["buyingPowerBySymbol"]
    assert printed["daily_pnl"] == data["dailyPnl"]
    assert printed["orders_by_id"] == {"a1b2-c3d4": {"cl_ord_id": "a1b2-c3d4"}}
