"""The generated models' money whatever the description's types say; errors that say where.

The description types some amounts ``integer`` (a chart pattern's prices, the estimates, an
ETF's assets and holdings, the ratios' market values): a price with cents comes out as that
``Decimal`` rather than fail the whole answer (``apispec.amounts.INTEGER_AMOUNTS``). An answer
that does not fit its model is refused with the path of the field that did not fit. The
simulator answers bodies written here (``Faults.answer_body``) with the values a real server
sends.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from decimal import Decimal
from typing import Any

import orjson
import pytest
from vendor_answers import PATTERNS, POINT, answered_point, read_with_fraction

from aries_async import AriesClient
from aries_async.errors import ResponseFormatError
from aries_async.sim import Simulator


async def test_a_pattern_s_prices_with_cents_are_those_decimals(
    sim: Simulator, aries: AriesClient
) -> None:
    point = await answered_point(sim, aries)
    prices = {
        "bprice": "208.45",
        "cprice": "214.7",
        "end_price": "215.05",
        "entry": "214.75",
        "eprice": "212.5",
        "profit_1": "221.4",
        "profit_2": "228.05",
        "start_price": "213.02",
        "stoploss": "207.9",
    }
    for name, text in prices.items():
        value = getattr(point, name)
        assert isinstance(value, Decimal) and value == Decimal(text), (name, value)
    assert point.mature == 1  # a flag stays a whole number


AMOUNTS: list[tuple[str, str, Callable[[AriesClient], Awaitable[Any]], str, str]] = [
    (
        "GET /v1/stock/ebit-estimate",
        "/v1/stock/ebit-estimate?symbol=AAPL",
        lambda c: c.estimates.ebit_estimates("AAPL"),
        "ebitAvg",
        "ebit_average",
    ),
    (
        "GET /v1/stock/ebitda-estimate",
        "/v1/stock/ebitda-estimate?symbol=AAPL",
        lambda c: c.estimates.ebitda_estimates("AAPL"),
        "ebitdaLow",
        "ebitda_low",
    ),
    (
        "GET /v1/stock/revenue-estimate",
        "/v1/stock/revenue-estimate?symbol=AAPL",
        lambda c: c.estimates.revenue_estimates("AAPL"),
        "revenueHigh",
        "revenue_high",
    ),
    (
        "GET /v1/etf/profile",
        "/v1/etf/profile?symbol=SPY",
        lambda c: c.etf.profile("SPY"),
        "aum",
        "aum",
    ),
    (
        "GET /v1/etf/holdings",
        "/v1/etf/holdings?symbol=SPY",
        lambda c: c.etf.holdings(symbol="SPY"),
        "value",
        "value",
    ),
    (
        "GET /v1/financials/ratios",
        "/v1/financials/ratios?ticker=AAPL",
        lambda c: c.financials.ratios(ticker="AAPL"),
        "freeCashFlow",
        "free_cash_flow",
    ),
    (
        "GET /v1/financials/ratios",
        "/v1/financials/ratios?ticker=AAPL",
        lambda c: c.financials.ratios(ticker="AAPL"),
        "enterpriseValue",
        "enterprise_value",
    ),
]


@pytest.mark.parametrize(
    ("route", "path", "call", "wire", "name"), AMOUNTS, ids=[a[4] for a in AMOUNTS]
)
async def test_an_amount_the_description_types_integer_keeps_its_cents(
    sim: Simulator,
    aries: AriesClient,
    route: str,
    path: str,
    call: Callable[[AriesClient], Awaitable[Any]],
    wire: str,
    name: str,
) -> None:
    sent = 59264617157.25
    value = await read_with_fraction(sim, aries, (route, path), call, (wire, name), sent)
    assert isinstance(value, Decimal) and value == Decimal("59264617157.25"), value


async def test_a_structuring_error_names_the_field_path(sim: Simulator, aries: AriesClient) -> None:
    bad = {**POINT, "stoploss": "stop"}
    sim.faults.answer_body[PATTERNS] = orjson.dumps({"data": {"points": [POINT, bad]}})
    with pytest.raises(ResponseFormatError) as refused:
        await aries.technical_analysis.patterns("AAPL", "D")
    message = str(refused.value)
    assert "technical_analysis.patterns" in message
    assert "$.data.points[1].stoploss" in message, message
