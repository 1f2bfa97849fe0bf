"""A range given by a lower bound of one kind and an upper bound of another (``strikePriceGte``
with ``strikePriceLt``, ``dateFrom`` with ``dateBefore``, ``priceMin`` with ``priceBelow``...)
is held in order as a pair of the same kind is, and a range that holds no value because a
strict bound excludes the only one left (``gte=100, lt=100``; two days with no day strictly
between them) is refused too: by the client before sending, naming both arguments, and by the
simulator with a 400 naming both parameters."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest

from aries_async import AriesClient
from aries_async.errors import BadRequestError, ValidationError
from aries_async.sim import Simulator

Call = Callable[[AriesClient], Awaitable[Any]]

NOW = datetime(2026, 12, 4, 15, 30, tzinfo=UTC)
DAY = date(2027, 1, 15)
CHAIN = "/v1/options/snapshot/chain/AAPL"


def _sent(sim: Simulator) -> int:
    return sum(sim.requests.values())


EMPTY: list[tuple[Call, str, str]] = [
    # mixed kinds, start after end
    (
        lambda c: c.options.chain_snapshot("AAPL", strike_price_gte=200, strike_price_lt=100),
        "strike_price_gte",
        "strike_price_lt",
    ),
    (
        lambda c: c.options.chain_snapshot(
            "AAPL", strike_price_gt=Decimal("150.5"), strike_price_lte="150"
        ),
        "strike_price_gt",
        "strike_price_lte",
    ),
    (
        lambda c: c.options.chain_snapshot(
            "AAPL", expiration_date_gte=DAY, expiration_date_lt=DAY - timedelta(days=3)
        ),
        "expiration_date_gte",
        "expiration_date_lt",
    ),
    (
        lambda c: c.stocks.trades(
            "AAPL", timestamp_from=NOW, timestamp_before=NOW - timedelta(hours=1)
        ),
        "timestamp_from",
        "timestamp_before",
    ),
    (
        lambda c: c.stocks.trades("AAPL", timestamp_after="2026-12-05", timestamp_to=NOW),
        "timestamp_after",
        "timestamp_to",
    ),
    (lambda c: c.financials.ratios(pe_ratio_min=20, pe_ratio_below=10), "pe_ratio_min", "below"),
    (
        lambda c: c.economy.inflation_expectations(
            date_after=date(2026, 6, 1), date_to=date(2026, 5, 1)
        ),
        "date_after",
        "date_to",
    ),
    # equal ends, one of them strict: nothing is left between them
    (
        lambda c: c.options.chain_snapshot("AAPL", strike_price_gte=100, strike_price_lt=100),
        "strike_price_gte",
        "strike_price_lt",
    ),
    (
        lambda c: c.options.chain_snapshot("AAPL", strike_price_gt="100", strike_price_lte=100),
        "strike_price_gt",
        "strike_price_lte",
    ),
    (
        lambda c: c.options.chain_snapshot(
            "AAPL", strike_price_gt=Decimal("100.0"), strike_price_lt=100
        ),
        "strike_price_gt",
        "strike_price_lt",
    ),
    (lambda c: c.financials.ratios(price_above=10, price_max=10), "price_above", "price_max"),
    (
        lambda c: c.options.chain_snapshot("AAPL", expiration_date_gte=DAY, expiration_date_lt=DAY),
        "expiration_date_gte",
        "expiration_date_lt",
    ),
    # a day after one and before the next: no day is strictly between them
    (
        lambda c: c.options.chain_snapshot(
            "AAPL", expiration_date_gt=DAY, expiration_date_lt=DAY + timedelta(days=1)
        ),
        "expiration_date_gt",
        "expiration_date_lt",
    ),
    (
        lambda c: c.stocks.trades("AAPL", timestamp_after=NOW, timestamp_to=NOW),
        "timestamp_after",
        "timestamp_to",
    ),
]
"""Calls whose range holds no value: (call, the start's name, a word of the end's name)."""


@pytest.mark.parametrize(("call", "start", "end"), EMPTY)
async def test_a_range_holding_no_value_is_refused_before_sending_naming_both_ends(
    aries: AriesClient, sim: Simulator, call: Call, start: str, end: str
) -> None:
    with pytest.raises(ValidationError) as raised:
        await call(aries)
    assert _sent(sim) == 0
    assert raised.value.field == start
    assert start in str(raised.value) and end in str(raised.value)


async def test_ranges_that_hold_a_value_are_sent(aries: AriesClient, sim: Simulator) -> None:
    chain = aries.options.chain_snapshot
    await chain("AAPL", strike_price_gte=100, strike_price_lte=100)  # the one strike 100
    await chain("AAPL", strike_price_gte=100, strike_price_lt="100.01")
    await chain("AAPL", expiration_date_gt=DAY, expiration_date_lte=DAY + timedelta(days=1))
    await chain("AAPL", expiration_date_gte=DAY, expiration_date_lt=DAY + timedelta(days=1))
    await aries.stocks.trades("AAPL", timestamp_from=NOW, timestamp_before=date(2026, 12, 5))
    await aries.financials.ratios(pe_ratio_min=10, pe_ratio_below=Decimal("10.5"))
    assert len(sim.journal) == 6


@pytest.mark.parametrize(
    ("path", "params", "ends"),
    [
        (CHAIN, {"strikePriceGte": "200", "strikePriceLt": "100"}, ("strikePriceGte", "Lt")),
        (CHAIN, {"strikePriceGt": "100", "strikePriceLt": "100"}, ("strikePriceGt", "Lt")),
        (CHAIN, {"strikePriceGte": "250", "strikePriceLte": "200"}, ("strikePriceGte", "Lte")),
        (
            CHAIN,
            {"expirationDateGt": "2027-01-15", "expirationDateLt": "2027-01-16"},
            ("expirationDateGt", "expirationDateLt"),
        ),
        ("/v1/financials/ratios", {"priceAbove": "10", "priceMax": "10"}, ("priceAbove", "Max")),
        (
            "/v1/stocks/trades",
            {"ticker": "AAPL", "timestampFrom": "2026-12-05", "timestampBefore": "2026-12-05"},
            ("timestampFrom", "timestampBefore"),
        ),
    ],
)
async def test_the_simulator_answers_a_range_holding_no_value_with_a_400(
    aries: AriesClient, path: str, params: dict[str, str], ends: tuple[str, str]
) -> None:
    with pytest.raises(BadRequestError) as raised:
        await aries.request("GET", path, params=params)
    assert raised.value.status == 400 and raised.value.code == "INVALID_RANGE"
    assert all(end in raised.value.message for end in ends), raised.value.message
