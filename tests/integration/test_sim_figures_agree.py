"""The figures of one simulated record agree with each other, as the provider's do: parts of a
whole sum to at most the whole, a low estimate is below the mean and the mean below the high,
and a fund's weights sum to at most 100 percent (found a defect: every venue's short volume
equalled the total volume, EBIT estimates had high equal to low, a price target's mean was
above its high, and an ETF's holdings weighed 193 percent together).
"""

from __future__ import annotations

from typing import Any

import pytest
from op_args import op_by_id, wire_args
from sim_http import SimApi

_VENUES = ("adf", "nasdaqCarteret", "nasdaqChicago", "nyse")


async def _answer(api: SimApi, op_id: str, **params: str) -> Any:
    path, query, _ = wire_args(op_by_id(op_id), {})
    status, body = await api.call("GET", path, params={**query, **params})
    assert status == 200, body
    return body


async def test_short_volume_parts_sum_to_their_wholes(api: SimApi) -> None:
    rows = (await _answer(api, "getShortVolume"))["results"]
    assert rows
    for row in rows:
        total, short = row["totalVolume"], row["shortVolume"]
        assert 0 < short <= total, row
        venues = [row[f"{venue}ShortVolume"] for venue in _VENUES]
        exempt = [row[f"{venue}ShortVolumeExempt"] for venue in _VENUES]
        assert sum(venues) == short, row  # every facility's short sales, reported once
        assert all(0 <= e <= v for e, v in zip(exempt, venues, strict=True)), row
        assert sum(exempt) == row["exemptVolume"], row
        assert row["exemptVolume"] + row["nonExemptVolume"] == short, row
        assert row["shortVolumeRatio"] == pytest.approx(short / total * 100, abs=0.01), row


@pytest.mark.parametrize(
    ("op_id", "key", "field"),
    [
        ("getEbitEstimates", "ebitEstimates", "ebit"),
        ("getEbitdaEstimates", "ebitdaEstimates", "ebitda"),
        ("getEpsEstimates", "epsEstimates", "eps"),
        ("getRevenueEstimates", "revenueEstimates", "revenue"),
    ],
)
async def test_estimates_run_from_low_through_the_mean_to_high(
    api: SimApi, op_id: str, key: str, field: str
) -> None:
    rows = (await _answer(api, op_id))[key]["data"]
    assert rows
    for row in rows:
        low, mean, high = row[f"{field}Low"], row[f"{field}Avg"], row[f"{field}High"]
        assert low < mean < high, row


async def test_a_price_target_runs_from_low_through_the_mean_to_high(api: SimApi) -> None:
    for symbol in ("AAPL", "MSFT", "NVDA", "TSLA", "JPM"):
        body = await _answer(api, "getPriceTarget", symbol=symbol)
        low, high = body["targetLow"], body["targetHigh"]
        assert low < body["targetMean"] < high, body
        assert low < body["targetMedian"] < high, body


@pytest.mark.parametrize("symbol", ["SPY", "QQQ", "VTI"])
async def test_an_etfs_holdings_weigh_at_most_the_whole_fund(api: SimApi, symbol: str) -> None:
    holdings = (await _answer(api, "getEtfHoldings", symbol=symbol))["data"]["holdings"]
    assert len(holdings) > 1
    assert 0 < sum(h["percent"] for h in holdings) <= 100, holdings
    # a larger position weighs more
    by_value = sorted(holdings, key=lambda h: h["value"])
    assert [h["percent"] for h in by_value] == sorted(h["percent"] for h in holdings), holdings


async def test_market_breadth_counts_add_up_to_the_symbols_counted(api: SimApi) -> None:
    data = (await _answer(api, "getMarketBreadth"))["data"]
    counted = data["advancers"] + data["decliners"] + data["unchanged"]
    assert data["totalSymbols"] == counted, data
    assert data["advancersPercent"] == pytest.approx(data["advancers"] / counted * 100, abs=0.01)
    assert data["declinersPercent"] == pytest.approx(data["decliners"] / counted * 100, abs=0.01)
    ratio = data["advancers"] / data["decliners"]
    assert data["advanceDeclineRatio"] == pytest.approx(ratio, abs=0.01), data


async def test_short_interest_covers_in_the_days_it_says(api: SimApi) -> None:
    rows = (await _answer(api, "getShortInterest"))["results"]
    assert rows
    for row in rows:
        days = row["shortInterest"] / row["avgDailyVolume"]
        assert row["daysToCover"] == pytest.approx(days, abs=0.01), row
        assert row["shortInterest"] > row["avgDailyVolume"] / 10, row  # days, not minutes


@pytest.mark.parametrize("symbol", ["SPY", "QQQ"])
async def test_an_etf_holds_other_securities_each_once(api: SimApi, symbol: str) -> None:
    # found a defect: every holding of SPY was SPY itself
    body = await _answer(api, "getEtfHoldings", symbol=symbol)
    held = [h["symbol"] for h in body["data"]["holdings"]]
    assert len(held) > 1
    assert symbol not in held, held
    assert len(set(held)) == len(held), held
    assert body["data"]["symbol"] == symbol, body["data"]
