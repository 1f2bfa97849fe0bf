"""How the simulator's market socket writes its numbers and exchange times, as
``faults.ws_market_numbers`` and ``faults.ws_market_times`` say (websocket.md 10.1 and 10.2
leave both open): :func:`market_values`, for the market updates
(:mod:`~aries_async.sim.ws_market`) and the equity snapshot answer
(:mod:`~aries_async.sim.ws_requests`).

=====================  ==========================================================================
switch                 values
=====================  ==========================================================================
``ws_market_numbers``  ``"number"`` (default: JSON numbers, as the SDK's models type them) or
                       ``"string"`` (every number of the data as its text, as the legacy docs'
                       example sends prices: ``"bidPrice": "189.49"``)
``ws_market_times``    ``"ms"`` (default: Unix milliseconds, the SDK's) or ``"iso"`` (ISO 8601 with
                       the New York offset, as the docs' field table writes them:
                       ``2025-06-25T04:12:14.327-04:00``)
=====================  ==========================================================================

The ``type`` of a market update, as ``faults.ws_market_update_types`` says (websocket.md 3.5:
UNKNOWN): :func:`update_type`: ``"sdk"`` (default: ``quote``, ``trade``, ``level2``,
``timeAndSales``, ``greeks``, the SDK's unsubscribe categories), ``"docs"`` (the docs' message
names: ``quoteUpdate``, ``tradeUpdate``, ``level2Update``, ``timeAndSalesUpdate``,
``greeksUpdate``) or ``"none"`` (no ``type``); ``marketStatus`` keeps its own.

And how the market and charts sockets spell the symbol of their updates (websocket.md does
not say; the SDK's examples are upper case): :func:`update_symbol`, as
``faults.ws_symbol_case`` says: ``"upper"`` (default, as the socket stores it), ``"lower"``,
``"title"`` (``"Aapl"``) or ``"asked"`` (as the subscribe that asked for it spelled it).

And numbers no float holds, as ``faults.ws_long_numbers`` says (:func:`long_numbers`): a
JSON number may carry more digits than a float's 15-17 (``123456789012345678.25``); the
switch sends the values of the keys it names as bare JSON numbers of the digits it gives, in
every message of every socket.

The exchange times are ``quoteTimestamp``, ``tradeTimestamp`` (time and sales too),
``bidTimestamp`` and ``askTimestamp``; the envelope's ``payload.timestamp`` stays Unix ms (the
docs' examples). The firehose's precomputed frames keep the defaults.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

import orjson

from aries_async.sim.clock import NEW_YORK

if TYPE_CHECKING:
    from aries_async.sim.faults import Faults

__all__ = [
    "MARKET_NUMBERS",
    "MARKET_TIMES",
    "SYMBOL_CASES",
    "UPDATE_TYPE_NAMES",
    "long_numbers",
    "market_values",
    "update_symbol",
    "update_type",
]

MARKET_NUMBERS = ("number", "string")
"""``faults.ws_market_numbers`` values."""

MARKET_TIMES = ("ms", "iso")
"""``faults.ws_market_times`` values."""

SYMBOL_CASES = ("upper", "lower", "title", "asked")
"""``faults.ws_symbol_case`` values."""

_TIME_KEYS = frozenset({"quoteTimestamp", "tradeTimestamp", "bidTimestamp", "askTimestamp"})


def _iso(value: Any) -> Any:
    """Unix milliseconds (a number or its text) as ISO 8601 with the New York offset."""
    try:
        when = datetime.fromtimestamp(int(value) / 1000, NEW_YORK)
    except (TypeError, ValueError):
        return value
    return when.isoformat(timespec="milliseconds")


def market_values(data: dict[str, Any], faults: Faults) -> dict[str, Any]:
    """``data`` with its numbers and exchange times written as the switches say (``data``
    itself when both are at their defaults)."""
    strings = faults.ws_market_numbers == "string"
    iso = faults.ws_market_times == "iso"
    if not (strings or iso):
        return data
    out: dict[str, Any] = {}
    for key, value in data.items():
        if iso and key in _TIME_KEYS:
            value = _iso(value)
        elif strings and isinstance(value, int | float) and not isinstance(value, bool):
            value = str(value)
        out[key] = value
    return out


def update_symbol(symbol: str, asked: str, faults: Faults) -> str:
    """How an update names ``symbol`` (upper case, as the socket stores it; ``asked``: as the
    subscribe spelled it), as ``faults.ws_symbol_case`` says."""
    case = faults.ws_symbol_case
    if case == "lower":
        return symbol.lower()
    if case == "title":
        return symbol.title()
    return asked if case == "asked" else symbol


UPDATE_TYPE_NAMES = ("sdk", "docs", "none")
"""``ws_market_update_types`` values."""


def update_type(kind: str, faults: Faults) -> str | None:
    """The ``type`` of a market update of ``kind`` (the SDK's name), None: no ``type``."""
    names = faults.ws_market_update_types
    if names == "none":
        return None
    return f"{kind}Update" if names == "docs" else kind


def long_numbers(message: dict[str, Any], faults: Faults) -> dict[str, Any]:
    """``message`` with the value of every key ``faults.ws_long_numbers`` names, at any depth,
    replaced by a bare JSON number of the digits it gives (orjson writes a float's shortest
    text, which cannot carry them); ``message`` itself when the switch is off."""
    digits = faults.ws_long_numbers
    if not digits:
        return message
    numbers = {key: orjson.Fragment(text.encode()) for key, text in digits.items()}

    def swap(value: Any) -> Any:
        if type(value) is dict:
            return {k: numbers[k] if k in numbers else swap(v) for k, v in value.items()}
        if type(value) is list:
            return [swap(item) for item in value]
        return value

    swapped: dict[str, Any] = swap(message)
    return swapped
