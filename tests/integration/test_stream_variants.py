"""The sockets' open points (websocket.md 2-5 and 10), each produced by the simulator (by a
switch where the variants exclude each other) and taken by the client: numbers, exchange
times and the updates' ``type`` strings on the market socket, the acknowledgements' form (of
unsubscribes too), binary frames, pongs without the ping's id, the P&L intervals of both lists;
and what the spec requires of the simulator beside them: the market status pushed again when it
changes, every documented form of the authentication request.

Time never passes for real: the simulator runs on a ManualClock, the streams' keep-alive and
backoff on :class:`FakeTime`; the only waits are for socket traffic, each bounded by a timeout.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import aiohttp
import orjson
import pytest
from stream_helpers import FakeTime, Tokens, take, until
from websockets.asyncio.client import ClientConnection
from websockets.asyncio.client import connect as ws_connect

from aries_async.models.events import (
    AccountInfoEvent,
    AccountSnapshot,
    ChartQuote,
    GreeksUpdate,
    Level2Update,
    PnlInterval,
    QuoteUpdate,
    SubscribeAck,
    TimeAndSalesUpdate,
    TradeUpdate,
    UnknownEvent,
    WatchlistEvent,
)
from aries_async.sim import ManualClock, Simulator
from aries_async.sim import cli as sim_cli
from aries_async.sim.cli import add_arguments, build_faults
from aries_async.sim.ws import WsHub
from aries_async.sim.ws_account import AccountSession
from aries_async.sim.ws_session import ACK_TYPES
from aries_async.sim.ws_topics import INTERVALS
from aries_async.streaming import AccountStream, ChartStream, MarketStream, StreamConfig
from aries_async.streaming.socket import FrameSocket

ACCOUNT = "TEST-ACCOUNT-001"
OPTION = "AAPL260116C00230000"
FAST = StreamConfig(backoff_initial=0.0, backoff_jitter=0.0)
URLS = {"market": "market_ws_url", "accounts": "accounts_ws_url", "charts": "charts_ws_url"}


@pytest.fixture
async def sim() -> AsyncIterator[Simulator]:
    async with Simulator(seed=4, clock=ManualClock(), tick_interval=None) as s:
        yield s


def make(kind: str, sim: Simulator, fake_time: FakeTime, **options: Any) -> Any:
    """A stream of ``kind`` (``market``, ``accounts`` or ``charts``) on ``sim``."""
    tokens = Tokens(sim)
    options = {
        "config": FAST,
        "invalidate_token": tokens.invalidate,
        "sleep": fake_time.sleep,
        "monotonic": fake_time.clock,
        **options,
    }
    url = getattr(sim, URLS[kind])
    if kind == "market":
        return MarketStream(url, tokens, **options)
    if kind == "charts":
        return ChartStream(url, tokens, **options)
    return AccountStream(url, tokens, ACCOUNT, **options)


def exact(seconds: float) -> datetime:
    """A simulator time as the wire carries it: whole milliseconds, as aware UTC."""
    return datetime.fromtimestamp(int(seconds * 1000) / 1000, UTC)


def drained(consumer: Any) -> list[Any]:
    """What ``consumer`` holds now."""
    return [consumer.get_nowait() for _ in range(consumer.pending)]


# -- raw sockets, for what the simulator sends -----------------------------------------------------


async def _send(
    ws: aiohttp.ClientWebSocketResponse, kind: str, request_id: str, **rest: Any
) -> None:
    await ws.send_str(orjson.dumps({"type": kind, "id": request_id, **rest}).decode())


async def _messages_until(
    ws: aiohttp.ClientWebSocketResponse, done: Callable[[dict[str, Any]], bool]
) -> list[dict[str, Any]]:
    """The messages the socket sends (text or binary frames), up to the first ``done`` one."""
    out: list[dict[str, Any]] = []
    while True:
        frame = await ws.receive(timeout=5)
        assert frame.type in (aiohttp.WSMsgType.TEXT, aiohttp.WSMsgType.BINARY), frame
        for line in frame.data.splitlines():
            out.append(orjson.loads(line))
            if done(out[-1]):
                return out


def _auth(token: str, method: str = "POST", action: str | None = None) -> dict[str, Any]:
    body = {"token": token} if action is None else {"action": action, "token": token}
    return {"payload": {"method": method, "path": "/auth", "body": body}}


def _action(message: dict[str, Any]) -> Any:
    return (message.get("payload") or {}).get("action")


def _is_pong(message: dict[str, Any]) -> bool:
    return message.get("type") == "pong"


# -- acknowledgements (websocket.md 3.3, 3.7, 4.2, 10.5) -------------------------------------------


SUBSCRIBE = {
    "market": [{"symbol": "AAPL", "quoteFields": ["*"]}],
    "accounts": {"topic": "account", "params": {"accountId": ACCOUNT}},
    "charts": {"type": "quotes", "symbol": "AAPL"},
}
UNSUBSCRIBE = {
    "market": ["AAPL"],
    "accounts": {"topic": "account", "params": {"accountId": ACCOUNT}},
    "charts": {"type": "quotes", "symbol": "AAPL"},
}


async def _sub_and_unsub(sim: Simulator, kind: str) -> list[dict[str, Any]]:
    """What a socket of ``kind`` sends for a subscribe (``s1``), an unsubscribe (``u1``) and a
    ping (``p1``), up to the pong."""
    token = sim.issue_token().access_token
    async with aiohttp.ClientSession() as http, http.ws_connect(getattr(sim, URLS[kind])) as ws:
        await _send(ws, "request", "a1", **_auth(token))
        await _messages_until(ws, lambda m: _action(m) == "authSuccess")
        await _send(ws, "subscribe", "s1", payload=SUBSCRIBE[kind])
        await _send(ws, "unsubscribe", "u1", payload=UNSUBSCRIBE[kind])
        await _send(ws, "ping", "p1")
        return await _messages_until(ws, _is_pong)


def _acks(messages: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """The acknowledgements among ``messages``, by the id they answer."""
    return {
        str(m["id"]): m
        for m in messages
        if m.get("type") in ("subscribed", "response") and m.get("id") in ("s1", "u1")
    }


@pytest.mark.parametrize("ack_type", ACK_TYPES)
@pytest.mark.parametrize("kind", ["market", "accounts"])
async def test_unsubscribes_are_acknowledged_in_the_form_subscribes_are(
    sim: Simulator, kind: str, ack_type: str
) -> None:
    # websocket.md 3.7 and 10.5 leave the acknowledgement of an unsubscribe open: the SDK
    # waits for a "subscribed" or a "response" with its id (no "unsubscribed" type is known).
    sim.faults.ws_ack_type = ack_type
    acks = _acks(await _sub_and_unsub(sim, kind))
    assert set(acks) == {"s1", "u1"}
    for ack in acks.values():
        assert ack["type"] == ack_type
        assert ack.get("payload") == ({"status": 200} if ack_type == "response" else None)


@pytest.mark.parametrize("kind", ["market", "accounts", "charts"])
async def test_no_socket_acknowledges_anything_while_acknowledgements_are_off(
    sim: Simulator, kind: str
) -> None:
    # SimSettings.ws_send_acks=False silences every socket's acknowledgements, whatever form
    # the faults give them (charts_ack="response" included).
    sim.faults.ws_ack_type = sim.faults.charts_ack = "response"
    sim.settings.ws_send_acks = False
    assert _acks(await _sub_and_unsub(sim, kind)) == {}
    sim.settings.ws_send_acks = True
    assert set(_acks(await _sub_and_unsub(sim, kind))) == {"s1", "u1"}


@pytest.mark.parametrize("ack_type", [*ACK_TYPES, "none"])
async def test_the_market_stream_under_every_form_of_acknowledgement(
    sim: Simulator, hub: WsHub, fake_time: FakeTime, ack_type: str
) -> None:
    if ack_type == "none":
        sim.faults.ws_market_unacknowledged = True
    else:
        sim.faults.ws_ack_type = ack_type
    acked = set() if ack_type == "none" else {"AAPL", "KO"}
    async with make("market", sim, fake_time) as stream:
        quotes = stream.quotes()
        await stream.subscribe(["AAPL", "MSFT"], channels=["quotes"])
        assert {q.symbol for q in await take(quotes, 2)} == {"AAPL", "MSFT"}  # snapshots
        await stream.unsubscribe("MSFT")  # its acknowledgement answers no subscription
        await stream.subscribe("KO", channels=["quotes"])
        assert [q.symbol for q in await take(quotes, 1)] == ["KO"]
        # A socket request's answer is a "response" too: each finds its own.
        assert await stream.expiry_dates("AAPL")
        assert stream.acknowledged == acked
        sim.advance(0.5)
        assert {q.symbol for q in await take(quotes, 2)} == {"AAPL", "KO"}
        assert stream.unknown == 0


@pytest.mark.parametrize("ack_type", ACK_TYPES)
async def test_the_account_stream_under_every_form_of_acknowledgement(
    sim: Simulator, hub: WsHub, fake_time: FakeTime, ack_type: str
) -> None:
    sim.faults.ws_ack_type = ack_type

    def watching() -> bool:
        sessions = [s for s in hub.sessions if isinstance(s, AccountSession) and not s.closed]
        return any(s.topics.watchlist for s in sessions)

    seen: list[Any] = []

    def heard(kind: type[Any]) -> bool:
        seen.extend(drained(events))
        return any(isinstance(e, kind) for e in seen)

    async with make("accounts", sim, fake_time) as stream:
        events = stream.events()
        await until(lambda: heard(AccountSnapshot))
        await stream.subscribe_watchlist()
        await until(watching)
        assert hub.topics.watchlist_changed(ACCOUNT, {"id": 1, "symbols": ["KO"]}) == 1
        await until(lambda: heard(WatchlistEvent))
        await stream.unsubscribe_watchlist()
        await until(lambda: not watching())
        hub.topics.account_info(ACCOUNT)  # after the unsubscribe's acknowledgement
        await until(lambda: heard(AccountInfoEvent))
        assert stream.connected and stream.reconnects == 0
    # Every acknowledgement was taken as one: none reached the consumers, as itself or unknown.
    assert not [e for e in seen if isinstance(e, SubscribeAck | UnknownEvent)]


# -- the market socket's numbers and exchange times (websocket.md 10.1, 10.2) ----------------------


@pytest.mark.parametrize(
    ("numbers", "times"), [("number", "ms"), ("string", "ms"), ("number", "iso"), ("string", "iso")]
)
async def test_market_numbers_and_times_read_the_same_in_every_variant(
    sim: Simulator, fake_time: FakeTime, numbers: str, times: str
) -> None:
    sim.faults.ws_market_numbers, sim.faults.ws_market_times = numbers, times
    async with make("market", sim, fake_time) as stream:
        events = stream.events()
        await stream.subscribe("AAPL", channels=["quotes", "trades", "timeAndSales"])
        await stream.subscribe(OPTION, channels=["greeks"])
        await until(lambda: stream.acknowledged == {"AAPL", OPTION})
        drained(events)  # the snapshots, in the frames of the acknowledgements
        sim.advance(0.5)  # one step of the walk: a quote, a trade, its print and the greeks
        got: dict[type[Any], Any] = {}
        async with asyncio.timeout(5):
            async for event in events:
                got[type(event)] = event
                if type(event) is GreeksUpdate:  # the step's last update
                    break
        assert stream.unknown == 0
    snap = sim.feed.quote("AAPL")
    quote, trade = got[QuoteUpdate], got[TradeUpdate]
    printed, greeks = got[TimeAndSalesUpdate], got[GreeksUpdate]
    # The variant was sent...
    assert isinstance(quote.data["bidPrice"], str if numbers == "string" else float)
    assert isinstance(greeks.data["delta"], str if numbers == "string" else float)
    for update in (quote, trade, printed):
        stamp = update.data.get("quoteTimestamp", update.data.get("tradeTimestamp"))
        if times == "iso":
            assert isinstance(stamp, str) and stamp[-6:] in ("-05:00", "-04:00"), stamp
        else:
            assert int(stamp) == int(snap.time * 1000)
    # ...and reads as every other does.
    assert (quote.bid_price, quote.ask_price) == (snap.bid_price, snap.ask_price)
    assert quote.bid_size == snap.bid_size
    assert quote.quote_timestamp == exact(snap.time)
    assert (trade.last_price, trade.size) == (snap.last_price, snap.last_size)
    assert trade.volume == snap.volume and trade.trade_sequence == snap.seq
    assert trade.trade_timestamp == exact(snap.time)
    assert (printed.price, printed.size) == (snap.last_price, snap.last_size)
    assert printed.trade_timestamp == exact(snap.time)
    assert isinstance(greeks.delta, Decimal) and greeks.implied_volatility == Decimal("0.25")


@pytest.mark.parametrize("names", ["sdk", "docs", "none"])
async def test_market_updates_are_told_apart_by_their_data_whatever_their_type_says(
    sim: Simulator, fake_time: FakeTime, names: str
) -> None:
    """websocket.md 3.5: the update ``type`` strings are UNKNOWN; the client dispatches on the
    contents of ``data`` when the type is one it does not know, or none."""
    sim.faults.ws_market_update_types = names
    kinds = {QuoteUpdate, TradeUpdate, TimeAndSalesUpdate, Level2Update, GreeksUpdate}
    async with make("market", sim, fake_time) as stream:
        events = stream.events()
        await stream.subscribe("AAPL", channels=["quotes", "trades", "timeAndSales", "level2"])
        await stream.subscribe(OPTION, channels=["greeks"])
        await until(lambda: stream.acknowledged == {"AAPL", OPTION})
        drained(events)
        sim.advance(0.5)
        got: dict[type[Any], Any] = {}
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(2):
                async for event in events:
                    got.setdefault(type(event), event)
                    if kinds <= set(got):
                        break
        assert stream.unknown == 0
    assert set(got) >= kinds, sorted(kind.__name__ for kind in got)
    snap = sim.feed.quote("AAPL")
    assert got[QuoteUpdate].bid_price == snap.bid_price
    assert got[TradeUpdate].trade_sequence == snap.seq
    assert got[TimeAndSalesUpdate].price == snap.last_price
    assert got[Level2Update].symbol == "AAPL" and got[GreeksUpdate].symbol == OPTION


async def test_the_equity_snapshot_request_reads_the_same_in_every_variant(
    sim: Simulator, fake_time: FakeTime
) -> None:
    sim.faults.ws_market_numbers, sim.faults.ws_market_times = "string", "iso"
    async with make("market", sim, fake_time) as stream:
        got = await stream.equity_snapshot("AAPL")
    snap = sim.feed.quote("AAPL")
    assert isinstance(got.raw["bidPrice"], str) and isinstance(got.raw["quoteTimestamp"], str)
    assert (got.quote.bid_price, got.trade.last_price) == (snap.bid_price, snap.last_price)
    assert got.quote.quote_timestamp == got.trade.trade_timestamp == exact(snap.time)


# -- binary frames (websocket.md 2.2) and pongs without id (2.5) -----------------------------------


async def test_binary_frames_and_pongs_without_the_pings_id(sim: Simulator) -> None:
    sim.faults.ws_binary_frames = sim.faults.ws_pong_without_id = True
    token = sim.issue_token().access_token
    async with aiohttp.ClientSession() as http, http.ws_connect(sim.market_ws_url) as ws:
        await _send(ws, "request", "a1", **_auth(token))
        frame = await ws.receive(timeout=5)
        assert frame.type == aiohttp.WSMsgType.BINARY
        assert _action(orjson.loads(frame.data.splitlines()[0])) == "authSuccess"
        await _send(ws, "ping", "p1")
        [*_, pong] = await _messages_until(ws, _is_pong)
        assert pong == {"type": "pong"}


@pytest.mark.parametrize("kind", ["market", "accounts", "charts"])
async def test_every_stream_reads_binary_frames(
    sim: Simulator, fake_time: FakeTime, kind: str
) -> None:
    sim.faults.ws_binary_frames = True
    # (A client that skipped binary frames would wait for its authSuccess for ever.)
    async with asyncio.timeout(10), make(kind, sim, fake_time) as stream:
        if isinstance(stream, AccountStream):
            await until(lambda: stream.snapshot is not None)
            assert isinstance(stream.snapshot, AccountSnapshot)
            assert stream.snapshot.account_id == ACCOUNT
            return
        quotes = stream.quotes()
        await stream.subscribe("AAPL", channels=["quotes"])
        [quote] = await take(quotes, 1)
        assert isinstance(quote, ChartQuote if kind == "charts" else QuoteUpdate)
        assert quote.symbol == "AAPL" and stream.acknowledged == {"AAPL"}


async def test_a_quiet_link_whose_pongs_carry_no_id_stays_up(
    sim: Simulator, fake_time: FakeTime
) -> None:
    """No data, only pongs, and none of them names its ping: the server is heard all the same,
    so no ping goes unanswered (the official SDK matches pongs by id and would reconnect)."""
    reads: list[bytes] = []

    class Counting(FrameSocket):
        def data_received(self, data: bytes) -> None:
            super().data_received(data)  # the frames of the read are handed on in here
            reads.append(data)

    async def connect(url: str, **kwargs: Any) -> ClientConnection:
        return await ws_connect(url, **{**kwargs, "create_connection": Counting})

    sim.faults.ws_pong_without_id = True
    config = StreamConfig(ping_interval=5.0, pong_timeout=3.0, stale_after=8.0)
    async with make("market", sim, fake_time, config=config, connect=connect) as stream:
        for _ in range(6):  # half a minute of fake time, a ping every 5 s
            heard = len(reads)
            fake_time.advance(5.0)  # a ping is due: it goes out
            await until(lambda: len(reads) > heard)  # noqa: B023 - awaited here
            assert b'"type":"pong"' in reads[-1] and b'"id"' not in reads[-1]
        assert stream.connected and stream.reconnects == 0


# -- the market status (websocket.md 3.2: "afterwards only when any field changes") ----------------


async def test_a_changed_market_status_is_pushed_again_and_only_then(
    sim: Simulator, hub: WsHub, fake_time: FakeTime
) -> None:
    sim.settings.market_open = False
    async with make("market", sim, fake_time) as stream:
        await until(lambda: stream.market_status is not None)
        assert stream.market_status is not None and not stream.market_status.is_open
        statuses = stream.market_statuses()
        sim.settings.market_open = True
        hub.check_deadlines()
        [pushed] = await take(statuses, 1)
        assert pushed.is_open and stream.market_status is pushed
        sim.advance(60.0)  # the server's time moves on; nothing else does
        hub.check_deadlines()
        await stream.subscribe("AAPL", channels=["quotes"])  # a round trip
        await until(lambda: stream.acknowledged == {"AAPL"})
        assert statuses.pending == 0


# -- the authentication request (websocket.md 2.3) -------------------------------------------------


@pytest.mark.parametrize(
    ("method", "action"), [("POST", None), ("post", "auth"), ("post", None), ("POST", "auth")]
)
async def test_every_documented_form_of_the_auth_request_is_accepted(
    sim: Simulator, method: str, action: str | None
) -> None:
    # websocket.md 2.3: "POST" or "post", with or without body.action "auth".
    token = sim.issue_token().access_token
    async with aiohttp.ClientSession() as http, http.ws_connect(sim.market_ws_url) as ws:
        await _send(ws, "request", "a1", **_auth(token, method, action))
        [answer, *_] = await _messages_until(ws, lambda m: _action(m) is not None)
    assert _action(answer) == "authSuccess"
    assert answer["payload"]["id"] == "a1"


# -- P&L intervals (websocket.md 4.2 and 10.8 CONFLICT: the current list and the older one) ---


@pytest.mark.parametrize("interval", [i.value for i in PnlInterval])
async def test_every_pnl_interval_of_either_list_gets_its_candles(
    sim: Simulator, fake_time: FakeTime, interval: str
) -> None:
    async with make("accounts", sim, fake_time) as stream:
        candles = stream.pnl_events()
        await stream.subscribe_pnl(interval=interval)
        [event] = await take(candles, 1)  # the current candle, on subscribe
    assert (event.account_id, event.interval) == (ACCOUNT, interval)
    assert event.candle is not None and event.candle.timestamp is not None
    assert event.candle.timestamp.timestamp() % INTERVALS[interval] == 0  # the interval's own start
    assert not stream.refused


# -- the switches are command-line flags -----------------------------------------------------------


SWITCHES = [
    # the flag (and its value), the field of Faults it sets, that value, the field's default
    (["--ws-ack-type", "response"], "ws_ack_type", "response", "subscribed"),
    (["--ws-market-numbers", "string"], "ws_market_numbers", "string", "number"),
    (["--ws-market-times", "iso"], "ws_market_times", "iso", "ms"),
    (["--ws-market-update-types", "docs"], "ws_market_update_types", "docs", "sdk"),
    (["--ws-binary-frames"], "ws_binary_frames", True, False),
    (["--ws-pong-without-id"], "ws_pong_without_id", True, False),
    (["--ws-reauth-drops-subscriptions"], "ws_reauth_drops_subscriptions", True, False),
    (["--ws-already-subscribed"], "ws_already_subscribed", True, False),
    (["--ws-subscribe-delay", "1.5"], "ws_subscribe_delay", 1.5, None),
]


@pytest.mark.parametrize(("flag", "field", "value", "default"), SWITCHES)
def test_each_socket_switch_is_a_documented_cli_flag(
    flag: list[str], field: str, value: object, default: object
) -> None:
    parser = argparse.ArgumentParser()
    add_arguments(parser)
    assert getattr(build_faults(parser.parse_args([])), field) == default
    assert getattr(build_faults(parser.parse_args(flag)), field) == value
    assert flag[0] in (sim_cli.__doc__ or "")
    if len(flag) == 2:  # a choice: anything else is refused
        with pytest.raises(SystemExit):
            parser.parse_args([flag[0], "xml"])
