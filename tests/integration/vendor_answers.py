"""A vendor's chart pattern as the wire writes it, that pattern answered by the simulator and
read through the client, and a finder of keys in decoded JSON, for the tests of the generated
models' money and times."""

from __future__ import annotations

from typing import Any

import orjson

from aries_async import AriesClient
from aries_async.sim import Simulator

PATTERNS = "GET /v1/scan/pattern"

POINT = {
    "symbol": "AAPL",
    "patternname": "Double Bottom",
    "patterntype": "bullish",
    "aprice": 213.02,
    "bprice": 208.45,
    "cprice": 214.7,
    "end_price": 215.05,
    "entry": 214.75,
    "eprice": 212.5,
    "profit1": 221.4,
    "profit2": 228.05,
    "start_price": 213.02,
    "stoploss": 207.9,
    "atime": 1764547200,
    "btime": 1764633600,
    "start_time": 1764547200,
    "end_time": 1764806400,
    "sortTime": 1764806400000,
    "mature": 1,
}
"""A chart pattern as the vendor writes it: prices with cents, point times in Unix seconds."""


def found_with(value: Any, key: str) -> Any:
    """The first object of ``value`` (depth-first) that has ``key``."""
    if isinstance(value, dict):
        if key in value:
            return value
        value = list(value.values())
    if isinstance(value, list):
        for item in value:
            found = found_with(item, key)
            if found is not None:
                return found
    return None


async def answered_point(sim: Simulator, aries: AriesClient) -> Any:
    """:data:`POINT`, answered by the simulator's pattern route and read by the client."""
    sim.faults.answer_body[PATTERNS] = orjson.dumps({"data": {"points": [POINT]}})
    answer = await aries.technical_analysis.patterns("AAPL", "D")
    assert answer.data is not None
    (point,) = answer.data.points
    return point
