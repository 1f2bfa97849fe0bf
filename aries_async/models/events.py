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
    :class:`BalanceEvent`, and :class:`GapUnchecked` when a gap could not be checked for
    orders created in it; their payloads are the REST models (:class:`~aries_async.models.
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

from typing import TYPE_CHECKING

from aries_async._lazy import lazy_dir, lazy_getattr, names_to_modules

if TYPE_CHECKING:
    from aries_async.models._account_events import (
        AccountEvent,
        AccountSnapshot,
        BalanceEvent,
        GapUnchecked,
        OrderEvent,
        PositionEvent,
    )
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
    from aries_async.models._chart_events import (
        ChartEvent,
        ChartQuote,
        ChartTrade,
        ChartUpdate,
    )
    from aries_async.models._market_events import (
        BookLevel,
        ExchangeQuote,
        GreeksUpdate,
        Level2Update,
        MarketDataUpdate,
        MarketEvent,
        MarketStatusUpdate,
        QuoteUpdate,
        TimeAndSalesUpdate,
        TradeUpdate,
    )
    from aries_async.models._stream_events import (
        AuthExpired,
        AuthFailure,
        AuthSuccess,
        ControlMessage,
        Pong,
        RefreshAuth,
        ServerErrorMessage,
        StatusEvent,
        StreamConnected,
        StreamDisconnected,
        StreamReauthenticated,
        SubscribeAck,
        UnknownEvent,
    )
    from aries_async.models._wire import (
        Timestamped,
    )

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
    "GapUnchecked",
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

# Each name loads its module on first use: a market stream does not build the account events
# (nor the REST models their payloads are).
_HOMES = {
    "aries_async.models._account_events": (
        "AccountEvent AccountSnapshot BalanceEvent GapUnchecked OrderEvent PositionEvent"
    ),
    "aries_async.models._account_topics": (
        "AccountInfoEvent NewsEvent NewsItem PnlCandle PnlEvent PnlInterval WatchlistEvent "
        "WatchlistState"
    ),
    "aries_async.models._chart_events": "ChartEvent ChartQuote ChartTrade ChartUpdate",
    "aries_async.models._market_events": (
        "BookLevel ExchangeQuote GreeksUpdate Level2Update MarketDataUpdate MarketEvent "
        "MarketStatusUpdate QuoteUpdate TimeAndSalesUpdate TradeUpdate"
    ),
    "aries_async.models._stream_events": (
        "AuthExpired AuthFailure AuthSuccess ControlMessage Pong RefreshAuth ServerErrorMessage "
        "StatusEvent StreamConnected StreamDisconnected StreamReauthenticated SubscribeAck "
        "UnknownEvent"
    ),
    "aries_async.models._wire": "Timestamped",
}
_LAZY = names_to_modules(_HOMES)
__getattr__ = lazy_getattr(__name__, _LAZY, globals())
__dir__ = lazy_dir(globals(), __all__)
