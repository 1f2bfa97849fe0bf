"""Typed messages of the two websocket streams (websocket.md sections 2-4).

Market data (``/v1/market/ws``)
    :class:`QuoteUpdate`, :class:`TradeUpdate`, :class:`TimeAndSalesUpdate`,
    :class:`Level2Update`, :class:`GreeksUpdate`, :class:`MarketStatusUpdate`.
    These are frozen and *lazy*: they keep the decoded wire ``data`` and turn a
    field into :class:`~decimal.Decimal` / :class:`~datetime.datetime` only when you read it
    (then kept: a value read twice is the same object). The exception is the bid and ask
    of the quotes of a frame, or of a socket read, that holds several messages: the decoder
    converts those in one batch, since nearly every quote's prices are read. Numbers may
    arrive as JSON numbers or strings, timestamps as epoch milliseconds or RFC 3339: every
    form is accepted.
    Floats become ``Decimal`` through their shortest ``repr`` (``189.49`` ->
    ``Decimal("189.49")``). Updates may be partial: a field
    that was not sent is ``None``; :meth:`QuoteUpdate.merged` folds a newer partial update
    onto an older one.

Charts (``/v1/charts/ws``)
    :class:`ChartQuote` and :class:`ChartTrade`, TradingView field naming, lazy like the
    market-data updates (:mod:`aries_async.models._chart_events`).

Account updates (``/v1/accounts/ws``)
    :class:`AccountSnapshot`, :class:`OrderEvent`, :class:`PositionEvent`,
    :class:`BalanceEvent`; their payloads are the REST models (:class:`~aries_async.models.
    orders.Order`, :class:`~aries_async.models.accounts.Position`,
    :class:`~aries_async.models.accounts.Balance`), structured with the one converter.
    :class:`AccountInfoEvent`, and the other topics' :class:`PnlEvent`,
    :class:`WatchlistEvent` and :class:`NewsEvent`, whose payloads the spec leaves UNKNOWN:
    typed where the docs say something, an open mapping for the rest.

Times
    Every event with an envelope time (all of the above) is a :class:`Timestamped`:
    ``timestamp_ms`` is the raw wire value, ``timestamp`` the same instant as aware UTC.

Connection status (every stream)
    :class:`StreamConnected` and :class:`StreamDisconnected`: every gap in a stream is visible
    as a disconnect followed by a reconnect. :class:`StreamReauthenticated`: the server took
    a fresh token on the live socket and the subscriptions are sent again (no gap, unless the
    server dropped them meanwhile). Their ``at`` is the stream's monotonic clock
    (for durations), their ``timestamp`` its wall clock (``wall_clock``) as aware UTC.

Anything else
    :class:`UnknownEvent` keeps the raw message; :class:`ServerErrorMessage` is an
    ``action: "error"`` event that did not concern authentication.

Control messages (:class:`AuthSuccess`, :class:`AuthFailure`, :class:`RefreshAuth`,
:class:`AuthExpired`, :class:`Pong`, :class:`SubscribeAck`) are consumed by the connection and
never reach stream consumers.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

import attrs

from aries_async.models._account_topics import (
    AccountInfoEvent,
    NewsEvent,
    NewsItem,
    PnlCandle,
    PnlEvent,
    PnlInterval,
    WatchlistEvent,
    WatchlistState,
)
from aries_async.models._chart_events import ChartQuote, ChartTrade, ChartUpdate
from aries_async.models._market_events import (
    BookLevel,
    ExchangeQuote,
    GreeksUpdate,
    Level2Update,
    MarketDataUpdate,
    MarketStatusUpdate,
    QuoteUpdate,
    TimeAndSalesUpdate,
    TradeUpdate,
)
from aries_async.models._summary import items_repr
from aries_async.models._wire import Timestamped
from aries_async.models.accounts import Balance, Position
from aries_async.models.orders import Order

__all__ = [
    "AccountEvent",
    "AccountInfoEvent",
    "AccountSnapshot",
    "AuthExpired",
    "AuthFailure",
    "AuthSuccess",
    "BalanceEvent",
    "BookLevel",
    "ChartEvent",
    "ChartQuote",
    "ChartTrade",
    "ChartUpdate",
    "ControlMessage",
    "ExchangeQuote",
    "GreeksUpdate",
    "Level2Update",
    "MarketDataUpdate",
    "MarketEvent",
    "MarketStatusUpdate",
    "NewsEvent",
    "NewsItem",
    "OrderEvent",
    "PnlCandle",
    "PnlEvent",
    "PnlInterval",
    "Pong",
    "PositionEvent",
    "QuoteUpdate",
    "RefreshAuth",
    "ServerErrorMessage",
    "StatusEvent",
    "StreamConnected",
    "StreamDisconnected",
    "StreamReauthenticated",
    "SubscribeAck",
    "TimeAndSalesUpdate",
    "Timestamped",
    "TradeUpdate",
    "UnknownEvent",
    "WatchlistEvent",
    "WatchlistState",
]


# -- account events ---------------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class AccountSnapshot(Timestamped):
    """The state of an account right after (re)subscribing: balance, positions, active orders.

    Attributes:
        account_id: the trading account.
        balance: the ``account`` object (balance fields).
        positions: open positions.
        orders: working orders (``ordersV2``).
        resync: True when this snapshot follows a reconnect (compare it with what you had).
        raw: the wire ``data`` object.
        timestamp_ms: the envelope's ``timestamp`` as sent (the raw wire value, Unix epoch
            milliseconds), when sent; :attr:`timestamp` is the same instant as aware UTC.
    """

    account_id: str
    balance: Balance
    positions: tuple[Position, ...] = attrs.field(default=(), repr=items_repr)
    orders: tuple[Order, ...] = attrs.field(default=(), repr=items_repr)
    resync: bool = False
    raw: Mapping[str, Any] = attrs.field(factory=dict, repr=False, eq=False)
    timestamp_ms: int | None = attrs.field(default=None, eq=False)


@attrs.frozen(kw_only=True)
class OrderEvent(Timestamped):
    """``account.order``: an order changed (new, partially filled, filled, canceled...).

    Attributes:
        order: the order in its new state.
        resync: True when synthesized from a post-reconnect snapshot (the order changed while
            the stream was disconnected), False for a live event.
        timestamp_ms: the envelope's ``timestamp`` as sent (the raw wire value, Unix epoch
            milliseconds), when sent; :attr:`timestamp` is the same instant as aware UTC.
    """

    order: Order
    resync: bool = False
    timestamp_ms: int | None = attrs.field(default=None, eq=False)


@attrs.frozen(kw_only=True)
class PositionEvent(Timestamped):
    """``account.position``: a position changed (``timestamp_ms``, ``timestamp``: as for
    :class:`OrderEvent`)."""

    position: Position
    timestamp_ms: int | None = attrs.field(default=None, eq=False)


@attrs.frozen(kw_only=True)
class BalanceEvent(Timestamped):
    """``account.balance``: the balance changed (``timestamp_ms``, ``timestamp``: as for
    :class:`OrderEvent`)."""

    balance: Balance
    timestamp_ms: int | None = attrs.field(default=None, eq=False)


# -- status, unknown, errors ------------------------------------------------------------------


def _utc_now() -> datetime:
    return datetime.now(UTC)


@attrs.frozen(kw_only=True)
class StreamConnected:
    """The stream is (again) authenticated and every desired subscription was re-sent.

    Attributes:
        attempt: connection attempts so far (1 for the first connection).
        reconnect: True when a disconnect came before: updates in between were missed, and
            fresh snapshots follow (market: per-symbol snapshots; account: a resync snapshot).
        at: the stream's ``monotonic`` clock (seconds, ``time.monotonic`` unless one was
            injected), for durations: ``connected.at - disconnected.at`` is how long the
            stream was down. Not a wall-clock time: see :attr:`timestamp`.
        timestamp: when the SDK saw the change, aware UTC, on the stream's ``wall_clock``
            (a client's streams: the client's ``wall_clock``); the server sends no time for it.
        failed_attempts: attempts that failed since the connection was lost (the first
            connection: since the stream opened); 0 when the first one succeeded.
        down_for: seconds since the outage's :class:`StreamDisconnected` (``at`` minus its
            ``at``); None when no attempt failed before this connection.
    """

    attempt: int
    reconnect: bool
    at: float
    timestamp: datetime = attrs.field(factory=_utc_now, eq=False)
    failed_attempts: int = 0
    down_for: float | None = None


@attrs.frozen(kw_only=True)
class StreamDisconnected:
    """The connection was lost (or the first attempt failed); nothing arrives until the
    next :class:`StreamConnected`. Once per outage, at its first failure: the later failed
    attempts are logged at INFO and counted by the next :class:`StreamConnected`. A stream
    that gives up publishes a last one, with ``will_reconnect=False``.

    Attributes:
        reason: a short human reason (``"no frames for 30.0 s"``, ``"server closed (1006)"``).
        will_reconnect: False when the stream is ending (fatal error or reconnects exhausted).
        retry_in: seconds until the next attempt, when one is planned (the first of the
            outage's; the later ones back off further, up to ``StreamConfig.backoff_max``).
        at, timestamp: as for :class:`StreamConnected` (monotonic seconds; wall clock, aware
            UTC).
    """

    reason: str
    will_reconnect: bool
    retry_in: float | None
    at: float
    timestamp: datetime = attrs.field(factory=_utc_now, eq=False)


@attrs.frozen(kw_only=True)
class StreamReauthenticated:
    """The server asked for a fresh token (``refreshAuth``) and accepted it on the live socket:
    the session goes on (``stream.reauths`` counts these), and every desired subscription is
    sent again right after this event. Whether a server keeps a socket's subscriptions across
    a re-authentication is not documented (websocket.md 2.4): on one that keeps them nothing
    was missed; one that drops them sent nothing for them from the re-authentication until it
    read the resubscription. Its answers follow, as after a reconnect (market: a snapshot per
    symbol; account: a resync snapshot, with the orders that changed; charts: a quote per
    symbol, from a server that had dropped it).

    Attributes:
        at, timestamp: as for :class:`StreamConnected` (monotonic seconds; wall clock, aware
            UTC).
    """

    at: float
    timestamp: datetime = attrs.field(factory=_utc_now, eq=False)


StatusEvent = StreamConnected | StreamDisconnected | StreamReauthenticated
"""A connection status change."""


@attrs.frozen(kw_only=True)
class UnknownEvent:
    """A message this SDK does not understand (new message types must not crash a stream).

    Attributes:
        raw: the decoded JSON object, unchanged (in the ``repr``: it is all there is to see).
    """

    raw: Mapping[str, Any]

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
        status: the HTTP-like status of a failed ``response`` (None for an error event).
        code: the error code a ``response`` carried, when any.
        symbols: the symbols a subscribe error names as the refused ones (the simulator's
            ``symbols`` list, not in the spec), when it names any: the other symbols of the
            request were not refused. None when the error names none.
        channels: the channels of those symbols it names as the refused ones (the
            simulator's ``channels`` list, not in the spec: ``"level2"``, ``"trades"``...),
            when it names any: their other channels were not refused. None when it names none.
    """

    error: str
    request_id: str | None = None
    status: int | None = None
    code: str | None = None
    symbols: tuple[str, ...] | None = None
    channels: tuple[str, ...] | None = None


MarketEvent = (
    QuoteUpdate
    | TradeUpdate
    | TimeAndSalesUpdate
    | Level2Update
    | GreeksUpdate
    | MarketStatusUpdate
    | StatusEvent
    | ServerErrorMessage
    | UnknownEvent
)
"""Everything :meth:`MarketStream.events() <aries_async.streaming.market.MarketStream.events>`
can yield."""

ChartEvent = ChartQuote | ChartTrade | StatusEvent | ServerErrorMessage | UnknownEvent
"""Everything :meth:`ChartStream.events() <aries_async.streaming.charts.ChartStream.events>`
can yield."""

AccountEvent = (
    AccountSnapshot
    | OrderEvent
    | PositionEvent
    | BalanceEvent
    | AccountInfoEvent
    | PnlEvent
    | WatchlistEvent
    | NewsEvent
    | StatusEvent
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
    """``subscribed`` / ``response`` acknowledgement of a request id; ``payload`` is the
    ``response`` payload (the answer to a socket request)."""

    request_id: str | None = None
    status: int | None = None
    payload: Any = attrs.field(default=None, eq=False)


ControlMessage = AuthSuccess | AuthFailure | RefreshAuth | AuthExpired | Pong | SubscribeAck
"""Messages the connection consumes itself."""
