"""What some query parameters mean beyond their JSON Schema type, read from their names (the
description says nothing of it): the two ends of a range, and counts of items. Shared by the
client's runtime (:mod:`aries_async.resources._ranges`) and the generator
(``tools/generate_api.py``).

* :data:`RANGES` pairs the parameters that bound one range, its start first, with how their
  values compare; a call given both ends with the start after the end is refused (equal ends
  are a range of one day, one price...);
* :data:`UNORDERED` names the pairs of range-like names whose values have no order to check;
* :data:`COUNT_PARAMS` are the parameters that say how many items to answer: at least 1 (or
  the schema's ``minimum``, where it gives one).
"""

from __future__ import annotations

__all__ = ["COUNT_PARAMS", "RANGES", "UNORDERED", "count_minimum"]

_DAYS = ("date", "exDividendDate", "executionDate", "filingDate", "periodEnd", "settlementDate")
_AMOUNTS = (
    "averageVolume",
    "avgDailyVolume",
    "daysToCover",
    "eps",
    "fiscalQuarter",
    "fiscalYear",
    "frequency",
    "marketCap",
    "pbRatio",
    "pcfRatio",
    "peRatio",
    "price",
    "psRatio",
    "shortVolumeRatio",
    "totalVolume",
)
_WINDOW = (("From", "To"), ("After", "Before"))
_BOUNDS = (("Gte", "Lte"), ("Gt", "Lt"))
_LIMITS = (("Min", "Max"), ("Above", "Below"))

RANGES: dict[tuple[str, str], str] = {
    # times: a day, an aware datetime, or their text (a day as an end is the whole day)
    ("from", "to"): "time",
    ("startDate", "endDate"): "time",
    ("startTime", "endTime"): "time",
    **{(f"{s}{lo}", f"{s}{hi}"): "time" for s in (*_DAYS, "timestamp") for lo, hi in _WINDOW},
    **{(f"expirationDate{lo}", f"expirationDate{hi}"): "time" for lo, hi in _BOUNDS},
    # numbers: prices, ratios, volumes, a CIK (its leading zeros are no part of its order)
    **{(f"strikePrice{lo}", f"strikePrice{hi}"): "number" for lo, hi in _BOUNDS},
    **{(f"{s}{lo}", f"{s}{hi}"): "number" for s in _AMOUNTS for lo, hi in _LIMITS},
    **{(f"cik{lo}", f"cik{hi}"): "number" for lo, hi in _WINDOW},
    # tickers, in alphabetical order (``AAPL`` before ``MSFT``), as the vendor filters them
    **{
        (f"{s}{lo}", f"{s}{hi}"): "text"
        for s in ("ticker", "minTicker", "maxTicker")
        for lo, hi in _WINDOW
    },
}
"""(start's wire name, end's wire name) -> how their values compare: ``"time"``, ``"number"``
or ``"text"`` (alphabetical). Any operation with both parameters has that range."""

UNORDERED: dict[tuple[str, str], str] = {
    (f"timeframe{lo}", f"timeframe{hi}"): "a period's name (annual, quarterly, ttm): no order"
    for lo, hi in _WINDOW
}
"""Pairs named as a range's ends whose values are not checked against each other, and why."""

COUNT_PARAMS = frozenset({"limit", "size", "pageSize", "page_size", "perPage"})
"""Query parameters (integer, or a whole number as text) that say how many items to answer."""


def count_minimum(schema: dict[str, object]) -> int:
    """The least count a parameter of :data:`COUNT_PARAMS` takes: its schema's ``minimum``,
    else 1 (none answers zero items on purpose; a negative count is a mistake)."""
    minimum = schema.get("minimum")
    return minimum if isinstance(minimum, int) and not isinstance(minimum, bool) else 1
