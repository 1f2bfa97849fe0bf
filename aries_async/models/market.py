"""Market data over REST: symbol search, quotes, bars, market status, holidays and details.

Equity and option details (:class:`EquityDetails`, :class:`OptionDetails` and their responses)
are defined in a private module and imported on first use of their names here.

Market-data values are JSON numbers on the wire; they become ``Decimal`` through their shortest
``repr`` (``175.4`` -> ``Decimal("175.4")``). Chart endpoints use TradingView UDF shapes, so
quotes and bars have explicit parse/serialize functions instead of converter wire names.
"""

from __future__ import annotations

import decimal
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Literal

import attrs

from aries_async._lazy import lazy_getattr
from aries_async.errors import ResponseFormatError
from aries_async.models.common import (
    OpenEnum,
    datetime_to_epoch,
    parse_datetime,
    parse_decimal,
    wire,
)

if TYPE_CHECKING:
    from aries_async.models._market_details import (
        EquityDetails,
        EquityDetailsResponse,
        OptionDetails,
        OptionDetailsResponse,
        SymbolError,
    )

__all__ = [
    "Bar",
    "EquityDetails",
    "EquityDetailsResponse",
    "Holiday",
    "MarketStatus",
    "OptionDetails",
    "OptionDetailsResponse",
    "Quote",
    "SymbolError",
    "SymbolMatch",
    "SymbolType",
    "bars_to_wire",
    "parse_bars",
    "parse_quotes_response",
]


class SymbolType(OpenEnum):
    """Kind of a search result (lower case on the wire; open)."""

    STOCK = "stock"
    OPTION = "option"
    INDEX = "index"
    FUTURE = "future"


@attrs.frozen(kw_only=True)
class SymbolMatch:
    """One result of ``GET /v1/marketdata/search``.

    Attributes:
        symbol: the ticker, OSI option symbol or ``/``-prefixed future.
        description: a human description (``"Apple Inc."``).
        tag: the venue tag (``XNAS``, ``OPRA``...).
        type: ``stock``, ``option``... (open enum).
    """

    symbol: str | None = None
    description: str | None = None
    tag: str | None = None
    type: SymbolType | None = None


# --------------------------------------------------------------------------------------------
# Quotes (GET /v1/chart/quotes)

_ITEM_STATUSES = frozenset({"ok", "error"})

# Quote attribute -> key inside the item's "v" object.
_QUOTE_NUMBERS: tuple[tuple[str, str], ...] = (
    ("last", "lp"),
    ("bid", "bid"),
    ("ask", "ask"),
    ("change", "ch"),
    ("change_percent", "chp"),
    ("volume", "volume"),
    ("open", "open_price"),
    ("high", "high_price"),
    ("low", "low_price"),
    ("prev_close", "prev_close_price"),
)
_QUOTE_TEXTS: tuple[tuple[str, str], ...] = (
    ("short_name", "short_name"),
    ("description", "description"),
    ("exchange", "exchange"),
)


def _json_number(value: Decimal) -> int | float:
    """A ``Decimal`` as the JSON number the market-data endpoints send."""
    if value == value.to_integral_value() and abs(value) < 10**15:
        return int(value)
    return float(value)


def _number(value: object, what: str) -> Decimal | None:
    try:
        return parse_decimal(value)
    except ValueError as exc:
        raise ResponseFormatError(f"{what}: {exc}") from None


_EXACT = decimal.Context()
"""Passed to ``Decimal()`` so that building a quote does not look up (and, in every new asyncio
task, create) the task's current decimal context. Converting an int or a float's ``repr`` is
exact whatever the context, and neither can be malformed, so the result is the same."""


def _quote_number(value: object, symbol: str, key: str) -> Decimal | None:
    """:func:`_number` for quote values, with the common JSON float and int first."""
    if type(value) is float:
        if value - value == 0.0:  # finite: inf - inf and nan - nan are nan
            return Decimal(repr(value), _EXACT)
    elif type(value) is int:
        return Decimal(value, _EXACT)
    elif value is None:
        return None
    return _number(value, f"quote {symbol} {key}")


def _text(value: object) -> str | None:
    return None if value is None else str(value)


@attrs.frozen(kw_only=True)
class Quote:
    """A snapshot quote from ``GET /v1/chart/quotes``.

    Prices are ``Decimal``; ``volume`` is a ``Decimal`` too (whole numbers for stocks, but the
    wire type is a JSON number and fractional volumes exist), so nothing is ever rounded.

    ``symbol`` is the quoted symbol and ``name`` the display name when the server sends one
    apart from the symbol (see :meth:`from_chart_item` for the ``n``/``s`` rule).

    Example:
        >>> q = Quote.from_chart_item({"n": "AAPL", "s": "ok", "v": {"lp": 175.4}})
        >>> q.symbol, q.last
        ('AAPL', Decimal('175.4'))
    """

    symbol: str
    name: str | None = None
    last: Decimal | None = None
    bid: Decimal | None = None
    ask: Decimal | None = None
    change: Decimal | None = None
    change_percent: Decimal | None = None
    volume: Decimal | None = None
    open: Decimal | None = None
    high: Decimal | None = None
    low: Decimal | None = None
    prev_close: Decimal | None = None
    short_name: str | None = None
    description: str | None = None
    exchange: str | None = None

    @property
    def mid(self) -> Decimal | None:
        """``(bid + ask) / 2`` when both are present."""
        if self.bid is None or self.ask is None:
            return None
        return (self.bid + self.ask) / 2

    @classmethod
    def from_chart_item(cls, item: Mapping[str, Any], requested: str | None = None) -> Quote:
        """Build a quote from one element of the ``d`` array.

        The meaning of ``n`` and ``s`` differs between sources (rest.md §8). Rule: the symbol is
        ``n`` unless ``s`` holds something other than ``ok``/``error``, in which case ``s`` is
        the symbol and ``n`` the display name. If neither names a symbol, ``requested`` is used.

        Args:
            item: the decoded item ``{"n": ..., "s": ..., "v": {...}}``.
            requested: the symbol the caller asked for, used in messages and as a fallback.

        Raises:
            ResponseFormatError: the item reports ``s == "error"`` or is malformed.
        """
        if type(item) is not dict and not isinstance(item, Mapping):
            raise ResponseFormatError(f"quote item is not an object: {item!r}")
        n = _text(item.get("n")) or None
        s = _text(item.get("s")) or None
        status = s.lower() if s is not None else None
        symbol: str | None
        name: str | None
        if s is not None and status not in _ITEM_STATUSES:
            symbol, name = s, n
        else:
            symbol, name = n, None
        if status == "error":
            who = symbol or requested or "?"
            values = item.get("v")
            detail = values.get("errmsg") if isinstance(values, Mapping) else None
            detail = detail or item.get("errmsg")
            suffix = f": {detail}" if detail else ""
            raise ResponseFormatError(f"quote for {who} failed{suffix}")
        if not symbol:
            if not requested:
                raise ResponseFormatError("quote item names no symbol")
            symbol = requested
        values = item.get("v") or {}
        if type(values) is not dict and not isinstance(values, Mapping):
            raise ResponseFormatError(f"quote values for {symbol} are not an object")
        fields: dict[str, Any] = {}
        get = values.get
        for attr, key in _QUOTE_NUMBERS:
            value = get(key)
            if type(value) is float and value - value == 0.0:  # the common case, inlined
                fields[attr] = Decimal(repr(value), _EXACT)
            else:
                fields[attr] = _quote_number(value, symbol, key)
        for attr, key in _QUOTE_TEXTS:
            text = values.get(key)
            fields[attr] = text if text is None or type(text) is str else str(text)
        return cls(symbol=symbol, name=name, **fields)

    def to_chart_item(self, symbol_in: Literal["n", "s"] = "n") -> dict[str, Any]:
        """The wire item for this quote (used by the simulator).

        Args:
            symbol_in: ``"n"`` for TradingView-UDF semantics (``n`` = symbol, ``s`` = ``"ok"``);
                ``"s"`` for the SDK reading (``s`` = symbol, ``n`` = display name).
        """
        values: dict[str, Any] = {}
        for attr, key in _QUOTE_NUMBERS:
            number = getattr(self, attr)
            if number is not None:
                values[key] = _json_number(number)
        for attr, key in _QUOTE_TEXTS:
            text = getattr(self, attr)
            if text is not None:
                values[key] = text
        if symbol_in == "s":
            return {"n": self.name or self.symbol, "s": self.symbol, "v": values}
        return {"n": self.symbol, "s": "ok", "v": values}


def _check_status(data: object, what: str, allowed: Iterable[str]) -> Mapping[str, Any]:
    if type(data) is not dict and not isinstance(data, Mapping):
        raise ResponseFormatError(f"{what}: expected an object, got {type(data).__name__}")
    status = data.get("s")
    if status == "error":
        message = data.get("errmsg") or "unknown error"
        raise ResponseFormatError(f"{what}: server reported an error: {message}")
    if status is not None and status not in allowed:
        raise ResponseFormatError(f"{what}: unexpected status {status!r}")
    return data


def parse_quotes_response(data: object) -> list[Quote]:
    """Parse a whole ``GET /v1/chart/quotes`` body.

    Raises:
        ResponseFormatError: top-level ``s == "error"`` (with the server's ``errmsg``), an item
            with ``s == "error"``, or a malformed body.
    """
    body = _check_status(data, "quotes", ("ok",))
    items = body.get("d") or []
    if not isinstance(items, list):
        raise ResponseFormatError("quotes: 'd' is not a list")
    return [Quote.from_chart_item(item) for item in items]


# --------------------------------------------------------------------------------------------
# Bars (GET /v1/chart/history)


@attrs.frozen(kw_only=True)
class Bar:
    """One OHLCV bar. ``time`` is the bar's open, aware UTC; ``volume`` is a ``Decimal``."""

    time: datetime
    open: Decimal
    high: Decimal
    low: Decimal
    close: Decimal
    volume: Decimal | None = None


def parse_bars(data: object) -> list[Bar]:
    """Parse a ``GET /v1/chart/history`` (or tick-history) body into bars, oldest first.

    ``t`` may be Unix seconds or milliseconds (told apart by size). ``s == "no_data"`` gives
    ``[]``.

    Raises:
        ResponseFormatError: ``s == "error"``, arrays of different lengths, or bad values.
    """
    body = _check_status(data, "bars", ("ok", "no_data"))
    if body.get("s") == "no_data":
        return []
    columns: dict[str, Sequence[Any]] = {}
    for key in ("t", "o", "h", "l", "c", "v"):
        column = body.get(key)
        if column is None:
            column = []
        if not isinstance(column, list):
            raise ResponseFormatError(f"bars: {key!r} is not a list")
        columns[key] = column
    length = len(columns["t"])
    for key in ("o", "h", "l", "c"):
        if len(columns[key]) != length:
            raise ResponseFormatError(
                f"bars: {key!r} has {len(columns[key])} values but 't' has {length}"
            )
    if columns["v"] and len(columns["v"]) != length:
        raise ResponseFormatError(f"bars: 'v' has {len(columns['v'])} values but 't' has {length}")
    bars = []
    for i in range(length):
        try:
            when = parse_datetime(columns["t"][i])
        except ValueError as exc:
            raise ResponseFormatError(f"bars: t[{i}]: {exc}") from None
        prices = [_number(columns[key][i], f"bars: {key}[{i}]") for key in ("o", "h", "l", "c")]
        if when is None or any(p is None for p in prices):
            raise ResponseFormatError(f"bars: bar {i} has empty values")
        volume = _number(columns["v"][i], f"bars: v[{i}]") if columns["v"] else None
        open_, high, low, close = (p for p in prices if p is not None)
        bars.append(Bar(time=when, open=open_, high=high, low=low, close=close, volume=volume))
    return bars


def bars_to_wire(
    bars: Sequence[Bar], *, next_time: int | None = None, time_unit: Literal["s", "ms"] = "s"
) -> dict[str, Any]:
    """The ``/v1/chart/history`` body for ``bars`` (``{"s": "no_data"}`` when empty).

    Args:
        bars: the bars, oldest first.
        next_time: written as ``nextTime`` when given.
        time_unit: ``"s"`` for chart history (Unix seconds), ``"ms"`` for tick history.
    """
    if not bars:
        out: dict[str, Any] = {"s": "no_data"}
    else:
        out = {
            "s": "ok",
            "t": [datetime_to_epoch(bar.time, time_unit) for bar in bars],
            "o": [_json_number(bar.open) for bar in bars],
            "h": [_json_number(bar.high) for bar in bars],
            "l": [_json_number(bar.low) for bar in bars],
            "c": [_json_number(bar.close) for bar in bars],
            "v": [_json_number(bar.volume) if bar.volume is not None else 0 for bar in bars],
        }
    if next_time is not None:
        out["nextTime"] = next_time
    return out


# --------------------------------------------------------------------------------------------
# Market status and holidays


@attrs.frozen(kw_only=True)
class MarketStatus:
    """``GET /v1/market/status``: whether an exchange is open now.

    ``timestamp`` is the server time (a Unix integer on the wire, read as seconds, or
    milliseconds if it is that large), aware UTC. ``session`` wording (e.g. ``regular``) is not
    documented precisely; it is empty when closed.
    """

    exchange: str | None = None
    is_open: bool | None = None
    session: str | None = None
    timestamp: datetime | None = attrs.field(default=None, metadata=wire(epoch="s"))
    timezone: str | None = None


@attrs.frozen(kw_only=True)
class Holiday:
    """One market holiday from ``GET /v1/market/holiday``.

    ``trading_hour`` is like ``"09:30-13:00"`` for an early close and empty for a full closure.
    """

    event_name: str | None = None
    at_date: date | None = None
    trading_hour: str | None = None

    @property
    def early_close(self) -> bool:
        """Whether the market opens that day with shortened hours (not a full closure)."""
        return bool(self.trading_hour and self.trading_hour.strip())


_DETAILS = "aries_async.models._market_details"
__getattr__ = lazy_getattr(
    __name__,
    {
        "EquityDetails": _DETAILS,
        "EquityDetailsResponse": _DETAILS,
        "OptionDetails": _DETAILS,
        "OptionDetailsResponse": _DETAILS,
        "SymbolError": _DETAILS,
    },
    globals(),
)
