"""The REST quote, :class:`Quote` (``GET /v1/chart/quotes``), and its wire item.

Exported by :mod:`aries_async.models.market`, which holds the parsers of whole answers
(:func:`~aries_async.models.market.parse_quote_batch`...) and :class:`QuoteBatch`.
"""

from __future__ import annotations

import operator
from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal
from typing import Any, ClassVar, Literal

import attrs
import orjson

from aries_async._deprecation import renamed
from aries_async.errors import QuoteError, ResponseFormatError
from aries_async.models._deferred import PENDING, Deferred
from aries_async.models._values import json_number, number_decimal, response_decimal, wire_text
from aries_async.models._wire import to_str

__all__ = ["NO_SYMBOL", "Quote"]

_ITEM_STATUSES = frozenset({"ok", "error"})
NO_SYMBOL = "?"
"""The symbol of a :class:`QuoteError` for an error item that names none."""

# Quote attribute -> key inside the item's "v" object.
_QUOTE_NUMBERS: tuple[tuple[str, str], ...] = (
    ("last_price", "lp"),
    ("bid_price", "bid"),
    ("ask_price", "ask"),
    ("change", "ch"),
    ("change_percent", "chp"),
    ("volume", "volume"),
    ("open_price", "open_price"),
    ("high_price", "high_price"),
    ("low_price", "low_price"),
    ("previous_close_price", "prev_close_price"),
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


def _text(value: object, what: str) -> str | None:
    """A text of the item, a number's too (:func:`wire_text`).

    Raises:
        ResponseFormatError: an object or a list, said by its type (never quoted).
    """
    try:
        return None if value is None else wire_text(value)
    except TypeError as exc:
        raise ResponseFormatError(f"{what}: {exc}") from None


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
    ``n``/``s`` rule). The fields are named as on the charts socket's
    :class:`~aries_async.models.events.ChartQuote` (wire ``lp`` is ``last_price``, ``bid`` is
    ``bid_price``, ``prev_close_price`` is ``previous_close_price``...).

    The wire quote carries no time: ``received_at`` is when the answer that carried it arrived
    (aware UTC, read once per answer from the client's wall clock), None for a quote built by
    hand or by :meth:`from_chart_item` without one. It is not compared: two polls of an
    unchanged quote are equal.

    The names of the previous release (``last``, ``bid``, ``ask``, ``open``, ``high``,
    ``low``, ``prev_close``, ``mid``) still read, with a :class:`DeprecationWarning`; the
    constructor takes only the new ones.

    Example:
        >>> q = Quote.from_chart_item({"n": "AAPL", "s": "ok", "v": {"lp": 175.4}})
        >>> q.symbol, q.last_price
        ('AAPL', Decimal('175.4'))
    """

    symbol: str
    name: str | None = None
    last_price: Decimal | None = None
    bid_price: Decimal | None = None
    ask_price: Decimal | None = None
    change: Decimal | None = None
    change_percent: Decimal | None = None
    volume: Decimal | None = None
    open_price: Decimal | None = None
    high_price: Decimal | None = None
    low_price: Decimal | None = None
    previous_close_price: Decimal | None = None
    short_name: str | None = None
    description: str | None = None
    exchange: str | None = None
    received_at: datetime | None = attrs.field(default=None, eq=False)

    last: ClassVar[renamed[Decimal | None]] = renamed("last_price")
    bid: ClassVar[renamed[Decimal | None]] = renamed("bid_price")
    ask: ClassVar[renamed[Decimal | None]] = renamed("ask_price")
    open: ClassVar[renamed[Decimal | None]] = renamed("open_price")
    high: ClassVar[renamed[Decimal | None]] = renamed("high_price")
    low: ClassVar[renamed[Decimal | None]] = renamed("low_price")
    prev_close: ClassVar[renamed[Decimal | None]] = renamed("previous_close_price")
    mid: ClassVar[renamed[Decimal | None]] = renamed("mid_price")

    @property
    def mid_price(self) -> Decimal | None:
        """``(bid_price + ask_price) / 2`` when both are present (as
        :attr:`QuoteUpdate.mid_price <aries_async.models.events.QuoteUpdate.mid_price>`)."""
        bid, ask = self.bid_price, self.ask_price
        if bid is None or ask is None:
            return None
        return (bid + ask) / 2

    @classmethod
    def from_chart_item(
        cls,
        item: Mapping[str, Any],
        requested: str | None = None,
        received_at: datetime | None = None,
    ) -> Quote:
        """Build a quote from one element of the ``d`` array.

        The meaning of ``n`` and ``s`` differs between sources (rest.md §8). Rule: the symbol is
        ``n`` unless ``s`` holds something other than ``ok``/``error``, in which case ``s`` is
        the symbol and ``n`` the display name. If neither names a symbol, ``requested`` is used.
        Without a display name apart from the symbol, ``name`` is the item's ``description``.

        Args:
            item: the decoded item ``{"n": ..., "s": ..., "v": {...}}``.
            requested: the symbol the caller asked for, used in messages and as a fallback.
            received_at: when the answer holding the item arrived (aware UTC), for
                :attr:`received_at`.

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
            n = _text(symbol, "quote item n") or None
            s = _text(s, "quote item s") or None
            status = s.lower() if s is not None else None
            if s is not None and status not in _ITEM_STATUSES:
                symbol, name = s, n
            else:
                symbol = n
        if status == "error":
            values = item.get("v")
            detail = values.get("errmsg") if isinstance(values, Mapping) else None
            # An object for the words is not quoted (to_str): the item still says "error".
            detail = to_str(detail or item.get("errmsg")) or "the server reported an error"
            raise QuoteError(symbol or requested or NO_SYMBOL, detail)
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
        ):  # a number where a text belongs: its text; an object or a list is refused
            short_name, description, exchange = (
                _text(short_name, f"quote {symbol} short_name"),
                _text(description, f"quote {symbol} description"),
                _text(exchange, f"quote {symbol} exchange"),
            )
        state: dict[str, Any] = {
            "symbol": symbol,
            "name": description if name is None else name,
            "short_name": short_name,
            "description": description,
            "exchange": exchange,
            "received_at": received_at,
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
            # they are, each becomes a Decimal on first read (Deferred). The instance is the
            # frozen model the constructor builds, with ``state`` as its dict: one call
            # instead of a setattr per field.
            state[PENDING] = wire
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


_NUMBER_VALUES = operator.itemgetter(*_QUOTE_KEYS)


_PLAIN_NUMBER_BYTES = b"0123456789.,-+e"
"""What orjson writes between the brackets of a list of ints and finite floats, and nothing else
does: it writes a string with a quote, a boolean with a ``t`` or an ``f``, None, NaN and the
infinities as ``null``, an object with braces and a list with brackets."""


# A quote built by from_chart_item holds its wire numbers, in the order of _QUOTE_NUMBERS, in a
# tuple under PENDING; each becomes a Decimal when first read.
for _index, (_attr, _key) in enumerate(_QUOTE_NUMBERS):
    setattr(Quote, _attr, Deferred(_attr, number_decimal, _index, wire=_key))
del _index, _attr, _key
