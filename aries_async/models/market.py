"""Market data over REST: symbol search, quotes, bars, market status, holidays and details.

Only :class:`Quote` and its parser are defined here. Every other name of ``__all__`` (symbol
search, bars, status, holidays, equity and option details) is defined in a private module and
imported on first use, so that polling quotes does not build those classes at import.

Market-data values are JSON numbers on the wire; they become ``Decimal`` through their shortest
``repr`` (``175.4`` -> ``Decimal("175.4")``). Chart endpoints use TradingView UDF shapes, so
quotes and bars have explicit parse/serialize functions instead of converter wire names.
"""

from __future__ import annotations

import operator
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Literal

import attrs
import orjson

from aries_async._lazy import lazy_dir, lazy_getattr
from aries_async.errors import QuoteError, ResponseFormatError
from aries_async.frames import FrameRows
from aries_async.models._values import LazyNumber, json_number, number_decimal, response_decimal

if TYPE_CHECKING:
    from aries_async.models._market_other import (
        RESOLUTIONS,
        Bar,
        EquityDetails,
        EquityDetailsResponse,
        Holiday,
        MarketStatus,
        OptionDetails,
        OptionDetailsResponse,
        Resolution,
        SymbolError,
        SymbolMatch,
        SymbolType,
        bars_to_wire,
        parse_bars,
    )

__all__ = [
    "RESOLUTIONS",
    "Bar",
    "EquityDetails",
    "EquityDetailsResponse",
    "Holiday",
    "MarketStatus",
    "OptionDetails",
    "OptionDetailsResponse",
    "Quote",
    "QuoteBatch",
    "Resolution",
    "SymbolError",
    "SymbolMatch",
    "SymbolType",
    "bars_to_wire",
    "parse_bars",
    "parse_quote_batch",
    "parse_quotes_response",
]


# --------------------------------------------------------------------------------------------
# Quotes (GET /v1/chart/quotes)

_ITEM_STATUSES = frozenset({"ok", "error"})
_NO_SYMBOL = "?"
"""The symbol of a :class:`QuoteError` for an error item that names none."""

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


def _quote_number(value: object, symbol: str, key: str) -> Decimal | None:
    number = number_decimal(value)
    if number is None and value is not None:  # refused with the reason
        return response_decimal(value, f"quote {symbol} {key}")
    return number


_QUOTE_KEYS = tuple(key for _, key in _QUOTE_NUMBERS)
_new = object.__new__
_setattr = object.__setattr__


def _text(value: object) -> str | None:
    return None if value is None else str(value)


@attrs.frozen(kw_only=True, slots=False)
class Quote:
    """A snapshot quote from ``GET /v1/chart/quotes``.

    Prices are ``Decimal``; ``volume`` is a ``Decimal`` too (whole numbers for stocks, but the
    wire type is a JSON number and fractional volumes exist), so nothing is ever rounded.

    A quote parsed from the wire converts each number on first read and keeps the result, so
    polling many symbols pays only for the fields you use. The values are checked when the
    quote is built (a malformed number raises :class:`~aries_async.errors.ResponseFormatError`
    then, not when read), and equality, hashing, ``repr``, pickling and ``attrs.evolve``
    behave as for an eagerly built quote.

    ``symbol`` is the quoted symbol and ``name`` the display name: the one the server sends
    apart from the symbol, else the item's ``description`` (see :meth:`from_chart_item` for the
    ``n``/``s`` rule).

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
        Without a display name apart from the symbol, ``name`` is the item's ``description``.

        Args:
            item: the decoded item ``{"n": ..., "s": ..., "v": {...}}``.
            requested: the symbol the caller asked for, used in messages and as a fallback.

        Raises:
            QuoteError: the item reports ``s == "error"`` (``symbol`` is None when the item
                names none and none was requested).
            ResponseFormatError: the item is malformed.
        """
        if type(item) is not dict and not isinstance(item, Mapping):
            raise ResponseFormatError(f"quote item is not an object: {item!r}")
        symbol: str | None = item.get("n")
        name: str | None = None
        s = item.get("s")
        status = s
        if s != "ok" or type(symbol) is not str:  # anything but the usual {"n": ..., "s": "ok"}
            n = _text(symbol) or None
            s = _text(s) or None
            status = s.lower() if s is not None else None
            if s is not None and status not in _ITEM_STATUSES:
                symbol, name = s, n
            else:
                symbol = n
        if status == "error":
            values = item.get("v")
            detail = values.get("errmsg") if isinstance(values, Mapping) else None
            detail = _text(detail or item.get("errmsg")) or "the server reported an error"
            raise QuoteError(symbol or requested or _NO_SYMBOL, detail)
        if not symbol:
            if not requested:
                raise ResponseFormatError("quote item names no symbol")
            symbol = requested
        values = item.get("v") or {}
        if type(values) is not dict and not isinstance(values, Mapping):
            raise ResponseFormatError(f"quote values for {symbol} are not an object")
        get = values.get
        short_name, description, exchange = get("short_name"), get("description"), get("exchange")
        if not (
            (short_name is None or type(short_name) is str)
            and (description is None or type(description) is str)
            and (exchange is None or type(exchange) is str)
        ):  # a number or another JSON value where a text belongs: its text
            short_name, description, exchange = (
                _text(short_name),
                _text(description),
                _text(exchange),
            )
        state: dict[str, Any] = {
            "symbol": symbol,
            "name": description if name is None else name,
            "short_name": short_name,
            "description": description,
            "exchange": exchange,
        }
        try:
            wire: tuple[object, ...] = _NUMBER_VALUES(values)
        except KeyError:  # a number left out reads as None, as one sent as null does
            wire = tuple(map(get, _QUOTE_KEYS))
        try:
            text = orjson.dumps(wire)
        except orjson.JSONEncodeError:  # an int beyond 64 bits, a Decimal...
            text = b"-"
        rest = text[1:-1].translate(None, _PLAIN_NUMBER_BYTES)
        if text[:1] == b"[" and (not rest or rest == b"null" * wire.count(None)):
            # Every number is a finite int or float, or None (see _PLAIN_NUMBER_BYTES; orjson
            # writes NaN and the infinities as null too, hence the count): they are kept as
            # they are, each becomes a Decimal on first read (LazyNumber). The instance is the
            # frozen model the constructor builds, with ``state`` as its dict: one call
            # instead of fifteen setattrs.
            state[_WIRE] = wire
            quote = _new(cls)
            _setattr(quote, "__dict__", state)
            return quote
        # Something else than plain JSON numbers: each is converted, or refused, now.
        for attr, key in _QUOTE_NUMBERS:
            state[attr] = _quote_number(get(key), symbol, key)
        return cls(**state)

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
                values[key] = json_number(number)
        for attr, key in _QUOTE_TEXTS:
            text = getattr(self, attr)
            if text is not None:
                values[key] = text
        if symbol_in == "s":
            return {"n": self.name or self.symbol, "s": self.symbol, "v": values}
        return {"n": self.symbol, "s": "ok", "v": values}


_WIRE = "_wire_numbers"
"""Key, in the dict of a quote built by :meth:`Quote.from_chart_item`, of the wire numbers not
read yet (a tuple in the order of ``_QUOTE_NUMBERS``), each read through its
:class:`~aries_async.models._values.LazyNumber`."""
_NUMBER_VALUES = operator.itemgetter(*_QUOTE_KEYS)


_PLAIN_NUMBER_BYTES = b"0123456789.,-+e"
"""What orjson writes between the brackets of a list of ints and finite floats, and nothing else
does: it writes a string with a quote, a boolean with a ``t`` or an ``f``, None, NaN and the
infinities as ``null``, an object with braces and a list with brackets."""


for _index, (_attr, _) in enumerate(_QUOTE_NUMBERS):
    setattr(Quote, _attr, LazyNumber(_attr, _WIRE, _index))
del _index, _attr


def check_status(data: object, what: str, allowed: Iterable[str]) -> Mapping[str, Any]:
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
    if type(data) is not dict or data.get("s") != "ok":  # the usual body needs no other check
        data = check_status(data, "quotes", ("ok",))
    items = data.get("d") or []
    if not isinstance(items, list):
        raise ResponseFormatError("quotes: 'd' is not a list")
    return list(map(Quote.from_chart_item, items))


class QuoteBatch(FrameRows, dict[str, Quote]):
    """What :meth:`Market.quotes() <aries_async.resources.market.Market.quotes>` returns: the
    quotes that came back, keyed by symbol (it is the ``dict`` of them), and in :attr:`errors`
    each symbol that got none, with its :class:`~aries_async.errors.QuoteError`.

    One bad symbol does not cost the others::

        batch = await client.market.quotes(["AAPL", "NOSUCH", "MSFT"])
        for symbol, quote in batch.items():       # AAPL, MSFT
            ...
        for symbol, error in batch.errors.items():  # NOSUCH: no quote for NOSUCH: ...
            log.warning("%s", error)

    It equals the plain dict of its quotes; ``errors`` is in its ``repr``; ``to_frame()``.

    Attributes:
        errors: symbol -> :class:`~aries_async.errors.QuoteError`, in the order asked.
    """

    __slots__ = ("errors",)

    def __init__(
        self,
        quotes: Mapping[str, Quote] | Iterable[tuple[str, Quote]] = (),
        errors: Mapping[str, QuoteError] | None = None,
    ) -> None:
        super().__init__(quotes)
        self.errors: dict[str, QuoteError] = dict(errors or {})

    def __repr__(self) -> str:
        return f"QuoteBatch({dict.__repr__(self)}, errors={self.errors!r})"

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (dict(self), self.errors))


def parse_quote_batch(
    data: object, requested: Iterable[str]
) -> tuple[dict[str, Quote], dict[str, QuoteError]]:
    """Parse a ``GET /v1/chart/quotes`` body into its quotes and its per-symbol errors.

    Each requested symbol the body neither quotes nor reports gets a :class:`QuoteError`
    too (a server may leave an unknown symbol out). An error item naming no symbol is
    charged to the requested symbols left without an answer.

    Raises:
        ResponseFormatError: a malformed body, or a top-level ``s == "error"`` without items
            (the whole request refused: which symbol is to blame cannot be told from it).
    """
    body: Mapping[str, Any]
    status = data.get("s") if type(data) is dict else None
    if type(data) is dict and (status == "ok" or (status == "error" and _has_items(data))):
        body = data  # "error" with items: the server's way of saying that none was quoted
    else:
        body = check_status(data, "quotes", ("ok",))
    items = body.get("d") or []
    if not isinstance(items, list):
        raise ResponseFormatError("quotes: 'd' is not a list")
    errors: dict[str, QuoteError] = {}
    nameless: list[QuoteError] = []
    try:  # the usual body: every item a quote
        quotes = {quote.symbol: quote for quote in map(Quote.from_chart_item, items)}
    except QuoteError:
        quotes = {}
        for item in items:
            try:
                quote = Quote.from_chart_item(item)
            except QuoteError as exc:
                if exc.symbol == _NO_SYMBOL:
                    nameless.append(exc)
                else:
                    errors.setdefault(exc.symbol, exc)
            else:
                quotes[quote.symbol] = quote
    missing = [s for s in requested if s not in quotes and s not in errors]
    if missing:
        reasons = {exc.reason for exc in nameless}
        reason = reasons.pop() if len(reasons) == 1 else "the server sent no quote for it"
        errors.update((symbol, QuoteError(symbol, reason)) for symbol in missing)
    return quotes, errors


def _has_items(data: Mapping[str, Any]) -> bool:
    items = data.get("d")
    return isinstance(items, list) and bool(items)


_OTHER = "aries_async.models._market_other"
__getattr__ = lazy_getattr(
    __name__, {name: _OTHER for name in __all__ if name not in globals()}, globals()
)
__dir__ = lazy_dir(globals(), __all__)
