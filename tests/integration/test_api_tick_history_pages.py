"""The tick history pages back in time (conventions.md section 11, style 3; rest.md 9b): a page
is the newest ``countback`` ticks before its ``cursor``, oldest first as the columns always are,
and its ``nextTo`` is the ``cursor`` of the older ticks, absent when there are none. The
history here is ``1000T``'s: one capped page of 50 bars and 25 older ones.

``client.chart.tick_history()`` is a :class:`~aries_async.http.pagination.Paged` as the other
listings are: awaited, the first page (a ``TickChartBars``, as before); iterated, every tick
as a :class:`~aries_async.models.market.Bar`, newest first, page after older page (found a
defect: the method read one page and had no ``async for``, the simulator no ``nextTo``).
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any, Final

import pytest
from sim_http import SimApi

from aries_async import AriesClient
from aries_async.errors import ResponseFormatError
from aries_async.http.pagination import Paged
from aries_async.models.market import Bar
from aries_async.sim import Simulator
from aries_async.sim.tick_history import OLDER_TICKS, TICK_CAPS

PATH = "/v1/chart/tick-history"
RESOLUTION: Final = "1000T"  # the smallest cap (50 bars a page): the history is 75 bars
QUERY = {"symbol": "AAPL", "resolution": RESOLUTION}
WHOLE = TICK_CAPS[RESOLUTION] + OLDER_TICKS


def _cursors(sim: Simulator) -> list[str | None]:
    return [dict(r.query).get("cursor") for r in sim.journal if r.raw_path == PATH]


async def _pages(api: SimApi, countback: int) -> list[dict[str, Any]]:
    """Every page of the history at ``countback``, newest first, following ``nextTo``."""
    pages: list[dict[str, Any]] = []
    query = {**QUERY, "countback": str(countback)}
    while True:
        status, page = await api.call("GET", PATH, params=query)
        assert status == 200, page
        assert page["t"] == sorted(page["t"])  # oldest first
        pages.append(page)
        if "nextTo" not in page:
            return pages
        query = {**query, "cursor": page["nextTo"]}


async def test_the_simulator_pages_ticks_back_through_next_to(api: SimApi) -> None:
    wide = await _pages(api, 300)  # capped at 50 bars a page: the newest 50, then 25 more
    assert [len(p["t"]) for p in wide] == [TICK_CAPS[RESOLUTION], OLDER_TICKS]
    whole = {k: [x for p in reversed(wide) for x in p[k]] for k in ("t", "c")}
    assert len(whole["t"]) == WHOLE
    pages = await _pages(api, 10)
    # the newest 10, then the 10 before them..., then the oldest 5; each oldest first
    assert [len(p["t"]) for p in pages] == [10] * 7 + [5]
    assert [t for p in reversed(pages) for t in p["t"]] == whole["t"]
    assert [c for p in reversed(pages) for c in p["c"]] == whole["c"]


async def test_a_made_up_tick_cursor_is_refused(api: SimApi) -> None:
    status, body = await api.call("GET", PATH, params={**QUERY, "cursor": "not-one"})
    assert status == 400, body


async def test_tick_history_is_paged_newest_first(sim: Simulator, aries: AriesClient) -> None:
    newest_first = [bar async for bar in aries.chart.tick_history("AAPL", RESOLUTION)]
    assert len(newest_first) == WHOLE
    times = [bar.timestamp for bar in newest_first]
    pages = aries.chart.tick_history("AAPL", RESOLUTION, countback=10)
    assert isinstance(pages, Paged)
    first = await pages  # one page, as before: the newest 10, oldest first
    assert first.t == times[:10][::-1] and first.next_to is not None
    sim.journal.clear()
    bars = [bar async for bar in pages]
    assert all(isinstance(bar, Bar) for bar in bars)
    assert [bar.timestamp for bar in bars] == times  # every tick once, newest first
    assert [bar.close for bar in bars] == [bar.close for bar in newest_first]
    assert [bar.volume for bar in bars] == [bar.volume for bar in newest_first]
    assert all(isinstance(bar.volume, Decimal) and bar.volume > 0 for bar in bars)
    cursors = _cursors(sim)  # eight pages, each but the first asked for by its cursor
    assert len(cursors) == 8 and cursors[:2] == [None, first.next_to] and all(cursors[1:])
    # a loop started from a page's cursor goes on from there
    older = aries.chart.tick_history("AAPL", RESOLUTION, countback=10, cursor=first.next_to)
    after = [bar.timestamp async for bar in older]
    assert after == times[10:]


async def test_a_page_s_bars_read_its_columns(aries: AriesClient) -> None:
    page = await aries.chart.tick_history("AAPL", "10T", countback=5)
    bars = page.bars
    assert [b.timestamp for b in bars] == page.t and [b.open for b in bars] == page.o
    assert [(b.high, b.low, b.close) for b in bars] == list(
        zip(page.h, page.l, page.c, strict=True)
    )
    assert all(isinstance(b.timestamp, datetime) for b in bars)


async def test_a_tick_page_of_uneven_columns_or_an_error_is_refused(
    sim: Simulator, aries: AriesClient
) -> None:
    from aries_async.models.generated import TickChartBars

    uneven = TickChartBars(s="ok", t=[datetime(2026, 1, 2).astimezone()], o=[], h=[], l=[], c=[])
    with pytest.raises(ResponseFormatError, match="'o' has 0 values but 't' has 1"):
        _ = uneven.bars
    failed = TickChartBars(s="error", errmsg="no such symbol")
    with pytest.raises(ResponseFormatError, match="no such symbol"):
        _ = failed.bars
    assert TickChartBars(s="no_data").bars == []
