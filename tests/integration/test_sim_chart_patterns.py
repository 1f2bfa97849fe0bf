"""The simulator's chart patterns (``GET /v1/scan/pattern``) are ones a bot can trade from: their
points and prices lie around the symbol's simulated price, a long (bullish) pattern's stop is
below its entry and its targets above (a short one's the other way round), and the points come
in time order. The description types most of the prices ``integer``, which the official
package holds them to: the simulator sends whole dollars by default and, with
``faults.pattern_prices_in_cents``, the cents a vendor writes (found a defect: the entry, stop
and targets were numbers from 1 to 999, unrelated to the price, and in no order).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from sim_http import SimApi

from aries_async import AriesClient
from aries_async.sim import Simulator

_WHOLE = ("bprice", "cprice", "eprice", "start_price", "end_price", "entry", "stoploss")
_TARGETS = ("profit1", "profit2")


def _check_point(point: dict[str, Any], price: float) -> None:
    """The point's prices near ``price`` and in the order its type says; its times in order."""
    prices = [point[k] for k in ("aprice", "dprice", *_WHOLE, *_TARGETS)]
    assert all(0.85 * price <= p <= 1.15 * price for p in prices), (price, point)
    entry, stop, first, second = (point[k] for k in ("entry", "stoploss", *_TARGETS))
    if point["patterntype"] == "bullish":
        assert stop < entry < first < second, point
    else:
        assert point["patterntype"] == "bearish", point
        assert stop > entry > first > second, point
    times = [point[f"{letter}time"] for letter in "abcde"]
    assert times == sorted(times) and len(set(times)) == 5, point
    assert (point["start_time"], point["end_time"]) == (times[0], times[-1]), point
    assert point["mature"] in (0, 1) and point["terminal"] in (0, 1), point


@pytest.mark.parametrize("resolution", ["D", "60"])
async def test_pattern_prices_are_whole_dollars_around_the_price_in_the_pattern_s_order(
    api: SimApi, sim: Simulator, resolution: str
) -> None:
    price = sim.feed.quote("AAPL").last
    status, body = await api.call(
        "GET", "/v1/scan/pattern", params={"symbol": "AAPL", "resolution": resolution}
    )
    assert status == 200, body
    points = body["data"]["points"]
    assert {p["patterntype"] for p in points} == {"bullish", "bearish"}
    for point in points:
        _check_point(point, price)
        assert all(isinstance(point[k], int) for k in (*_WHOLE, *_TARGETS)), point
    finance_dev = pytest.importorskip("finance_dev")
    for point in points:  # the official package's model takes them (it types them int)
        finance_dev.models.Point.model_validate(point)


async def test_pattern_prices_come_with_cents_where_the_server_writes_them(
    api: SimApi, sim: Simulator, aries: AriesClient
) -> None:
    sim.faults.pattern_prices_in_cents = True
    price = sim.feed.quote("MSFT").last
    status, body = await api.call(
        "GET", "/v1/scan/pattern", params={"symbol": "MSFT", "resolution": "D"}
    )
    assert status == 200, body
    points = body["data"]["points"]
    for point in points:
        _check_point(point, price)
    cents = [p[k] for p in points for k in (*_WHOLE, *_TARGETS)]
    assert any(not float(c).is_integer() for c in cents), cents  # not whole dollars
    answer = await aries.technical_analysis.patterns("MSFT", "D")
    assert answer.data is not None and answer.data.points
    for read in answer.data.points:
        for value in (read.entry, read.stoploss, read.profit_1, read.profit_2):
            assert isinstance(value, Decimal), read
            assert value == value.quantize(Decimal("0.01")), value
