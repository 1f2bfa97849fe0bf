"""How the description's wire names become Python names, shared by the generator
(``tools/generate_api.py``) and the client's runtime (:mod:`aries_async.resources._plan`).

* a wire field becomes snake_case (``isETF`` -> ``is_etf``, ``add_symbols`` stays); a Python
  keyword gets a trailing ``_`` (``from`` -> ``from_``); leading digits move behind the first
  word (``10DayAverageTradingVolume`` -> ``day10_average_trading_volume``); digits keep the
  small letters after them (``average_return_1m``), since a name cannot start with one;
* the abbreviations of :data:`ABBREVIATIONS` are spelled out, word by word (:func:`spell_out`:
  ``avgPx`` -> ``average_price``, ``phoneNum`` -> ``phone_number``); the same holds for the
  methods' parameters and, by hand, for the hand-written models;
* a whole name that :data:`SAME_NAMES` lists becomes the package's one name for that thing
  (``bid`` -> ``bid_price``, ``previousClose`` -> ``previous_close_price``);
* :data:`FIELD_NAMES` names the fields of one schema that the rule would name wrongly: the
  aggregate bar's one-letter keys (``o`` -> ``open``...) and the two that would collide (``T``
  and ``t``);
* which string-typed fields hold money or a quantity (``Decimal`` in Python) is the rule of
  :mod:`aries_async.apispec.amounts`;
* :data:`EPOCH_TIMES`, :data:`DATE_STRINGS` and :data:`DATETIME_STRINGS` list the integer and
  string fields that are times without saying so in the schema: those are aware UTC
  ``datetime`` and ``date``; :data:`TEXT_TIMES` says why the other time-like strings stay ``str``;
* :data:`QUERY_TIMES` lists the query parameters that take a ``datetime`` or ``date``;
* a group ``predictions.orders`` lives in module ``predictions_orders``, class
  ``PredictionsOrders``.
"""

from __future__ import annotations

import keyword
import re
from typing import Any

__all__ = [
    "ABBREVIATIONS",
    "BODY_PARAMS",
    "DATETIME_STRINGS",
    "DATE_STRINGS",
    "EPOCH_TIMES",
    "EPOCH_TIMES_OF",
    "FIELD_NAMES",
    "QUERY_TIMES",
    "SAME_NAMES",
    "TEXT_TIMES",
    "TIME_TEXT",
    "date_string",
    "datetime_string",
    "epoch_unit",
    "field_name",
    "group_class",
    "group_module",
    "query_time",
    "ref_name",
    "spell_out",
    "variants",
]

ABBREVIATIONS: dict[str, str] = {
    "avg": "average",
    "cum": "cumulative",
    "est": "estimate",
    "freq": "frequency",
    "num": "number",
    "pct": "percent",
    "perc": "percent",
    "pl": "pnl",
    "prev": "previous",
    "pt": "price_target",
    "px": "price",
    "qty": "quantity",
    "qtr": "quarter",
    "seq": "sequence",
    "sod": "start_of_day",
    "ttl": "total",
}
"""Word -> the word(s) a Python name says instead: one vocabulary for the package (the wire
keeps its own: ``avgPx`` is ``average_price`` in Python and ``avgPx`` on the wire).

A word is listed when it abbreviates one thing only in this API and the package also says
that thing in full (``sodTtlEquity`` beside ``startOfDayCash``, ``freq`` beside
``frequency``, ``tradeSeq`` beside ``sequenceNumber``), so that one thing is not named twice.
Not listed, and kept: acronyms and terms of the trade that read as words (``eps``, ``pe``,
``ytd``, ``vwap``, ``sma``, ``pdt``, ``cik``, ``figi``, ``fmv``, ``sic``, the broker's
``maint_req``: ``req`` reads as request as often as requirement), and the FIX words ``cl``,
``ord``, ``orig``, ``rej``, ``exec`` (``cl_ord_id`` is FIX tag 11 as traders say it; see
docs/architecture.md, Names)."""

SAME_NAMES: dict[str, str] = {
    # A quote's prices are ``<what>_price`` everywhere (``bid_price``, ``last_price``...);
    # the wire's bare words, and TradingView's short keys, say the same things.
    "bid": "bid_price",
    "ask": "ask_price",
    "last": "last_price",
    "lp": "last_price",
    "midpoint": "mid_price",
    "previous_close": "previous_close_price",
    "ch": "change",
    "chp": "change_percent",
    # the change from the previous close: ``ch`` of the chart quote, ``change`` of the
    # snapshots, ``netChange`` of the market socket and the equity details
    "net_change": "change",
    # the same figure as ``NetInflow.nasdaqNetInflow``, spelled differently by the wire
    "nasdaq_net_in_flow": "nasdaq_net_inflow",
    # the 52-week range: ``high52WeekPrice`` of the equity details, ``52WeekHigh`` of the
    # company metrics, ``high52Weeks`` of the index values
    "week52_high": "high_52_week_price",
    "week52_low": "low_52_week_price",
    "week52_high_date": "high_52_week_date",
    "week52_low_date": "low_52_week_date",
    "high_52_weeks": "high_52_week_price",
    "low_52_weeks": "low_52_week_price",
    # a bar's volume-weighted average price, ``vwap``/``vw`` of the other bars
    "volume_weighted": "vwap",
}
"""Whole name (snake_case, abbreviations spelled out) -> the package's one name for the thing
it names, where the wire names one thing two ways: a whole name only (``bid_size`` and
``bid_exchange`` keep their words)."""

FIELD_NAMES: dict[tuple[str, str], str] = {
    # ``T`` (the ticker) and ``t`` (the time) are both ``t`` in snake_case; the official
    # package calls the first ``ticker_symbol``.
    ("StockOhlcBar", "T"): "ticker_symbol",
    # the aggregate bar's one-letter keys, named as the API's long form of the same bar
    # (``Min``: ``open``, ``numberOfTrades``, ``timestamp``...) names them
    ("StockOhlcBar", "o"): "open",
    ("StockOhlcBar", "h"): "high",
    ("StockOhlcBar", "l"): "low",
    ("StockOhlcBar", "c"): "close",
    ("StockOhlcBar", "v"): "volume",
    ("StockOhlcBar", "vw"): "vwap",
    ("StockOhlcBar", "n"): "number_of_trades",
    ("StockOhlcBar", "t"): "timestamp",
    # the previous day's bar of an option counts its trades as the other bars do
    ("OptionPreviousDayResponse", "transactionCount"): "number_of_trades",
    # the session's volume so far is ``volume``, as a quote's is (``Quote``, ``ChartQuote``);
    # ``totalVolume`` stays ``total_volume`` where it is the whole beside its parts
    # (``ShortVolumeResponseResult``: ``shortVolume`` of ``totalVolume``)
    ("EquityDetails", "totalVolume"): "volume",
    ("TradeUpdate", "totalVolume"): "volume",
}
"""(schema or operation id, wire name) -> Python name, where the rule above is not enough."""

EPOCH_TIMES: dict[str, str] = {
    # Trade and quote clocks, nanoseconds ("SIP timestamp (nanoseconds)" in the official
    # package's field docs); the snapshots' ``lastUpdated``/``fmvLastUpdated`` share the clock.
    "sipTimestamp": "ns",
    "participantTimestamp": "ns",
    "trfTimestamp": "ns",
    "lastUpdated": "ns",
    "fmvLastUpdated": "ns",
    # Bars and snapshots, milliseconds ("as a Unix timestamp in **milliseconds**" for the
    # previous-day bar; the aggregate bar's ``t`` is the same clock).
    "t": "ms",
    "timestamp": "ms",
    "updated": "ms",
    "sortTime": "ms",
    # Seconds: the chart's ``nextTime`` (chart bars are "Unix seconds") and rating changes.
    "nextTime": "s",
    "gradeTime": "s",
}
"""Wire name -> epoch unit (``s``, ``ms``, ``us``, ``ns``) of the integer fields that are
instants: in Python they are aware UTC ``datetime``. Reading infers the unit from the value's
size and also accepts RFC 3339 (see :func:`aries_async.models.common.parse_datetime`), so a
server that changes its unit still reads right; the unit here is what the field is written back
as. Applies to integer and number fields only (a string ``timestamp`` is left alone), and to
lists of them: the column ``t`` of the tick history and of a technical indicator is a
``list[datetime]``, in step with the value columns. (The chart history's columns are read by
the hand-written ``ChartBars``, whose ``t`` the frames read as integers.)"""

EPOCH_TIMES_OF: dict[tuple[str, str], str] = {
    # A JSON number "Timestamp of the last update" (no unit documented): seconds, as the
    # simulator sends it; the screeners' rows share the name with the snapshots' milliseconds.
    ("SymbolDetails", "timestamp"): "s",
    # A chart pattern's points: "Timestamp of pattern point A as an integer from the
    # provider" (the official package), Unix seconds as the simulator sends them, while the
    # same model's ``sortTime`` is milliseconds (the name's own clock, above).
    **{("Point", f"{point}time"): "s" for point in "abcde"},
    ("Point", "start_time"): "s",
    ("Point", "end_time"): "s",
}
"""(schema, wire name) -> epoch unit, where it differs from :data:`EPOCH_TIMES`."""

DATE_STRINGS = frozenset(
    {
        "date",
        "acceptedDate",
        "actionDate",
        "beginDate",
        "closeDate",
        "dateExpiration",
        "declarationDate",
        "effectiveDate",
        "endDate",
        "exDividendDate",
        "expirationDate",
        "expiry",
        "filedDate",
        "filingDate",
        "fromDate",
        "high52WeekDate",
        "importantDates",  # a list of days: the economic calendar's
        "inceptionDate",
        "low52WeekDate",
        "openDate",
        "optionElectionDate",
        "payDate",
        "performanceEndDate",
        "performanceStartDate",
        "periodEnd",
        "publicationDate",
        "receivedDate",
        "recordDate",
        "registrationDate",
        "settlementDate",
        "startDate",
        "toDate",
        "transactionDate",
        "unconditionalDate",
        "withdrawalFromDate",
        "withdrawalToDate",
        "ytdHighDate",
        "ytdLowDate",
        "52WeekHighDate",
        "52WeekLowDate",
    }
)
"""Wire names of the ``string`` fields (without a ``format``) that hold a calendar day
(``YYYY-MM-DD``, or the index bars' ``MM/DD/YYYY``; a date-time's day is taken): in Python
they are ``date | None``. They are read leniently: a value that is not a date becomes ``None``
and a warning on the ``aries_async.models`` logger names the field and the value, rather than
failing the whole answer (the schema promises only a string); a list of them is a
``list[date]``, each day read as a field's is. ``previousCloseDate`` is left out: the
official package calls it "in source format" (see :data:`TEXT_TIMES`)."""

DATETIME_STRINGS: dict[str, frozenset[str]] = {
    # The official package's field docs, quoted: what each holds.
    # "Data timestamp in ISO 8601 format; fractional seconds may be present"
    "MarketBreadth": frozenset({"timestamp"}),
    "NetInflow": frozenset({"timestamp"}),
    # "Timestamp when the logo was first added / last updated (ISO 8601 format)"
    "LogoSearchResponseData": frozenset({"createdAt", "updatedAt"}),
    "LogoSyncResponseData": frozenset({"createdAt", "updatedAt"}),
    # "Last update timestamp supplied by the provider; timezone information may be absent"
    "EconomicsCalendarEvent": frozenset({"lastUpdate"}),
    # "Date and time of the data point"; "Last update timestamp"
    "EconomicsIndicator": frozenset({"dateTime", "lastUpdate"}),
    # "Timestamp of the presentation / of the data point as provided by the data vendor"
    "Re": frozenset({"atTime"}),
    "SocialSentimentResponseData": frozenset({"atTime"}),
    # "Timestamp of the earnings call as provided by the data vendor"
    "Event": frozenset({"time"}),
    "TranscriptResponse": frozenset({"time"}),
    "TranscriptsResponseTranscript": frozenset({"time"}),
    # "Time the consensus was last updated, as reported by Finnhub"
    "PriceTargetResponse": frozenset({"lastUpdated"}),
    # "Last updated timestamp of the rating record from the data provider"
    "Rating": frozenset({"updated"}),
    # "Time the record was last updated, as returned by the provider"
    "Covid19UsCasesResponseData": frozenset({"updated"}),
}
"""Schema name -> the wire names of its ``string`` fields (without a ``format``) that hold an
instant: in Python they are ``datetime | None``, aware UTC. They are read as tolerantly as the
vendors write them (RFC 3339 with or without ``Z`` or an offset, a space for the ``T``,
fractional seconds, digits as an epoch; a naive time is UTC) and leniently, as
:data:`DATE_STRINGS` are: a value that is not a date-time becomes ``None`` and a warning on the
``aries_async.models`` logger, rather than failing the whole answer. Written back as RFC 3339
with ``Z``."""

_CLOCK = "a time of day without its zone (the schema gives none), so not an instant"
TEXT_TIMES: dict[tuple[str, str], str] = {
    ("Activity", "time"): f"``HH:MM:SS``, {_CLOCK}",
    ("ConferenceCall", "time"): f"``HH:MM:SS``, {_CLOCK}",
    ("EarningRelease", "time"): f"``HH:MM:SS`` (24-hour), {_CLOCK}",
    ("EconomicsCalendarEvent", "time"): f"``HH:MM:SS``, {_CLOCK}",
    ("Rating", "time"): f"as supplied by Benzinga, {_CLOCK}",
    ("IndexBarResponseBar", "startTime"): f"``HH:MM AM/PM``, {_CLOCK}",
    ("IndexBarResponseBar", "endTime"): f"``HH:MM AM/PM``, {_CLOCK}",
    ("IndexBarsResponseBar", "startTime"): f"``HH:MM AM/PM``, {_CLOCK}",
    ("IndexBarsResponseBar", "endTime"): f"``HH:MM AM/PM``, {_CLOCK}",
    ("ChartBar", "startTime"): f"``HH:MM:SS AM/PM``, {_CLOCK}",
    ("ChartBar", "endTime"): f"``HH:MM:SS AM/PM``, {_CLOCK}",
    ("ConferenceCall", "startTime"): "free text: a human-readable time with a zone name",
    ("EarningRelease", "hour"): "a session, not a time: ``bmo``, ``amc`` or ``dmh``",
    ("IndicesRealtimeIndexValue", "time"): "free text: the quote time in the source's format",
    ("IndicesRealtimeIndexValue", "previousCloseDate"): "free text, in the source's format",
    ("CompanyExecutive", "since"): "a year, not a time",
    ("MergersAcquisition", "dateExpected"): "a day or a period (``2026-H2``): free text",
}
"""(schema, wire name) -> why that time-like ``string`` field stays ``str``. A time of day
could be a ``datetime.time``; it is not, because none of these says its zone (exchange,
vendor or UTC) and a naive ``time`` would be the one time in the package that is not aware
UTC. Each of their records carries its day beside them as a ``date`` (the bars also their
``utcOffset``)."""

_NANOS = "ns"
QUERY_TIMES: dict[tuple[str, str], str] = {
    # "Query by timestamp (YYYY-MM-DD or nanoseconds)" (the official package, trades/quotes)
    **{(f"timestamp{end}", "string"): _NANOS for end in ("", "After", "Before", "From", "To")},
    # the option chain's expiry bounds are days, as its ``expirationDate`` is
    **{(f"expirationDate{end}", "string"): "date" for end in ("Gt", "Gte", "Lt", "Lte")},
    # technical indicators' window: "Start timestamp (Unix seconds)"; logos: "Unix timestamp"
    # aggregates' and indices' windows: a day, an instant or an epoch number, as text; the
    # indices' also a wall time ``MM/DD/YYYY hh:mm am/pm`` (``apispec/wall_times.py``)
    **{(wire, "string"): "text" for wire in ("from", "to", "startTime", "endTime")},
    ("from", "integer"): "s",
    ("to", "integer"): "s",
    ("updatedSince", "integer"): "s",
}
"""(wire name, schema type) -> how a query parameter without a ``format`` takes a time:
``"date"`` (a ``datetime.date``, sent ``YYYY-MM-DD``), ``"text"`` (a ``date``, an aware
``datetime`` sent as RFC 3339, or as the index bars' wall time where
:data:`~aries_async.apispec.wall_times.WALL_TIMES` lists the parameter) or an epoch unit (an
aware ``datetime``, sent as that many units; a string parameter also takes a ``date``). A
string parameter also takes its text,
checked: a day ``YYYY-MM-DD``; with an epoch unit also a whole number; ``"text"`` also an RFC
3339 instant with its zone, a whole number or a wall time
(:func:`~aries_async.apispec.wall_times.wall_time`)."""


BODY_PARAMS: dict[str, str] = {"replaceConfigWatchlists": "watchlists"}
"""Operation id -> the parameter that holds its body when the body is a JSON array (the
method's only body parameter; ``body`` when not listed). An object body's fields are
parameters of their own."""

TIME_TEXT = frozenset({"getChartTime"})
"""Operations whose ``text/plain`` answer is a time: read as an aware UTC ``datetime``
(other text answers are returned as ``str``)."""

_WORD = re.compile(r"[A-Z]+(?=[A-Z][a-z]|\d|\b|_)|[A-Z]?[a-z]+|[A-Z]+|\d+[a-z]*")


def field_name(wire: str, owner: str = "") -> str:
    """The Python name of wire field ``wire`` of schema (or operation) ``owner``."""
    explicit = FIELD_NAMES.get((owner, wire))
    if explicit:
        return explicit
    # ``PnL`` is one word (``todayRealizedPnL`` -> ``today_realized_pnl``, not ``pn_l``)
    words = [w.lower() for w in _WORD.findall(wire.replace("PnL", "Pnl"))]
    if not words:
        raise ValueError(f"no Python name for wire field {wire!r}")
    if words[0][0].isdigit() and len(words) > 1:
        words = [words[1] + words[0], *words[2:]]
    name = spell_out("_".join(words))
    name = SAME_NAMES.get(name, name)
    return f"{name}_" if keyword.iskeyword(name) or name in ("self", "cls") else name


def spell_out(name: str) -> str:
    """``name`` (snake_case) with each word that :data:`ABBREVIATIONS` lists spelled out:
    ``avg_px`` -> ``average_price``, ``todays_change_perc`` -> ``todays_change_percent``,
    ``revenue_avg`` -> ``revenue_average``; other words, and a trailing ``_``, kept."""
    return "_".join(ABBREVIATIONS.get(word, word) for word in name.split("_"))


def epoch_unit(wire: str, owner: str = "") -> str | None:
    """The epoch unit of number field ``wire`` of ``owner`` when it is an instant, else None."""
    return EPOCH_TIMES_OF.get((owner, wire)) or EPOCH_TIMES.get(wire)


def query_time(wire: str, schema: dict[str, Any]) -> str | None:
    """How query parameter ``wire`` takes a time (see :data:`QUERY_TIMES`), else None."""
    if "format" in schema or "enum" in schema:
        return None
    return QUERY_TIMES.get((wire, str(schema.get("type"))))


def date_string(wire: str) -> bool:
    """Whether string field ``wire`` (``name[]``: an item of list ``name``) holds a calendar
    day."""
    return wire.removesuffix("[]") in DATE_STRINGS


def datetime_string(owner: str, wire: str) -> bool:
    """Whether string field ``wire`` of schema ``owner`` holds an instant."""
    return wire in DATETIME_STRINGS.get(owner, frozenset())


def group_module(group: str) -> str:
    """``predictions.orders`` -> ``predictions_orders``."""
    return group.replace(".", "_")


def group_class(group: str) -> str:
    """``corporate_actions`` -> ``CorporateActions``; ``predictions.orders`` ->
    ``PredictionsOrders``."""
    return "".join(part.capitalize() for part in re.split(r"[._]", group))


def ref_name(schema: dict[str, Any]) -> str | None:
    """The schema name a ``{"$ref": "#/$defs/NAME"}`` points at, else None."""
    ref = schema.get("$ref")
    return str(ref).rsplit("/", 1)[1] if ref else None


def variants(schema: dict[str, Any]) -> list[dict[str, Any]]:
    """The alternatives of an ``anyOf``/``oneOf`` schema (the schema itself when it has none)."""
    for key in ("anyOf", "oneOf"):
        if key in schema:
            found: list[dict[str, Any]] = schema[key]
            return found
    return [schema]
