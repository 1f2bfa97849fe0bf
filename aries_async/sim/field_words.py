"""Words of the simulator's answers that were placeholders made of a ticker and the field's name
(``"AAPL aggressor ind"``, ``"SPX index group"``): company records, calls, calendars, ESG
disclosures, ETF and index details, screener rows and unusual option trades.

:data:`WORD_ROWS` are rows of the :data:`~aries_async.sim.field_rules.RULES` table, next to
:data:`~aries_async.sim.field_texts.TEXT_ROWS`. Each follows finance-dev's model description of
the field ("Type of activity (SWEEP, BLOCK, LARGE, UNUSUAL)", "Reference period (e.g.
Feb/21)", "Index group classification"); where it leaves the value open, the simulator picks
from a small table by the item, so the seed fixes it. Made-up links stay under
``example.com``.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable
from datetime import timedelta

from aries_async.sim.answer import Answer, Item
from aries_async.sim.field_values import const, hashed_digits, is_etf
from aries_async.sim.schema_walk import OMIT, Rule

__all__ = ["WORD_ROWS", "period_of"]

_Row = tuple[str, str, tuple[str, ...], Callable[[str, str], Rule | None]]
_TEXT = ("string",)


def _r(rule: Rule) -> Callable[[str, str], Rule | None]:
    return lambda name, kind: rule


def _choice(it: Item, name: str, options: tuple[str, ...]) -> str:
    """One of ``options``, fixed by the item and ``name``."""
    return options[int(it.unit(name) * len(options))]


def _of_symbol(symbol: str, name: str, options: tuple[str, ...]) -> str:
    """One of ``options``, fixed by the symbol and ``name`` (the same in every answer)."""
    return options[zlib.crc32(f"{name}:{symbol}".encode()) % len(options)]


# Answers about earnings reports: a report (a call) is about the quarter that ended before it
_REPORTING = frozenset({"getEarningsCalendar", "getEarningsCallLive"})


def period_of(a: Answer, it: Item) -> tuple[int, int]:
    """The year and quarter an item is about: its own time's calendar quarter, except for an
    earnings report or call, which reports the last quarter ended before it (a December call
    reports the third quarter, a January one the fourth of the year before). The simulated
    companies keep calendar years: no fiscal calendar is simulated."""
    year, quarter = it.when.year, (it.when.month - 1) // 3 + 1
    if a.op["id"] not in _REPORTING:
        return year, quarter
    return (year, quarter - 1) if quarter > 1 else (year - 1, 4)


def _quarter(a: Answer, it: Item) -> str:
    year, quarter = period_of(a, it)
    return f"Q{quarter} {year}"


def _call_link(it: Item, what: str) -> str:
    return f"https://example.com/{it.symbol.lower()}/earnings-call/{it.when:%Y-%m-%d}/{what}"


# -- company records ----------------------------------------------------------------------------


def _alias(a: Answer, it: Item) -> str:
    """Other names of the company: its name's first word and its ticker (``Apple, AAPL``)."""
    return f"{a.name_of(it.symbol).split(' ')[0].rstrip(',.')}, {it.symbol}"


def _ipo(it: Item) -> str:
    """The day the company listed, between 1980 and 2014 (by its ticker)."""
    digest = zlib.crc32(f"ipo:{it.symbol}".encode())
    return f"{1980 + digest % 35}-{1 + digest // 35 % 12:02d}-{1 + digest // 420 % 28:02d}"


def _spun_off(symbol: str) -> str:
    """The ticker of a company spun off ``symbol`` (its first letters and ``S``)."""
    return symbol.replace(".", "")[:3] + "S"


# -- calendars ----------------------------------------------------------------------------------

# US releases whose figures read in percent, as the calendar's actual and forecast do: each
# with its category and the agency that publishes it (not a filing's form: the calendar's
# source is who put the figure out)
_BLS, _BEA = "U.S. Bureau of Labor Statistics", "U.S. Bureau of Economic Analysis"
_RELEASES: dict[str, tuple[str, str]] = {
    "Unemployment Rate": ("Employment", _BLS),
    "Inflation Rate YoY": ("Inflation", _BLS),
    "Core Inflation Rate YoY": ("Inflation", _BLS),
    "Core PCE Price Index YoY": ("Inflation", _BEA),
    "GDP Growth Rate QoQ Adv": ("Growth", _BEA),
    "Fed Interest Rate Decision": ("Interest Rate", "Federal Reserve"),
}
_SOURCE_URLS = {
    _BLS: "https://www.bls.gov",
    _BEA: "https://www.bea.gov",
    "Federal Reserve": "https://www.federalreserve.gov",
}
# Each release's indicator code, its ``symbol`` and ``ticker`` (finance-dev: "Economic indicator
# symbol"): a release is about the economy, not a company, so it names no stock
_INDICATORS = {
    "Unemployment Rate": "USURTOT",
    "Inflation Rate YoY": "CPIYOY",
    "Core Inflation Rate YoY": "USCCPIYOY",
    "Core PCE Price Index YoY": "USPCECYOY",
    "GDP Growth Rate QoQ Adv": "GDPCQOQ",
    "Fed Interest Rate Decision": "FDTR",
}
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def _reference(it: Item) -> str:
    """The period a release is about: the month before the one it comes out in (``Nov/25``)."""
    month = (it.when.replace(day=1) - timedelta(days=1)).date()
    return f"{_MONTHS[month.month - 1]}/{month:%y}"


def _event(a: Answer, it: Item) -> str:
    """An economic release's name, or an earnings call's title."""
    if a.op["id"] == "getEconomicsCalendar":
        return _choice(it, "release", tuple(_RELEASES))
    return f"{a.name_of(it.symbol)} {_quarter(a, it)} Earnings Call"


# -- ETFs and indices ---------------------------------------------------------------------------

_TRACKED = {
    "SPY": "S&P 500 Index",
    "IVV": "S&P 500 Index",
    "VOO": "S&P 500 Index",
    "QQQ": "NASDAQ-100 Index",
    "DIA": "Dow Jones Industrial Average",
    "IWM": "Russell 2000 Index",
    "VTI": "CRSP US Total Market Index",
}
_GROUPS = {"SPX": "S&P", "NDX": "NASDAQ", "DJI": "Dow Jones", "RUT": "Russell", "VIX": "Cboe"}


def _index_group(it: Item) -> str:
    return _GROUPS.get(it.symbol.split(".", 1)[0].upper(), "S&P")


# -- unusual option trades ----------------------------------------------------------------------


def _underlying_type(a: Answer, it: Item) -> str:
    """``STOCK``, ``ETF`` or ``INDEX`` for the trade's underlying."""
    if it.symbol.upper() in _GROUPS:
        return "INDEX"
    return "ETF" if is_etf(a, it) else "STOCK"


def _execution(it: Item) -> str:
    """Where the trade was estimated to fill: ``AT_BID``, ``AT_ASK`` or ``AT_MID``."""
    return _choice(it, "execution", ("AT_BID", "AT_ASK", "AT_MID"))


# Who crossed the spread, as the fill's place says: a buyer lifts the ask, a seller hits the bid
_AGGRESSOR = {"AT_ASK": "BUYER", "AT_BID": "SELLER", "AT_MID": "NEUTRAL"}


# fmt: off
WORD_ROWS: tuple[_Row, ...] = (
    # company profile, metrics, ratings, revenue breakdown, spinoffs
    (r"^alias$", "", _TEXT, _r(_alias)),
    (r"^ipo$", "", ("string", "date"), _r(lambda a, it: _ipo(it))),
    (r"^metricType$", "", _TEXT, _r(lambda a, it: a.params.get("metric", "all"))),
    # a rating and a target the same as before (the rows repeat them): kept, not changed
    (r"^action_company$", "", _TEXT,
     _r(lambda a, it: _choice(it, "action", ("Maintains", "Reiterates")))),
    (r"^action_pt$", "", _TEXT, _r(const("Maintains"))),
    (r"^axis$", "", _TEXT, _r(lambda a, it: _choice(it, "axis", (
        "srt:ProductOrServiceAxis", "us-gaap:StatementBusinessSegmentsAxis",
        "srt:StatementGeographicalAxis")))),
    (r"^fromCompanyName$", "", _TEXT, _r(lambda a, it: a.name_of(it.symbol))),
    (r"^toSymbol$", "", _TEXT, _r(lambda a, it: _spun_off(it.symbol))),
    (r"^toCompanyName$", "", _TEXT,
     _r(lambda a, it: f"{a.name_of(it.symbol).split(' ')[0].rstrip(',.')} Spinco Inc.")),
    (r"^ratio$", r"^spinoffs$", _TEXT,
     _r(lambda a, it: _choice(it, "ratio", ("1:1", "1:2", "1:3")))),
    # ESG disclosures
    (r"^antitrust$", "", _TEXT, _r(lambda a, it: _choice(it, "antitrust", (
        "No material antitrust proceedings disclosed.",
        "Subject to an antitrust review of its app distribution by the European Commission.",
        "Party to a civil antitrust suit by the U.S. Department of Justice.")))),
    (r"^pesticides$", "", _TEXT,
     _r(const("Not applicable: the company neither makes nor sells pesticides."))),
    (r"^carbonReductionPolicy$", "", _TEXT, _r(lambda a, it: _choice(it, "carbon", (
        "Carbon neutral across its own operations; net zero across its supply chain by 2030.",
        "Science-based target to cut scope 1 and 2 emissions by half by 2030.",
        "Renewable electricity for all its data centers and offices by 2025.")))),
    # conference and earnings calls
    (r"^accessCode$", "", _TEXT, _r(lambda a, it: hashed_digits(it, "access", 7))),
    (r"^internationalNum$", "", _TEXT,
     _r(lambda a, it: "+1 212 555 0" + hashed_digits(it, "dial", 3))),
    (r"^event$", "", _TEXT, _r(_event)),
    (r"^reference$", "", _TEXT, _r(lambda a, it: _reference(it))),
    # an economic release's category and publisher: its release's, in percent
    (r"^category$", r"^events$", _TEXT, _r(lambda a, it: _RELEASES[_event(a, it)][0])),
    (r"^source$", r"^events$", _TEXT, _r(lambda a, it: _RELEASES[_event(a, it)][1])),
    (r"^sourceUrl$", r"^events$", _TEXT,
     _r(lambda a, it: _SOURCE_URLS[_RELEASES[_event(a, it)][1]])),
    (r"^unit$", r"^events$", _TEXT, _r(const("%"))),
    (r"^(symbol|ticker)$", r"^events$", _TEXT, _r(lambda a, it: _INDICATORS[_event(a, it)])),
    (r"^liveAudio$", "", _TEXT, _r(lambda a, it: _call_link(it, "live"))),
    (r"^(recording|audio)$", "", _TEXT, _r(lambda a, it: _call_link(it, "recording.mp3"))),
    # ETFs and indices
    (r"^trackingIndex$", "", _TEXT,
     _r(lambda a, it: _TRACKED.get(it.symbol.upper(), "S&P 500 Index"))),
    (r"^investmentSegment$", "", _TEXT,
     _r(lambda a, it: _of_symbol(it.symbol, "segment", (
         "Equity: U.S. - Large Cap", "Equity: U.S. - Total Market", "Equity: U.S. - Technology")))),
    (r"^indexGroup$", "", _TEXT, _r(lambda a, it: _index_group(it))),
    (r"^timing$", "", _TEXT, _r(const("RealTime"))),
    # screener rows: a tag whose number is a ratio or a margin; no text for a number
    (r"^tag$", "", _TEXT, _r(lambda a, it: ("pricetoearnings", "grossmargin", "operatingmargin")[
        it.index % 3])),
    (r"^text_value$", "", _TEXT, _r(const(OMIT))),
    (r"^code$", r"^security$", _TEXT, _r(const("EQS"))),
    # unusual option trades
    (r"^optionActivityType$", "", _TEXT,
     _r(lambda a, it: _choice(it, "activity", ("SWEEP", "BLOCK", "LARGE", "UNUSUAL")))),
    (r"^executionEstimate$", "", _TEXT, _r(lambda a, it: _execution(it))),
    (r"^aggressorInd$", "", _TEXT, _r(lambda a, it: _AGGRESSOR[_execution(it)])),
    (r"^underlyingType$", "", _TEXT, _r(_underlying_type)),
    # a day's open and close: the day asked for
    (r"^from$", "", _TEXT, _r(lambda a, it: a.params.get("date", f"{it.when:%Y-%m-%d}"))),
    (r"^message$", r"^results$", _TEXT, _r(const(OMIT))),
)
# fmt: on
