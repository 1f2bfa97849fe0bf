"""Partial market and chart updates (websocket.md 3.4: "only changed/subscribed fields
appear"), made by the simulator's ``ws_market_partial``: after each symbol's whole snapshot, a
quote or trade update carries only the fields that changed since the previous one (a chart
quote's ``v`` only those; a chart trade keeps its ``t``).

What the client keeps is whole (``latest``, ``latest_trade``, a slow consumer's conflated
update, the ``stream`` command's table and NDJSON); what a consumer that keeps up gets is each
update as it came.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from cli_harness import Cli, stepping_cli_fixture  # noqa: F401 - the `cli` fixture
from stream_helpers import FakeTime, Tokens, answered, chart_whole, drained, make_stream, take

from aries_async._cli.stream import StreamState, render_frame
from aries_async.models.events import ChartQuote, ChartTrade, QuoteUpdate, TradeUpdate
from aries_async.sim import Simulator
from aries_async.sim.ws import WsHub
from aries_async.streaming import StreamConfig

CONFIG = StreamConfig(backoff_initial=0.5, backoff_jitter=0.0)
STEPS = 6


def _whole(sim: Simulator, kind: type[Any]) -> dict[str, Any]:
    """The wire ``data`` of the feed's current quote or trade of AAPL, every field."""
    snap = sim.feed.quote("AAPL")
    return snap.quote_data() if kind is QuoteUpdate else snap.trade_data()


async def _updates(sim: Simulator, stream: Any, consumer: Any, steps: int) -> list[Any]:
    """The snapshot and the updates of ``steps`` feed steps that ``consumer`` gets."""
    got = await take(consumer, 1)
    for _ in range(steps):
        sim.advance(0.5)  # one step of the walk
        got += await take(consumer, 1)
    return got


async def test_latest_is_whole_and_a_consumer_gets_each_update_as_it_came(
    sim: Simulator, fake_time: FakeTime
) -> None:
    sim.faults.ws_market_partial = True
    async with make_stream("market", sim, fake_time, CONFIG, Tokens(sim)) as stream:
        quotes, trades = stream.quotes("AAPL"), stream.trades("AAPL")
        await stream.subscribe("AAPL")
        got = {
            QuoteUpdate: await _updates(sim, stream, quotes, STEPS),
            TradeUpdate: await _updates(sim, stream, trades, 0),
        }
        got[TradeUpdate] += await take(trades, STEPS)
        for kind, latest in ((QuoteUpdate, stream.latest), (TradeUpdate, stream.latest_trade)):
            whole = _whole(sim, kind)
            snapshot, *updates = got[kind]
            assert snapshot.data.keys() == whole.keys() and len(updates) == STEPS
            assert any(update.data.keys() < whole.keys() for update in updates), kind
            assert dict(latest("AAPL").data) == whole  # every field, the newest values
            assert latest("AAPL").timestamp_ms == updates[-1].timestamp_ms
        # A consumer's update carries what came: a field it did not carry reads None.
        quote = next(u for u in got[QuoteUpdate][1:] if "bidExchange" not in u.data)
        assert quote.bid_exchange is None
        assert stream.latest("AAPL").bid_exchange == "NSDQ"
        full = stream.latest("AAPL")
        assert full.bid_price == Decimal(str(sim.feed.quote("AAPL").bid))
        assert None not in (full.bid_size, full.ask_size, full.mid_price, full.quote_timestamp)
        trade = stream.latest_trade("AAPL")
        assert None not in (trade.open_price, trade.previous_close_price, trade.trade_exchange)


def _whole_fields(sim: Simulator, kind: type[Any]) -> dict[str, Any]:
    """Every field of a whole update of ``kind`` for AAPL now, as the wire writes it."""
    if kind in (QuoteUpdate, TradeUpdate):
        return _whole(sim, kind)
    quote, trade = chart_whole(sim, "AAPL")
    if kind is ChartQuote:
        return {"s": "ok", "n": "AAPL", "v": quote}
    return {"s": "ok", "t": int(sim.feed.quote("AAPL").time), **trade}


def _carried(updates: list[Any]) -> dict[str, Any]:
    """Every field ``updates`` carried, with its newest value (a chart quote's ``v`` fields
    one by one)."""
    out: dict[str, Any] = {}
    for update in updates:
        values = {**out.get("v", {}), **update.values} if type(update) is ChartQuote else None
        out.update(update.data)
        if values is not None:
            out["v"] = values
    return out


def _names(fields: dict[str, Any]) -> set[str]:
    """The names of ``fields``, a chart quote's ``v`` object's each as ``v.NAME``."""
    inner = fields.get("v")
    if type(inner) is not dict:
        return set(fields)
    return set(fields) - {"v"} | {f"v.{name}" for name in inner}


async def _steps(sim: Simulator, hub: WsHub, kind: str, stream: Any, subscribes: int) -> None:
    """``STEPS`` feed steps after the server read the ``subscribes`` subscribe messages, and
    until the stream read every update they made."""
    await answered(hub, kind, stream, subscribes)
    for _ in range(STEPS):
        sim.advance(0.5)  # one step of the walk
    await answered(hub, kind, stream, subscribes)


@pytest.mark.parametrize("envelope", ["plain", "typed"])
async def test_the_chart_stream_s_latest_is_whole(
    envelope: str, sim: Simulator, hub: WsHub, fake_time: FakeTime
) -> None:
    """``latest`` and ``latest_trade`` after partial chart updates hold every field with the
    feed's current value: what a whole quote and trade would have said (the events typed or
    not: a partial trade is told from a quote by its ``t``)."""
    sim.faults.ws_market_partial = True
    sim.faults.charts_envelope = envelope
    async with make_stream("charts", sim, fake_time, CONFIG, Tokens(sim)) as stream:
        quotes, trades = stream.quotes("AAPL"), stream.trades("AAPL")
        await stream.subscribe("AAPL")  # quotes and trades: a subscribe message each
        await _steps(sim, hub, "charts", stream, 2)
        got = {ChartQuote: drained(quotes), ChartTrade: drained(trades)}
        for kind, latest in ((ChartQuote, stream.latest), (ChartTrade, stream.latest_trade)):
            whole = _whole_fields(sim, kind)
            first, *updates = got[kind]
            assert _names(first.data) == _names(whole) and len(updates) >= 3, kind
            assert any(_names(update.data) < _names(whole) for update in updates), kind
            assert _carried([latest("AAPL")]) == whole, kind
        full = stream.latest("AAPL")
        snap = sim.feed.quote("AAPL")
        assert (full.bid_price, full.ask_price) == (snap.bid_price, snap.ask_price)
        fields = ("high_price", "low_price", "open_price", "previous_close_price", "exchange")
        assert None not in [getattr(full, name) for name in fields]
        trade = stream.latest_trade("AAPL")
        assert (trade.price, trade.size) == (snap.last_price, Decimal(snap.last_size))


@pytest.mark.parametrize(
    ("kind", "channel"),
    [("market", "quotes"), ("market", "trades"), ("charts", "quotes"), ("charts", "trades")],
)
async def test_a_slow_consumer_s_conflated_update_keeps_every_field_that_came(
    kind: str, channel: str, sim: Simulator, hub: WsHub, fake_time: FakeTime
) -> None:
    """A consumer one update behind gets the updates it missed folded into one: every field
    any of them carried, with its newest value (what a consumer that kept up saw, in one),
    not only the fields of the last one."""
    sim.faults.ws_market_partial = True
    async with make_stream(kind, sim, fake_time, CONFIG, Tokens(sim)) as stream:
        consumer = stream.quotes if channel == "quotes" else stream.trades
        slow, fast = consumer("AAPL", buffer=1), consumer("AAPL")
        await stream.subscribe("AAPL", channels=[channel])
        await _steps(sim, hub, kind, stream, 1)
        every = drained(fast)
        kept, folded = drained(slow)  # the first in its buffer, then the rest in one
        assert kept is every[0] and slow.conflated == len(every) - 2 >= 2
        skipped = every[1:]
        assert _names(_carried(skipped)) > _names(skipped[-1].data)  # the last has fewer
        assert _carried([folded]) == _carried(skipped)
        assert _carried([kept, folded]) == _whole_fields(sim, type(kept))


async def test_the_stream_command_s_table_shows_the_whole_quote(
    sim: Simulator, fake_time: FakeTime
) -> None:
    """The table is drawn from the updates as they came: a field an update left out keeps its
    value, it does not turn blank."""
    sim.faults.ws_market_partial = True
    fields = ("bid_price", "ask_price", "bid_size", "ask_size", "last_price", "size", "volume")
    async with make_stream("market", sim, fake_time, CONFIG, Tokens(sim)) as stream:
        events = stream.events("AAPL")
        await stream.subscribe("AAPL")
        state = StreamState(["AAPL"])
        for update in await _updates(sim, stream, events, 0) + await take(events, 1):
            state.apply(update)  # the snapshots: a quote and a trade
        for _ in range(STEPS):
            sim.advance(0.5)
            for update in await take(events, 2):
                state.apply(update)
                assert None not in [state.rows["AAPL"].get(f) for f in fields]
        row = render_frame(state, fields).splitlines()[1]
        assert " - " not in f"{row} " and row.split()[0] == "AAPL"
        snap = sim.feed.quote("AAPL")
        assert state.rows["AAPL"]["bid_size"] == Decimal(snap.bid_size)
        assert state.rows["AAPL"]["volume"] == Decimal(snap.volume)


def test_the_stream_command_prints_the_whole_quote_as_ndjson(cli: Cli) -> None:
    cli.sign_in()
    cli.on_sim(lambda: setattr(cli.sim.faults, "ws_market_partial", True))
    fields = "bid_price,ask_price,bid_size,ask_size,last_price,size,volume,change,timestamp"
    done = cli("stream", "AAPL", "--json", "--fields", fields, "--count", "16")
    assert done.code == 0, done.err
    lines = done.ndjson()
    assert len(lines) == 16
    assert {line["event"] for line in lines[:2]} == {"quote", "trade"}  # the snapshots
    for line in lines[1:]:  # once a quote and a trade came, no field is unknown again
        assert None not in line.values(), line
