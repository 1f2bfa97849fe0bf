"""Chart patterns (``GET /v1/scan/pattern``) a bot can trade from.

The description-driven answer (:mod:`~aries_async.sim.routes_generic`) gives each point its
shape; :func:`fill_points` then sets what the field rules cannot tie together: the pattern's
five swing points A-E around the symbol's simulated price, one resolution step apart in time
(E the item's time), and its trade: the entry at E, the stop beyond the pattern's extreme
swing, two targets one and two swings past the entry. A bullish pattern (a double bottom, an
ascending triangle) is a long one, stop below the entry and targets above; a bearish one (head
and shoulders) the other way round. ``mature`` and ``terminal`` are the provider's 0/1 flags.

The description types every price but ``aprice`` and ``dprice`` ``integer`` (the official
package holds them to ``int``), so they are whole dollars by default, kept in the pattern's
order; ``Faults.pattern_prices_in_cents`` writes them with cents, as the vendors do (the client
reads either as a ``Decimal``: ``apispec.amounts.INTEGER_AMOUNTS``).
"""

from __future__ import annotations

from typing import Any

from aries_async.sim.answer import Answer, Item

__all__ = ["fill_points"]

_BULLISH = {"Double Bottom": True, "Ascending Triangle": True, "Head and Shoulders": False}
"""Which way each pattern the simulator names points (others keep their ``patterntype``)."""

_SWINGS = (0.6, -1.0, 0.3, -0.9, 0.1)
"""Points A-E of a bullish pattern in swings from the price (a bearish one's are negated):
a high, the low, a lower high, a higher low, and the breakout E, where the entry is."""

_STEP_SECONDS = {"D": 86_400, "W": 7 * 86_400, "M": 30 * 86_400}
"""Seconds between two points at a resolution not in minutes."""

_FLOAT_PRICES = frozenset({"aprice", "dprice"})
"""The prices the description types ``number``; the others it types ``integer``."""


def fill_points(answer: Answer, body: Any, cents: bool) -> None:
    """Set the prices, times and flags of the answer's pattern points (in place)."""
    data = body.get("data") if isinstance(body, dict) else None
    points = data.get("points") if isinstance(data, dict) else None
    if not isinstance(points, list):
        return
    resolution = answer.params.get("resolution", "D")
    step = _STEP_SECONDS.get(resolution) or 60 * int(resolution or 1)
    for index, point in zip(answer.indexes, points, strict=False):
        if isinstance(point, dict):
            _fill(point, answer.item(index), step, cents)


def _fill(point: dict[str, Any], item: Item, step: int, cents: bool) -> None:
    bullish = _BULLISH.get(str(point.get("patternname")), point.get("patterntype") == "bullish")
    point["patterntype"] = "bullish" if bullish else "bearish"
    sign = 1 if bullish else -1
    swing = item.price * item.between("swing", 0.015, 0.035)
    levels = [item.price + sign * swing * s for s in _SWINGS]
    end = int(item.when.timestamp())
    times = [end - step * (4 - k) for k in range(5)]
    entry = levels[4]
    prices = {
        "aprice": levels[0],
        "bprice": levels[1],
        "cprice": levels[2],
        "dprice": levels[3],
        "eprice": levels[4],
        "start_price": levels[0],
        "end_price": levels[4],
        "entry": entry,
        "stoploss": entry - sign * swing * 1.3,  # past the pattern's extreme swing (B)
        "profit1": entry + sign * swing,
        "profit2": entry + sign * swing * 2,
    }
    for name, value in prices.items():
        point[name] = round(value, 2) if cents or name in _FLOAT_PRICES else round(value)
    if not cents:  # whole dollars can round two prices together: keep the trade's order
        point["stoploss"] = _beyond(point["stoploss"], point["entry"], -sign)
        point["profit1"] = _beyond(point["profit1"], point["entry"], sign)
        point["profit2"] = _beyond(point["profit2"], point["profit1"], sign)
    for letter, when in zip("abcde", times, strict=True):
        point[f"{letter}time"] = when
    point.update(start_time=times[0], end_time=times[-1], sortTime=times[-1] * 1000)
    point["mature"] = int(item.unit("mature") < 0.5)
    point["terminal"] = int(item.unit("terminal") < 0.2)


def _beyond(value: int, mark: int, direction: int) -> int:
    """``value``, or the next whole dollar past ``mark`` in ``direction`` when it is not past
    it (never below zero)."""
    if (value - mark) * direction > 0:
        return value
    return max(mark + direction, 0)
