"""The generated methods' checks of what a value means, not only of its type: an amount the
wire takes as text (a strike) given as a ``Decimal`` and sent as its exact text, text that is
no number or no time refused, a range whose start is after its end refused, a count below one
refused; each before anything is sent (the simulator counts no request). The simulator's own
answer to such values: ``test_sim_query_values.py``.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest

from aries_async import AriesClient
from aries_async.errors import ValidationError
from aries_async.sim import Simulator

Call = Callable[[AriesClient], Awaitable[Any]]

NOW = datetime(2026, 12, 4, 15, 30, tzinfo=UTC)


def _sent(sim: Simulator) -> int:
    """How many requests reached the simulator."""
    return sum(sim.requests.values())


async def _refused(aries: AriesClient, sim: Simulator, call: Call) -> ValidationError:
    with pytest.raises(ValidationError) as raised:
        await call(aries)
    assert _sent(sim) == 0
    return raised.value


async def test_a_strike_bound_takes_a_decimal_and_sends_its_exact_text(
    aries: AriesClient, sim: Simulator
) -> None:
    last = (await aries.market.quote("AAPL")).last_price
    assert isinstance(last, Decimal)
    sim.journal.clear()
    await aries.options.chain_snapshot("AAPL", strike_price_gte=last, strike_price_lte=400)
    await aries.options.chain_snapshot("AAPL", strike_price="232.50")
    first, second = list(sim.journal)
    assert ("strikePriceGte", str(last)) in list(first.query)
    assert ("strikePriceLte", "400") in list(first.query)
    assert ("strikePrice", "232.50") in list(second.query)


async def test_a_time_given_as_text_is_sent_as_given(aries: AriesClient, sim: Simulator) -> None:
    await aries.options.chain_snapshot("AAPL", expiration_date_gte="2026-12-11")
    await aries.stocks.aggregates("AAPL", 1, "day", "2026-11-02", date(2026, 11, 6))
    await aries.stocks.trades("AAPL", timestamp_from="1764806400000000000")
    chain, aggs, trades = list(sim.journal)
    assert ("expirationDateGte", "2026-12-11") in list(chain.query)
    assert ("from", "2026-11-02") in list(aggs.query) and ("to", "2026-11-06") in list(aggs.query)
    assert ("timestampFrom", "1764806400000000000") in list(trades.query)


MEANINGLESS: list[tuple[Call, str, str]] = [
    (
        lambda c: c.options.chain_snapshot("AAPL", strike_price_gte="abc"),
        "strike_price_gte",
        "decimal number",
    ),
    (
        lambda c: c.options.chain_snapshot("AAPL", strike_price=232.5),  # type: ignore[arg-type]
        "strike_price",
        "floats lose money",
    ),
    (
        lambda c: c.options.chain_snapshot("AAPL", strike_price_lt=Decimal("NaN")),
        "strike_price_lt",
        "decimal number",
    ),
    (
        lambda c: c.options.chain_snapshot("AAPL", expiration_date_gte="garbage"),
        "expiration_date_gte",
        "YYYY-MM-DD",
    ),
    (
        lambda c: c.options.chain_snapshot("AAPL", expiration_date_lte="2026-02-30"),
        "expiration_date_lte",
        "YYYY-MM-DD",
    ),
    (
        lambda c: c.stocks.aggregates("AAPL", 1, "day", "yesterday", "today"),
        "from_",
        "a time",
    ),
    (
        lambda c: c.stocks.aggregates("AAPL", 1, "day", date(2026, 11, 2), "today"),
        "to",
        "a time",
    ),
    (lambda c: c.stocks.trades("AAPL", timestamp_to="yesterday"), "timestamp_to", "nanoseconds"),
    (
        lambda c: c.indices.bars("SPX", "garbage", "2026-12-04T16:00:00Z"),
        "start_time",
        "a time",
    ),
    (lambda c: c.analytics.sector_wise_change(limit="ten"), "limit", "whole number"),
]
"""Text that is no number (for a strike) or no time (for a date or timestamp bound)."""


@pytest.mark.parametrize(("call", "field", "why"), MEANINGLESS)
async def test_text_that_is_no_number_or_time_is_refused_before_sending(
    aries: AriesClient, sim: Simulator, call: Call, field: str, why: str
) -> None:
    error = await _refused(aries, sim, call)
    assert error.field == field
    assert why in str(error)


BACKWARDS: list[tuple[Call, str]] = [
    (
        lambda c: c.stocks.trades("AAPL", timestamp_from=NOW, timestamp_to=NOW - timedelta(days=5)),
        "timestamp_from",
    ),
    (
        lambda c: c.stocks.trades("AAPL", timestamp_after="2026-12-05", timestamp_before=NOW),
        "timestamp_after",
    ),
    (lambda c: c.calendars.earnings(date(2026, 12, 11), date(2026, 12, 7)), "from_"),
    (
        lambda c: c.stocks.aggregates("AAPL", 1, "day", date(2026, 12, 5), date(2026, 11, 1)),
        "from_",
    ),
    (
        lambda c: c.stocks.aggregates("AAPL", 1, "day", "2026-12-05", NOW - timedelta(days=9)),
        "from_",
    ),
    (
        lambda c: c.options.chain_snapshot(
            "AAPL", strike_price_gte=Decimal("250"), strike_price_lte="200.5"
        ),
        "strike_price_gte",
    ),
    (
        lambda c: c.options.chain_snapshot(
            "AAPL", expiration_date_gt=date(2027, 1, 15), expiration_date_lt="2026-12-31"
        ),
        "expiration_date_gt",
    ),
    (lambda c: c.financials.ratios(pe_ratio_min=20, pe_ratio_max=Decimal("9.5")), "pe_ratio_min"),
    (
        lambda c: c.indices.bars("SPX", date(2026, 12, 5), "12/04/2026 9:30 am"),
        "start_time",
    ),
]
"""Ranges whose start is after their end."""


@pytest.mark.parametrize(("call", "field"), BACKWARDS)
async def test_a_backwards_range_is_refused_before_sending(
    aries: AriesClient, sim: Simulator, call: Call, field: str
) -> None:
    error = await _refused(aries, sim, call)
    assert error.field == field
    assert "is after" in str(error)


async def test_a_range_of_one_day_or_one_price_is_sent(aries: AriesClient, sim: Simulator) -> None:
    day = date(2026, 12, 4)
    await aries.calendars.earnings(day, day)
    # the day given as the end is the whole day: an instant in it is not after it
    await aries.stocks.trades("AAPL", timestamp_from=NOW, timestamp_to=day)
    await aries.options.chain_snapshot("AAPL", strike_price_gte=200, strike_price_lte="200.00")
    assert len(sim.journal) == 3


@pytest.mark.parametrize(
    ("call", "field"),
    [
        (lambda c: c.analytics.top_gainers(limit=-5), "limit"),
        (lambda c: c.analytics.top_gainers(limit=0), "limit"),
        (lambda c: c.analytics.top_gainers(size=0), "size"),
        (lambda c: c.indices.list("US", page_size=0), "page_size"),
        (lambda c: c.stocks.trades("AAPL", limit=0), "limit"),
        (lambda c: c.analytics.sector_wise_change(size="0"), "size"),
    ],
)
async def test_a_count_below_one_is_refused_before_sending(
    aries: AriesClient, sim: Simulator, call: Call, field: str
) -> None:
    error = await _refused(aries, sim, call)
    assert error.field == field
    assert "at least 1" in str(error)


async def test_a_count_of_one_is_sent(aries: AriesClient, sim: Simulator) -> None:
    rows = await aries.analytics.top_gainers(limit=1)
    await aries.analytics.sector_wise_change(limit=3)
    assert len(rows) == 1
    assert ("limit", "3") in list(sim.journal[-1].query)


async def test_an_index_window_in_its_documented_form_is_sent_and_answered(
    aries: AriesClient, sim: Simulator
) -> None:
    """The index bars' window is documented as ``MM/DD/YYYY hh:mm am/pm`` in the index's
    own time zone (finance-dev's docs of ``startTime``/``endTime``): neither the client nor
    the simulator may refuse that form; its ends are still held in order."""
    answer = await aries.indices.bars("SPX", "12/22/2025 9:30 am", "12/22/2025 4:00 pm")
    assert answer.bars, answer
    assert _sent(sim) == 1
    with pytest.raises(ValidationError, match="start"):
        await aries.indices.bars("SPX", "12/22/2025 4:00 pm", "12/22/2025 9:30 am")
    assert _sent(sim) == 1
    with pytest.raises(ValidationError):
        await aries.indices.bars("SPX", "13/22/2025 9:30 am", "12/22/2025 4:00 pm")
    assert _sent(sim) == 1
