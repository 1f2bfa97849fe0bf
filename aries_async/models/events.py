"""Typed messages of the two websocket streams (websocket.md sections 2-4).

Market data (``/v1/market/ws``)
    :class:`QuoteUpdate`, :class:`TradeUpdate`, :class:`TimeAndSalesUpdate`,
    :class:`Level2Update`, :class:`GreeksUpdate`, :class:`MarketStatusUpdate`.
    These are frozen, slotted and *lazy*: they keep the decoded wire ``data`` and turn a
    field into :class:`~decimal.Decimal` / :class:`~datetime.datetime` only when you read it
    (then cached: a value read twice is the same object). The exception is the bid and ask
    of the quotes of a frame, or of a socket read, that holds several messages: the decoder
    converts those in one batch, since nearly every quote's prices are read. Numbers may
    arrive as JSON numbers or strings, timestamps as epoch milliseconds or RFC 3339: every
    form is accepted.
    Floats become ``Decimal`` through their shortest ``repr`` (``189.49`` ->
    ``Decimal("189.49")``). Updates may be partial: a field
    that was not sent is ``None``; :meth:`QuoteUpdate.merged` folds a newer partial update
    onto an older one.

Account updates (``/v1/accounts/ws``)
    :class:`AccountSnapshot`, :class:`OrderEvent`, :class:`PositionEvent`,
    :class:`BalanceEvent`; their payloads are the REST models (:class:`~aries_async.models.
    orders.Order`, :class:`~aries_async.models.accounts.Position`,
    :class:`~aries_async.models.accounts.Balance`), structured with the one converter.

Connection status (both streams)
    :class:`StreamConnected` and :class:`StreamDisconnected`: every gap in a stream is visible
    as a disconnect followed by a reconnect.

Anything else
    :class:`UnknownEvent` keeps the raw message; :class:`ServerErrorMessage` is an
    ``action: "error"`` event that did not concern authentication.

Control messages (:class:`AuthSuccess`, :class:`AuthFailure`, :class:`RefreshAuth`,
:class:`AuthExpired`, :class:`Pong`, :class:`SubscribeAck`) are consumed by the connection and
never reach stream consumers.
"""

from __future__ import annotations

import enum
import functools
import math
from collections.abc import Callable, Mapping
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar, cast

import attrs
import orjson

from aries_async.models.accounts import Balance, Position
from aries_async.models.common import EXACT, parse_datetime
from aries_async.models.orders import Order

__all__ = [
    "AccountEvent",
    "AccountSnapshot",
    "AuthExpired",
    "AuthFailure",
    "AuthSuccess",
    "BalanceEvent",
    "BookLevel",
    "ControlMessage",
    "ExchangeQuote",
    "GreeksUpdate",
    "Level2Update",
    "MarketDataUpdate",
    "MarketEvent",
    "MarketStatusUpdate",
    "OrderEvent",
    "Pong",
    "PositionEvent",
    "QuoteUpdate",
    "RefreshAuth",
    "ServerErrorMessage",
    "StatusEvent",
    "StreamConnected",
    "StreamDisconnected",
    "SubscribeAck",
    "TimeAndSalesUpdate",
    "TradeUpdate",
    "UnknownEvent",
]


# -- value parsers (tolerant: number or string, "" is absent, junk is absent) ------------------


_isfinite = math.isfinite
_dumps = orjson.dumps
_exact = EXACT.create_decimal  # see EXACT: no context lookup per price


def _float_decimal(value: float) -> Decimal | None:
    """A float as ``Decimal``; None for inf and nan.

    orjson writes a float as the shortest text that reads back as the same float, which is
    what ``repr`` writes (same digits; at most the exponent is spelled differently, ``1e-05``
    against ``0.00001``), so the Decimal is the one ``Decimal(repr(value))`` gives: same
    digits, same exponent. orjson does it in about a quarter of the time of ``repr``.
    """
    return _exact(_dumps(value).decode()) if _isfinite(value) else None


def _decimal(value: Any) -> Decimal | None:
    kind = type(value)
    if kind is float:
        return _float_decimal(value)
    if kind is int:
        return Decimal(value)
    if kind is str:
        text = value.strip()
        if not text:
            return None
        try:
            result = Decimal(text)
        except ArithmeticError:
            return None
        return result if result.is_finite() else None
    return None


def _int(value: Any) -> int | None:
    kind = type(value)
    if kind is int:
        return int(value)
    if kind is float:
        return int(value) if value == value and value not in (float("inf"), float("-inf")) else None
    if kind is str:
        text = value.strip()
        try:
            return int(text)
        except ValueError:
            dec = _decimal(text)
            return int(dec) if dec is not None else None
    return None


def _str(value: Any) -> str | None:
    if value is None or value == "":
        return None
    return value if type(value) is str else str(value)


def _time(value: Any) -> datetime | None:
    try:
        return parse_datetime(value)
    except (ValueError, OverflowError, OSError):
        return None


def _float(value: Any) -> float | None:
    if type(value) in (int, float):
        return float(value)
    if type(value) is str:
        try:
            return float(value)
        except ValueError:
            return None
    return None


class _Wire:
    """Shared behaviour of the lazy market-data models (attrs supplies the slots)."""

    __slots__ = ()
    data: Mapping[str, Any]
    timestamp_ms: int | None

    @property
    def time(self) -> datetime | None:
        """The server's envelope timestamp (``payload.timestamp``) as aware UTC."""
        return _time(self.timestamp_ms) if self.timestamp_ms is not None else None

    def get(self, wire_name: str, default: Any = None) -> Any:
        """A raw wire field (as decoded from JSON), for fields this model does not name."""
        return self.data.get(wire_name, default)


# -- lazy fields ------------------------------------------------------------------------------
#
# A market-data model keeps the wire ``data`` and converts a field the first time it is read.
# The converted values live in one private list slot, ``_cache``, indexed per field (the class
# decorator ``_lazy_fields`` numbers the fields). Reading a field is one property call, without
# the ``__getattr__`` that attrs generates to serve ``functools.cached_property`` on slotted
# classes; building a model on the decoder's hot path (``_wire_factory``) fills four slots,
# without attrs' generic ``__init__``; ``_convert_quote_prices`` fills the bid and ask of the
# quotes of a frame or read in one batch. For the type checker a lazy field is a cached_property.


class _Unset(enum.Enum):
    """Marks a field not converted yet (an enum member, so a pickled model keeps the marker)."""

    UNSET = "unset"


_UNSET = _Unset.UNSET
_T = TypeVar("_T")


class _Pending:
    """A lazy field waiting for ``_lazy_fields`` to give it its cache index."""

    __slots__ = ("make",)

    def __init__(self, make: Callable[[int, str], property]) -> None:
        self.make = make


def _named(read: Callable[[Any], Any], name: str, doc: str | None) -> property:
    read.__name__ = read.__qualname__ = name
    read.__doc__ = doc
    return property(read)


def _cached(compute: Callable[[Any], Any]) -> Callable[[int, str], property]:
    def make(index: int, name: str) -> property:
        def read(self: Any) -> Any:
            cache = self._cache
            value = cache[index]
            if value is _UNSET:
                value = cache[index] = compute(self)
            return value

        return _named(read, name, compute.__doc__)

    return make


def _wire_decimal(wire: str, doc: str) -> Callable[[int, str], property]:
    # _cached(lambda self: _decimal(self.data.get(wire))) with the float case inlined: prices
    # are what a stream reads most, and this saves two Python calls per price
    dumps, exact = _dumps, _exact

    def make(index: int, name: str) -> property:
        def read(self: Any) -> Any:
            cache = self._cache
            value = cache[index]
            if value is _UNSET:
                raw = self.data.get(wire)
                if type(raw) is float:
                    try:
                        value = exact(dumps(raw).decode())
                    except ArithmeticError:  # inf or nan, which orjson writes as null
                        value = None
                else:
                    value = _decimal(raw)
                cache[index] = value
            return value

        return _named(read, name, doc)

    return make


if TYPE_CHECKING:
    _lazy = functools.cached_property
else:

    def _lazy(compute: Callable[[Any], Any]) -> _Pending:
        return _Pending(_cached(compute))


def _field(wire: str, convert: Callable[[Any], _T], doc: str) -> _T:
    """A lazy field: ``convert(data.get(wire))`` on first read, then cached.

    Typed as the value it reads (like ``attrs.field``); the class decorator ``_lazy_fields``
    turns it into a read-only property.
    """
    if convert is _decimal:
        return cast(_T, _Pending(_wire_decimal(wire, doc)))

    def compute(model: _LazyWire) -> Any:
        return convert(model.data.get(wire))

    compute.__doc__ = doc
    return cast(_T, _Pending(_cached(compute)))


_L = TypeVar("_L", bound="_LazyWire")


def _lazy_fields(cls: type[_L]) -> type[_L]:
    """Turns the ``_field`` values and ``@_lazy`` methods of ``cls`` into cached properties."""
    index = cls._lazy_count
    slots = dict(cls._lazy_slots)
    for name, value in list(vars(cls).items()):
        if isinstance(value, _Pending):
            setattr(cls, name, value.make(index, name))
            slots[name] = index
            index += 1
    cls._lazy_count = index
    cls._lazy_slots = slots
    return cls


def _new_cache(model: _LazyWire) -> list[Any]:
    return [_UNSET] * model._lazy_count


@attrs.frozen(slots=True, weakref_slot=False)
class _LazyWire(_Wire):
    """A per-symbol market-data update: the wire ``data``, converted field by field on read."""

    _lazy_count: ClassVar[int] = 0
    _lazy_slots: ClassVar[Mapping[str, int]] = {}
    symbol: str
    data: Mapping[str, Any] = attrs.field(repr=False)
    timestamp_ms: int | None = attrs.field(default=None, repr=False)
    _cache: list[Any] = attrs.field(
        init=False, repr=False, eq=False, default=attrs.Factory(_new_cache, takes_self=True)
    )


def _wire_factory(cls: type[_L]) -> Callable[[str, Mapping[str, Any], Any], _L]:
    """``cls(symbol, data, timestamp_ms)`` for the decoder's hot path, without attrs' ``__init__``.

    The result is the same frozen model (same slots, same values) as the attrs constructor
    builds; only the generic per-field ``object.__setattr__`` calls are skipped.
    """
    slots = vars(_LazyWire)
    set_symbol = slots["symbol"].__set__
    set_data = slots["data"].__set__
    set_timestamp = slots["timestamp_ms"].__set__
    set_cache = slots["_cache"].__set__
    new = object.__new__
    unset = [_UNSET] * cls._lazy_count

    def build(symbol: str, data: Mapping[str, Any], timestamp_ms: Any) -> _L:
        model = new(cls)
        set_symbol(model, symbol)
        set_data(model, data)
        set_timestamp(model, timestamp_ms)
        set_cache(model, unset.copy())
        return model

    return build


# -- market data ----------------------------------------------------------------------------


@_lazy_fields
@attrs.frozen(slots=True, weakref_slot=False)
class QuoteUpdate(_LazyWire):
    """A quote (top of book) update for one symbol.

    Example:
        >>> q = QuoteUpdate("AAPL", {"bidPrice": 189.49, "askPrice": 189.51})
        >>> q.bid_price, q.ask_price, q.bid_size
        (Decimal('189.49'), Decimal('189.51'), None)

    Attributes:
        symbol: the ticker or OSI option symbol.
        data: the wire ``data`` object, unchanged (treat it as read-only).
        timestamp_ms: the envelope timestamp (Unix ms), when sent.
    """

    bid_price = _field("bidPrice", _decimal, "``bidPrice``.")
    ask_price = _field("askPrice", _decimal, "``askPrice``.")
    bid_size = _field("bidSize", _int, "``bidSize``.")
    ask_size = _field("askSize", _int, "``askSize``.")
    bid_exchange = _field("bidExchange", _str, "``bidExchange``.")
    ask_exchange = _field("askExchange", _str, "``askExchange``.")
    bid_change = _field("bidChange", _decimal, "``bidChange``.")
    ask_change = _field("askChange", _decimal, "``askChange``.")

    @_lazy
    def mid_price(self) -> Decimal | None:
        """``midPrice`` when sent, else the midpoint of bid and ask when both are known."""
        mid = _decimal(self.data.get("midPrice"))
        if mid is None and self.bid_price is not None and self.ask_price is not None:
            mid = (self.bid_price + self.ask_price) / 2
        return mid

    @_lazy
    def spread(self) -> Decimal | None:
        """``spread`` when sent, else ask minus bid when both are known."""
        value = _decimal(self.data.get("spread"))
        if value is None and self.bid_price is not None and self.ask_price is not None:
            value = self.ask_price - self.bid_price
        return value

    quote_time = _field("quoteTimestamp", _time, "``quoteTimestamp`` (exchange time) as aware UTC.")

    def merged(self, newer: QuoteUpdate) -> QuoteUpdate:
        """``newer`` with the fields it did not send taken from ``self`` (partial updates)."""
        if newer.data.keys() >= self.data.keys():
            return newer
        return QuoteUpdate(newer.symbol, {**self.data, **newer.data}, newer.timestamp_ms)


_BID, _ASK = QuoteUpdate._lazy_slots["bid_price"], QuoteUpdate._lazy_slots["ask_price"]


def _convert_quote_prices(messages: list[Any]) -> None:
    """Converts the bid and ask prices of the quotes of one frame or socket read, in one batch.

    The prices of nearly every quote are read, so the decoder converts them per batch rather
    than per field: one ``orjson.dumps`` of all the batch's float prices, one split, and
    ``Decimal`` mapped over the parts in C, instead of a Python call, a dumps and a decode per
    price. The Decimals are the ones a lazy read gives (see :func:`_float_decimal`), stored
    in the same cache, so a read still hands out one object. Other fields, and prices that
    are not floats, are still converted on first read.
    """
    floats: list[float] = []
    caches: list[list[Any]] = []
    for message in messages:
        if type(message) is QuoteUpdate:
            data = message.data
            bid = data.get("bidPrice")
            ask = data.get("askPrice")
            if type(bid) is float and type(ask) is float:
                floats.append(bid)
                floats.append(ask)
                caches.append(message._cache)
    if not caches:
        return
    values = map(_exact, _dumps(floats).decode()[1:-1].split(","))
    try:
        # two values per cache, bid then ask (zip's strict= keyword costs more than the loop)
        for cache, bid_value, ask_value in zip(caches, values, values):  # noqa: B905
            cache[_BID] = bid_value
            cache[_ASK] = ask_value
    except ArithmeticError:  # an inf or a nan (dumped as null): lazy reads give None for it
        pass


@_lazy_fields
@attrs.frozen(slots=True, weakref_slot=False)
class TradeUpdate(_LazyWire):
    """A last-trade update for one symbol (indices send only the price fields).

    Attributes:
        symbol: the ticker.
        data: the wire ``data`` object, unchanged.
        timestamp_ms: the envelope timestamp (Unix ms), when sent.
    """

    @_lazy
    def last_price(self) -> Decimal | None:
        """``lastPrice`` (falls back to ``price``)."""
        value = _decimal(self.data.get("lastPrice"))
        return value if value is not None else _decimal(self.data.get("price"))

    @_lazy
    def price(self) -> Decimal | None:
        """``price`` of this trade (falls back to ``lastPrice``)."""
        value = _decimal(self.data.get("price"))
        return value if value is not None else _decimal(self.data.get("lastPrice"))

    size = _field("size", _int, "``size``.")
    total_volume = _field("totalVolume", _int, "``totalVolume``.")
    tick_volume = _field("tickVolume", _int, "``tickVolume``.")
    open_price = _field("openPrice", _decimal, "``openPrice``.")
    high_price = _field("highPrice", _decimal, "``highPrice``.")
    low_price = _field("lowPrice", _decimal, "``lowPrice``.")
    net_change = _field("netChange", _decimal, "``netChange``.")
    previous_close_price = _field("previousClosePrice", _decimal, "``previousClosePrice``.")
    tick = _field("tick", _str, "``tick`` (``+``, ``-``, ``=``).")
    trade_seq = _field("tradeSeq", _int, "``tradeSeq`` (exchange sequence).")
    trade_exchange = _field("tradeExchange", _str, "``tradeExchange``.")
    trade_time = _field("tradeTimestamp", _time, "``tradeTimestamp`` as aware UTC.")

    def merged(self, newer: TradeUpdate) -> TradeUpdate:
        """``newer`` with the fields it did not send taken from ``self``."""
        if newer.data.keys() >= self.data.keys():
            return newer
        return TradeUpdate(newer.symbol, {**self.data, **newer.data}, newer.timestamp_ms)


@_lazy_fields
@attrs.frozen(slots=True, weakref_slot=False)
class TimeAndSalesUpdate(_LazyWire):
    """One time-and-sales print (the wire sends every value as a string)."""

    price = _field("price", _decimal, "``price``.")
    size = _field("size", _int, "``size``.")
    tick = _field("tick", _str, "``tick``.")
    trade_seq = _field("tradeSeq", _int, "``tradeSeq``.")
    trade_exchange = _field("tradeExchange", _str, "``tradeExchange``.")
    trade_time = _field("tradeTimestamp", _time, "``tradeTimestamp`` as aware UTC.")


@attrs.frozen(kw_only=True)
class BookLevel:
    """One ``orderBook`` row ``askSize:price:bidSize``."""

    price: Decimal
    ask_size: int
    bid_size: int


@attrs.frozen(kw_only=True)
class ExchangeQuote:
    """One ``quotes`` row ``exchange:askPrice:askSize:bidPrice:bidSize``."""

    exchange: str
    ask_price: Decimal | None
    ask_size: int | None
    bid_price: Decimal | None
    bid_size: int | None


def _rows(value: Any) -> list[list[str]]:
    if not isinstance(value, list):
        return []
    return [str(row).split(":") for row in value if isinstance(row, str)]


@_lazy_fields
@attrs.frozen(slots=True, weakref_slot=False)
class Level2Update(_LazyWire):
    """A level 2 (order book) update. Level 2 has no snapshot on subscribe (websocket.md 3.6).

    Rows that do not have the documented colon-separated shape are skipped.
    """

    @_lazy
    def order_book(self) -> tuple[BookLevel, ...]:
        """``orderBook`` rows, parsed."""
        out: list[BookLevel] = []
        for row in _rows(self.data.get("orderBook")):
            if len(row) != 3:
                continue
            price, ask, bid = _decimal(row[1]), _int(row[0]), _int(row[2])
            if price is None or ask is None or bid is None:
                continue
            out.append(BookLevel(price=price, ask_size=ask, bid_size=bid))
        return tuple(out)

    @_lazy
    def quotes(self) -> tuple[ExchangeQuote, ...]:
        """``quotes`` rows (per-exchange touch), parsed."""
        out: list[ExchangeQuote] = []
        for row in _rows(self.data.get("quotes")):
            if len(row) != 5:
                continue
            out.append(
                ExchangeQuote(
                    exchange=row[0],
                    ask_price=_decimal(row[1]),
                    ask_size=_int(row[2]),
                    bid_price=_decimal(row[3]),
                    bid_size=_int(row[4]),
                )
            )
        return tuple(out)


@_lazy_fields
@attrs.frozen(slots=True, weakref_slot=False)
class GreeksUpdate(_LazyWire):
    """Option greeks for one OSI symbol (key names beyond the five greeks are [UNKNOWN])."""

    delta = _field("delta", _decimal, "``delta``.")
    gamma = _field("gamma", _decimal, "``gamma``.")
    theta = _field("theta", _decimal, "``theta``.")
    vega = _field("vega", _decimal, "``vega``.")
    rho = _field("rho", _decimal, "``rho``.")

    @_lazy
    def implied_volatility(self) -> Decimal | None:
        """``impliedVolatility`` (also read from ``iv``)."""
        value = _decimal(self.data.get("impliedVolatility"))
        return value if value is not None else _decimal(self.data.get("iv"))


@attrs.frozen(slots=True, weakref_slot=False)
class MarketStatusUpdate(_Wire):
    """The ``marketStatus`` push: once after auth, then whenever a field changes.

    Venue maps are open (``exchanges``, ``currencies``, ``indicesGroups`` keep unknown keys).
    """

    data: Mapping[str, Any] = attrs.field(repr=False)
    timestamp_ms: int | None = attrs.field(default=None, repr=False)
    symbol: str = attrs.field(default="", repr=False)

    @property
    def market(self) -> str | None:
        """``market`` (``open``, ``closed``...)."""
        return _str(self.data.get("market"))

    @property
    def is_open(self) -> bool:
        """Whether ``market`` says ``open``."""
        return (self.market or "").lower() == "open"

    @property
    def early_hours(self) -> bool:
        """``earlyHours``."""
        return bool(self.data.get("earlyHours"))

    @property
    def after_hours(self) -> bool:
        """``afterHours``."""
        return bool(self.data.get("afterHours"))

    @property
    def exchanges(self) -> Mapping[str, str]:
        """``exchanges``: venue -> status."""
        value = self.data.get("exchanges")
        return {str(k): str(v) for k, v in value.items()} if isinstance(value, dict) else {}

    @property
    def server_time(self) -> datetime | None:
        """``serverTime``."""
        return _time(self.data.get("serverTime"))


MarketDataUpdate = QuoteUpdate | TradeUpdate | TimeAndSalesUpdate | Level2Update | GreeksUpdate
"""A per-symbol market-data update."""


# -- account events ---------------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class AccountSnapshot:
    """The state of an account right after (re)subscribing: balance, positions, active orders.

    Attributes:
        account_id: the trading account.
        balance: the ``account`` object (balance fields).
        positions: open positions.
        orders: working orders (``ordersV2``).
        resync: True when this snapshot follows a reconnect (compare it with what you had).
        raw: the wire ``data`` object.
    """

    account_id: str
    balance: Balance
    positions: tuple[Position, ...] = ()
    orders: tuple[Order, ...] = ()
    resync: bool = False
    raw: Mapping[str, Any] = attrs.field(factory=dict, repr=False, eq=False)


@attrs.frozen(kw_only=True)
class OrderEvent:
    """``account.order``: an order changed (new, partially filled, filled, canceled...).

    Attributes:
        order: the order in its new state.
        resync: True when synthesized from a post-reconnect snapshot (the order changed while
            the stream was disconnected), False for a live event.
        timestamp_ms: the envelope timestamp, when sent.
    """

    order: Order
    resync: bool = False
    timestamp_ms: int | None = attrs.field(default=None, eq=False)


@attrs.frozen(kw_only=True)
class PositionEvent:
    """``account.position``: a position changed."""

    position: Position
    timestamp_ms: int | None = attrs.field(default=None, eq=False)


@attrs.frozen(kw_only=True)
class BalanceEvent:
    """``account.balance``: the balance changed."""

    balance: Balance
    timestamp_ms: int | None = attrs.field(default=None, eq=False)


# -- status, unknown, errors ------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class StreamConnected:
    """The stream is (again) authenticated and every desired subscription was re-sent.

    Attributes:
        attempt: connection attempts so far (1 for the first connection).
        reconnect: True when a disconnect came before: updates in between were missed, and
            fresh snapshots follow (market: per-symbol snapshots; account: a resync snapshot).
        at: the stream clock's time (monotonic seconds).
    """

    attempt: int
    reconnect: bool
    at: float


@attrs.frozen(kw_only=True)
class StreamDisconnected:
    """The connection was lost; nothing arrives until the next :class:`StreamConnected`.

    Attributes:
        reason: a short human reason (``"no frames for 30.0 s"``, ``"server closed (1006)"``).
        will_reconnect: False when the stream is ending (fatal error or reconnects exhausted).
        retry_in: seconds until the next attempt, when one is planned.
        at: the stream clock's time.
    """

    reason: str
    will_reconnect: bool
    retry_in: float | None
    at: float


StatusEvent = StreamConnected | StreamDisconnected
"""A connection status change."""


@attrs.frozen(kw_only=True)
class UnknownEvent:
    """A message this SDK does not understand (new message types must not crash a stream).

    Attributes:
        raw: the decoded JSON object, unchanged.
    """

    raw: Mapping[str, Any] = attrs.field(repr=False)

    @property
    def type(self) -> str | None:
        """The envelope ``type``, when present."""
        value = self.raw.get("type")
        return value if isinstance(value, str) else None


@attrs.frozen(kw_only=True)
class ServerErrorMessage:
    """An ``action: "error"`` event from the server (for example a refused subscription).

    Attributes:
        error: the server's text (``"invalid symbol"``).
        request_id: the id of the request it answers, when echoed.
    """

    error: str
    request_id: str | None = None


MarketEvent = (
    QuoteUpdate
    | TradeUpdate
    | TimeAndSalesUpdate
    | Level2Update
    | GreeksUpdate
    | MarketStatusUpdate
    | StreamConnected
    | StreamDisconnected
    | ServerErrorMessage
    | UnknownEvent
)
"""Everything :meth:`MarketStream.events() <aries_async.streaming.market.MarketStream.events>`
can yield."""

AccountEvent = (
    AccountSnapshot
    | OrderEvent
    | PositionEvent
    | BalanceEvent
    | StreamConnected
    | StreamDisconnected
    | ServerErrorMessage
    | UnknownEvent
)
"""Everything :meth:`AccountStream.events() <aries_async.streaming.accounts.AccountStream.events>`
can yield."""


# -- control messages (consumed by the connection) ----------------------------------------------


@attrs.frozen(kw_only=True)
class AuthSuccess:
    """``authSuccess``: ``expires_in_ms`` is the session time left, when sent."""

    request_id: str | None = None
    expires_in_ms: int | None = None


@attrs.frozen(kw_only=True)
class AuthFailure:
    """The server refused authentication (``error`` for an auth request, ``authRequired``,
    ``authTimeout``)."""

    action: str
    error: str
    request_id: str | None = None


@attrs.frozen(kw_only=True)
class RefreshAuth:
    """``refreshAuth``: the session expires soon; authenticate again on this socket."""


@attrs.frozen(kw_only=True)
class AuthExpired:
    """``authExpired``: the session ended; the server closes the socket."""


@attrs.frozen(kw_only=True)
class Pong:
    """``pong`` (the id is optional on the wire)."""

    request_id: str | None = None


@attrs.frozen(kw_only=True)
class SubscribeAck:
    """``subscribed`` / ``response`` acknowledgement of a request id."""

    request_id: str | None = None
    status: int | None = None


ControlMessage = AuthSuccess | AuthFailure | RefreshAuth | AuthExpired | Pong | SubscribeAck
"""Messages the connection consumes itself."""
