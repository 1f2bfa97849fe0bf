"""The field-name rules: what value a field of a simulated answer gets, by its name.

:data:`RULES` is an ordered table ``(name pattern, parent pattern, kinds, rule)``; a row whose
patterns match a field's name and its parent property's name (and whose kinds include the
field's kind, when given) gives its value. A name pattern matches whole words of the name only
(``time`` is in ``createdTime``, not in ``sentiment``), and a row matching the word that says
what the field is (its last, or the last before a preposition: ``targetExchange`` is an
exchange, ``percentOfShares`` a percentage) goes before the first row matching any other.
:func:`rule_for` picks the row once per field, when an operation's schema is compiled
(:mod:`~aries_async.sim.schema_walk`). A rule reads the
:class:`~aries_async.sim.answer.Answer` (the request) and the :class:`~aries_async.sim.answer.Item`
(the element being built) and returns a plain value; the walker fits it to the field's type.

This module is the table and its lookup; the values the rules give (the domain: prices near the
symbol's simulated price, option fields from the item's contract, times in the requested
window, stable ids, statement lines as shares of one revenue) and the vocabulary are computed in
:mod:`~aries_async.sim.field_values`.
"""

from __future__ import annotations

import functools
import re
import zlib
from collections.abc import Callable
from typing import Any

from aries_async.sim.answer import Answer, Item
from aries_async.sim.field_amounts import KIND_ROWS, count_of
from aries_async.sim.field_texts import TEXT_ROWS
from aries_async.sim.field_values import (
    PEOPLE,
    PERSON_FIELDS,
    RATINGS,
    SECTORS,
    TEXT_FIELDS,
    WORDS,
    asset_class,
    break_even,
    change,
    change_percent,
    const,
    echo_or,
    eps,
    event_id,
    greek,
    hashed_digits,
    headline,
    instrument_type,
    is_etf,
    osi_or_symbol,
    pick,
    price,
    put_call,
    right_word,
    shares,
    stable_id,
    stable_int_id,
    statement_line,
    target,
    text_time,
    thesis,
    time_rule,
    timeframe,
    typical,
    underlying,
)
from aries_async.sim.field_words import WORD_ROWS, period_of
from aries_async.sim.prediction_events import (
    OUTCOMES,
    PRICE_SCALE,
    base_event_id,
    category_levels,
    evaluation_type,
    strike_text,
    strike_unit,
    time_specifier,
)
from aries_async.sim.prediction_search import contracts_found
from aries_async.sim.schema_walk import OMIT, Rule

__all__ = ["RULES", "rule_for", "text_time"]

# -- the table ----------------------------------------------------------------------------------

_Row = tuple[str, str, tuple[str, ...], Callable[[str, str], Rule | None]]
_NUM = ("number", "integer", "string")
_TIMES = ("integer", "number", "string", "date", "date-time")


def _r(rule: Rule) -> Callable[[str, str], Rule | None]:
    return lambda name, kind: rule


def _touch(factor: float) -> Callable[[str, str], Rule | None]:
    """A row maker: the item's close times ``factor`` (a bid or an ask)."""
    return _r(lambda a, it: round(it.bar[3] * factor, 2))


def _sector(part: int) -> Callable[[str, str], Rule | None]:
    """A row maker: the symbol's sector (``part`` 0) or industry (1)."""
    return _r(lambda a, it: SECTORS[zlib.crc32(it.symbol.encode()) % len(SECTORS)][part])


def _span(low: float, high: float, digits: int) -> Callable[[str, str], Rule | None]:
    """A row maker: a number in [low, high) fixed by the item and the field's name."""
    return lambda name, kind: lambda a, it: round(it.between(name, low, high), digits)


def _times(factor: float) -> Callable[[str, str], Rule | None]:
    """A row maker: the item's reference price times ``factor``."""
    return _r(lambda a, it: round(it.price * factor, 2))


def _word(name: str, kind: str) -> Rule | None:
    """Names with a small vocabulary (:data:`WORDS`), people and prose."""
    if name in WORDS:
        return pick(WORDS[name])
    if name in PERSON_FIELDS:
        return pick(PEOPLE)
    if name in TEXT_FIELDS:
        return lambda a, it: f"{a.name_of(it.symbol)} ({it.symbol}): note {it.index + 1}."
    return None


# fmt: off
RULES: tuple[_Row, ...] = (
    # answer-level fields: absent errors, paging, counts, status
    (r"^(error|errmsg|errors|warnings|invalid_symbols|rejectReason|ordRejReason|rejectText"
     r"|nextTime)$", "", (), _r(const(OMIT))),
    (r"^(nextUrl|nextPage|nextCursor|next_page|nextTo)$", "", (),
     lambda name, kind: lambda a, it: a.extra.get(name, OMIT)),
    # a search hit of an event (a base event): the contracts the search found of it
    (r"^contractsFound$", "", (),
     _r(lambda a, it: contracts_found(a.params, a.searched, it.symbol))),
    (r"^(found|queryCount|totalSymbols|totalResults|total_count)$", "", (),
     _r(lambda a, it: a.total)),
    (r"^(resultsCount|count)$", "", ("integer",),
     _r(lambda a, it: len(a.indexes) if it.root else 3)),
    (r"^(page|pageSize|perPage|limit)$", "", ("integer",),
     lambda name, kind: lambda a, it: a.extra.get(name, a.params.get(name, len(a.indexes)))),
    (r"^(s|status)$", "", ("string",),
     _r(lambda a, it: "ok" if a.op["path"].startswith("/v1/chart") else "OK")),
    (r"^(success|ok|tradable|hasOptions|adjusted|isDefaultOption)$", "", ("boolean",),
     _r(const(True))),
    (r"^(bullCase|bearCase)$", "", ("string",), lambda name, kind: thesis(name == "bullCase")),
    (r"^categoryLevels$", "", ("string",),
     _r(lambda a, it: category_levels(it.symbol)[it.index])),
    # prediction events and contracts (prediction_events: what the tickers say)
    (r"^timeSpecifier$", "", ("string",),
     _r(lambda a, it: time_specifier(it.symbol) or it.when.strftime("%Y.%m.%d"))),
    (r"^symbolSubTypes$", "", ("string",),
     _r(lambda a, it: OUTCOMES[it.index] if it.index < len(OUTCOMES) else OMIT)),
    (r"^evaluationType$", "", ("string",), _r(lambda a, it: evaluation_type(it.symbol) or OMIT)),
    (r"^strikeUnit$", "", ("string",), _r(lambda a, it: strike_unit(it.symbol) or OMIT)),
    (r"^priceScale$", "", ("string",), _r(const(PRICE_SCALE))),
    # as the ticker names it, to the places it names ("4.00", not "4")
    (r"^strikeValue$", "", (), _r(lambda a, it: strike_text(it.symbol) or it.strike)),
    (r"^baseEventId$", "", ("string",),
     _r(lambda a, it: base_event_id(it.symbol) or stable_id("baseEventId")(a, it))),
    # words where a name alone gives a placeholder (field_texts): the prediction venue's
    # names and questions, logo files, the alternative-data records
    *TEXT_ROWS,
    *WORD_ROWS,
    (r"", "", ("string",), _word),
    # symbols and names
    (r"^(ticker|symbol|underlyingSymbol)$", r"^underlyingAsset$", (), _r(lambda a, it: it.symbol)),
    (r"^(ticker|optionSymbol|contract)$", "", ("string",), _r(osi_or_symbol)),
    # a row of an option top list is a contract (its underlying is underlyingSymbol)
    (r"^symbol$", "", ("string",),
     _r(lambda a, it: it.option.osi if it.option is not None and a.ranked else it.symbol)),
    # an unusual option trade's classification; a snapshot's asset class; an instrument's
    (r"^type$", r"^trades$", ("string",),
     _r(lambda a, it: ("block", "sweep", "split")[int(it.unit("type") * 3)])),
    (r"^type$", r"^results$", ("string",), _r(asset_class)),
    (r"^type$", "", ("string",), _r(instrument_type)),
    (r"^T$|^(?i:symbol|underlyingSymbol|targetTicker|acquirerTicker|fromSymbol|"
     r"historicalDataSymbol|searchKey|composite_ticker|identifier|underlying)$", "", ("string",),
     _r(lambda a, it: it.symbol)),
    (r"^(symbols|tickers|add_symbols)$", "", (), _r(lambda a, it: it.symbol)),
    (r"^(peers|constituents)$", "", (),
     _r(lambda a, it: a.symbols[(it.index + 1) % len(a.symbols)])),
    (r"(?i)^(name|member)$", r"(?i)(executive|analyst|insider|transaction|member|congress|owner)",
     (), _r(pick(PEOPLE))),
    (r"(?i)^(name|companyName|company|assetName|displayName|short_name|description|"
     r"acquirerName|targetName|registrant|issuer|employerName|recipientName|etfCompany|"
     r"indexName)$", "",
     ("string",), _r(lambda a, it: a.name_of(it.symbol))),
    (r"(?i)(title|headline|question|summary|eventName)$", "", ("string",), _r(headline)),
    # option contracts
    (r"^contractType$", "", ("string",), _r(put_call)),
    (r"^putCall$", "", ("string",), _r(right_word)),
    (r"^exerciseStyle$", "", (), _r(const("american"))),
    (r"^sharesPerContract$", "", (), _r(const(100))),
    (r"(?i)^(strike|strikePrice|strikeValue)$", "", (), _r(lambda a, it: it.strike)),
    # prediction contracts trade in cent ticks, from one contract
    (r"^(tickSize|minTradeQty)$", "", _NUM, lambda name, _: const(0.01 if "tick" in name else 1)),
    # and settle to one dollar: a contract's value is its price, for every contract of the venue
    (r"^multiplier$", "", ("integer",), _r(const(1))),
    (r"^(delta|gamma|theta|vega)$", "", (), lambda name, kind: greek(name)),
    (r"(?i)^(impliedVolatility|iv)$", "", (), _span(0.25, 0.35, 4)),
    (r"^breakEvenPrice$", "", (), _r(break_even)),
    (r"^changeToBreakEven$", "", (), _r(lambda a, it: round(break_even(a, it) - it.price, 2))),
    (r"(?i)^(openInterest)$", "", (), _r(lambda a, it: int(it.between("oi", 100, 50_000)))),
    (r"^noPrice$", "", (), _r(lambda a, it: round(1 - it.bar[3], 2))),
    (r"(?i)^(cashAmount|splitAdjustedCashAmount|dividend|dividendPerShare)$", "", _NUM,
     _r(lambda a, it: round(it.price * 0.0045, 2))),
    (r"(?i)(adjustmentFactor|adjustmentRatio)$", "", _NUM, _r(const(1.0))),
    (r"^(frequency)$", "", ("integer",), _r(const(4))),
    (r"^utcOffset$", "", ("integer",), _r(const(-5))),
    (r"^timeframe$", "", ("string",), _r(timeframe)),
    (r"(?i)exchange(Id)?|^tape$", "", ("integer",), _r(lambda a, it: 1 + int(it.unit("x") * 19))),
    (r"^conditions$", "", ("integer",), _r(lambda a, it: 1 + int(it.unit("cond") * 40))),
    # names holding another kind's word (field_amounts): a price named after a volume or a
    # session, an underlying's price, a return, amounts of money, a metric's series, inflation
    *KIND_ROWS,
    # prices: the item's bar (its contract's for options), the underlying's under underlyingAsset
    (r"^price$|^(value|last|lp)$", r"^underlyingAsset$", (), _r(underlying)),
    (r"(?i)^(o|open|openPrice|open_price|dayOpen|start_price)$", "", _NUM,
     _r(lambda a, it: it.bar[0])),
    (r"(?i)^(h|high|highPrice|high_price|dayHigh)$", "", _NUM, _r(lambda a, it: it.bar[1])),
    (r"(?i)^(l|low|lowPrice|low_price|dayLow)$", "", _NUM, _r(lambda a, it: it.bar[2])),
    (r"(?i)^(vw|vwap|twap|averagePrice|avgPrice|average_price)$", "", _NUM, _r(typical)),
    # (not ``52WeekHighDate`` and the like: those are days, see the times below)
    (r"(?i)(high52|52WeekHigh|ytdHigh|targetHigh)(?!\w*Date)\w*", "", _NUM, _times(1.18)),
    (r"(?i)(low52|52WeekLow|ytdLow|targetLow)(?!\w*Date)\w*", "", _NUM, _times(0.78)),
    (r"(?i)(target|priceTarget|pt_current|pt_prior)", "", _NUM, _r(target)),
    (r"(?i)^(bid|bidPrice|bp)$", "", _NUM, _touch(0.9995)),
    (r"(?i)^(ask|askPrice|ap)$", "", _NUM, _touch(1.0005)),
    (r"(?i)^(change|netChange|ch|todaysChange|changeFromOpen|changeFromPreviousClose|avgChange)$",
     "", _NUM, _r(change)),
    (r"(?i)(changePerc|changePercent|^chp$|percentChange|todaysChangePerc)", "", _NUM,
     _r(change_percent)),
    (r"(?i)^(previousClose|prevClose|prev_close_price)$", "", _NUM, _r(lambda a, it: it.bar[0])),
    (r"^isETF$", "", (), _r(is_etf)),
    (r"(?i)(sicCode|naics)", "", (), _r(lambda a, it: hashed_digits(it, "sic", 4))),
    (r"(?i)(price|^(c|close|last|lp|nav|mark|fmv|midpoint|aprice|bprice|cprice|dprice|eprice|"
     r"previousClose|prevClose|yearEndClose|end_price|value)$|Px$)", "", _NUM,
     lambda name, kind: None if re.search(r"(?i)priceTo|scale|limit", name) else price),
    (r"(?i)sharesOutstanding|shareOutstanding", "", _NUM, _r(lambda a, it: shares(it))),
    # percentages and ratios, in range
    (r"(?i)(percent|percentage|pct)", "", ("number", "integer"), _span(1, 99, 2)),
    (r"(?i)(yield|dividendYield)", "", ("number",), _span(0.4, 5.5, 3)),
    (r"(?i)^(expenseRatio)$", "", (), _span(0.03, 0.9, 2)),
    (r"(?i)(correlation)$", "", ("number",), _span(-0.9, 0.95, 3)),
    (r"(?i)(sentiment|score)$", "", ("number",), _span(0.05, 0.95, 3)),
    (r"(?i)(beta)$", "", ("number",), _span(0.6, 1.8, 2)),
    # sizes and counts: positive integers
    (r"(?i)(volume|^v$)", "", _NUM, _r(lambda a, it: it.volume)),
    (r"(?i)(size|qty|quantity|^n$|trades|transactions|count$|numberOf|employeeTotal|shares|"
     r"mention)", "", _NUM, lambda name, kind: lambda a, it: count_of(it, name)),
    (r"(?i)^(epsSurprise|surprise)$", "", _NUM, _r(lambda a, it: round(eps(it) * 0.03, 2))),
    (r"(?i)(eps|EPS)(Estimate|Avg|Mean|Low)", "", _NUM,
     _r(lambda a, it: round(eps(it) * 0.97, 2))),
    (r"(?i)(eps|earningsPerShare|EPS)", "", _NUM, _r(lambda a, it: eps(it))),
    (r"(?i:ratio|priceTo|margin|growth|return|leverage|^pe$|quick|current)|(?<=[a-z])To(?=[A-Z])",
     "", ("number",),
     _span(0.1, 3.0, 3)),
    # times: in the requested window (see time_rule for units and offsets)
    (r"(?i)(dates?|time|At$|timestamp|updated?|since|^t$|^[a-e]time$|expiry|maturity|period|day$)",
     "", _TIMES,
     lambda name, kind: time_rule(name, kind)),
    (r"", "", ("date", "date-time"), lambda name, kind: time_rule(name, kind)),
    (r"(?i)^(year|fiscalYear)$", "", (), _r(lambda a, it: period_of(a, it)[0])),
    (r"(?i)^(quarter|fiscalQuarter)$", "", (), _r(lambda a, it: period_of(a, it)[1])),
    # identifiers: stable
    (r"(?i)^(accountId|tradingAccountId|trading_account_id)$", "", ("string",),
     _r(lambda a, it: next(iter(a.ctx.state.accounts)))),
    (r"(?i)^cik$", "", (), _r(lambda a, it: hashed_digits(it, "cik", 10))),
    (r"(?i)^cusip$", "", (), _r(lambda a, it: "0" + hashed_digits(it, "cusip", 8))),
    (r"(?i)^isin$", "", (), _r(lambda a, it: "US0" + hashed_digits(it, "cusip", 8) + "5")),
    (r"(?i)figi", "", (), _r(lambda a, it: "BBG00" + hashed_digits(it, "figi", 7))),
    (r"^eventId$", "", ("string",), _r(event_id)),
    (r"(?i)(^id$|Id$|_id$|uuid|accessNumber|Number$|requestId|reservationNum)", "", ("string",),
     lambda name, kind: stable_id(name)),
    (r"(?i)(^id$|Id$|_id$)", "", ("integer",), lambda name, kind: stable_int_id(name)),
    # words
    (r"(?i)currency", "", ("string",), _r(const("USD"))),
    (r"(?i)^(country|domicile)$", "", ("string",), _r(const("US"))),
    (r"(?i)exchange", "", ("string",), _r(const("NASDAQ"))),
    (r"(?i)^(timezone|tz)$", "", (), _r(const("America/New_York"))),
    (r"(?i)^(sector|gsector)$", "", ("string",), _sector(0)),
    (r"(?i)^(industry|gind|ggroup|gsubind)$", "", ("string",), _sector(1)),
    (r"(?i)(rating|grade)", "", ("string",), _r(pick(RATINGS))),
    (r"^side$", "", ("string",), _r(pick(("buy", "sell")))),
    (r"(?i)^(signal|action)$", "", ("string",), _r(pick(("buy", "neutral", "sell")))),
    (r"(?i)(url|website|weburl|logo|link|permalink)", "", ("string",),
     _r(lambda a, it: f"https://example.com/{it.symbol.lower()}/{it.index}")),
    (r"(?i)^(freq|frequency)$", "", ("string",),
     lambda name, kind: echo_or(const("quarterly"))(name)),
    (r"(?i)city$", "", ("string",), _r(const("New York"))),
    (r"(?i)(zip|postal)", "", ("string",), _r(const("10001"))),
    (r"^hour$", "", ("string",), _r(pick(("bmo", "amc")))),
    (r"(?i)importance", "", ("integer",), _r(lambda a, it: 1 + it.index % 3)),
    (r"(?i)(return|rate)$", "", ("string",), _r(lambda a, it: f"{it.between('rr', 40, 80):.1f}%")),
    (r"(?i)^(state|worksiteState|performanceState)$", "", ("string",),
     _r(lambda a, it: "open" if a.prediction else "NY")),
)
# fmt: on


# Where a word of a field's name starts and ends: camelCase humps, snake_case underscores,
# digits, and an acronym before a capitalised word (``EPSCurrent``).
_WORD_START = (
    r"(?:^|(?<=_)|(?<=[a-z])(?=[A-Z])|(?<=[A-Za-z])(?=\d)|(?<=\d)(?=[A-Za-z])"
    r"|(?<=[A-Z])(?=[A-Z][a-z]))"
)
_WORD_END = r"(?=$|_|(?<=[a-z])[A-Z]|(?<=[A-Za-z])\d|(?<=\d)[A-Za-z]|(?<=[A-Z])[A-Z][a-z])"
_HEAD_END = r"(?=$|(?:Of|From|On|For|In|Per|By)(?=[A-Z\d_]|$))"
_NOT_A_LINE = r"(?i:perShare|eps|ratio|margin|growth|percent|return)|(?<=[a-z])To(?=[A-Z])"
"""Words that make a name that reads like a statement line a ratio (``debtToEquity``,
``returnOnAssets``, ``surprisePercent``), which gets a rule of its own."""


_NOT_LINES = frozenset({"marketCap", "marketCapitalization"})
"""Names a statement line's words match that are no share of revenue: a market cap is the
company's shares at its price (:func:`~aries_async.sim.field_amounts.market_cap`)."""


@functools.cache
def _words(pattern: str, *, head: bool = False) -> re.Pattern[str]:
    """``pattern`` matching whole words of a name only, so that ``time`` finds ``createdTime``
    and not ``sentiment``; with ``head``, ending with the word that says what the field is:
    the last, or the last before a preposition (``percentOfShares`` is a percentage)."""
    if pattern.startswith("(?i)"):  # a global flag must lead: scope it to the pattern instead
        pattern = f"(?i:{pattern[4:]})"
    return re.compile(f"{_WORD_START}(?:{pattern}){_HEAD_END if head else _WORD_END}")


def _row_of(name: str, parent: str, kind: str) -> int | str | None:
    """The index in :data:`RULES` of the row that gives field ``name`` its value,
    ``"statement"`` for a statement line, or None.

    A row's pattern must match whole words of the name. A row matching its head word, which
    says what the field is (``targetExchange`` is an exchange, ``shortVolumeRatio`` a ratio),
    goes before one matching only a word that qualifies it; among those, the table's order
    decides. A catch-all row (empty pattern) matches in both rounds."""
    line = kind in ("number", "integer") and statement_line(name) is not None
    if line and not _words(_NOT_A_LINE).search(name) and name not in _NOT_LINES:
        return "statement"
    for head in (True, False):
        for index, (pattern, parent_pattern, kinds, make) in enumerate(RULES):
            if kinds and kind not in kinds:
                continue
            if parent_pattern and not re.search(parent_pattern, parent):
                continue
            if pattern and not _words(pattern, head=head).search(name):
                continue
            if make(name, kind) is not None:
                return index
    return None


@functools.cache
def rule_for(name: str, parent: str, kind: str) -> Rule | None:
    """The rule of field ``name`` (inside ``parent``, of ``kind``): a financial statement line,
    a parameter the request carries, else the row of :data:`RULES` that fits the name's words
    (see :func:`_row_of`)."""
    row = _row_of(name, parent, kind)
    if row == "statement":
        return statement_line(name)
    if isinstance(row, int):
        make = RULES[row][3]
        return _echoing(name, make(name, kind))
    return _echoing(name, None)


_NOT_ECHOED = frozenset(
    {"symbol", "ticker", "symbols", "tickers", "page", "limit", "next", "nextPage"}
    | {"startTime", "endTime"}
)


def _echoing(name: str, rule: Rule | None) -> Rule | None:
    """``rule``, except that a field named like a (non-symbol) request parameter echoes it
    (not a bar's ``startTime``/``endTime``: its own time of day, not the window asked for)."""
    if name in _NOT_ECHOED:
        return rule

    def echo(a: Answer, it: Item) -> Any:
        value = a.params.get(name)
        return value if value is not None else rule(a, it) if rule is not None else None

    return echo
