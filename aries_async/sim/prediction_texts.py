"""What the simulator's prediction-market events and contracts say in words: their names,
questions, the agency that publishes the figure they settle on, and how it is measured.

The simulated contracts are threshold contracts on US economic releases
(:data:`~aries_async.sim.answer.CONTRACTS`): ``KXFED-26MAR-T4.00`` pays if the figure of its
series (``KXFED``: the Fed funds rate) for its date (``26MAR``: March 2026) comes in above its
strike (``T4.00``: 4.00 percent). The texts are built from those three parts, so they are the
same for a ticker whatever the seed. Neither the spec nor finance-dev words them (its models
type them as strings: "The venue's name for this base event"); the forms here are the
simulator's choices, read as a venue lists its markets ("Fed funds rate above 4.00% on Mar
2026"). A ticker of a series the table does not know reads as the ticker itself.
"""

from __future__ import annotations

import re
from typing import NamedTuple

__all__ = [
    "SERIES",
    "Series",
    "base_event_name",
    "contract_question",
    "contract_title",
    "date_phrase",
    "event_question",
    "event_title",
    "series_of",
]


class Series(NamedTuple):
    """What a series is about, in words."""

    name: str
    """What the series measures, as a title starts: ``Fed funds rate``."""
    subject: str
    """The same within a sentence: ``the Fed funds rate``."""
    agency: str
    """The agency that publishes the figure (an event's ``sourceAgency``)."""
    agency_url: str
    """The agency's site (``sourceAgencyUrl``)."""
    method: str
    """How the figure is taken (``calculationMethod``)."""
    spec: str
    """The published statistic the contract settles on (``underlyingSpec``)."""


SERIES: dict[str, Series] = {
    "KXFED": Series(
        "Fed funds rate",
        "the Fed funds rate",
        "Federal Reserve",
        "https://www.federalreserve.gov",
        "The upper bound of the federal funds target range announced in the FOMC statement "
        "after the meeting.",
        "Federal funds target range, upper bound, in percent",
    ),
    "KXCPI": Series(
        "CPI inflation",
        "CPI inflation",
        "Bureau of Labor Statistics",
        "https://www.bls.gov",
        "The 12-month percent change in the Consumer Price Index for All Urban Consumers, "
        "not seasonally adjusted, as first released.",
        "CPI-U, all items, 12-month percent change",
    ),
    "KXGDP": Series(
        "GDP growth",
        "GDP growth",
        "Bureau of Economic Analysis",
        "https://www.bea.gov",
        "The percent change in real GDP at a seasonally adjusted annual rate, in the advance "
        "estimate.",
        "Real gross domestic product, percent change at an annual rate",
    ),
    "KXUNRATE": Series(
        "Unemployment rate",
        "the unemployment rate",
        "Bureau of Labor Statistics",
        "https://www.bls.gov",
        "The seasonally adjusted unemployment rate (U-3) in the Employment Situation report, "
        "as first released.",
        "Unemployment rate, U-3, seasonally adjusted, in percent",
    ),
}
"""The simulated series by their ticker prefix, as :data:`~aries_async.sim.prediction_events.
CATEGORY_LEVELS` files them."""

_MONTHS = ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC")
# An event's date code: ``26MAR`` (a month), ``26MAR18`` (a day) or ``26Q1`` (a quarter).
_DATE_CODE = re.compile(r"-(\d{2})(?:(" + "|".join(_MONTHS) + r")(\d{2})?|Q([1-4]))(?=-|$)")
_STRIKE = re.compile(r"-T(\d+(?:\.\d+)?)$")


def series_of(ticker: str) -> Series | None:
    """The series of the event (contract) ``ticker``, or None for one the table lacks."""
    return SERIES.get(ticker.split("-", 1)[0].upper())


def date_phrase(ticker: str) -> str | None:
    """The date the event ``ticker`` is about, as a title writes it: ``Mar 2026``,
    ``Mar 18, 2026``, ``Q1 2026``; None when its ticker has no date code."""
    found = _DATE_CODE.search(ticker.upper())
    if found is None:
        return None
    year, month, day, quarter = found.groups()
    if quarter is not None:
        return f"Q{quarter} 20{year}"
    name = month.title()
    return f"{name} {int(day)}, 20{year}" if day else f"{name} 20{year}"


def _parts(ticker: str) -> tuple[Series, str] | None:
    series, when = series_of(ticker), date_phrase(ticker)
    return None if series is None or when is None else (series, when)


def base_event_name(ticker: str) -> str:
    """A base event's ``displayName``: its series and year (``Fed funds rate 2026``)."""
    parts = _parts(ticker)
    return ticker if parts is None else f"{parts[0].name} {parts[1][-4:]}"


def event_title(ticker: str) -> str:
    """An event's ``eventDisplayName``: its series and date (``Fed funds rate on Mar 2026``)."""
    parts = _parts(ticker)
    return ticker if parts is None else f"{parts[0].name} on {parts[1]}"


def event_question(ticker: str) -> str:
    """An event's ``eventQuestion``: ``What will the Fed funds rate be on Mar 2026?``."""
    parts = _parts(ticker)
    return ticker if parts is None else f"What will {parts[0].subject} be on {parts[1]}?"


def contract_title(ticker: str) -> str:
    """A contract's ``description``: its event and strike (``Fed funds rate above 4.00% on
    Mar 2026``, the strike as its ticker writes it); its event's title without a strike."""
    parts, strike = _parts(ticker), _STRIKE.search(ticker)
    if parts is None or strike is None:
        return event_title(ticker)
    return f"{parts[0].name} above {strike.group(1)}% on {parts[1]}"


def contract_question(ticker: str) -> str:
    """A contract's ``question``: ``Will the Fed funds rate be above 4.00% on Mar 2026?``."""
    parts, strike = _parts(ticker), _STRIKE.search(ticker)
    if parts is None or strike is None:
        return event_question(ticker)
    return f"Will {parts[0].subject} be above {strike.group(1)}% on {parts[1]}?"
