"""Listings whose page numbers the API documents as counting from 1 (the prediction venue's
search: "1-based page number; 0 or omitted means 1", finance-dev) are paged from there: every
item once, no request spent on the first page a second time, and the simulator numbers that
listing's pages as documented whatever its ``first_page`` fault says for the others."""

from __future__ import annotations

from collections.abc import Iterable

import pytest

from aries_async import AriesClient
from aries_async.sim import Simulator

SEARCH = "/v1/predictions/search"


def _asked(sim: Simulator) -> list[str | None]:
    """The ``page`` of every search request the simulator received, in order."""
    return [dict(r.query).get("page") for r in sim.journal if r.raw_path == SEARCH]


def _ids(hits: Iterable[object] | None) -> list[str]:
    """Each hit as its text, all of its fields (hits of one kind share no id field)."""
    return [repr(h) for h in hits or []]


@pytest.mark.parametrize("first_page", [0, 1])
@pytest.mark.parametrize("start", [None, 0, 1])
async def test_the_prediction_search_is_paged_from_its_documented_first_page(
    aries: AriesClient, sim: Simulator, first_page: int, start: int | None
) -> None:
    sim.faults.first_page = first_page  # the undocumented listings' first page: not this one
    whole = await aries.predictions.markets.search(per_page=100)
    assert whole.data is not None
    everything = _ids(whole.data.hits)
    assert len(set(everything)) == len(everything) > 20
    sim.journal.clear()
    hits = [h async for h in aries.predictions.markets.search(per_page=10, page=start)]
    assert _ids(hits) == everything
    pages = -(-len(everything) // 10)  # the last one is short: it ends the loop
    assert _asked(sim) == [None if start is None else str(start)] + [
        str(n) for n in range(2, pages + 1)
    ]


async def test_the_simulator_numbers_the_search_pages_from_1_as_documented(
    aries: AriesClient, sim: Simulator
) -> None:
    def ids(page: object) -> list[str]:
        return _ids(page.data.hits)  # type: ignore[attr-defined]

    absent = ids(await aries.predictions.markets.search(per_page=5))
    zero = ids(await aries.predictions.markets.search(per_page=5, page=0))
    one = ids(await aries.predictions.markets.search(per_page=5, page=1))
    two = ids(await aries.predictions.markets.search(per_page=5, page=2))
    assert absent == zero == one and len(one) == 5
    assert len(two) == 5 and not set(one) & set(two)
