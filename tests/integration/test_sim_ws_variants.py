"""The simulator's switches for websocket.md's open points of the market and charts sockets:
their authentication deadline, where a refusal carries its request id, repeated and late
quote and trade updates, partial ones, market status values beyond ``open`` and ``closed``,
the spelling of the updates' symbol and unacknowledged unsubscribes; each is a CLI flag too.
Raw sockets: what the server sends, not what the client makes of it."""

from __future__ import annotations

import argparse
import contextlib
import itertools
import json
from collections.abc import AsyncIterator
from datetime import datetime
from typing import Any

import aiohttp
import pytest
from stream_helpers import (
    Reader,
    Socket,
    action,
    chart_whole,
    raw_auth,
    until,
    until_pong,
)

from aries_async.models.common import parse_datetime
from aries_async.sim import Simulator
from aries_async.sim import cli as sim_cli
from aries_async.sim.fault_flags import add_fault_arguments, build_faults
from aries_async.sim.ws import WsHub
from aries_async.sim.ws_faults import ERROR_ID_PLACES


@contextlib.asynccontextmanager
async def _market(http: aiohttp.ClientSession, sim: Simulator) -> AsyncIterator[Reader]:
    """An authenticated market socket, read one message at a time."""
    async with http.ws_connect(sim.market_ws_url) as ws:
        yield await raw_auth(ws, sim)


async def _chart_request(ws: Socket, request: str, kind: str, request_id: str) -> None:
    """Send the charts socket a ``request`` (``subscribe``, ``unsubscribe``) of ``kind``
    (``quotes``, ``trades``) of AAPL."""
    message = {"type": request, "id": request_id, "payload": {"type": kind, "symbol": "AAPL"}}
    await ws.send_str(json.dumps(message))


def _updates(messages: list[dict[str, Any]], kind: str) -> list[dict[str, Any]]:
    return [m["payload"] for m in messages if (m.get("payload") or {}).get("type") == kind]


@pytest.mark.parametrize("kind", ["market", "charts"])
async def test_the_auth_deadline_closes_an_unauthenticated_socket_as_the_accounts_one(
    kind: str, sim: Simulator, hub: WsHub, http: aiohttp.ClientSession
) -> None:
    url = sim.market_ws_url if kind == "market" else sim.charts_ws_url
    async with http.ws_connect(url) as late, http.ws_connect(url) as authenticated:
        await raw_auth(authenticated, sim)
        sim.advance(10.0)
        hub.check_deadlines()  # no deadline by default
        assert hub.open_sessions(kind) == 2
        sim.faults.ws_auth_deadline = 10.0
        hub.check_deadlines()
        said = await Reader(late).next()
        assert said["payload"]["action"] == "authTimeout"
        closing = await late.receive(timeout=5)
        assert closing.type is aiohttp.WSMsgType.CLOSE and closing.data == 1000
        assert hub.open_sessions(kind) == 1  # the authenticated one is left alone


@pytest.mark.parametrize("place", ERROR_ID_PLACES)
async def test_a_refusal_carries_the_request_id_where_the_switch_says(
    place: str, sim: Simulator, http: aiohttp.ClientSession
) -> None:
    sim.faults.ws_error_id = place
    async with _market(http, sim) as reader:
        subscribe = {"type": "subscribe", "id": "s1", "payload": [{"symbol": "NOPE"}]}
        await reader.ws.send_str(json.dumps(subscribe))
        error = await reader.next(action("error"))
    ids = (error.get("id"), error["payload"].get("id"))
    expected = {
        "payload": (None, "s1"),
        "envelope": ("s1", None),
        "both": ("s1", "s1"),
        "none": (None, None),
    }
    assert ids == expected[place]
    assert (error["payload"]["error"], error["payload"]["symbols"]) == ("invalid symbol", ["NOPE"])


async def test_quote_and_trade_updates_are_repeated_verbatim_and_sent_late(
    sim: Simulator, http: aiohttp.ClientSession
) -> None:
    sim.faults.ws_market_repeat_every = 3
    sim.faults.ws_market_stale_every = 4
    async with _market(http, sim) as reader:
        subscribe = {"type": "subscribe", "id": "s1", "payload": [{"symbol": "AAPL"}]}
        await reader.ws.send_str(json.dumps(subscribe))
        await reader.next(lambda m: m.get("type") == "subscribed")
        messages: list[dict[str, Any]] = []
        for _ in range(8):  # 16 feed steps, a quote and a trade each
            sim.advance(1.0)
        while len(_updates(messages, "quote")) + len(_updates(messages, "trade")) < 28:
            messages.append(await reader.next())
    for kind in ("quote", "trade"):
        updates = _updates(messages, kind)
        stamps = [u["timestamp"] for u in updates]
        repeated = [a for a, b in itertools.pairwise(updates) if a == b]
        late = [b for a, b in itertools.pairwise(stamps) if b < a]
        assert repeated and late, (kind, stamps)


async def test_partial_updates_carry_only_what_changed_after_a_whole_snapshot(
    sim: Simulator, http: aiohttp.ClientSession
) -> None:
    """websocket.md 3.4: "updates are partial". The snapshot has every field; each update
    after it only those that changed, so that folding them in order gives the whole of the
    feed's current quote and trade."""
    sim.faults.ws_market_partial = True
    async with _market(http, sim) as reader:
        subscribe = {"type": "subscribe", "id": "s1", "payload": [{"symbol": "AAPL"}]}
        await reader.ws.send_str(json.dumps(subscribe))
        messages = [await reader.next(lambda m: m.get("type") == "subscribed")]
        for _ in range(6):
            sim.advance(0.5)  # one feed step each
        while len(_updates(messages, "quote")) < 7 or len(_updates(messages, "trade")) < 7:
            messages.append(await reader.next())
    snap = sim.feed.quote("AAPL")
    for kind, whole in (("quote", snap.quote_data()), ("trade", snap.trade_data())):
        snapshot, *updates = (u["data"] for u in _updates(messages, kind))
        assert set(snapshot) == set(whole)
        folded = dict(snapshot)
        for data in updates:
            assert data and all(folded[key] != value for key, value in data.items())
            folded.update(data)
        assert folded == whole
        assert any(set(data) < set(whole) for data in updates), kind  # partial indeed


async def test_partial_chart_updates_carry_only_what_changed_after_a_whole_quote(
    sim: Simulator, hub: WsHub, http: aiohttp.ClientSession
) -> None:
    """The same switch on the charts socket (plain events, no type): a quote keeps ``s`` and
    ``n`` and its ``v`` carries what changed, after the whole quote on subscribe; a trade keeps
    ``s`` and ``t`` (what tells it from a quote) and carries ``lp`` / ``v`` when they changed.
    Trades subscribed again start whole."""
    sim.faults.ws_market_partial = True
    async with http.ws_connect(sim.charts_ws_url) as ws:
        reader = await raw_auth(ws, sim)
        for kind in ("quotes", "trades"):
            await _chart_request(ws, "subscribe", kind, kind)
        await until(lambda: hub.subscribes == 2)  # read by the server (its answers unread)
        quotes: list[dict[str, Any]] = []
        trades: list[dict[str, Any]] = []
        for _ in range(8):
            sim.advance(0.5)  # one feed step each
        # Its ack comes after every update sent before.
        await _chart_request(ws, "unsubscribe", "trades", "u1")
        while (message := await reader.next()).get("id") != "u1":
            if message.get("type") == "event":
                data = message["payload"]["data"]
                (quotes if isinstance(data.get("v"), dict) else trades).append(data)
        whole_quote, whole_trade = chart_whole(sim, "AAPL")
        first, *updates = quotes
        assert first.keys() == {"s", "n", "v"} and first["v"].keys() == whole_quote.keys()
        folded = dict(first["v"])
        for data in updates:
            assert data.keys() == {"s", "n", "v"} and data["v"]
            assert all(folded[key] != value for key, value in data["v"].items())
            folded.update(data["v"])
        assert folded == whole_quote
        assert len(updates) >= 4 and any(data["v"].keys() < whole_quote.keys() for data in updates)
        assert trades[0].keys() == {"s", "t", "lp", "v"} and len(trades) >= 4
        folded = dict(trades[0])
        for data in trades[1:]:
            assert {"s", "t"} <= data.keys() <= {"s", "t", "lp", "v"}
            assert all(folded[key] != data[key] for key in data.keys() - {"s", "t"})
            folded.update(data)
        assert {key: folded[key] for key in ("lp", "v")} == whole_trade
        assert any(data.keys() < {"s", "t", "lp", "v"} for data in trades[1:])
        await _chart_request(ws, "subscribe", "trades", "s2")
        await reader.next(lambda m: m.get("id") == "s2")
        while True:
            sim.advance(0.5)
            if sim.feed.quote("AAPL").last_size:
                break
        again = await reader.next(lambda m: "t" in (m.get("payload") or {}).get("data", {}))
        assert again["payload"]["data"].keys() == {"s", "t", "lp", "v"}


def _time_at(update: dict[str, Any], where: tuple[str, ...]) -> datetime:
    value: Any = update
    for key in where:
        value = value[key]
    when = parse_datetime(value)
    assert when is not None
    return when


@pytest.mark.parametrize("trade_time", ["s", "ms", "iso"])
async def test_chart_quotes_and_trades_are_repeated_verbatim_and_sent_late_too(
    trade_time: str, sim: Simulator, http: aiohttp.ClientSession
) -> None:
    """The same switches on the charts socket: a quote's time is its envelope's (typed
    envelope), a trade's its ``t``, whatever its form."""
    sim.faults.ws_market_repeat_every = 3
    sim.faults.ws_market_stale_every = 4
    sim.faults.charts_envelope, sim.faults.charts_trade_time = "typed", trade_time
    async with http.ws_connect(sim.charts_ws_url) as ws:
        reader = await raw_auth(ws, sim)
        for kind in ("quotes", "trades"):
            await _chart_request(ws, "subscribe", kind, kind)
            await reader.next(lambda m: m.get("type") == "subscribed")
        messages: list[dict[str, Any]] = []
        for _ in range(16):  # 32 feed steps
            sim.advance(1.0)
        while len(_updates(messages, "quote")) < 40:  # 32 quotes, some sent again
            messages.append(await reader.next())
    for kind, where in (("quote", ("timestamp",)), ("trade", ("data", "t"))):
        updates = _updates(messages, kind)
        stamps = [_time_at(u, where) for u in updates]
        repeated = [a for a, b in itertools.pairwise(updates) if a == b]
        late = [b for a, b in itertools.pairwise(stamps) if b < a]
        assert repeated and late, (kind, stamps)


@pytest.mark.parametrize("value", ["preMarket", "afterHours", "halted", "someDayNewValue"])
async def test_the_market_status_says_the_switch_s_value(
    value: str, sim: Simulator, http: aiohttp.ClientSession
) -> None:
    sim.faults.ws_market_status = value
    async with _market(http, sim) as reader:
        status = await reader.next(lambda m: (m.get("payload") or {}).get("type") == "marketStatus")
    data = status["payload"]["data"]
    assert data["market"] == value
    assert set(data["exchanges"].values()) == set(data["indicesGroups"].values()) == {value}


SPELLED = {"upper": "AAPL", "lower": "aapl", "title": "Aapl", "asked": "aApl"}
"""How each ``ws_symbol_case`` names AAPL, asked for as ``aApl``."""


@pytest.mark.parametrize("case", sorted(SPELLED))
async def test_market_updates_spell_their_symbol_as_the_switch_says(
    case: str, sim: Simulator, http: aiohttp.ClientSession
) -> None:
    """The envelope's ``symbol`` of every update, and a time and sales print's own."""
    sim.faults.ws_symbol_case = case
    async with _market(http, sim) as reader:
        item = {"symbol": "aApl", "quoteFields": "*", "timeAndSales": True}
        await reader.ws.send_str(json.dumps({"type": "subscribe", "id": "s1", "payload": [item]}))
        await reader.next(lambda m: m.get("type") == "subscribed")
        quote = await reader.next(lambda m: m["payload"].get("type") == "quote")
        for _ in range(4):
            sim.advance(0.5)
        tas = await reader.next(lambda m: m["payload"].get("type") == "timeAndSales")
    spelled = SPELLED[case]
    assert quote["payload"]["symbol"] == tas["payload"]["symbol"] == spelled
    assert tas["payload"]["data"]["symbol"] == spelled


@pytest.mark.parametrize("case", sorted(SPELLED))
async def test_chart_updates_spell_their_symbol_as_the_switch_says(
    case: str, sim: Simulator, http: aiohttp.ClientSession
) -> None:
    """The payload's ``symbol`` and a quote's ``n``."""
    sim.faults.ws_symbol_case = case
    async with http.ws_connect(sim.charts_ws_url) as ws:
        reader = await raw_auth(ws, sim)
        payload = {"type": "quotes", "symbol": "aApl"}
        await ws.send_str(json.dumps({"type": "subscribe", "id": "s1", "payload": payload}))
        await reader.next(lambda m: m.get("type") == "subscribed")
        quote = await reader.next(lambda m: m.get("type") == "event")
    assert quote["payload"]["symbol"] == quote["payload"]["data"]["n"] == SPELLED[case]


@pytest.mark.parametrize("kind", ["market", "charts"])
async def test_unsubscribes_go_unacknowledged_and_are_carried_out(
    kind: str, sim: Simulator, http: aiohttp.ClientSession
) -> None:
    """The subscribe is acknowledged, the unsubscribe is not (the pong of a ping sent after it
    comes first) and its symbol's updates stop."""
    sim.faults.ws_unsubscribes_unacknowledged = True
    url = sim.market_ws_url if kind == "market" else sim.charts_ws_url
    item: Any = [{"symbol": "AAPL"}] if kind == "market" else {"type": "quotes", "symbol": "AAPL"}
    dropped = ["AAPL"] if kind == "market" else item
    async with http.ws_connect(url) as ws:
        reader = await raw_auth(ws, sim)
        await ws.send_str(json.dumps({"type": "subscribe", "id": "s1", "payload": item}))
        await reader.next(lambda m: m.get("type") == "subscribed")
        await ws.send_str(json.dumps({"type": "unsubscribe", "id": "u1", "payload": dropped}))
        await ws.send_str(json.dumps({"type": "ping", "id": "p1"}))
        answered = await until_pong(reader)
        assert [m["type"] for m in answered if m["type"] != "event"] == ["pong"]  # no ack
        sim.advance(0.5)
        await ws.send_str(json.dumps({"type": "ping", "id": "p2"}))
        assert await until_pong(reader) == [{"type": "pong", "id": "p2"}]  # no update


def test_the_switches_are_cli_flags() -> None:
    parser = argparse.ArgumentParser()
    add_fault_arguments(parser)
    faults = build_faults(parser.parse_args([]))
    assert (faults.ws_auth_deadline, faults.ws_error_id, faults.ws_market_status) == (
        None,
        "payload",
        None,
    )
    argv = ["--ws-auth-deadline", "2.5", "--ws-error-id", "both", "--ws-market-status", "halted"]
    argv += ["--ws-market-repeat-every", "5", "--ws-market-stale-every", "7"]
    faults = build_faults(parser.parse_args(argv))
    assert (faults.ws_auth_deadline, faults.ws_error_id, faults.ws_market_status) == (
        2.5,
        "both",
        "halted",
    )
    assert (faults.ws_market_repeat_every, faults.ws_market_stale_every) == (5, 7)
    assert not faults.ws_market_partial
    assert build_faults(parser.parse_args(["--ws-market-partial"])).ws_market_partial
    assert "--ws-market-partial" in (sim_cli.__doc__ or "")
    for flag in ("--ws-auth-deadline", "--ws-error-id", "--ws-market-repeat-every"):
        assert flag in (sim_cli.__doc__ or "")
    assert "--ws-market-stale-every" in (sim_cli.__doc__ or "")
    assert "--ws-market-status" in (sim_cli.__doc__ or "")
    faults = build_faults(parser.parse_args([]))
    assert (faults.ws_symbol_case, faults.ws_unsubscribes_unacknowledged) == ("upper", False)
    argv = ["--ws-symbol-case", "lower", "--ws-unsubscribes-unacknowledged"]
    faults = build_faults(parser.parse_args(argv))
    assert (faults.ws_symbol_case, faults.ws_unsubscribes_unacknowledged) == ("lower", True)
    for flag in argv[0::2]:
        assert flag in (sim_cli.__doc__ or "")
