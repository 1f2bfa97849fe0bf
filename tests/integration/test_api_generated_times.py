"""The generated models' times and whole numbers, whatever the description's types say.

A chart pattern's point times (epoch seconds) and the epoch columns of the indicator and tick
answers (``t``, milliseconds) are aware UTC ``datetime``, written back in the wire's unit
(``apispec.naming.EPOCH_TIMES_OF``); a fiscal year and quarter, which the description types
``number``, are ``int`` (``apispec.amounts.WHOLE_NUMBERS``). The simulator answers bodies
written here (``Faults.answer_body``) with the values a real server sends.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime

import orjson
import pytest

from aries_async import AriesClient
from aries_async.models import unstructure
from aries_async.sim import Simulator

PATTERNS = "GET /v1/scan/pattern"
INCOME = "GET /v1/financials/income-statements"

POINT = {
    "symbol": "AAPL",
    "patternname": "Double Bottom",
    "patterntype": "bullish",
    "aprice": 213.02,
    "bprice": 208.45,
    "cprice": 214.7,
    "end_price": 215.05,
    "entry": 214.75,
    "eprice": 212.5,
    "profit1": 221.4,
    "profit2": 228.05,
    "start_price": 213.02,
    "stoploss": 207.9,
    "atime": 1764547200,
    "btime": 1764633600,
    "start_time": 1764547200,
    "end_time": 1764806400,
    "sortTime": 1764806400000,
    "mature": 1,
}
"""A chart pattern as the vendor writes it: prices with cents, point times in Unix seconds."""


async def test_a_pattern_s_point_times_are_aware_utc_instants(
    sim: Simulator, aries: AriesClient
) -> None:
    sim.faults.answer_body[PATTERNS] = orjson.dumps({"data": {"points": [POINT]}})
    answer = await aries.technical_analysis.patterns("AAPL", "D")
    assert answer.data is not None
    (point,) = answer.data.points
    assert point.atime == datetime(2025, 12, 1, tzinfo=UTC)
    assert point.btime == datetime(2025, 12, 2, tzinfo=UTC)
    assert point.start_time == datetime(2025, 12, 1, tzinfo=UTC)
    assert point.end_time == datetime(2025, 12, 4, tzinfo=UTC)
    assert point.sort_time == point.end_time  # the same instant, sent in milliseconds
    assert point.ctime is None
    # written back in the wire's unit, seconds
    back = unstructure(point)
    assert (back["atime"], back["end_time"]) == (1764547200, 1764806400)


async def test_the_indicator_s_and_tick_history_s_columns_of_times_are_instants(
    aries: AriesClient,
) -> None:
    indicator = await aries.technical_analysis.indicator(
        "AAPL", "D", "sma", datetime(2025, 12, 1, tzinfo=UTC), datetime(2025, 12, 31, tzinfo=UTC)
    )
    raw = await aries.request(
        "GET",
        "/v1/indicator",
        params={
            "symbol": "AAPL",
            "resolution": "D",
            "indicator": "sma",
            "from": "1764547200",
            "to": "1767139200",
        },
        parse=lambda body: body,
    )
    assert raw["t"] and len(indicator.t) == len(raw["t"])
    assert indicator.t == [datetime.fromtimestamp(ms / 1000, UTC) for ms in raw["t"]]
    assert all(t.tzinfo is UTC for t in indicator.t)
    assert unstructure(indicator)["t"] == raw["t"]  # written back as the wire's epochs

    ticks = await aries.chart.tick_history("AAPL", "10T")
    raw = await aries.request(
        "GET",
        "/v1/chart/tick-history",
        params={"symbol": "AAPL", "resolution": "10T"},
        parse=lambda body: body,
    )
    assert raw["t"] and len(ticks.t) == len(raw["t"]) == len(ticks.c)
    assert ticks.t == [datetime.fromtimestamp(ms / 1000, UTC) for ms in raw["t"]]
    assert unstructure(ticks)["t"] == raw["t"]


async def test_a_fiscal_year_and_quarter_are_whole_numbers(
    sim: Simulator, aries: AriesClient, caplog: pytest.LogCaptureFixture
) -> None:
    path = "/v1/financials/income-statements?tickers=AAPL"
    raw = await aries.request("GET", path, parse=lambda body: body)
    first, second = raw["results"][:2]
    first.update(fiscalYear=2026, fiscalQuarter=3.0)
    second.update(fiscalYear=2025.5, fiscalQuarter=4)
    sim.faults.answer_body[INCOME] = orjson.dumps(raw)
    with caplog.at_level(logging.WARNING, logger="aries_async.models"):
        page = await aries.financials.income_statements(tickers="AAPL")
    one, two = page.results[:2]
    assert (one.fiscal_year, one.fiscal_quarter) == (2026, 3)
    assert type(one.fiscal_year) is int and type(one.fiscal_quarter) is int
    # a year with a fraction is no year: None and a warning, the rest of the answer as sent
    assert (two.fiscal_year, two.fiscal_quarter) == (None, 4)
    assert "fiscal_year" in caplog.text and "2025.5" in caplog.text
