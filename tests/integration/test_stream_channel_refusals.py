"""A channel of a symbol the server refuses (``ws_refused_channels``: one the user is not
entitled to) while it serves the others: the market and charts streams report it refused, by
channel, and never acknowledged, across reconnects, until it is unsubscribed.

Time never passes for real: the simulator runs on a ManualClock and the streams' keep-alive
and backoff on :class:`FakeTime`; the only waits are for socket traffic, each bounded.
"""

from __future__ import annotations

import asyncio
from typing import Any, TypeVar

from stream_helpers import FakeTime, Tokens, until

from aries_async.models.events import (
    ChartQuote,
    QuoteUpdate,
    ServerErrorMessage,
    StreamConnected,
)
from aries_async.sim import Simulator
from aries_async.sim.ws import WsHub
from aries_async.streaming import ChartStream, MarketStream, StreamConfig
from aries_async.streaming.protocol import Channel

FAST = StreamConfig(backoff_initial=0.0, backoff_jitter=0.0)
LEVEL2 = "not entitled to level2"


S = TypeVar("S", MarketStream, ChartStream)


def _stream(kind: type[S], url: str, sim: Simulator, fake_time: FakeTime) -> S:
    tokens = Tokens(sim)
    return kind(
        url,
        tokens,
        config=FAST,
        invalidate_token=tokens.invalidate,
        sleep=fake_time.sleep,
        monotonic=fake_time.clock,
    )


def market(sim: Simulator, fake_time: FakeTime) -> MarketStream:
    return _stream(MarketStream, sim.market_ws_url, sim, fake_time)


def charts(sim: Simulator, fake_time: FakeTime) -> ChartStream:
    return _stream(ChartStream, sim.charts_ws_url, sim, fake_time)


async def _next(consumer: Any, wanted: Any) -> Any:
    """The next item ``wanted`` accepts (others skipped)."""
    async with asyncio.timeout(5):
        async for item in consumer:
            if wanted(item):
                return item
    raise AssertionError("the stream ended")


def _quote_of(symbol: str) -> Any:
    return lambda e: isinstance(e, QuoteUpdate) and e.symbol == symbol


async def test_a_refused_market_channel_is_refused_by_channel_and_never_acknowledged(
    sim: Simulator, hub: WsHub, fake_time: FakeTime
) -> None:
    sim.faults.ws_refused_channels = {"*": frozenset({"level2"})}
    async with market(sim, fake_time) as stream:
        events = stream.events()
        await stream.subscribe("AAPL", channels=["quotes"])
        await until(lambda: stream.acknowledged == {"AAPL"})
        await stream.subscribe("AAPL", channels=["level2"])
        error = await _next(events, lambda e: isinstance(e, ServerErrorMessage))
        assert (error.error, error.symbols, error.channels) == (LEVEL2, ("AAPL",), ("level2",))
        await _next(events, _quote_of("AAPL"))  # the snapshot: the request was acknowledged
        assert stream.acknowledged == frozenset()  # not everything asked of AAPL is
        assert stream.acknowledged_channels == {"AAPL": {Channel.QUOTES}}
        assert stream.refused == {"AAPL": LEVEL2}
        assert stream.refused_channels == {"AAPL": {Channel.LEVEL2: LEVEL2}}
        # A symbol asked for both at once: its quotes are acknowledged all the same.
        await stream.subscribe("MSFT", channels=["quotes", "level2"])
        await _next(events, _quote_of("MSFT"))
        assert stream.acknowledged_channels == {
            "AAPL": {Channel.QUOTES},
            "MSFT": {Channel.QUOTES},
        }
        assert stream.refused_channels == {
            "AAPL": {Channel.LEVEL2: LEVEL2},
            "MSFT": {Channel.LEVEL2: LEVEL2},
        }
        # A reconnect resends what is wanted: refused again, the rest acknowledged again.
        assert hub.drop("market") == 1
        await _next(events, lambda e: isinstance(e, StreamConnected))
        await until(lambda: set(stream.acknowledged_channels) == {"AAPL", "MSFT"})
        assert set(stream.refused) == {"AAPL", "MSFT"}
        assert stream.acknowledged == frozenset()
        await stream.unsubscribe("AAPL", channels=["level2"])
        assert stream.refused_channels == {"MSFT": {Channel.LEVEL2: LEVEL2}}
        assert stream.acknowledged == {"AAPL"}


async def test_a_refused_charts_type_is_refused_for_its_symbol_not_taken_for_the_type(
    sim: Simulator, fake_time: FakeTime
) -> None:
    # A refusal that names the symbol refuses its trades: the server does take trades
    # subscriptions (MSFT's), so trades must not be taken from the quotes instead.
    sim.faults.ws_refused_channels = {"AAPL": frozenset({"trades"})}
    reason = "not entitled to trades"
    async with charts(sim, fake_time) as stream:
        events = stream.events()
        await stream.subscribe(["AAPL", "MSFT"])  # quotes and trades
        error = await _next(events, lambda e: isinstance(e, ServerErrorMessage))
        assert (error.error, error.symbols, error.channels) == (reason, ("AAPL",), ("trades",))
        await until(lambda: "MSFT" in stream.acknowledged)
        await until(lambda: "AAPL" in stream.acknowledged_channels)
        assert not stream.trades_in_quotes
        assert stream.acknowledged == {"MSFT"}
        assert stream.acknowledged_channels == {
            "AAPL": {Channel.QUOTES},
            "MSFT": {Channel.QUOTES, Channel.TRADES},
        }
        assert stream.refused == {"AAPL": reason}
        assert stream.refused_channels == {"AAPL": {Channel.TRADES: reason}}
        sim.advance(0.5)
        quote = await _next(events, lambda e: isinstance(e, ChartQuote) and e.symbol == "AAPL")
        assert quote.last_price is not None
        await stream.unsubscribe("AAPL", channels=["trades"])
        assert stream.refused == {} and stream.acknowledged == {"AAPL", "MSFT"}


async def test_the_channels_whose_answer_is_not_in_are_awaiting(
    sim: Simulator, hub: WsHub, fake_time: FakeTime
) -> None:
    """``awaiting`` tells a refusal of an earlier connection (the reconnect asked again) from
    one the server just made."""
    reason = "not entitled to trades"
    sim.faults.ws_refused_channels = {"AAPL": frozenset({"trades"})}
    sim.faults.ws_market_unacknowledged = True  # the quotes' answer never comes
    async with market(sim, fake_time) as stream:
        events = stream.events()
        assert stream.awaiting == {}
        await stream.subscribe("AAPL")  # quotes and trades
        await _next(events, _quote_of("AAPL"))  # the snapshot, after the refusal
        assert stream.refused_channels == {"AAPL": {Channel.TRADES: reason}}
        assert stream.awaiting == {"AAPL": {Channel.QUOTES}}
        # The next connection refuses nothing, and answers nothing either: the replay awaits
        # its answer about both channels, the trades' refusal being the first connection's.
        sim.faults.ws_refused_channels = {}
        assert hub.drop("market") == 1
        await _next(events, lambda e: isinstance(e, StreamConnected))
        assert stream.awaiting == {"AAPL": {Channel.QUOTES, Channel.TRADES}}
        assert stream.refused_channels == {"AAPL": {Channel.TRADES: reason}}
        # Answered on the next: nothing awaits, nothing is refused.
        sim.faults.ws_market_unacknowledged = False
        assert hub.drop("market") == 1
        await until(lambda: stream.acknowledged == {"AAPL"})
        assert stream.awaiting == {} and stream.refused_channels == {}


async def test_a_charts_symbol_awaits_each_of_its_requests(
    sim: Simulator, fake_time: FakeTime
) -> None:
    sim.faults.charts_ack = "none"  # the charts socket asks one request a channel
    async with charts(sim, fake_time) as stream:
        events = stream.events()
        await stream.subscribe("AAPL")  # quotes and trades
        await _next(events, lambda e: isinstance(e, ChartQuote))  # both requests were sent
        assert stream.awaiting == {"AAPL": {Channel.QUOTES, Channel.TRADES}}
