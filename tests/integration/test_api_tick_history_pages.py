"""The tick history pages back in time (conventions.md section 11, style 3; rest.md 9b): a page
is the newest ``countback`` ticks before its ``cursor``, oldest first as the columns always are,
and its ``nextTo`` is the ``cursor`` of the older ticks, absent when there are none.

``client.chart.tick_history()`` is a :class:`~aries_async.http.pagination.Paged` as the other
listings are: awaited, the first page (a ``TickChartBars``, as before); iterated, every tick
as a :class:`~aries_async.models.market.Bar`, newest first, page after older page (found a
defect: the method read one page and had no ``async for``, the simulator no ``nextTo``).
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

import pytest
from sim_http import SimApi

from aries_async import AriesClient
from aries_async.errors import ResponseFormatError
from aries_async.http.pagination import Paged
from aries_async.models.market import Bar
from aries_async.sim import Simulator
from aries_async.sim.routes_generic import PAGED_TOTAL

PATH = "/v1/chart/tick-history"
QUERY = {"symbol": "AAPL", "resolution": "10T"}


def _cursors(sim: Simulator) -> list[str | None]:
    return [dict(r.query).get("cursor") for r in sim.journal if r.raw_path == PATH]


async def test_the_simulator_pages_ticks_back_through_next_to(api: SimApi) -> None:
    status, whole = await api.call("GET", PATH, params={**QUERY, "countback": "300"})
    assert status == 200, whole
    assert len(whole["t"]) == PAGED_TOTAL and "nextTo" not in whole  # all of them: no older
    assert whole["t"] == sorted(whole["t"])  # oldest first
    pages: list[dict[str, Any]] = []
    query = {**QUERY, "countback": "10"}
    while True:
        status, page = await api.call("GET", PATH, params=query)
        assert status == 200, page
        pages.append(page)
        if "nextTo" not in page:
            break
        query = {**query, "cursor": page["nextTo"]}
    # the newest 10, then the 10 before them, then the oldest 5; each oldest first
    assert [len(p["t"]) for p in pages] == [10, 10, 5]
    assert [t for p in reversed(pages) for t in p["t"]] == whole["t"]
    assert [c for p in reversed(pages) for c in p["c"]] == whole["c"]


async def test_a_made_up_tick_cursor_is_refused(api: SimApi) -> None:
    status, body = await api.call("GET", PATH, params={**QUERY, "cursor": "not-one"})
    assert status == 400, body


async def test_tick_history_is_paged_newest_first(sim: Simulator, aries: AriesClient) -> None:
    whole = await aries.chart.tick_history("AAPL", "10T", countback=300)
    assert whole.next_to is None and len(whole.t) == PAGED_TOTAL
    pages = aries.chart.tick_history("AAPL", "10T", countback=10)
    assert isinstance(pages, Paged)
    first = await pages  # one page, as before: the newest 10, oldest first
    assert first.t == whole.t[-10:] and first.next_to is not None
    sim.journal.clear()
    bars = [bar async for bar in pages]
    assert all(isinstance(bar, Bar) for bar in bars)
    assert [bar.timestamp for bar in bars] == whole.t[::-1]  # every tick once, newest first
    assert [bar.close for bar in bars] == whole.c[::-1]
    assert [bar.volume for bar in bars] == [Decimal(v) for v in whole.v[::-1]]
    cursors = _cursors(sim)  # three pages, each but the first asked for by its cursor
    assert len(cursors) == 3 and cursors[:2] == [None, first.next_to] and cursors[2], cursors
    # a loop started from a page's cursor goes on from there
    older = aries.chart.tick_history("AAPL", "10T", countback=10, cursor=first.next_to)
    after = [bar.timestamp async for bar in older]
    assert after == whole.t[-11::-1]


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
