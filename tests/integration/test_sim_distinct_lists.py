"""Lists of the simulator's generated answers hold each thing once: the prediction-market
contracts of a search (walked page by page), of an event and of a base event's events, the
option top lists, the equity top lists, and the securities a bull or bear case is about. A bot
that keys its records by ticker saw the same one again and again (found a defect: the items
cycled over a few tickers, and the nested ones all took their parent's).
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest
from sim_http import SimApi

from aries_async.sim import Simulator


def _repeated(values: list[Any]) -> list[Any]:
    return [value for value, seen in Counter(values).items() if seen > 1]


@pytest.mark.parametrize("first_page", [0, 1])
async def test_every_page_of_a_contract_search_names_other_contracts(
    api: SimApi, sim: Simulator, first_page: int
) -> None:
    sim.faults.first_page = first_page  # not the search's: documented to count from 1
    symbols: list[str] = []
    page, found = 1, None
    while True:
        status, body = await api.call(
            "GET",
            "/v1/predictions/search",
            params={"type": "contracts", "page": str(page), "perPage": "4"},
        )
        assert status == 200, body
        hits = body["data"]["hits"]
        found = body["data"]["found"]
        symbols += [hit["symbol"] for hit in hits]
        if len(hits) < 4:
            break
        page += 1
    assert len(symbols) == found > 8  # several pages walked, each contract once
    assert not _repeated(symbols), symbols


async def test_the_contracts_of_an_event_and_of_a_base_event_are_each_listed_once(
    api: SimApi,
) -> None:
    status, body = await api.call("GET", "/v1/predictions/events/E1/contracts")
    assert status == 200, body
    listed = [c["symbol"] for c in body["data"]["contracts"]]
    assert len(listed) >= 5 and not _repeated(listed), listed
    status, body = await api.call("GET", "/v1/predictions/base-events/B1")
    assert status == 200, body
    events = body["data"]["events"]
    listed = [c["symbol"] for event in events for c in event["contracts"]]
    assert len(events) > 1 and len(listed) > len(events), listed
    assert not _repeated(listed), listed


@pytest.mark.parametrize(
    "path",
    [
        "/v1/options/stocks/top-gainers",
        "/v1/options/stocks/top-volume",
        "/v1/options/etfs/top-volume",
    ],
)
async def test_an_option_top_list_names_each_contract_once(api: SimApi, path: str) -> None:
    status, rows = await api.call("GET", path, params={"size": "20"})
    assert status == 200, rows
    assert len(rows) == 20
    contracts = [row["symbol"] for row in rows]
    assert not _repeated(contracts), contracts
    # each row is the contract its strike, expiry and underlying say
    for row in rows:
        assert row["symbol"].startswith(row["underlyingSymbol"]), row
        assert row["symbol"].endswith(f"{round(row['strike'] * 1000):08d}"), row
        assert row["expiry"].replace("-", "")[2:] in row["symbol"], row
        right = row["symbol"][len(row["underlyingSymbol"]) + 6]
        assert row["type"] == {"C": "c", "P": "P"}[right], row  # as finance-dev documents


@pytest.mark.parametrize(
    "path", ["/v1/equity/top-gainers", "/v1/equity/top-losers", "/v1/equity/top-most-active"]
)
async def test_an_equity_top_list_names_each_stock_once(api: SimApi, path: str) -> None:
    status, rows = await api.call("GET", path, params={"limit": "30"})
    assert status == 200, rows
    symbols = [row["symbol"] for row in rows]
    assert len(symbols) >= 10 and not _repeated(symbols), symbols


async def test_the_securities_of_a_bull_or_bear_case_are_each_named_once(api: SimApi) -> None:
    ids: list[str] = []
    for page in range(3):
        status, body = await api.call(
            "GET",
            "/v1/signals/bull-bear",
            params={"symbols": "AAPL,MSFT", "page": str(page), "pageSize": "10"},
        )
        assert status == 200, body
        for case in body["bullBearCases"]:
            ids.append(case["id"])
            held = [s["symbol"] for s in case["securities"]]
            assert len(held) > 1 and not _repeated(held), case
            assert held[0] == case["ticker"], case  # the case's own security first
            assert not _repeated([s["isin"] for s in case["securities"]]), case
    assert len(ids) == 25 and not _repeated(ids)
