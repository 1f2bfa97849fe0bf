"""Figures the simulator's answers must agree on, over raw HTTP: a company has one share count
and one market cap (its shares at its current price) in every answer that shows them, and a
statement's earnings per share are its net income over those shares; an economic release
names no company; a prediction search counts the contracts it found, and an event keeps one
id in every answer. Every answer is also checked against the API description and the official
models (``check_answer``)."""

from __future__ import annotations

from typing import Any

import pytest
from sim_http import SimApi
from spec_check import check_answer, check_schema


async def _answer(api: SimApi, operation_id: str, path: str, **params: str) -> Any:
    status, body = await api.call("GET", path, params=params)
    check_answer(operation_id, status, body)
    return body


@pytest.mark.parametrize("symbol", ["AAPL", "TSLA", "XOM"])
async def test_a_company_has_one_share_count_and_market_cap_in_every_answer(
    api: SimApi, symbol: str
) -> None:
    details = await _answer(
        api, "getEquityDetails", "/v1/marketdata/equities/details", symbols=symbol
    )
    company = details["data"][0]
    shares, cap = company["sharesOutstanding"], company["marketCap"]
    assert cap == round(shares * company["price"]), company

    profile = await _answer(api, "getCompanyProfile", "/v1/company/profile", symbol=symbol)
    assert (profile["shareOutstanding"], profile["marketCapitalization"]) == (shares, cap)

    ratios = await _answer(api, "getFinancialRatios", "/v1/financials/ratios", ticker=symbol)
    assert ratios["results"] and all(r["marketCap"] == cap for r in ratios["results"]), ratios

    path = "/v1/financials/income-statements"
    incomes = await _answer(api, "getIncomeStatements", path, tickers=symbol)
    assert incomes["results"], incomes
    for row in incomes["results"]:
        assert row["basicSharesOutstanding"] == row["dilutedSharesOutstanding"] == shares, row
        per_share = round(row["netIncomeLossAttributableCommonShareholders"] / shares, 2)
        assert row["basicEarningsPerShare"] == row["dilutedEarningsPerShare"] == per_share, row

    path = "/v1/financials/statements"
    statements = await _answer(
        api, "getFinancialStatements", path, symbol=symbol, statement="ic", freq="quarterly"
    )
    lines = statements["data"]["financials"]
    assert lines, statements
    for line in lines:
        assert line["dilutedAverageSharesOutstanding"] == shares, line
        assert line["dilutedEPS"] == round(line["netIncome"] / shares, 2), line

    query = {"symbol": symbol, "from": "2025-12-01", "to": "2026-02-01"}
    status, rows = await api.call("GET", "/v1/calendars/earnings", params=query)
    assert status == 200, rows
    check_schema("getEarningsCalendar", rows)  # a bare list: its rows' official model
    finance_dev = pytest.importorskip("finance_dev")
    assert rows and all(row["marketCap"] == cap for row in rows), (cap, rows)
    for row in rows:
        finance_dev.models.EarningRelease.model_validate(row)


async def test_an_economic_release_names_no_company(api: SimApi) -> None:
    body = await _answer(api, "getEconomicsCalendar", "/v1/calendars/economics")
    events = body["events"]
    assert events, body
    companies = {"AAPL", "MSFT", "NVDA", "AMZN", "GOOGL", "META", "TSLA", "AVGO", "JPM", "V"}
    indicators: dict[str, set[tuple[Any, Any]]] = {}
    for event in events:
        assert event["symbol"] not in companies and event["ticker"] not in companies, event
        indicators.setdefault(event["event"], set()).add((event["symbol"], event["ticker"]))
    # an indicator's symbol is its own: one per release, another for another release
    assert all(len(codes) == 1 for codes in indicators.values()), indicators
    named = [next(iter(codes)) for codes in indicators.values()]
    assert len(set(named)) == len(named), indicators


@pytest.mark.parametrize(("query", "kind"), [("fed", "events"), ("cpi", "base-events")])
async def test_a_search_hit_counts_the_contracts_the_search_found(
    api: SimApi, query: str, kind: str
) -> None:
    found = await _answer(api, "search", "/v1/predictions/search", q=query)
    contracts = found["data"]["hits"]
    assert contracts, found
    body = await _answer(api, "search", "/v1/predictions/search", q=query, type=kind)
    hits = body["data"]["hits"]
    assert hits, body
    key = "eventId" if kind == "events" else "baseEventId"
    for hit in hits:
        matching = [c for c in contracts if c[key] == hit[key]]
        assert hit["contractsFound"] == len(matching), (hit, contracts)
    assert sum(hit["contractsFound"] for hit in hits) == len(contracts), (hits, contracts)


async def test_an_event_has_one_id_in_every_answer_and_call(api: SimApi) -> None:
    events = await _answer(api, "search", "/v1/predictions/search", q="fed", type="events")
    again = await _answer(api, "search", "/v1/predictions/search", q="fed mar", type="events")
    contracts = await _answer(api, "search", "/v1/predictions/search", q="fed mar")
    ids = {hit["eventDisplayName"]: hit["eventId"] for hit in events["data"]["hits"]}
    march = [hit for hit in again["data"]["hits"] if "Mar" in hit["eventDisplayName"]]
    assert march and all(ids[hit["eventDisplayName"]] == hit["eventId"] for hit in march)
    assert {hit["eventId"] for hit in contracts["data"]["hits"]} <= set(ids.values())
    event_id = march[0]["eventId"]
    path = f"/v1/predictions/events/{event_id}/contracts"
    listed = await _answer(api, "getEventContracts", path)
    assert listed["data"]["contracts"], listed
    assert all(c["eventId"] == event_id for c in listed["data"]["contracts"]), listed
