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
