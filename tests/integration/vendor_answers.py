"""A vendor's chart pattern as the wire writes it, that pattern answered by the simulator and
read through the client, a finder of keys in decoded JSON and of fields in models, and a whole
number of the simulator's answer sent with a fraction, for the tests of the generated models'
money, quantities and times."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import attrs
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


def found_model(model: Any, name: str) -> Any:
    """The first model within ``model`` (a model or a list of them, depth-first) that has
    attribute ``name``."""
    if isinstance(model, list):
        return next((m for m in (found_model(m, name) for m in model) if m), None)
    if hasattr(model, name):
        return model
    for field in attrs.fields(type(model)) if attrs.has(type(model)) else ():
        value = getattr(model, field.name)
        for item in value if isinstance(value, list) else [value]:
            if attrs.has(type(item)):
                found = found_model(item, name)
                if found is not None:
                    return found
    return None


async def read_with_fraction(
    sim: Simulator,
    aries: AriesClient,
    answer: tuple[str, str],
    call: Callable[[AriesClient], Awaitable[Any]],
    field: tuple[str, str],
    sent: float,
) -> Any:
    """Field ``field`` (its wire name, its model's name) of the simulator's ``answer`` (its
    route, as ``sim.faults.answer_body`` names it, and its path), a whole number there, sent
    as ``sent`` instead, then read through ``call``: the model's value."""
    (route, path), (wire, name) = answer, field
    raw = await aries.request("GET", path, parse=lambda body: body)
    item = found_with(raw, wire)
    assert isinstance(item[wire], int)  # the simulator's own answer: a whole number
    item[wire] = sent
    sim.faults.answer_body[route] = orjson.dumps(raw)
    return getattr(found_model(await call(aries), name), name)
