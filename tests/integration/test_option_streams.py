"""An option contract followed by its OSI symbol on the market socket (websocket.md 3.3: an
OSI symbol with ``symbolType: "option"``; 3.4: quotes and trades carry ``instrumentType``
``o`` and options' ``openInterest``), as a user who took it from a chain subscribes it."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from stream_helpers import until

from aries_async import AriesClient
from aries_async.models.events import ChartTrade
from aries_async.sim import Simulator


async def test_an_option_subscribed_on_the_market_socket_sends_quotes_and_trades(
    aries: AriesClient,
) -> None:
    """The simulator acknowledged an option's quotes and trades and then sent neither (only
    greeks streamed for options), so ``anext(stream.quotes(osi))`` waited forever and
    ``aries-async stream OSI`` printed nothing. They now come, priced as the option details
    price the contract."""
    expiry = (await aries.market.option_expirations("AAPL"))[1]
    osi = (await aries.market.option_chain("AAPL", expiry)).calls[6].osi
    assert osi is not None
    async with aries.market_stream() as stream:
        quotes, trades = stream.quotes(osi), stream.trades(osi)
        await stream.subscribe(osi)
        quote = await asyncio.wait_for(anext(quotes), 5)
        trade = await asyncio.wait_for(anext(trades), 5)
    (details,) = (await aries.market.option_details([osi])).data or []
    assert quote.symbol == trade.symbol == osi
    assert (quote.bid_price, quote.ask_price) == (details.bid_price, details.ask_price)
    assert isinstance(trade.last_price, Decimal) and trade.last_price == details.last_price


@pytest.mark.parametrize("side", ["calls", "puts"])
async def test_an_options_chart_history_lines_up_with_its_live_trades(
    side: str, sim: Simulator, aries: AriesClient
) -> None:
    """The charts socket streams an option contract (websocket.md 5: equities and OSI
    option symbols), but its history (rest.md 9a) answered ``unknown symbol``, so a chart of
    the contract had no bars to draw. Its minute bars are now its prices over the
    underlying's bars, and they agree with what the socket sent in each minute: the quote
    on subscribe (where the first bar opens), then the trades."""
    expiry = (await aries.market.option_expirations("AAPL"))[1]
    chain = await aries.market.option_chain("AAPL", expiry)
    osi = getattr(chain, side)[6].osi
    assert osi is not None
    trades: list[ChartTrade] = []
    async with aries.chart_stream() as charts:
        consumer = charts.trades(osi, buffer=10_000)
        await charts.subscribe(osi)
        await until(lambda: charts.acknowledged == {osi} and charts.latest(osi) is not None)
        start = sim.clock.now()
        snapshot = charts.latest(osi)  # the price before the first trade: the bar opens there
        assert snapshot is not None and snapshot.last_price is not None
        sim.advance(150)
        end = sim.clock.now()
        async for trade in consumer:
            trades.append(trade)
            stamp = trade.trade_timestamp
            if stamp is not None and stamp.timestamp() >= int(end):
                break
    bars = await aries.market.bars(osi, "1", int(start) - 60, int(end))
    first_minute = datetime.fromtimestamp(int(start) - int(start) % 60, UTC)
    minutes: dict[datetime, list[Decimal]] = {first_minute: [snapshot.last_price]}
    for trade in trades:
        assert trade.trade_timestamp is not None and trade.price is not None
        minutes.setdefault(trade.trade_timestamp.replace(second=0), []).append(trade.price)
    assert [bar.timestamp for bar in bars] == sorted(minutes)
    for bar in bars:
        prices = minutes[bar.timestamp]
        assert (bar.open, bar.high, bar.low, bar.close) == (
            prices[0],
            max(prices),
            min(prices),
            prices[-1],
        ), bar.timestamp


async def test_an_option_is_quoted_by_its_osi_symbol(aries: AriesClient) -> None:
    """``market.quote`` refuses a contract's ``O:`` ticker and names its OSI symbol to pass
    (README: quotes want the OSI symbol); the simulator then answered ``unknown symbol`` for
    that OSI symbol, which the charts socket quotes. It is quoted as the socket quotes it."""
    expiry = (await aries.market.option_expirations("AAPL"))[1]
    osi = (await aries.market.option_chain("AAPL", expiry)).calls[6].osi
    assert osi is not None
    quote = await aries.market.quote(osi)
    batch = await aries.market.quotes(["AAPL", osi, "NOSUCH"])
    (details,) = (await aries.market.option_details([osi])).data or []
    assert quote.symbol == osi and list(batch) == ["AAPL", osi] and list(batch.errors) == ["NOSUCH"]
    assert (quote.bid_price, quote.ask_price, quote.last_price) == (
        details.bid_price,
        details.ask_price,
        details.last_price,
    )
