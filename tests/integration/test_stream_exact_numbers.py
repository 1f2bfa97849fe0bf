"""A stream's JSON numbers come out of the client with every digit they were sent with, as a
REST answer's do (``test_rest_exact_numbers.py``).

A float holds 15 to 17 significant digits: ``123456789012345678.25`` read as one is
``123456789012345680``. The simulator's ``ws_long_numbers`` sends the keys it names as bare
JSON numbers of the digits it gives, on every socket; the numbers of the frames without such a
run read as they always have (a float's shortest digits).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from decimal import Decimal

import pytest
from stream_helpers import FakeTime, Tokens, take

from aries_async.models.events import AccountSnapshot, ChartQuote, QuoteUpdate
from aries_async.sim import ManualClock, Simulator
from aries_async.streaming import AccountStream, ChartStream, MarketStream, StreamConfig

CONFIG = StreamConfig(backoff_initial=0.0, backoff_jitter=0.0)
ACCOUNT = "TEST-ACCOUNT-001"

LONG = {
    "past a float's integer digits": "123456789012345678.25",
    "past a float's fraction digits": "0.1234567890123456789",
    "negative, 20 significant digits": "-98765432109876.543210",
}
"""Amounts no float holds, as the wire writes them."""


@pytest.fixture
async def sim() -> AsyncIterator[Simulator]:
    async with Simulator(seed=5, clock=ManualClock(), tick_interval=None) as s:
        yield s


def _stream(kind: type, sim: Simulator, fake_time: FakeTime) -> MarketStream | ChartStream:
    url = sim.market_ws_url if kind is MarketStream else sim.charts_ws_url
    stream: MarketStream | ChartStream = kind(
        url, Tokens(sim), config=CONFIG, sleep=fake_time.sleep, monotonic=fake_time.clock
    )
    return stream


@pytest.mark.parametrize("digits", sorted(LONG.values()))
async def test_a_market_quote_price_sent_as_a_long_number_keeps_every_digit(
    sim: Simulator, fake_time: FakeTime, digits: str
) -> None:
    sim.faults.ws_long_numbers = {"bidPrice": digits}
    async with _stream(MarketStream, sim, fake_time) as stream:
        quotes = stream.quotes("AAPL")
        await stream.subscribe("AAPL")
        (quote,) = await take(quotes, 1)
    assert isinstance(quote, QuoteUpdate)
    assert quote.bid_price == Decimal(digits)
    assert str(quote.bid_price) == digits  # the digits as sent
    ask = sim.feed.quote("AAPL").ask
    assert quote.ask_price == Decimal(repr(ask))  # a number a float holds, as before


async def test_every_quote_of_a_frame_keeps_its_digits(sim: Simulator, fake_time: FakeTime) -> None:
    """The quotes of one step of the walk come together (one frame), whose prices the
    client converts in one batch: the long numbers and the others alike."""
    digits = LONG["past a float's integer digits"]
    async with _stream(MarketStream, sim, fake_time) as stream:
        quotes = stream.quotes(("AAPL", "MSFT", "KO"))
        await stream.subscribe(("AAPL", "MSFT", "KO"))
        await take(quotes, 3)
        sim.faults.ws_long_numbers = {"askPrice": digits}
        sim.advance(0.5)  # one step of the walk: a quote of each symbol, in one frame
        got = await take(quotes, 3)
    assert {q.symbol for q in got} == {"AAPL", "MSFT", "KO"}
    for quote in got:
        assert str(quote.ask_price) == digits
        assert quote.bid_price == Decimal(repr(sim.feed.quote(quote.symbol).bid))


@pytest.mark.parametrize("digits", sorted(LONG.values()))
async def test_a_chart_quote_price_sent_as_a_long_number_keeps_every_digit(
    sim: Simulator, fake_time: FakeTime, digits: str
) -> None:
    sim.faults.ws_long_numbers = {"bid": digits, "lp": digits}
    async with _stream(ChartStream, sim, fake_time) as stream:
        quotes = stream.quotes("AAPL")
        await stream.subscribe("AAPL")
        (quote,) = await take(quotes, 1)
    assert isinstance(quote, ChartQuote)
    assert str(quote.bid_price) == digits
    assert str(quote.last_price) == digits
    assert quote.ask_price == Decimal(repr(sim.feed.quote("AAPL").ask))


@pytest.mark.parametrize("digits", sorted(LONG.values()))
async def test_an_account_balance_sent_as_a_long_number_keeps_every_digit(
    sim: Simulator, fake_time: FakeTime, digits: str
) -> None:
    sim.faults.ws_long_numbers = {"cashBalance": digits}
    stream = AccountStream(
        sim.accounts_ws_url,
        Tokens(sim),
        ACCOUNT,
        config=CONFIG,
        sleep=fake_time.sleep,
        monotonic=fake_time.clock,
    )
    async with stream:
        (snapshot,) = await take(stream.events(), 1)
    assert isinstance(snapshot, AccountSnapshot)
    assert snapshot.balance.cash_balance == Decimal(digits)
    assert str(snapshot.balance.cash_balance) == digits
