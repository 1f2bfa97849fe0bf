"""A simulated base event reads as the venue's: its ``categoryLevels`` are one category path,
broadest first (category, subcategory, region), and the contracts listed under an event carry
that event's ``eventId``. A bot grouping contracts by event put each in an event of its own,
and one showing the category path showed the contracts' tickers (found a defect: the levels
were the answer's contracts, and each contract's ``eventId`` was an id of its own).
"""

from __future__ import annotations

import re

import pytest
from sim_http import SimApi

_TICKER = re.compile(r"KX[A-Z]+-")


@pytest.mark.parametrize("base_event", ["B1", "KXFED"])
async def test_a_base_event_has_one_category_path_and_its_events_own_their_contracts(
    api: SimApi, base_event: str
) -> None:
    status, body = await api.call("GET", f"/v1/predictions/base-events/{base_event}")
    assert status == 200, body
    levels = body["data"]["baseEvent"]["categoryLevels"]
    assert 1 <= len(levels) <= 3, levels  # category, subcategory, region
    assert len(set(levels)) == len(levels), levels
    assert not any(_TICKER.search(level) for level in levels), levels
    events = body["data"]["events"]
    assert len(events) > 1
    event_ids = [event["event"]["eventId"] for event in events]
    assert len(set(event_ids)) == len(event_ids), event_ids
    for event in events:
        assert event["contracts"], event
        for contract in event["contracts"]:
            assert contract["eventId"] == event["event"]["eventId"], (event["event"], contract)
            assert contract["baseEventId"] == base_event, contract


async def test_the_contracts_of_an_event_carry_its_id(api: SimApi) -> None:
    status, body = await api.call("GET", "/v1/predictions/events/KXFED-26MAR/contracts")
    assert status == 200, body
    contracts = body["data"]["contracts"]
    assert contracts and {c["eventId"] for c in contracts} == {"KXFED-26MAR"}, contracts


@pytest.mark.parametrize(
    ("event", "prefix"),
    [
        ("ev-fed-2026-03", "KXFED-26MAR-T"),
        ("KXFED-26MAR", "KXFED-26MAR-T"),
        ("ev-cpi-2026-05", "KXCPI-26MAY-T"),
        ("ev-gdp-2026-q2", "KXGDP-26Q2-T"),
    ],
)
async def test_an_event_lists_its_own_series_contracts(
    api: SimApi, event: str, prefix: str
) -> None:
    # found a defect: the Fed meeting's event listed the CPI, GDP and jobless contracts
    status, body = await api.call("GET", f"/v1/predictions/events/{event}/contracts")
    assert status == 200, body
    contracts = body["data"]["contracts"]
    assert len(contracts) > 1
    symbols = [c["symbol"] for c in contracts]
    assert all(s.startswith(prefix) for s in symbols), symbols
    assert len(set(symbols)) == len(symbols), symbols
    # the event and its contracts in one base event
    assert {c["baseEventId"] for c in contracts} == {body["data"]["event"]["baseEventId"]}


async def test_a_strike_value_reads_as_the_ticker_names_it(api: SimApi) -> None:
    # found a defect: strikeValue "4" for the T4.00 strike, "3" for T3.0
    status, body = await api.call("GET", "/v1/predictions/events/ev-fed-2026-03/contracts")
    assert status == 200, body
    hits = await api.call("GET", "/v1/predictions/search", params={"type": "contracts"})
    contracts = body["data"]["contracts"] + hits[1]["data"]["hits"]
    strikes = [(c["symbol"], c["strikeValue"]) for c in contracts if "strikeValue" in c]
    assert len(strikes) > 3
    for symbol, strike in strikes:
        assert strike == symbol.rsplit("-T", 1)[1], (symbol, strike)


@pytest.mark.parametrize("base_event", ["be-fed-2026", "KXFED"])
async def test_a_base_event_holds_its_series_events_only(api: SimApi, base_event: str) -> None:
    status, body = await api.call("GET", f"/v1/predictions/base-events/{base_event}")
    assert status == 200, body
    events = body["data"]["events"]
    assert len(events) > 1
    names = [event["event"]["eventDisplayName"] for event in events]
    assert len(set(names)) == len(names), names  # each event a release of its own
    for event in events:
        assert event["event"]["eventDisplayName"].startswith("Fed funds rate on "), event
        for contract in event["contracts"]:
            assert contract["symbol"].startswith("KXFED-"), contract
