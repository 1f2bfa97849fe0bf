"""The simulator's market-data answers as a user's bot sees them: listings paged by number from
either first page, aggregates from the same price history as the chart bars, malformed option
contracts refused, the documented defaults of absent parameters applied, listings that end
without repeating an item, and the holiday list's names.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from spec_check import official_client

from aries_async import AriesClient
from aries_async.sim import Simulator
from aries_async.sim.routes_generic import PAGED_TOTAL
from aries_async.sim.threaded import ThreadedSimulator


@pytest.fixture
def sim_seed() -> int:
    return 5


def _pages(sim: Simulator, path: str) -> list[str | None]:
    return [dict(r.query).get("page") for r in sim.journal if r.raw_path == path]


@pytest.mark.parametrize("first_page", [0, 1])
@pytest.mark.parametrize("start", [None, 0, 1])
async def test_page_numbered_listings_give_every_item_once_from_either_first_page(
    sim: Simulator, aries: AriesClient, first_page: int, start: int | None
) -> None:
    sim.faults.first_page = first_page
    whole = (await aries.signals.bull_bear_analysis("AAPL", page_size=PAGED_TOTAL)).bull_bear_cases
    assert whole is not None and len({c.id for c in whole}) == PAGED_TOTAL
    extra = {} if start is None else {"page": start}
    cases = [c.id async for c in aries.signals.bull_bear_analysis("AAPL", page_size=10, **extra)]
    # page 1 asked of a server counting from 0 starts at its second page
    skipped = 10 if start == 1 and first_page == 0 else 0
    assert cases == [c.id for c in whole][skipped:]


@pytest.mark.parametrize("first_page", [0, 1])
async def test_every_page_numbered_route_numbers_its_pages_from_the_first_page(
    sim: Simulator, aries: AriesClient, first_page: int
) -> None:
    sim.faults.first_page = first_page
    listings: list[tuple[Any, str]] = [
        (lambda **k: aries.analytics.ratings(tickers="AAPL", **k), "ratings"),
        (lambda **k: aries.analytics.analyst_insights(symbols="AAPL", **k), "insights"),
        (lambda **k: aries.calendars.conference_calls(**k), "conference_calls"),
        (lambda **k: aries.calendars.mergers_and_acquisitions(**k), "mergers_acquisitions"),
        (lambda **k: aries.logos.sync("logo", **k), "data"),
        (lambda **k: aries.options.activity(**k), "activities"),
        (lambda **k: aries.signals.bull_bear_analysis("AAPL", **k), "bull_bear_cases"),
    ]
    for listing, items in listings:
        first = getattr(await listing(page=first_page, page_size=10), items)
        second = getattr(await listing(page=first_page + 1, page_size=10), items)
        absent = getattr(await listing(page_size=10), items)
        assert len(first) == len(second) == 10
        assert first != second, items
        assert absent == first, items


@pytest.fixture(scope="module")
def threaded() -> Iterator[ThreadedSimulator]:
    with ThreadedSimulator(seed=5) as running:
        yield running


@pytest.mark.finance_dev
def test_finance_dev_pages_the_bull_bear_cases_once_each(threaded: ThreadedSimulator) -> None:
    with official_client(threaded) as sdk:
        page, ids = sdk.signals.get_bull_bear_analysis(symbols="AAPL", page_size=10), []
        while page is not None:
            ids += [c.id for c in page.bull_bear_analysis_response.bull_bear_cases]
            page = page.next()
    assert len(ids) == len(set(ids)) == PAGED_TOTAL
