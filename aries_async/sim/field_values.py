"""The values of the simulator's description-driven answers: what a field's rule computes.

A rule takes the :class:`~aries_async.sim.answer.Answer` (the request) and the
:class:`~aries_async.sim.answer.Item` (the element being built) and returns a plain value; which
field gets which rule is the table of :mod:`~aries_async.sim.field_rules`. Here: the vocabulary
(``data/words.json``), the rule makers, and the computations.

The domain in short: symbols echo the request; prices sit near the symbol's simulated price
(open/high/low/close consistent); option fields come from the item's contract (strike, expiry,
premium, greeks); volumes are positive integers; percentages stay in range; times fall in the
requested window; ids are stable; statement lines are shares of one revenue, outflows negative.
"""

from __future__ import annotations

import json
import re
import zlib
from collections.abc import Callable
from datetime import datetime, timedelta
from importlib.resources import files
from typing import Any

from aries_async.sim.answer import Answer, Item
from aries_async.sim.clock import NEW_YORK
from aries_async.sim.prediction_events import event_ticker
from aries_async.sim.schema_walk import OMIT, Rule
from aries_async.sim.symbols import shares_outstanding

__all__ = [
    "PEOPLE",
    "PERSON_FIELDS",
    "RATINGS",
    "SECTORS",
    "TEXT_FIELDS",
    "WORDS",
    "break_even",
    "change",
    "change_percent",
    "const",
    "echo_or",
    "eps",
    "event_id",
    "greek",
    "hashed_digits",
    "headline",
    "is_etf",
    "osi_or_symbol",
    "pick",
    "price",
    "put_call",
    "right_word",
    "screener_type",
    "shares",
    "stable_id",
    "stable_int_id",
    "statement_line",
    "target",
    "text_time",
    "thesis",
    "time_rule",
    "timeframe",
    "typical",
    "underlying",
]

_VOCABULARY = json.loads(files("aries_async.sim").joinpath("data/words.json").read_text("utf-8"))
SECTORS: tuple[tuple[str, str], ...] = tuple(tuple(pair) for pair in _VOCABULARY["sectors"])
PEOPLE: tuple[str, ...] = tuple(_VOCABULARY["people"])
RATINGS: tuple[str, ...] = tuple(_VOCABULARY["ratings"])
PERSON_FIELDS = frozenset(_VOCABULARY["person_fields"])
TEXT_FIELDS = frozenset(_VOCABULARY["text_fields"])
WORDS: dict[str, tuple[str, ...]] = {k: tuple(v) for k, v in _VOCABULARY["words"].items()}
"""Fields with a small vocabulary (``data/words.json``)."""


def pick(options: tuple[Any, ...]) -> Rule:
    """A rule: one of ``options``, by the item's index."""
    return lambda a, it: options[it.index % len(options)]


def const(value: Any) -> Rule:
    """A rule: always ``value``."""
    return lambda a, it: value


def echo_or(default: Rule) -> Callable[[str], Rule]:
    """A rule maker by field name: the request's parameter of that name, else ``default``."""
    return lambda name: lambda a, it: a.params.get(name) or default(a, it)


def hashed_digits(it: Item, name: str, digits: int) -> str:
    """``digits`` digits fixed by the item's symbol and ``name`` (CIK, CUSIP, SIC...)."""
    return str(zlib.crc32(f"{it.symbol}:{name}".encode()) % 10**digits).zfill(digits)


def _text_id(a: Answer, name: str, symbol: str, index: int) -> str:
    digest = zlib.crc32(f"{a.op['id']}:{name}:{symbol}:{index}".encode(), a.seed)
    return f"{symbol.lower().replace('/', '')}-{digest:08x}"


def stable_id(name: str) -> Rule:
    """A rule: a text id fixed by the operation, the field, the item and the seed."""
    return lambda a, it: _text_id(a, name, it.symbol, it.index)


def event_id(a: Answer, it: Item) -> str:
    """The ``eventId`` of a prediction event, or of the event whose contracts list the item:
    the id the event itself carries, its ticker (the same in every answer and call)."""
    symbol, index = it.event or (it.symbol, it.index)
    return event_ticker(symbol) or _text_id(a, "eventId", symbol, index)


def stable_int_id(name: str) -> Rule:
    """A rule: a positive integer id fixed by the field and the item."""
    return lambda a, it: 1 + zlib.crc32(f"{name}:{it.symbol}:{it.index}".encode()) % 999_999


# -- prices -------------------------------------------------------------------------------------


def price(a: Answer, it: Item) -> float:
    """The item's close (its contract's, for an option)."""
    return it.bar[3]


def underlying(a: Answer, it: Item) -> float:
    """The reference price of the item's ticker (an option's underlying)."""
    return it.price


def target(a: Answer, it: Item) -> float:
    """An analyst's price target: up to a quarter above the reference price."""
    return round(it.price * it.between("target", 1.0, 1.25), 2)


def break_even(a: Answer, it: Item) -> float:
    """An option's break-even price at expiry (the reference price for a stock)."""
    if it.option is None:
        return it.price
    sign = 1 if it.option.call else -1
    return round(it.option.strike + sign * it.bar[3], 2)


def change(a: Answer, it: Item) -> float:
    """Close minus open."""
    return round(it.bar[3] - it.bar[0], 2)


def change_percent(a: Answer, it: Item) -> float:
    """Close minus open, in percent of the open."""
    return it.change_percent


def is_etf(a: Answer, it: Item) -> bool:
    """Whether the symbol is an ETF in the simulated universe."""
    info = a.ctx.feed.symbols.get(it.symbol)
    return info is not None and info.is_etf


def typical(a: Answer, it: Item) -> float:
    """The typical price: high, low and close averaged."""
    return round(sum(it.bar[1:]) / 3, 2)


def greek(name: str) -> Rule:
    """A rule: the contract's greek ``name`` (omitted for a stock)."""
    # (+ 0.0: no "-0.0" for a theta that rounds to nothing)
    return lambda a, it: round(getattr(it.option.greeks, name), 4) + 0.0 if it.option else OMIT


# -- times --------------------------------------------------------------------------------------

_NANOS = re.compile(
    r"(?i)^(sipTimestamp|participantTimestamp|trfTimestamp|lastUpdated|fmvLastUpdated)$"
)
_MILLIS = re.compile(r"^(t|timestamp|sortTime|updated|time)$")
_OFFSETS = (("pay", 21), ("record", 2), ("declar", -14), ("announce", -14), ("expir", 30))
# a day: date, payDate, importantDates; not the instants dateTime, lastUpdate, updatedAt
_DAY = re.compile(r"(^date|Date)s?(?![a-z]|Time)")


def time_rule(name: str, kind: str) -> Rule:
    """A rule: a time in the requested window, shifted by the field's meaning (a pay date after, a
    declaration before), in the unit its name and ``kind`` say."""
    shift = next((days for word, days in _OFFSETS if word in name.lower()), 0)
    start = re.match(r"(?i)^(from|start|begin)", name) is not None

    def rule(a: Answer, it: Item) -> Any:
        if it.option is not None and "expir" in name.lower():
            return it.option.expiry
        # the answer's own from/start is where its window starts (its items end at "to")
        when = a.window[0] if it.root and start else it.when + timedelta(days=shift)
        if kind == "integer":
            seconds = int(when.timestamp())
            if _NANOS.match(name):
                return seconds * 1_000_000_000
            return seconds * 1000 if _MILLIS.match(name) else seconds
        return when.date() if _DAY.search(name) or kind == "date" else when

    return rule


_CLOCK = "%H:%M:%S"
_TEXT_TIMES: dict[tuple[str, str], str] = {
    # The time-like text of naming.TEXT_TIMES, as the official package documents it: a time
    # of day ("HH:MM:SS", "HH:MM AM/PM"), a start time "with timezone", a year. Written in
    # New York time, the exchanges' (the records carry their day beside them).
    ("Activity", "time"): _CLOCK,
    ("ConferenceCall", "time"): _CLOCK,
    ("EarningRelease", "time"): _CLOCK,
    ("EconomicsCalendarEvent", "time"): _CLOCK,
    ("Rating", "time"): _CLOCK,
    ("IndexBarResponseBar", "startTime"): "%I:%M %p",
    ("IndexBarResponseBar", "endTime"): "%I:%M %p",
    ("IndexBarsResponseBar", "startTime"): "%I:%M %p",
    ("IndexBarsResponseBar", "endTime"): "%I:%M %p",
    ("ChartBar", "startTime"): "%I:%M:%S %p",
    ("ChartBar", "endTime"): "%I:%M:%S %p",
    ("ConferenceCall", "startTime"): "%Y-%m-%d %I:%M %p %Z",
    ("IndicesRealtimeIndexValue", "time"): "%-I:%M:%S %p",  # "5:11:38 PM" (conventions.md)
    ("CompanyExecutive", "since"): "%Y",
}
"""(schema, wire name) -> the ``strftime`` form of a time field sent as text other than RFC
3339 (see :func:`text_time`)."""


def text_time(owner: str, wire: str) -> Callable[[str], str] | None:
    """What rewrites the time text of string field ``wire`` of schema ``owner`` in the form it
    has on the wire, when that is other than RFC 3339 (the fields ``apispec.naming.TEXT_TIMES``
    keeps as ``str``: a time of day, a year); None for the others. The text its rule gives is
    RFC 3339 (an index bar's echo of its request's window too); other text is left as it is."""
    form = _TEXT_TIMES.get((owner, wire))
    if form is None:
        return None

    def write(text: str) -> str:
        when = _instant(text)
        return text if when is None else when.astimezone(NEW_YORK).strftime(form)

    return write


def _instant(text: str) -> datetime | None:
    """The instant of an RFC 3339 text with its zone, else None (a day alone, other text)."""
    try:
        when = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return when if when.tzinfo is not None else None


# -- statements ---------------------------------------------------------------------------------


def _scale(it: Item) -> float:
    """A revenue figure for the item's company: larger for dearer stocks, as with real ones."""
    return (2e9 + it.price * 1e8) * (1 + 0.1 * (it.unit("~scale") - 0.5))


_STATEMENT: tuple[tuple[str, float], ...] = tuple(
    (pattern, share) for pattern, share in _VOCABULARY["statement_lines"]
)
"""A statement line's name pattern and its share of revenue (outflows negative)."""


def _amount(a: Answer, it: Item, share: float) -> float:
    return round(_scale(it) * share * it.between("~amount", 0.97, 1.03))


def statement_line(name: str) -> Rule | None:
    """A rule for a financial statement line named ``name`` (its share of revenue), or None."""
    for pattern, share in _STATEMENT:
        if re.search(pattern, name):
            return lambda a, it: _amount(a, it, share)
    return None


def eps(it: Item) -> float:
    """Earnings per share, at a price-to-earnings ratio between 18 and 32."""
    return round(it.price / it.between("pe", 18, 32), 2)


def shares(it: Item) -> int:
    """The company's shares outstanding: its one count (the equity details'), in every answer;
    a statement's earnings per share follow from them (:mod:`~aries_async.sim.agreement`)."""
    return shares_outstanding(it.symbol)


# -- names and labels ---------------------------------------------------------------------------


def timeframe(a: Answer, it: Item) -> str:
    """``quarterly`` for financials, else ``REAL-TIME``."""
    return "quarterly" if "/financials/" in a.op["path"] else "REAL-TIME"


def osi_or_symbol(a: Answer, it: Item) -> str:
    """The contract's OSI symbol (``O:`` first), or the item's symbol."""
    return ("O:" + it.option.osi) if it.option else it.symbol


def put_call(a: Answer, it: Item) -> str:
    """``put`` or ``call`` (``call`` for a stock)."""
    return "put" if it.option is not None and not it.option.call else "call"


def right_word(a: Answer, it: Item) -> str:
    """An option's ``putCall``: ``CALL`` or ``PUT``, as the spec and finance-dev spell it
    (``C``/``P`` the short forms); empty for a stock, as a 13F holding of shares has it."""
    if it.option is None:
        return ""
    return "CALL" if it.option.call else "PUT"


def screener_type(a: Answer, it: Item) -> str:
    """An option top list's ``type``: ``c`` or ``P``, as finance-dev documents it (the spec is
    silent), or ``call``/``put`` with ``Faults.option_type_words``."""
    put = it.option is not None and not it.option.call
    if a.ctx.faults.option_type_words:
        return "put" if put else "call"
    return "P" if put else "c"


def instrument_type(a: Answer, it: Item) -> str | None:
    """A row's ``type``: an option top list's contract right (:func:`screener_type`), else the
    class of its instrument in the symbol table, ``stock``, ``etf`` or ``index``
    (finance-dev's ``SymbolDetails.type``: "Instrument class"); None for another option or
    a symbol outside the table."""
    if it.option is not None:
        return screener_type(a, it) if a.ranked else None
    info = a.ctx.feed.symbols.get(it.symbol)
    return info.kind if info is not None else None


def asset_class(a: Answer, it: Item) -> str:
    """A snapshot's ``type``: its asset class as the request's ``type`` names them
    (``stocks``, ``options``, ``indices``; finance-dev's ``UnifiedSnapshot`` item)."""
    info = a.ctx.feed.symbols.get(it.symbol)
    if it.option is not None:
        return "options"
    return "indices" if info is not None and info.kind == "index" else "stocks"


_HEADLINES = (
    "{name} ({symbol}) shares active in early trading",
    "{name} ({symbol}) declares quarterly dividend",
    "Analyst reiterates rating on {name} ({symbol})",
    "{name} ({symbol}) files quarterly report with the SEC",
    "{name} ({symbol}) to present at investor conference",
    "Options traders turn to {name} ({symbol}) ahead of earnings",
)


def headline(a: Answer, it: Item) -> str:
    """A news-like title naming the company (one of a few kinds of story, by the item)."""
    story = _HEADLINES[it.index % len(_HEADLINES)]
    return story.format(name=a.name_of(it.symbol), symbol=it.symbol)


_THESES = {
    True: (
        "services revenue is growing faster than product sales",
        "margins are widening as unit costs fall",
        "new products open a large untapped market",
        "buybacks keep shrinking the share count",
        "a growing order backlog supports next year's earnings",
        "pricing power has held while volumes rose",
    ),
    False: (
        "the valuation leaves no room for a miss",
        "competitors are pushing prices down",
        "regulators are scrutinising its core business",
        "a few large customers account for much of its revenue",
        "rising input costs threaten its margins",
        "demand may slow as the economic cycle turns",
    ),
}
"""The factors a bull case (True) and a bear case (False) argue from; no factor is on both."""


def thesis(bull: bool) -> Rule:
    """A rule: a bull case (growth and positive factors) or a bear case (risks and challenges)
    for the item's company, two factors of its side picked by the item."""
    factors = _THESES[bull]
    verdict = "could outperform" if bull else "could underperform"

    def rule(a: Answer, it: Item) -> str:
        first = int(it.unit("thesis") * len(factors))
        second = (first + 1 + int(it.unit("thesis2") * (len(factors) - 1))) % len(factors)
        return (
            f"{a.name_of(it.symbol)} ({it.symbol}) {verdict}: {factors[first]}, "
            f"and {factors[second]}."
        )

    return rule
