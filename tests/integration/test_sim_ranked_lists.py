"""The simulator's top lists rank what their names say, over a market and not one ticker: the
option lists hold the contracts of several underlyings (stocks' or ETFs'), the equity lists
any stock or ETF of the symbol table, each sorted by its measure (change in percent, volume).
A bot showing "top gainers" saw one underlying's chain in strike order, and an export asking
for 30 movers got the 11 tickers of a fixed universe (found a defect: the option lists came
from the first symbol's chain, the rows unsorted; the equity lists stopped at 11).
"""

from __future__ import annotations

import pytest
from sim_http import SimApi

from aries_async.sim.symbols import SYMBOLS


def _is_etf(ticker: str) -> bool:
    info = SYMBOLS.get(ticker)
    assert info is not None and info.tradable, ticker
    return info.is_etf


@pytest.mark.parametrize(
    ("path", "measure", "etfs"),
    [
        ("/v1/options/stocks/top-gainers", "changePercent", False),
        ("/v1/options/stocks/top-volume", "volume", False),
        ("/v1/options/etfs/top-volume", "volume", True),
    ],
)
async def test_an_option_top_list_ranks_the_contracts_of_several_underlyings(
    api: SimApi, path: str, measure: str, etfs: bool
) -> None:
    status, rows = await api.call("GET", path, params={"size": "40"})
    assert status == 200, rows
    assert len(rows) == 40
    underlyings = {row["underlyingSymbol"] for row in rows}
    assert len(underlyings) > 1, underlyings
    assert all(_is_etf(u) == etfs for u in underlyings), underlyings
    values = [row[measure] for row in rows]
    assert values == sorted(values, reverse=True), values
    if measure == "changePercent":  # the top of the gainers gained
        assert min(values) > 0 and all(row["change"] > 0 for row in rows), rows


@pytest.mark.parametrize(
    ("path", "measure", "descending"),
    [
        ("/v1/equity/top-gainers", "changePercent", True),
        ("/v1/equity/top-losers", "changePercent", False),
        ("/v1/equity/top-most-active", "volume", True),
    ],
)
async def test_an_equity_top_list_is_sorted_by_its_measure_past_the_universe(
    api: SimApi, path: str, measure: str, descending: bool
) -> None:
    status, rows = await api.call("GET", path, params={"limit": "30"})
    assert status == 200, rows
    symbols = [row["symbol"] for row in rows]
    assert len(set(symbols)) == len(symbols) == 30, symbols  # more than 11 movers
    for row in rows:
        assert row["isETF"] == _is_etf(row["symbol"]), row
    values = [row[measure] for row in rows]
    assert values == sorted(values, reverse=descending), values
    if path.endswith("gainers"):
        assert min(values) > 0, values
    elif path.endswith("losers"):
        assert max(values) < 0, values
    # a shorter list is the head of the same ranking; size is limit's alias
    status, head = await api.call("GET", path, params={"size": "5"})
    assert status == 200, head
    assert [row["symbol"] for row in head] == symbols[:5]


@pytest.mark.parametrize(
    "path",
    [
        "/v1/equity/top-gainers",
        "/v1/equity/top-losers",
        "/v1/equity/top-most-active",
        "/v1/options/stocks/top-gainers",
        "/v1/options/stocks/top-volume",
        "/v1/options/etfs/top-volume",
    ],
)
async def test_a_top_list_asked_for_no_count_holds_its_documented_ten_rows(
    api: SimApi, path: str
) -> None:
    # finance-dev documents each list's limit/size as "(optional, default 10)"
    status, rows = await api.call("GET", path)
    assert status == 200, rows
    assert len(rows) == 10, rows
    status, rows = await api.call("GET", path, params={"size": "3"})
    assert status == 200, rows
    assert len(rows) == 3, rows


@pytest.mark.parametrize(
    "path", ["/v1/equity/top-gainers", "/v1/equity/top-losers", "/v1/equity/top-most-active"]
)
async def test_an_equity_top_list_reads_limit_before_its_size_alias(api: SimApi, path: str) -> None:
    # "size: Alias for limit. Ignored when limit is supplied."
    status, rows = await api.call("GET", path, params={"limit": "7", "size": "3"})
    assert status == 200, rows
    assert len(rows) == 7, rows
