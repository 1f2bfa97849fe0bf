"""The simulator's tick history (rest.md 9b) pages as the server does over raw HTTP:

* a page's ``nextTo`` continues the history as it stood when the first page was read: the
  older page fetched later, after the clock moved, starts where the first ended, with no tick
  repeated and none skipped (found a defect: every page's times were laid over the last month
  up to the clock's now, so they slid between two pages);
* ``countback`` is silently reduced to the resolution's maximum (up to 5000 bars for ``1T``,
  about 50 for ``1000T``: finance-dev's ``chart.get_tick_history``), not refused and not
  honoured past it (found a defect: the caps were not simulated).
"""

from __future__ import annotations

from typing import Any

import pytest
from sim_http import SimApi
from spec_check import check_answer

from aries_async.sim import Simulator
from aries_async.sim.tick_history import TICK_CAPS

PATH = "/v1/chart/tick-history"


async def _ticks(api: SimApi, **params: str) -> dict[str, Any]:
    query = {"symbol": "AAPL", "resolution": "10T", **params}
    status, body = await api.call("GET", PATH, params=query)
    check_answer("getTickHistory", status, body)
    assert body["t"] == sorted(body["t"])  # oldest first
    page: dict[str, Any] = body
    return page


@pytest.mark.parametrize("later", [1, 59, 3600, 86_400])
async def test_an_older_tick_page_continues_the_first_after_the_clock_moved(
    sim: Simulator, api: SimApi, later: int
) -> None:
    whole = await _ticks(api, countback="24")
    first = await _ticks(api, countback="8")
    sim.advance(later)
    api.headers = {"Authorization": sim.issue_token().authorization}  # the old one may expire
    second = await _ticks(api, countback="8", cursor=first["nextTo"])
    third = await _ticks(api, countback="8", cursor=second["nextTo"])
    assert second["t"][-1] < first["t"][0]  # older, and no tick again
    assert third["t"] + second["t"] + first["t"] == whole["t"][-24:]  # no tick skipped
    assert third["c"] + second["c"] + first["c"] == whole["c"][-24:]
    fresh = await _ticks(api, countback="8")  # a new first page: the history as it is now
    assert fresh["t"][-1] > first["t"][-1]


@pytest.mark.parametrize("resolution", ["1000T", "500T", "100T"])
async def test_a_countback_past_the_resolution_s_cap_is_reduced_to_it(
    api: SimApi, resolution: str
) -> None:
    cap = TICK_CAPS[resolution]
    capped = await _ticks(api, resolution=resolution, countback=str(cap * 4))
    assert len(capped["t"]) == cap and capped.get("nextTo")  # the newest ``cap``, more older
    exact = await _ticks(api, resolution=resolution, countback=str(cap))
    assert exact["t"] == capped["t"] and exact["c"] == capped["c"]
    below = await _ticks(api, resolution=resolution, countback=str(cap - 1))
    assert below["t"] == capped["t"][1:]


def test_the_caps_fall_from_5000_bars_at_1t_to_about_50_at_1000t() -> None:
    caps = [TICK_CAPS[f"{n}T"] for n in (1, 5, 10, 25, 50, 100, 250, 500, 1000)]
    assert caps[0] == 5000 and 40 <= caps[-1] <= 60
    assert caps == sorted(caps, reverse=True) and len(set(caps)) == len(caps)
