"""What some query parameters mean beyond their JSON Schema type, read from their names (the
description says nothing of it): the two ends of a range, and counts of items. Shared by the
client's runtime (:mod:`aries_async.resources._ranges`, ``_arguments``), the simulator
(``sim/generic_inputs.py``) and the generator (``tools/generate_api.py``).

* :data:`RANGES` pairs the parameters that bound one range, a lower bound first, with how their
  values compare: every lower bound of a quantity against every upper bound of it, of one kind
  (``strikePriceGte``/``strikePriceLte``) or not (``strikePriceGte``/``strikePriceLt``,
  ``dateFrom``/``dateBefore``, ``priceMin``/``priceBelow``). A call given both ends of a range
  that holds no value is refused (:func:`range_problem`): a start after the end, or equal ends
  one of which excludes its value (:func:`is_strict`: ``gt``, ``lt``, ``After``, ``Before``,
  ``Above``, ``Below``, as finance-dev documents each); equal inclusive ends are a range of one
  day, one price...;
* :data:`BODY_COUNTS` holds a body's counts to the bounds of the query parameter they repeat;
* :data:`UNORDERED` names the pairs of range-like names whose values have no order to check;
* :data:`COUNT_PARAMS`, :data:`LENGTH_PARAMS`, :data:`PAGE_PARAMS` and :data:`OFFSET_PARAMS`
  are the whole-number parameters that say how many items to answer, how many bars a period
  spans, which page, or how many to skip; each takes the values :func:`count_bounds` gives
  (:data:`COUNT_MAXIMA`: the documented largest; :data:`ZERO_MEANS_DEFAULT`: the counts that
  take 0), as do the other whole numbers documented with a range (:data:`VALUE_BOUNDS`: the
  logos' ``compositeRadius``, 0 to 50); :data:`FIRST_PAGES` numbers the pages of the listings
  documented to count them from 1.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from datetime import UTC, date, datetime, timedelta
from typing import Any

__all__ = [
    "BODY_COUNTS",
    "COUNT_MAXIMA",
    "COUNT_PARAMS",
    "FIRST_PAGES",
    "LENGTH_PARAMS",
    "LIST_MAXIMA",
    "OFFSET_PARAMS",
    "PAGE_PARAMS",
    "RANGES",
    "UNORDERED",
    "VALUE_BOUNDS",
    "ZERO_MEANS_DEFAULT",
    "count_bounds",
    "count_minimum",
    "day_bound",
    "empty_ranges",
    "is_strict",
    "list_length",
    "range_problem",
]

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
# (lower bounds, upper bounds) of one family of names; the second of each excludes its value
_WINDOW = (("From", "After"), ("To", "Before"))
_BOUNDS = (("Gte", "Gt"), ("Lte", "Lt"))
_LIMITS = (("Min", "Above"), ("Max", "Below"))
_STRICT = ("After", "Before", "Gt", "Lt", "Above", "Below")


def _pairs(stems: tuple[str, ...], family: tuple[tuple[str, ...], tuple[str, ...]]) -> list[Any]:
    """Every (lower, upper) pair of wire names of ``stems`` in ``family``."""
    lows, highs = family
    return [(f"{s}{lo}", f"{s}{hi}") for s in stems for lo in lows for hi in highs]


RANGES: dict[tuple[str, str], str] = {
    # times: a day, an aware datetime, or their text (a day as an end is the whole day)
    ("from", "to"): "time",
    ("startDate", "endDate"): "time",
    ("startTime", "endTime"): "time",
    **dict.fromkeys(_pairs((*_DAYS, "timestamp"), _WINDOW), "time"),
    **dict.fromkeys(_pairs(("expirationDate",), _BOUNDS), "time"),
    # numbers: prices, ratios, volumes, a CIK (its leading zeros are no part of its order)
    **dict.fromkeys(_pairs(("strikePrice",), _BOUNDS), "number"),
    **dict.fromkeys(_pairs(_AMOUNTS, _LIMITS), "number"),
    **dict.fromkeys(_pairs(("cik",), _WINDOW), "number"),
    # tickers, in alphabetical order (``AAPL`` before ``MSFT``), as the vendor filters them
    **dict.fromkeys(_pairs(("ticker", "minTicker", "maxTicker"), _WINDOW), "text"),
}
"""(lower bound's wire name, upper bound's wire name) -> how their values compare: ``"time"``,
``"number"`` or ``"text"`` (alphabetical). Any operation with both parameters has that range."""

UNORDERED: dict[tuple[str, str], str] = dict.fromkeys(
    _pairs(("timeframe",), _WINDOW), "a period's name (annual, quarterly, ttm): no order"
)
"""Pairs named as a range's ends whose values are not checked against each other, and why."""


def is_strict(wire: str) -> bool:
    """Whether range end ``wire`` excludes its own value (``strikePriceGt``, ``dateBefore``,
    ``priceAbove``); ``...Gte``, ``...From``, ``...Min``, ``from``... include it."""
    return wire.endswith(_STRICT)


def day_bound(day: date, upper: bool, strict: bool) -> tuple[datetime, bool]:
    """A day given as a range's end, as the instant its range stops at and whether that
    instant is excluded: a day includes every instant of it, so "after" a day starts with the
    next one and "to" a day ends with it."""
    start = datetime(day.year, day.month, day.day, tzinfo=UTC)
    after = start + timedelta(days=1)
    if upper:
        return (start, True) if strict else (after, True)
    return (after, False) if strict else (start, False)


def range_problem(low: tuple[Any, bool], high: tuple[Any, bool]) -> str | None:
    """Why a range of ends ``low`` and ``high`` (each its value, as the range compares it, and
    whether it excludes that value) holds no value: ``"backwards"`` (the start is after the
    end), ``"empty"`` (equal ends, one excluding it), else None."""
    (a, a_strict), (b, b_strict) = low, high
    if a > b:
        return "backwards"
    if a == b and (a_strict or b_strict):
        return "empty"
    return None


def empty_ranges(
    given: Mapping[str, Any], read: Callable[[str, Any, bool, bool], tuple[Any, bool] | None]
) -> Iterator[tuple[str, str, str]]:
    """The ranges of :data:`RANGES` that hold no value for ``given`` (values by wire name;
    absent or None: not given): (lower bound's wire name, upper bound's, why: ``"backwards"``
    or ``"empty"``, :func:`range_problem`). ``read(kind, value, upper, strict)`` gives an end
    as its range compares it, and whether it excludes it; None (it cannot be read so) leaves
    the range to the end's own check."""
    for (low, high), kind in RANGES.items():
        first, last = given.get(low), given.get(high)
        if first is None or last is None:
            continue
        a = read(kind, first, False, is_strict(low))
        b = read(kind, last, True, is_strict(high))
        problem = range_problem(a, b) if a is not None and b is not None else None
        if problem is not None:
            yield low, high, problem


COUNT_PARAMS = frozenset({"limit", "size", "pageSize", "page_size", "perPage", "countback"})
"""Query parameters (integer, or a whole number as text) that say how many items to answer."""

LENGTH_PARAMS = frozenset(
    {"timeperiod", "fast_period", "slow_period", "signal_period", "period", "multiplier"}
)
"""Integer query parameters that are a length in bars (the technical indicators' periods) or
a multiplier of a bar's size (the index bars' ``period``, the aggregates' ``multiplier``:
"Enter 1 or greater"): at least 1, as a count."""

PAGE_PARAMS = frozenset({"page"})
"""Query parameters that number a page: from 0 or from 1 (the spec leaves it UNCERTAIN,
``docs/uncertain.md``, but where :data:`FIRST_PAGES` says), so at least 0."""

FIRST_PAGES: dict[str, int] = {
    # finance-dev's documentation of ``page``: "1-based page number; 0 or omitted means 1"
    "search": 1,
}
"""Operation id -> the number of its first page, where the API documents one other than the 0
the pager starts from: its pages are numbered from there (a smaller number asks for the first
page), by the client's pager and the simulator alike. The parameter descriptions that say so
are finance-dev's, not in the API description (``tests/unit/test_documented_ranges.py``
compares the two)."""

OFFSET_PARAMS = frozenset({"skip"})
"""Query parameters that say how many items to skip (the ETF holdings' ``skip``): at least 0."""

COUNT_MAXIMA: dict[tuple[str, str], int] = {
    ("getOptionChainSnapshot", "limit"): 250,  # rest.md 13: 1-250
    ("getStockAggregates", "limit"): 50000,  # rest.md 9c: 1-50000
    ("searchSymbols", "limit"): 100,  # rest.md 7b: max 100
    # finance-dev's documentation of the parameter gives the range (a larger value it says
    # is clamped, as the prediction venue's ``limit`` and ``perPage``, is not listed)
    ("getBullBearAnalysis", "pageSize"): 200,
    ("getConferenceCalls", "page"): 100000,
    ("getConferenceCalls", "pageSize"): 1000,
    ("getDividends", "limit"): 5000,
    ("getMergersAndAcquisitions", "pageSize"): 1000,
    ("getOptionsActivity", "pageSize"): 1000,
    ("getStockSplits", "limit"): 5000,
    ("listIndices", "pageSize"): 1000,
    ("syncLogos", "pageSize"): 1000,
}
"""(operation id, wire name) -> the largest value the API documents for that count, page
number or page size; a larger one is refused (the client's check, the simulator's 400)."""


def count_minimum(schema: dict[str, object]) -> int:
    """The least count a parameter of :data:`COUNT_PARAMS` takes: its schema's ``minimum``,
    else 1 (none answers zero items on purpose; a negative count is a mistake)."""
    minimum = schema.get("minimum")
    return minimum if isinstance(minimum, int) and not isinstance(minimum, bool) else 1


ZERO_MEANS_DEFAULT = frozenset({("getHistory", "limit"), ("search", "perPage")})
"""(operation id, wire name) of the counts for which the API documents ``0`` as "the default"
(finance-dev: "0 or omitted means 10000", "... means 20"): at least 0."""


BODY_COUNTS: dict[tuple[str, str], str] = {("PredMdHistoryRequest", "limit"): "getHistory"}
"""(schema, wire name) of a count in a request body, and the operation whose query parameter
of that name it is for each item (the history batch's ``queries[i].limit`` is the single
history's ``limit``): the body's count takes what that parameter takes (:func:`count_bounds`),
where its schema says only "integer"."""


VALUE_BOUNDS: dict[tuple[str, str], tuple[int, int]] = {
    # finance-dev: "Corner radius for generated composite logos. Enter a value from 0 to 50"
    ("searchLogos", "compositeRadius"): (0, 50),
    ("syncLogos", "compositeRadius"): (0, 50),
    # Not getRatings' ``importance``: "Minimum importance level to include. Use higher values
    # to filter for more market-moving events or ratings" gives no range, and the ratings'
    # own ``importance`` none either (the calendars' events document 1-5 and 1-3).
}
"""(operation id, wire name) -> (least, largest) of a whole-number parameter that is no count
but whose documentation gives its range of values; a value outside is refused as a count out
of its bounds is."""


LIST_MAXIMA: dict[tuple[str, str], int] = {
    # finance-dev's documentation of the parameter: "(max 50)", "Maximum 10 symbols per
    # request", "Maximum 10 topics per request", "(maximum 250)"
    ("getConferenceCalls", "tickers"): 50,
    ("getNews", "symbols"): 10,
    ("getNews", "topics"): 10,
    ("getUnifiedSnapshot", "tickersAnyOf"): 250,
}
"""(operation id, wire name) -> the largest number of items of a comma-separated list the API
documents for that parameter; a longer list is refused (the client's check, the simulator's
400), counted as :func:`list_length` counts it."""


def list_length(text: str) -> int:
    """How many items the comma-separated list ``text`` names (``"AAPL,MSFT"``: 2)."""
    return text.count(",") + 1


def count_bounds(op_id: str, wire: str, schema: dict[str, object]) -> tuple[int, int | None] | None:
    """(least, largest or None) of parameter ``wire`` of operation ``op_id`` when it is a count
    (:func:`count_minimum`), a length or multiplier (1), a page number or an offset (0), with
    its documented largest (:data:`COUNT_MAXIMA`), or a value of a documented range
    (:data:`VALUE_BOUNDS`); None when it is none of these."""
    if (op_id, wire) in VALUE_BOUNDS:
        return VALUE_BOUNDS[op_id, wire]
    if (op_id, wire) in ZERO_MEANS_DEFAULT:
        least = 0
    elif wire in COUNT_PARAMS:
        least = count_minimum(schema)
    elif wire in LENGTH_PARAMS and schema.get("type") == "integer":
        least = 1
    elif wire in PAGE_PARAMS | OFFSET_PARAMS and schema.get("type") == "integer":
        least = 0
    else:
        return None
    return least, COUNT_MAXIMA.get((op_id, wire))
