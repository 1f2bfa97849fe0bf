"""Partial market updates (websocket.md 3.4: "only changed/subscribed fields appear"), made by
the simulator's ``ws_market_partial``: after each symbol's whole snapshot, a quote or trade
update carries only the fields that changed since the previous one.

What the client keeps is whole (:meth:`MarketStream.latest`, :meth:`MarketStream.latest_trade`,
a slow consumer's conflated update, the ``stream`` command's table and NDJSON); what a consumer
that keeps up gets is each update as it came.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from cli_harness import Cli, stepping_cli_fixture  # noqa: F401 - the `cli` fixture
from stream_helpers import FakeTime, Tokens, make_stream, take, until

from aries_async._cli.stream import StreamState, render_frame
from aries_async.models.events import QuoteUpdate, TradeUpdate
from aries_async.sim import Simulator
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


async def test_a_slow_consumer_s_conflated_update_keeps_every_field_that_came(
    sim: Simulator, fake_time: FakeTime
) -> None:
    """A consumer one update behind gets the updates it missed folded into one: every field
    any of them carried, with its newest value (what a consumer that kept up saw, in one)."""
    sim.faults.ws_market_partial = True
    async with make_stream("market", sim, fake_time, CONFIG, Tokens(sim)) as stream:
        slow, fast = stream.quotes("AAPL", buffer=1), stream.quotes("AAPL")
        await stream.subscribe("AAPL", channels=["quotes"])
        every = await _updates(sim, stream, fast, STEPS)
        await until(lambda: slow.conflated == STEPS - 1)
        snapshot, folded = await take(slow, 2)
        assert snapshot is every[0]
        carried: dict[str, Any] = {}
        for update in every[1:]:
            carried.update(update.data)
        assert dict(folded.data) == carried
        assert {**snapshot.data, **folded.data} == _whole(sim, QuoteUpdate)


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
