"""What the simulator's prediction-market events are about: their category paths, dates and
strikes.

A base event sits in the venue's category tree, broadest first: category, subcategory, then
region (finance-dev's ``PredMdBaseEvent.categoryLevels``; a few have fewer levels). The
simulated contracts (:data:`~aries_async.sim.answer.CONTRACTS`) are US economic releases, so
their series (the ticker up to its first dash: ``KXFED``) map onto economics paths; a series
the table does not know is filed under its category alone.

Beside the paths: the category tree (:func:`category_tree`), an event's published date
precision (:func:`time_specifier`) and how a contract's strike reads (:func:`evaluation_type`,
:func:`strike_unit`).
"""

from __future__ import annotations

import re
from typing import Any

__all__ = [
    "CATEGORY_LEVELS",
    "OUTCOMES",
    "PRICE_SCALE",
    "category_levels",
    "category_tree",
    "evaluation_type",
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


def strike_unit(ticker: str) -> str | None:
    """The unit of the contract's ``strikeValue``: ``percent`` for the simulated series (a
    rate, an inflation, a growth figure, all in percent); None for another series."""
    return "percent" if ticker.split("-", 1)[0].upper() in CATEGORY_LEVELS else None
