"""ChartStream against the simulator's charts socket: quotes, trades, options, every variant of
the spec's open points, reconnects in the middle (subscriptions restored, the gap signalled),
re-authentication, expiry, stalls and malformed lines.

One simulator for the module (its faults are cleared after each test); time moves only on
``sim.advance`` and the streams' keep-alive and backoff run on :class:`FakeTime`.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import orjson
import pytest
import pytest_asyncio
from stream_helpers import FakeTime, Tokens, own_tasks, subscription_growth, take, until

from aries_async import AriesClient
from aries_async.errors import ValidationError
from aries_async.models.events import (
    ChartQuote,
    ChartTrade,
    ServerErrorMessage,
    StreamConnected,
    StreamDisconnected,
    StreamReauthenticated,
    UnknownEvent,
)
from aries_async.sim import ManualClock, Simulator
from aries_async.sim.ws import WsHub, hub_of
from aries_async.sim.ws_charts import ChartSession
from aries_async.streaming import ChartStream, StreamConfig
from aries_async.streaming.protocol import charts, subscriptions

pytestmark = pytest.mark.asyncio(loop_scope="module")

FAST = StreamConfig(backoff_initial=0.0, backoff_jitter=0.0)


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def sim() -> AsyncIterator[Simulator]:
    async with Simulator(seed=4, clock=ManualClock(), tick_interval=None) as s:
        yield s


@pytest.fixture(autouse=True)
def clean_faults(sim: Simulator) -> Iterator[None]:
    yield
    sim.faults.clear()


@pytest.fixture
def hub(sim: Simulator) -> WsHub:
    return hub_of(sim.app)


def make_stream(
    sim: Simulator, fake_time: FakeTime, config: StreamConfig = FAST, tokens: Tokens | None = None
) -> ChartStream:
    tokens = tokens or Tokens(sim)
    return ChartStream(
        sim.charts_ws_url,
        tokens,
        config=config,
        invalidate_token=tokens.invalidate,
        sleep=fake_time.sleep,
        monotonic=fake_time.clock,
    )


def session(hub: WsHub) -> ChartSession:
    (found,) = [s for s in hub.sessions if isinstance(s, ChartSession) and not s.closed]
    return found


async def next_of(consumer: Any, kind: type[Any], timeout: float = 5.0) -> Any:
    """The next item of ``kind`` (others skipped)."""
    async with asyncio.timeout(timeout):
        async for item in consumer:
            if isinstance(item, kind):
                return item
    raise AssertionError(f"the stream ended before a {kind.__name__}")


async def test_quotes_and_trades_are_typed_and_latest_is_kept(
    sim: Simulator, hub: WsHub, fake_time: FakeTime
) -> None:
    async with make_stream(sim, fake_time) as stream:
        quotes, trades = stream.quotes(), stream.trades("msft")
        await stream.subscribe(["aapl", "MSFT"])
        first = await take(quotes, 2)  # the quote on subscribe
        assert {q.symbol for q in first} == {"AAPL", "MSFT"}
        for quote in first:
            assert quote.ok and quote.name == quote.symbol
            assert isinstance(quote.last_price, Decimal)
            assert quote.bid_price is not None and quote.ask_price is not None
            assert quote.bid_price < quote.ask_price
            assert isinstance(quote.change_percent, Decimal)
            assert isinstance(quote.volume, Decimal)  # as Quote.volume, the same wire field
        snap = sim.feed.quote("MSFT")
        assert stream.latest("msft") is not None
        assert stream.latest("msft").last_price == Decimal(str(snap.last))  # type: ignore[union-attr]
        sim.advance(0.5)  # one step of each symbol: a quote and a trade each
        trade = await next_of(trades, ChartTrade)
        snap = sim.feed.quote("MSFT")
        assert trade.symbol == "MSFT"
        assert trade.price == Decimal(str(snap.last))
        assert trade.size == snap.last_size
        assert trade.trade_timestamp == datetime.fromtimestamp(int(snap.time), UTC)
        await until(lambda: stream.latest_trade("AAPL") is not None)
        await until(lambda: stream.acknowledged == {"AAPL", "MSFT"})
        assert set(stream.subscriptions) == {"AAPL", "MSFT"}
        assert {s: set(session(hub).subs[s].types) for s in ("AAPL", "MSFT")} == {
            "AAPL": {"quotes", "trades"},
            "MSFT": {"quotes", "trades"},
        }


async def test_option_symbols_are_subscribed_as_options(
    sim: Simulator, hub: WsHub, fake_time: FakeTime
) -> None:
    option = "AAPL260116C00230000"
    async with make_stream(sim, fake_time) as stream:
        quotes, trades = stream.quotes(option), stream.trades(option)
        await stream.subscribe(option)
        assert stream.subscriptions[option].option
        quote = await next_of(quotes, ChartQuote)
        assert quote.last_price is not None and quote.last_price > 0
        assert quote.bid_price is not None and quote.bid_price <= quote.last_price
        assert session(hub).subs[option].option
        sim.advance(0.5)
        trade = await next_of(trades, ChartTrade)
        assert trade.price == (await next_of(quotes, ChartQuote)).last_price


async def test_a_malformed_symbol_is_refused_before_anything_is_sent(
    sim: Simulator, hub: WsHub, fake_time: FakeTime
) -> None:
    """The one symbol rule of orders, REST market calls and the CLI, before the server's
    refusal could come; an option (OSI) symbol passes."""
    option = "AAPL260116C00230000"
    async with make_stream(sim, fake_time) as stream:
        events = stream.events()
        for bad in ("AA PL", "AAPL,MSFT", "A" * 22, "AA\nPL"):
            with pytest.raises(ValidationError) as info:
                await stream.subscribe(["KO", bad], channels=["quotes"])
            assert info.value.field == "symbol"
        assert dict(stream.subscriptions) == {}
        await stream.subscribe(option.lower(), channels=["quotes"])
        (first,) = await take(events, 1)  # what was sent before would have come first
        assert isinstance(first, ChartQuote) and first.symbol == option
        assert set(session(hub).subs) == {option} and session(hub).subs[option].option
        assert stream.refused == {}


async def test_unsubscribe_a_channel_then_the_symbol(
    sim: Simulator, hub: WsHub, fake_time: FakeTime
) -> None:
    async with make_stream(sim, fake_time) as stream:
        events = stream.events()
        await stream.subscribe("KO")
        await next_of(events, ChartQuote)
        sim.advance(0.5)
        await until(lambda: stream.latest_trade("KO") is not None)
        await stream.unsubscribe("KO", channels=["trades"])
        await until(lambda: session(hub).subs["KO"].types == {"quotes"})
        assert stream.latest_trade("KO") is None
        sim.advance(0.5)
        quote = await next_of(events, ChartQuote)
        assert quote.symbol == "KO"
        await stream.unsubscribe(["KO"])
        await until(lambda: "KO" not in session(hub).subs)
        assert stream.latest("KO") is None and dict(stream.subscriptions) == {}
        with pytest.raises(ValidationError, match="no 'level2' channel"):
            await stream.subscribe("KO", channels=["level2"])
        with pytest.raises(ValidationError):
            await stream.subscribe(["KO", " "])
        assert dict(stream.subscriptions) == {}


async def test_a_refused_symbol_arrives_as_a_server_error(
    sim: Simulator, fake_time: FakeTime
) -> None:
    async with make_stream(sim, fake_time) as stream:
        events = stream.events()
        await stream.subscribe("NOPE", channels=["quotes"])
        error = await next_of(events, ServerErrorMessage)
        assert error.error == "invalid symbol"
        assert "NOPE" not in stream.acknowledged
        assert stream.refused == {"NOPE": "invalid symbol"}


async def test_an_option_symbol_the_server_cannot_price_is_refused_and_the_rest_streams(
    sim: Simulator, hub: WsHub, fake_time: FakeTime
) -> None:
    """An OSI-shaped symbol of an optionable underlying whose expiry is no date is refused
    like any unknown symbol: the socket stays up (no reconnect loop) and AAPL streams on."""
    no_such_day = "AAPL261399C00190000"
    opened = hub.connections["charts"]
    async with make_stream(sim, fake_time) as stream:
        quotes = stream.quotes("AAPL")
        await stream.subscribe(["AAPL", no_such_day], channels=["quotes"])
        await until(lambda: no_such_day in stream.refused)
        assert stream.refused == {no_such_day: "invalid symbol"}
        await next_of(quotes, ChartQuote)  # the quote on subscribe
        sim.advance(0.5)
        assert (await next_of(quotes, ChartQuote)).symbol == "AAPL"
        assert stream.reconnects == 0 and hub.connections["charts"] == opened + 1
        assert set(session(hub).subs) == {"AAPL"}


async def test_a_refused_trades_symbol_is_refused_and_trades_stay_separate(
    sim: Simulator, hub: WsHub, fake_time: FakeTime
) -> None:
    # The server refuses the symbol, not the trades subscription type: nothing is learned
    # about where trades come from.
    async with make_stream(sim, fake_time) as stream:
        events = stream.events()
        await stream.subscribe("NOPE", channels=["trades"])
        error = await next_of(events, ServerErrorMessage)
        assert error.error == "invalid symbol"
        assert stream.refused == {"NOPE": "invalid symbol"}
        assert not stream.trades_in_quotes
        await stream.subscribe("MSFT", channels=["trades"])
        await until(lambda: "MSFT" in stream.acknowledged)
        assert session(hub).subs["MSFT"].types == {"trades"}
        assert not stream.trades_in_quotes and stream.refused == {"NOPE": "invalid symbol"}


async def test_a_drop_mid_stream_signals_the_gap_and_restores_every_subscription(
    sim: Simulator, hub: WsHub, fake_time: FakeTime
) -> None:
    async with make_stream(sim, fake_time) as stream:
        events = stream.events()
        await stream.subscribe(["AAPL", "MSFT"], channels=["quotes"])
        await stream.subscribe("KO", channels=["trades"])
        await until(lambda: stream.acknowledged == {"AAPL", "MSFT", "KO"})
        sim.advance(0.5)
        await next_of(events, ChartTrade)
        assert hub.drop("charts") == 1
        down = await next_of(events, StreamDisconnected)
        assert down.will_reconnect
        up = await next_of(events, StreamConnected)
        assert up.reconnect and stream.reconnects == 1
        after = await take(events, 2)  # the quotes on (re)subscribe: nothing without a marker
        assert {q.symbol for q in after} == {"AAPL", "MSFT"}
        await until(lambda: stream.acknowledged == {"AAPL", "MSFT", "KO"})
        subs = session(hub).subs
        assert {s: subs[s].types for s in subs} == {
            "AAPL": {"quotes"},
            "MSFT": {"quotes"},
            "KO": {"trades"},
        }
        sim.advance(0.5)
        assert (await next_of(events, ChartTrade)).symbol == "KO"
    assert own_tasks() == []


async def test_refresh_auth_reauthenticates_and_auth_expired_reconnects(
    sim: Simulator, hub: WsHub, fake_time: FakeTime
) -> None:
    tokens = Tokens(sim)
    tokens.fresh_each_call = True
    async with make_stream(sim, fake_time, tokens=tokens) as stream:
        status = stream.status()
        await stream.subscribe("AAPL", channels=["quotes"])
        await until(lambda: "AAPL" in stream.acknowledged)
        assert hub.refresh_auth("charts") == 1
        (said,) = await take(status, 1)
        assert isinstance(said, StreamReauthenticated) and stream.reauths == 1
        assert stream.reconnects == 0
        assert hub.expire("charts") == 1
        assert isinstance((await take(status, 1))[0], StreamDisconnected)
        assert (await take(status, 1))[0].reconnect
        await until(lambda: "AAPL" in stream.acknowledged)
        assert tokens.calls == 3  # first connection, re-auth, reconnect
    assert own_tasks() == []


async def test_malformed_lines_and_unknown_messages_do_not_end_the_stream(
    sim: Simulator, hub: WsHub, fake_time: FakeTime
) -> None:
    async with make_stream(sim, fake_time) as stream:
        events = stream.events()
        await stream.subscribe("AAPL", channels=["quotes"])
        await next_of(events, ChartQuote)
        sim.faults.ws_malformed_every = 1
        sim.advance(0.5)
        await until(lambda: stream.malformed >= 1)
        assert (await next_of(events, ChartQuote)).symbol == "AAPL"
        hub.inject('{"type":"event","payload":{"symbol":"AAPL","data":{"s":"ok"}}}', "charts")
        unknown = await next_of(events, UnknownEvent)
        assert unknown.type == "event" and stream.unknown == 1
        assert stream.reconnects == 0


async def test_a_stall_is_detected_and_the_stream_reconnects(
    sim: Simulator, fake_time: FakeTime
) -> None:
    config = StreamConfig(
        ping_interval=5.0, pong_timeout=3.0, backoff_initial=1.0, backoff_jitter=0
    )
    async with make_stream(sim, fake_time, config) as stream:
        status = stream.status()
        await stream.subscribe("AAPL", channels=["quotes"])
        await until(lambda: "AAPL" in stream.acknowledged)
        sim.faults.ws_stall = True
        fake_time.advance(5.0)  # a ping at 5 s, nothing 3 s later: dead
        await until(lambda: fake_time.waiting() == [3.0])  # the ping went out
        assert not status.pending
        fake_time.advance(3.0)
        down = (await take(status, 1))[0]
        assert isinstance(down, StreamDisconnected) and "ping" in down.reason
        sim.faults.ws_stall = False
        fake_time.advance(1.0)  # the backoff
        assert (await take(status, 1))[0].reconnect
        await until(lambda: "AAPL" in stream.acknowledged)
    assert own_tasks() == []


@pytest.mark.parametrize(
    ("envelope", "trade_time", "numbers", "ack"),
    [
        ("typed", "ms", "string", "response"),
        ("plain", "iso", "number", "none"),
        ("typed", "s", "number", "subscribed"),
    ],
)
async def test_every_variant_of_the_open_points_gives_the_same_events(
    sim: Simulator, fake_time: FakeTime, envelope: str, trade_time: str, numbers: str, ack: str
) -> None:
    faults = sim.faults
    faults.charts_envelope, faults.charts_trade_time = envelope, trade_time
    faults.charts_numbers, faults.charts_ack = numbers, ack
    async with make_stream(sim, fake_time) as stream:
        events = stream.events()
        await stream.subscribe("MSFT")
        quote = await next_of(events, ChartQuote)
        snap = sim.feed.quote("MSFT")
        assert quote.last_price == Decimal(str(snap.last))
        assert quote.volume == snap.volume
        sim.advance(0.5)
        trade = await next_of(events, ChartTrade)
        snap = sim.feed.quote("MSFT")
        assert trade.price == Decimal(str(snap.last)) and trade.size == snap.last_size
        exact = datetime.fromtimestamp(snap.time, UTC)
        assert trade.trade_timestamp is not None
        assert abs((trade.trade_timestamp - exact).total_seconds()) < 1
        if envelope == "typed":
            assert trade.timestamp == exact  # the envelope's timestamp
        if ack == "none":
            assert stream.acknowledged == frozenset()
        else:
            await until(lambda: stream.acknowledged == {"MSFT"})
        assert stream.unknown == 0


async def test_a_server_that_never_acknowledges_leaves_the_bookkeeping_bounded(
    sim: Simulator, fake_time: FakeTime
) -> None:
    # A bot subscribing and unsubscribing a symbol all day on a long-lived socket whose server
    # never acknowledges: the subscription books' memory does not grow with the requests.
    sim.faults.charts_ack = "none"
    async with make_stream(sim, fake_time) as stream:
        await until(lambda: stream.connected)
        await stream.subscribe("AAPL", channels=["quotes"])
        assert await subscription_growth(stream, (subscriptions, charts)) < 4_096
        sim.faults.charts_ack = "subscribed"
        await stream.subscribe(["MSFT", "AAPL"])
        await until(lambda: stream.acknowledged == {"MSFT", "AAPL"})


async def test_a_server_that_sends_trades_with_the_quotes(
    sim: Simulator, hub: WsHub, fake_time: FakeTime
) -> None:
    sim.faults.charts_trades = "with_quotes"
    async with make_stream(sim, fake_time) as stream:
        events = stream.events()
        await stream.subscribe("AAPL")  # quotes and trades
        await stream.subscribe("MSFT", channels=["trades"])
        await stream.subscribe("KO", channels=["quotes"])
        await until(lambda: stream.trades_in_quotes)
        await until(lambda: set(session(hub).subs) == {"AAPL", "MSFT", "KO"})
        assert all(sub.types == {"quotes"} for sub in session(hub).subs.values())
        sim.advance(0.5)
        seen: set[tuple[str, str]] = set()
        async with asyncio.timeout(5):
            async for event in events:
                # the refusal was handled: only updates come
                assert isinstance(event, ChartQuote | ChartTrade), event
                seen.add((type(event).__name__, event.symbol))
                if ("ChartTrade", "MSFT") in seen and ("ChartTrade", "AAPL") in seen:
                    break
        assert ("ChartQuote", "MSFT") not in seen  # asked for trades only
        assert ("ChartTrade", "KO") not in seen  # asked for quotes only
        hub.drop("charts")  # the replay subscribes quotes only
        await next_of(events, StreamConnected)
        await until(lambda: set(session(hub).subs) == {"AAPL", "MSFT", "KO"})
        assert all(sub.types == {"quotes"} for sub in session(hub).subs.values())
        await stream.unsubscribe("MSFT")
        await until(lambda: "MSFT" not in session(hub).subs)


async def test_client_chart_stream(sim: Simulator) -> None:
    async with (
        AriesClient(sim.client_config(), token=sim.issue_token()) as client,
        client.chart_stream() as stream,
    ):
        quotes = stream.quotes()
        await stream.subscribe("AAPL", channels=["quotes"])
        quote = await next_of(quotes, ChartQuote)
        assert quote.symbol == "AAPL" and stream.connected


async def test_a_fractional_trade_size_arrives_whole(
    sim: Simulator, hub: WsHub, fake_time: FakeTime
) -> None:
    """A trade's ``v`` is a quantity: a fraction (fractional shares) is kept, as a ``Decimal``."""
    sent: list[Any] = [0.5, "2.25"]  # a JSON number and a string
    async with make_stream(sim, fake_time) as stream:
        trades = stream.trades("AAPL")
        await stream.subscribe("AAPL")
        await until(lambda: stream.acknowledged == {"AAPL"})
        for size in sent:
            data = {"s": "ok", "t": 1750839134, "lp": 190.5, "v": size}
            event = {"type": "event", "payload": {"symbol": "AAPL", "data": data}}
            hub.inject(orjson.dumps(event).decode(), "charts")
        sizes: list[Decimal | None] = []
        while len(sizes) < len(sent):
            trade = await next_of(trades, ChartTrade)
            if trade.data.get("t") == 1750839134:
                sizes.append(trade.size)
    assert sizes == [Decimal("0.5"), Decimal("2.25")]
