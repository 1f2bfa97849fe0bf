"""A field whose name holds another kind's word gets the value of its own kind, as
finance-dev's models describe it (found a defect: the name rules read an option's
``volumeWeighted`` price as a volume, an ``underlyingPrice`` as the contract's price, an
IPO's ``priceTo`` as a ratio, a holding's market ``value`` as a share price, a pre-market
price, a bid at execution or a trade's dollar value as any number from 1 to 100).

The answers come from the arguments of ``op_args``, the table every operation's test uses.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from op_args import op_by_id, wire_args
from sim_http import SimApi

from aries_async.sim import Simulator


async def _answer(api: SimApi, op_id: str) -> Any:
    path, query, _ = wire_args(op_by_id(op_id), {})
    status, body = await api.call("GET", path, params=query)
    assert status == 200, body
    return body


def _last(sim: Simulator, symbol: str) -> float:
    return float(sim.feed.quote(symbol).last)


async def test_an_option_s_volume_weighted_price_is_a_price(api: SimApi) -> None:
    day = await _answer(api, "getOptionPreviousDay")
    # "Volume-Weighted Average Price (VWAP) for the previous session"
    assert day["low"] <= day["volumeWeighted"] <= day["high"], day
    assert day["volumeWeighted"] != day["volume"]


@pytest.mark.parametrize("op_id", ["getStockOpenClose", "getOptionOpenClose"])
async def test_pre_market_and_after_hours_are_prices_of_the_day(api: SimApi, op_id: str) -> None:
    day = await _answer(api, op_id)
    for name in ("preMarket", "afterHours"):  # "Last traded price in pre-market session"
        assert abs(day[name] - day["close"]) <= 0.05 * day["close"], (name, day)


async def test_an_option_trade_s_underlying_and_touch_are_prices(
    api: SimApi, sim: Simulator
) -> None:
    activities = (await _answer(api, "getOptionsActivity"))["activities"]
    for row in activities:  # the underlying's price, not the contract's
        underlying = re.match(r"O:([A-Z]+)\d", row["optionSymbol"])
        assert underlying is not None, row
        assert float(row["underlyingPrice"]) == _last(sim, underlying.group(1)), row
        # "Total cost of the options position": its contracts at its price
        expected = float(row["price"]) * int(row["size"]) * 100
        assert float(row["costBasis"]) == pytest.approx(expected, abs=0.01), row
    trades = (await _answer(api, "getOptionsUnusualActivity"))["trades"]
    assert trades
    for trade in trades:
        assert trade["underlying_price_at_execution"] == _last(sim, trade["symbol"]), trade
        # "Bid price at execution", "Ask price at execution", around the contract's price
        assert trade["bid_at_execution"] <= trade["ask_at_execution"], trade
        for side in ("bid_at_execution", "ask_at_execution"):
            assert abs(trade[side] - trade["average_price"]) <= 0.03 * trade["average_price"] + 0.01
        # "Total dollar value of the trade": contracts of 100 shares at the average price
        expected = trade["average_price"] * trade["total_size"] * 100
        assert trade["total_value"] == pytest.approx(expected, abs=0.01), trade


async def test_an_ipo_s_price_range_and_offering_value(api: SimApi) -> None:
    ipos = (await _answer(api, "getIpoCalendar"))["ipos"]
    assert ipos
    for ipo in ipos:  # "Maximum price per share in the IPO price range"
        assert ipo["priceFrom"] < ipo["priceTo"] <= ipo["priceFrom"] * 1.3, ipo
        # "Total value of shares offered in the IPO": at least a million shares
        assert ipo["totalSharesValue"] >= ipo["priceFrom"] * 1_000_000, ipo


async def test_a_price_return_is_a_percentage(api: SimApi) -> None:
    metric = (await _answer(api, "getCompanyMetrics"))["metric"]
    # "Price return over the last 52 weeks", in percent: not the price itself
    assert -60 <= metric["52WeekPriceReturnDaily"] <= 150, metric


async def test_a_congressional_trade_s_amount_is_a_reported_range(api: SimApi) -> None:
    rows = (await _answer(api, "getCongressionalTrading"))["data"]
    assert rows
    for row in rows:  # the disclosure brackets start at $1,001
        assert 1000 < row["amountFrom"] < row["amountTo"], row


@pytest.mark.parametrize(
    ("op_id", "key"),
    [
        ("getEtfHoldings", "holdings"),
        ("getInstitutionalOwnership", None),
        ("getInstitutionalPortfolio", "holdings"),
    ],
)
async def test_a_holding_s_value_is_its_shares_at_their_price(
    api: SimApi, sim: Simulator, op_id: str, key: str | None
) -> None:
    body = await _answer(api, op_id)
    rows = body["data"][key] if op_id == "getEtfHoldings" else body[key or "data"]
    assert rows
    for row in rows:  # "Market value of the holding in USD"
        assert row["share"] >= 1000, row
        assert row["value"] == pytest.approx(row["share"] * _last(sim, row["symbol"]), abs=1)


async def test_a_reported_revenue_is_a_company_s_amount(api: SimApi) -> None:
    filings = (await _answer(api, "getReportedFinancials"))["data"]["data"]
    lines = [line for filing in filings for line in filing["report"]["bs"]]
    breakdowns = (await _answer(api, "getRevenueBreakdown"))["data"]["data"]
    assert lines and breakdowns
    for value in [line["value"] for line in lines] + [b["breakdown"]["value"] for b in breakdowns]:
        assert value >= 1e6, value  # dollars of a listed company's revenue, not a share price


async def test_a_metric_series_value_is_the_metric_s_not_a_volume(api: SimApi) -> None:
    annual = (await _answer(api, "getCompanyMetrics"))["series"]["annual"]
    # ``v`` of a ratio's series is the ratio ("currentRatio": current assets over
    # liabilities), not a volume of millions
    assert all(0 < point["v"] < 5 for point in annual["currentRatio"]), annual
    assert all(0 < point["v"] < 1 for point in annual["netMargin"]), annual  # a fraction
    assert all(0 < point["v"] < 1000 for point in annual["salesPerShare"]), annual


async def test_inflation_figures_are_index_levels_and_rates(api: SimApi) -> None:
    for row in (await _answer(api, "getInflation"))["results"]:
        assert 250 <= row["cpi"] <= 400 and 250 <= row["cpiCore"] <= 400, row  # index levels
        assert 100 <= row["pce"] <= 150 and 100 <= row["pceCore"] <= 150, row
        assert 0 < row["cpiYearOverYear"] < 8, row  # "CPI year-over-year change", percent
        assert row["pceSpending"] > 10_000, row  # billions of dollars a year
    for row in (await _answer(api, "getInflationExpectations"))["results"]:
        rates = {k: v for k, v in row.items() if re.match(r"(market|model|forward)", k)}
        assert rates and all(0 < v < 6 for v in rates.values()), row  # percent a year
