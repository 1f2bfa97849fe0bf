"""The whole-number arguments that count items, number a page or skip items are held to what
the API documents: a count (``limit``, ``size``, a page size, the tick history's
``countback``) at least 1, as is a length in bars or a bar's multiplier (the indicators'
``timeperiod`` and MACD periods, the index bars' ``period``, the aggregates'
``multiplier``), a page number (0 or 1 first: both taken, docs/uncertain.md) and an offset
(``skip``) at least 0, and none above its documented largest (the option chain's ``limit`` of
250, rest.md 13); a whole number documented with a range (the logos' ``composite_radius``, 0
to 50) within it. The client refuses the rest before sending, naming the argument; the
simulator answers them with a 400 naming the parameter."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date
from typing import Any

import pytest

from aries_async import AriesClient
from aries_async.errors import BadRequestError, ValidationError
from aries_async.sim import Simulator

Call = Callable[[AriesClient], Awaitable[Any]]

CHAIN = "/v1/options/snapshot/chain/AAPL"
TICKS = "/v1/chart/tick-history"

REFUSED: list[tuple[Call, str, str]] = [
    (lambda c: c.chart.tick_history("AAPL", "1T", countback=-1), "countback", "at least 1"),
    (lambda c: c.chart.tick_history("AAPL", "1T", countback=0), "countback", "at least 1"),
    (lambda c: c.analytics.ratings(page=-1), "page", "at least 0"),
    (lambda c: c.signals.bull_bear_analysis("AAPL", page=-3), "page", "at least 0"),
    (lambda c: c.etf.holdings(symbol="SPY", skip=-1), "skip", "at least 0"),
    (lambda c: c.options.chain_snapshot("AAPL", limit=251), "limit", "at most 250"),
    (lambda c: c.signals.bull_bear_analysis("AAPL", page_size=201), "page_size", "at most 200"),
    (lambda c: c.calendars.conference_calls(page_size=1001), "page_size", "at most 1000"),
    (
        lambda c: c.stocks.aggregates(
            "AAPL", 1, "day", date(2026, 11, 2), date(2026, 11, 6), limit=50001
        ),
        "limit",
        "at most 50000",
    ),
]


NOW = 1764806400  # 2025-12-04, Unix seconds
LENGTHS: list[tuple[Call, str, str]] = [
    (
        lambda c: c.technical_analysis.indicator(
            "AAPL", "D", "sma", NOW - 86400 * 60, NOW, timeperiod=0
        ),
        "timeperiod",
        "at least 1",
    ),
    (
        lambda c: c.technical_analysis.indicator(
            "AAPL", "D", "macd", NOW - 86400 * 60, NOW, fast_period=-12
        ),
        "fast_period",
        "at least 1",
    ),
    (
        lambda c: c.indices.bars("SPX", "12/22/2025 9:30 am", "12/22/2025 4:00 pm", period=0),
        "period",
        "at least 1",
    ),
    (
        lambda c: c.stocks.aggregates("AAPL", 0, "day", date(2026, 11, 2), date(2026, 11, 6)),
        "multiplier",
        "at least 1",
    ),
]
REFUSED += LENGTHS
# Whole numbers documented with a range of values that is no count: the logos' corner radius
# ("Enter a value from 0 to 50", finance-dev)
VALUES: list[tuple[Call, str, str]] = [
    (
        lambda c: c.logos.search("AAPL", "logo", composite_radius=51),
        "composite_radius",
        "at most 50",
    ),
    (
        lambda c: c.logos.search("AAPL", "logo", composite_radius=-1),
        "composite_radius",
        "at least 0",
    ),
    (lambda c: c.logos.sync("logo", composite_radius=51), "composite_radius", "at most 50"),
    (lambda c: c.logos.sync("logo", composite_radius=-1), "composite_radius", "at least 0"),
]
REFUSED += VALUES

ELEVEN = [f"T{n}" for n in range(11)]
# Comma-separated lists documented with a largest number of items, given as a list or as text
LISTS: list[tuple[Call, str, str]] = [
    (lambda c: c.news.list(symbols=ELEVEN), "symbols", "at most 10"),
    (lambda c: c.news.list(topics=",".join(ELEVEN)), "topics", "at most 10"),
    (lambda c: c.calendars.conference_calls(tickers=ELEVEN * 5), "tickers", "at most 50"),
    (
        lambda c: c.stocks.unified_snapshot(tickers_any_of=[f"T{n}" for n in range(251)]),
        "tickers_any_of",
        "at most 250",
    ),
]
REFUSED += LISTS


@pytest.mark.parametrize(("call", "field", "why"), REFUSED)
async def test_a_count_page_or_offset_out_of_its_bounds_is_refused_before_sending(
    aries: AriesClient, sim: Simulator, call: Call, field: str, why: str
) -> None:
    with pytest.raises(ValidationError) as raised:
        await call(aries)
    assert len(sim.journal) == 0
    assert raised.value.field == field
    assert why in str(raised.value)


async def test_the_bounds_themselves_are_sent(aries: AriesClient, sim: Simulator) -> None:
    await aries.chart.tick_history("AAPL", "1T", countback=1)
    await aries.analytics.ratings(page=0)
    await aries.analytics.ratings(page=1)
    await aries.etf.holdings(symbol="SPY", skip=0)
    await aries.options.chain_snapshot("AAPL", limit=250)
    await aries.signals.bull_bear_analysis("AAPL", page_size=200)
    assert len(sim.journal) == 6
    assert ("limit", "250") in list(sim.journal[4].query)


async def test_a_value_at_either_end_of_its_documented_range_is_sent(
    aries: AriesClient, sim: Simulator
) -> None:
    for radius in (0, 50):
        await aries.logos.search("AAPL", "logo", composite_radius=radius)
        await aries.logos.sync("logo", composite_radius=radius)
    sent = [dict(r.query).get("compositeRadius") for r in sim.journal]
    assert sent == ["0", "0", "50", "50"]


async def test_a_list_of_its_documented_largest_length_is_sent(
    aries: AriesClient, sim: Simulator
) -> None:
    await aries.news.list(symbols=ELEVEN[:10], topics=",".join(ELEVEN[:10]))
    await aries.calendars.conference_calls(tickers=ELEVEN[:10] * 5)
    sent = dict(sim.journal[0].query)
    assert sent["symbols"] == sent["topics"] == ",".join(ELEVEN[:10])
    assert len(dict(sim.journal[1].query)["tickers"].split(",")) == 50


@pytest.mark.parametrize(
    ("path", "params", "field"),
    [
        (TICKS, {"symbol": "AAPL", "resolution": "1T", "countback": "-1"}, "countback"),
        ("/v1/analytics/ratings", {"page": "-1"}, "page"),
        ("/v1/etf/holdings", {"symbol": "SPY", "skip": "-1"}, "skip"),
        (CHAIN, {"limit": "251"}, "limit"),
        ("/v1/signals/bull-bear", {"symbols": "AAPL", "pageSize": "201"}, "pageSize"),
        (
            "/v1/logos/search",
            {"searchKeys": "AAPL", "fields": "logo", "compositeRadius": "51"},
            "compositeRadius",
        ),
        (
            "/v1/logos/search",
            {"searchKeys": "AAPL", "fields": "logo", "compositeRadius": "-1"},
            "compositeRadius",
        ),
        ("/v1/logos/sync", {"fields": "logo", "compositeRadius": "51"}, "compositeRadius"),
        ("/v1/news", {"symbols": ",".join(ELEVEN)}, "symbols"),
        ("/v1/calendars/conference-calls", {"tickers": ",".join(ELEVEN * 5)}, "tickers"),
        (
            "/v1/indicator",
            {
                "symbol": "AAPL",
                "resolution": "D",
                "indicator": "sma",
                "from": str(NOW - 86400 * 60),
                "to": str(NOW),
                "timeperiod": "0",
            },
            "timeperiod",
        ),
    ],
)
async def test_the_simulator_answers_a_count_out_of_its_bounds_with_a_400(
    aries: AriesClient, path: str, params: dict[str, str], field: str
) -> None:
    with pytest.raises(BadRequestError) as raised:
        await aries.request("GET", path, params=params)
    assert raised.value.status == 400 and raised.value.code == "INVALID_PARAMETER"
    assert field in raised.value.message


async def test_the_simulator_answers_the_chain_s_largest_page(aries: AriesClient) -> None:
    page = await aries.request("GET", CHAIN, params={"limit": "250"})
    assert isinstance(page, dict) and page["status"] == "OK"


async def test_an_indicator_with_its_period_is_answered(aries: AriesClient) -> None:
    # ``timeperiod`` is a length in bars, no time: the simulator must not read it as the end
    # of the indicator's window (it did: a 400, "the start of the range is after its end")
    for period in (1, 14):
        answer = await aries.technical_analysis.indicator(
            "AAPL", "D", "sma", NOW - 86400 * 60, NOW, timeperiod=period
        )
        assert answer.sma


async def test_a_zero_the_api_documents_as_its_default_is_sent_and_answered(
    aries: AriesClient, sim: Simulator
) -> None:
    """finance-dev documents ``0`` for the prediction venue's search ``perPage`` ("0 or
    omitted means 20") and history ``limit`` ("0 or omitted means 10000"): a value the API
    takes, so it is sent, and the simulator answers it as the default; below 0 is refused."""
    zero = await aries.predictions.markets.search(per_page=0)
    symbol = "KXFED-26MAR-T4.50"
    ticks = await aries.predictions.history.history(symbol, limit=0)
    sent = [dict(r.query) for r in sim.journal]
    assert [sent[0].get("perPage"), sent[1].get("limit")] == ["0", "0"]
    assert zero.data is not None and len(zero.data.hits or []) == 20
    default = await aries.predictions.history.history(symbol)
    assert ticks.data is not None and default.data is not None
    assert len(ticks.data.ticks or []) == len(default.data.ticks or []) > 5
    with pytest.raises(ValidationError, match="at least 0"):
        await aries.predictions.history.history(symbol, limit=-1)
