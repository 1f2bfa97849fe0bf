"""Typed messages of the two websocket streams (websocket.md sections 2-4).

Market data (``/v1/market/ws``)
    :class:`QuoteUpdate`, :class:`TradeUpdate`, :class:`TimeAndSalesUpdate`,
    :class:`Level2Update`, :class:`GreeksUpdate`, :class:`MarketStatusUpdate`.
    These are frozen, slotted and *lazy*: they keep the decoded wire ``data`` and turn a
    field into :class:`~decimal.Decimal` / :class:`~datetime.datetime` only when you read it
    (then cached). Numbers may arrive as JSON numbers or strings, timestamps as epoch
    milliseconds or RFC 3339: every form is accepted. Floats become ``Decimal`` through their
    shortest ``repr`` (``189.49`` -> ``Decimal("189.49")``). Updates may be partial: a field
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

import functools
from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal
from typing import Any

import attrs

from aries_async.models.accounts import Balance, Position
from aries_async.models.common import parse_datetime
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


def _decimal(value: Any) -> Decimal | None:
    kind = type(value)
    if kind is float:
        if value != value or value in (float("inf"), float("-inf")):
            return None
        return Decimal(repr(value))
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


# -- market data ----------------------------------------------------------------------------


@attrs.frozen(slots=True, weakref_slot=False)
class QuoteUpdate(_Wire):
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

    symbol: str
    data: Mapping[str, Any] = attrs.field(repr=False)
    timestamp_ms: int | None = attrs.field(default=None, repr=False)

    @functools.cached_property
    def bid_price(self) -> Decimal | None:
        """``bidPrice``."""
        return _decimal(self.data.get("bidPrice"))

    @functools.cached_property
    def ask_price(self) -> Decimal | None:
        """``askPrice``."""
        return _decimal(self.data.get("askPrice"))

    @functools.cached_property
    def bid_size(self) -> int | None:
        """``bidSize``."""
        return _int(self.data.get("bidSize"))

    @functools.cached_property
    def ask_size(self) -> int | None:
        """``askSize``."""
        return _int(self.data.get("askSize"))

    @functools.cached_property
    def bid_exchange(self) -> str | None:
        """``bidExchange``."""
        return _str(self.data.get("bidExchange"))

    @functools.cached_property
    def ask_exchange(self) -> str | None:
        """``askExchange``."""
        return _str(self.data.get("askExchange"))

    @functools.cached_property
    def bid_change(self) -> Decimal | None:
        """``bidChange``."""
        return _decimal(self.data.get("bidChange"))

    @functools.cached_property
    def ask_change(self) -> Decimal | None:
        """``askChange``."""
        return _decimal(self.data.get("askChange"))

    @functools.cached_property
    def mid_price(self) -> Decimal | None:
        """``midPrice`` when sent, else the midpoint of bid and ask when both are known."""
        mid = _decimal(self.data.get("midPrice"))
        if mid is None and self.bid_price is not None and self.ask_price is not None:
            mid = (self.bid_price + self.ask_price) / 2
        return mid

    @functools.cached_property
    def spread(self) -> Decimal | None:
        """``spread`` when sent, else ask minus bid when both are known."""
        value = _decimal(self.data.get("spread"))
        if value is None and self.bid_price is not None and self.ask_price is not None:
            value = self.ask_price - self.bid_price
        return value

    @functools.cached_property
    def quote_time(self) -> datetime | None:
        """``quoteTimestamp`` (exchange time) as aware UTC."""
        return _time(self.data.get("quoteTimestamp"))

    def merged(self, newer: QuoteUpdate) -> QuoteUpdate:
        """``newer`` with the fields it did not send taken from ``self`` (partial updates)."""
        if newer.data.keys() >= self.data.keys():
            return newer
        return QuoteUpdate(newer.symbol, {**self.data, **newer.data}, newer.timestamp_ms)


@attrs.frozen(slots=True, weakref_slot=False)
class TradeUpdate(_Wire):
    """A last-trade update for one symbol (indices send only the price fields).

    Attributes:
        symbol: the ticker.
        data: the wire ``data`` object, unchanged.
        timestamp_ms: the envelope timestamp (Unix ms), when sent.
    """

    symbol: str
    data: Mapping[str, Any] = attrs.field(repr=False)
    timestamp_ms: int | None = attrs.field(default=None, repr=False)

    @functools.cached_property
    def last_price(self) -> Decimal | None:
        """``lastPrice`` (falls back to ``price``)."""
        value = _decimal(self.data.get("lastPrice"))
        return value if value is not None else _decimal(self.data.get("price"))

    @functools.cached_property
    def price(self) -> Decimal | None:
        """``price`` of this trade (falls back to ``lastPrice``)."""
        value = _decimal(self.data.get("price"))
        return value if value is not None else _decimal(self.data.get("lastPrice"))

    @functools.cached_property
    def size(self) -> int | None:
        """``size``."""
        return _int(self.data.get("size"))

    @functools.cached_property
    def total_volume(self) -> int | None:
        """``totalVolume``."""
        return _int(self.data.get("totalVolume"))

    @functools.cached_property
    def tick_volume(self) -> int | None:
        """``tickVolume``."""
        return _int(self.data.get("tickVolume"))

    @functools.cached_property
    def open_price(self) -> Decimal | None:
        """``openPrice``."""
        return _decimal(self.data.get("openPrice"))

    @functools.cached_property
    def high_price(self) -> Decimal | None:
        """``highPrice``."""
        return _decimal(self.data.get("highPrice"))

    @functools.cached_property
    def low_price(self) -> Decimal | None:
        """``lowPrice``."""
        return _decimal(self.data.get("lowPrice"))

    @functools.cached_property
    def net_change(self) -> Decimal | None:
        """``netChange``."""
        return _decimal(self.data.get("netChange"))

    @functools.cached_property
    def previous_close_price(self) -> Decimal | None:
        """``previousClosePrice``."""
        return _decimal(self.data.get("previousClosePrice"))

    @functools.cached_property
    def tick(self) -> str | None:
        """``tick`` (``+``, ``-``, ``=``)."""
        return _str(self.data.get("tick"))

    @functools.cached_property
    def trade_seq(self) -> int | None:
        """``tradeSeq`` (exchange sequence)."""
        return _int(self.data.get("tradeSeq"))

    @functools.cached_property
    def trade_exchange(self) -> str | None:
        """``tradeExchange``."""
        return _str(self.data.get("tradeExchange"))

    @functools.cached_property
    def trade_time(self) -> datetime | None:
        """``tradeTimestamp`` as aware UTC."""
        return _time(self.data.get("tradeTimestamp"))

    def merged(self, newer: TradeUpdate) -> TradeUpdate:
        """``newer`` with the fields it did not send taken from ``self``."""
        if newer.data.keys() >= self.data.keys():
            return newer
        return TradeUpdate(newer.symbol, {**self.data, **newer.data}, newer.timestamp_ms)


@attrs.frozen(slots=True, weakref_slot=False)
class TimeAndSalesUpdate(_Wire):
    """One time-and-sales print (the wire sends every value as a string)."""

    symbol: str
    data: Mapping[str, Any] = attrs.field(repr=False)
    timestamp_ms: int | None = attrs.field(default=None, repr=False)

    @functools.cached_property
    def price(self) -> Decimal | None:
        """``price``."""
        return _decimal(self.data.get("price"))

    @functools.cached_property
    def size(self) -> int | None:
        """``size``."""
        return _int(self.data.get("size"))

    @functools.cached_property
    def tick(self) -> str | None:
        """``tick``."""
        return _str(self.data.get("tick"))

    @functools.cached_property
    def trade_seq(self) -> int | None:
        """``tradeSeq``."""
        return _int(self.data.get("tradeSeq"))

    @functools.cached_property
    def trade_exchange(self) -> str | None:
        """``tradeExchange``."""
        return _str(self.data.get("tradeExchange"))

    @functools.cached_property
    def trade_time(self) -> datetime | None:
        """``tradeTimestamp`` as aware UTC."""
        return _time(self.data.get("tradeTimestamp"))


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


@attrs.frozen(slots=True, weakref_slot=False)
class Level2Update(_Wire):
    """A level 2 (order book) update. Level 2 has no snapshot on subscribe (websocket.md 3.6).

    Rows that do not have the documented colon-separated shape are skipped.
    """

    symbol: str
    data: Mapping[str, Any] = attrs.field(repr=False)
    timestamp_ms: int | None = attrs.field(default=None, repr=False)

    @functools.cached_property
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

    @functools.cached_property
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


@attrs.frozen(slots=True, weakref_slot=False)
class GreeksUpdate(_Wire):
    """Option greeks for one OSI symbol (key names beyond the five greeks are [UNKNOWN])."""

    symbol: str
    data: Mapping[str, Any] = attrs.field(repr=False)
    timestamp_ms: int | None = attrs.field(default=None, repr=False)

    @functools.cached_property
    def delta(self) -> Decimal | None:
        """``delta``."""
        return _decimal(self.data.get("delta"))

    @functools.cached_property
    def gamma(self) -> Decimal | None:
        """``gamma``."""
        return _decimal(self.data.get("gamma"))

    @functools.cached_property
    def theta(self) -> Decimal | None:
        """``theta``."""
        return _decimal(self.data.get("theta"))

    @functools.cached_property
    def vega(self) -> Decimal | None:
        """``vega``."""
        return _decimal(self.data.get("vega"))

    @functools.cached_property
    def rho(self) -> Decimal | None:
        """``rho``."""
        return _decimal(self.data.get("rho"))

    @functools.cached_property
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
