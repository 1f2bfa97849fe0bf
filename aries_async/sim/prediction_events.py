"""What the simulator's prediction-market events are about: their category paths, dates and
strikes.

A base event sits in the venue's category tree, broadest first: category, subcategory, then
region (finance-dev's ``PredMdBaseEvent.categoryLevels``; a few have fewer levels). The
simulated contracts (:data:`~aries_async.sim.answer.CONTRACTS`) are US economic releases, so
their series (the ticker up to its first dash: ``KXFED``) map onto economics paths; a series
the table does not know is filed under its category alone.

A request naming an event (``ev-fed-2026-03`` or ``KXFED-26MAR``) or a base event
(``be-fed-2026`` or ``KXFED``) of a known series is about that series only
(:func:`series_contracts`): an event's contracts are strikes of its release, a base event's
events its releases month by month (quarter by quarter).

Beside the paths: the category tree (:func:`category_tree`), an event's published date
precision (:func:`time_specifier`) and how a contract's strike reads (:func:`evaluation_type`,
:func:`strike_unit`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

__all__ = [
    "CATEGORY_LEVELS",
    "OUTCOMES",
    "PRICE_SCALE",
    "base_event_id",
    "category_levels",
    "category_tree",
    "evaluation_type",
    "event_ticker",
    "series_contracts",
    "strike_text",
    "strike_unit",
    "time_specifier",
]

CATEGORY_LEVELS: dict[str, tuple[str, ...]] = {
    "KXFED": ("Economics", "Interest Rates", "United States"),
    "KXCPI": ("Economics", "Inflation", "United States"),
    "KXGDP": ("Economics", "Growth", "United States"),
    "KXUNRATE": ("Economics", "Employment", "United States"),
}
"""The category path of each simulated series, broadest first."""

_UNFILED = ("Economics",)


def category_levels(ticker: str) -> tuple[str, ...]:
    """The category path of the event (or contract) ``ticker``, broadest first."""
    return CATEGORY_LEVELS.get(ticker.split("-", 1)[0].upper(), _UNFILED)


_MONTHS = ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC")
# An event's date code: ``26MAR`` (a month), ``26MAR18`` (a day) or ``26Q1`` (a quarter).
_DATE_CODE = re.compile(r"-(\d{2})(?:(" + "|".join(_MONTHS) + r")(\d{2})?|Q[1-4])(?=-|$)")
_THRESHOLD = re.compile(r"-T\d+(?:\.\d+)?$")

PRICE_SCALE = "100"
"""A contract's ``priceScale``: its prices are in hundredths of the dollar it pays (cent ticks),
as the chart symbol info's ``pricescale`` counts them."""

OUTCOMES = ("yes", "no")
"""A contract's ``symbolSubTypes``: the two outcomes an order names."""


def category_tree() -> list[dict[str, Any]]:
    """The category tree over the simulated series (finance-dev ``PredMdCategory``): each node
    with its ``name``, its ``path`` (every level from the top down to it, joined by
    ``" > "``) and its ``children`` ordered by name (none on a leaf)."""
    tree: dict[str, Any] = {}
    for levels in CATEGORY_LEVELS.values():
        node = tree
        for level in levels:
            node = node.setdefault(level, {})
    return _nodes(tree, "")


def _nodes(tree: dict[str, Any], above: str) -> list[dict[str, Any]]:
    out = []
    for name in sorted(tree):
        path = f"{above} > {name}" if above else name
        node: dict[str, Any] = {"name": name, "path": path}
        if tree[name]:
            node["children"] = _nodes(tree[name], path)
        out.append(node)
    return out


def time_specifier(ticker: str) -> str | None:
    """The published precision of the date the event (contract) ``ticker`` is about,
    ``YYYY``, ``YYYY.MM`` or ``YYYY.MM.DD`` (finance-dev ``PredMdEvent.timeSpecifier``), from
    its date code: ``26MAR`` is ``2026.03``, ``26MAR18`` ``2026.03.18``, a quarter (``26Q1``)
    its year; None when it has none."""
    found = _DATE_CODE.search(ticker.upper())
    if found is None:
        return None
    year, month, day = found.groups()
    if month is None:
        return f"20{year}"
    spec = f"20{year}.{_MONTHS.index(month) + 1:02d}"
    return f"{spec}.{day}" if day else spec


def evaluation_type(ticker: str) -> str | None:
    """How the contract ``ticker`` settles against its strike: ``above`` for a threshold
    contract (``-T4.00``: yes if the figure comes in above it); None for another."""
    return "above" if _THRESHOLD.search(ticker) else None


def strike_text(ticker: str) -> Decimal | None:
    """The strike the contract ``ticker`` names, to the places it names (``-T4.00``:
    ``Decimal("4.00")``, sent as ``"4.00"``, not the number's shortest form ``"4"``); None for
    a ticker naming none."""
    found = _THRESHOLD.search(ticker)
    return Decimal(found.group(0)[2:]) if found else None


def strike_unit(ticker: str) -> str | None:
    """The unit of the contract's ``strikeValue``: ``percent`` for the simulated series (a
    rate, an inflation, a growth figure, all in percent); None for another series."""
    return "percent" if ticker.split("-", 1)[0].upper() in CATEGORY_LEVELS else None


# An event or base event id of the venue's spelling: ``ev-fed-2026-03``, ``ev-gdp-2026-q1``,
# ``be-fed-2026``; the series is the word after the prefix (``fed``: ``KXFED``).
_VENUE_ID = re.compile(r"^(ev|be)-([a-z]+)(?:-20(\d{2})(?:-(\d{2})|-q([1-4]))?)?$", re.I)
_RELEASES = 6
"""How many releases of its series a base event lists before repeating them at other strikes."""


def series_contracts(params: dict[str, str], contracts: Sequence[str]) -> list[str] | None:
    """The contracts a request naming an event or a base event of a known series is about:
    for an event, the series' contract of ``contracts`` at the event's date (its further
    strikes follow it in the answer); for a base event, that contract at the series' next
    releases, one per event. None when the request names neither, or a series none of
    ``contracts`` is of."""
    for name, base in (("eventId", False), ("baseEventId", True)):
        named = params.get(name)
        if not named:
            continue
        series, code = _series_and_date(named)
        template = next((c for c in contracts if c.split("-", 1)[0] == series), None)
        if template is None:
            return None
        _, first, strike = template.split("-", 2)
        code = code or first
        return [f"{series}-{c}-{strike}" for c in _dates(code, _RELEASES if base else 1)]
    return None


def base_event_id(ticker: str) -> str | None:
    """The venue's id of the base event of the contract ``ticker``'s series and year
    (``KXFED-26MAR-T4.00``: ``be-fed-2026``); None for a ticker of no known series or date."""
    series = ticker.split("-", 1)[0].upper()
    found = _DATE_CODE.search(ticker.upper())
    if series not in CATEGORY_LEVELS or found is None:
        return None
    return f"be-{series[2:].lower()}-20{found.group(1)}"


def event_ticker(ticker: str) -> str | None:
    """The ticker of the event of the contract ``ticker`` of a known series, its series and
    date (``KXFED-26MAR-T4.00``: ``KXFED-26MAR``), as ``/v1/predictions/events/{eventId}``
    takes it; None for a ticker of no known series or date."""
    if base_event_id(ticker) is None:
        return None
    return "-".join(ticker.upper().split("-")[:2])


def _series_and_date(named: str) -> tuple[str, str | None]:
    """The series (``KXFED``) and date code (``26MAR``, ``26Q1``, None) an event or base
    event id names, in either spelling."""
    venue = _VENUE_ID.match(named)
    if venue is None:  # the ticker spelling: KXFED-26MAR, KXFED
        series, _, code = named.upper().partition("-")
        return series, code or None
    _, word, year, month, quarter = venue.groups()
    series = "KX" + word.upper()
    if year is None or (month is None and quarter is None):
        return series, None
    if quarter is not None:
        return series, f"{year}Q{quarter}"
    if not 1 <= int(month) <= 12:
        return series, None
    return series, f"{year}{_MONTHS[int(month) - 1]}"


def _dates(code: str, count: int) -> list[str]:
    """``count`` date codes from ``code`` on: months (``26MAR``, ``26APR``...), quarters
    (``26Q1``, ``26Q2``...); a code of neither form alone."""
    found = re.fullmatch(r"(\d{2})(?:(" + "|".join(_MONTHS) + r")|Q([1-4]))", code)
    if found is None:
        return [code]
    year, month, quarter = int(found.group(1)), found.group(2), found.group(3)
    if month is not None:
        start = year * 12 + _MONTHS.index(month)
        return [f"{m // 12:02d}{_MONTHS[m % 12]}" for m in range(start, start + count)]
    start = year * 4 + int(quarter) - 1
    return [f"{q // 4:02d}Q{q % 4 + 1}" for q in range(start, start + count)]
