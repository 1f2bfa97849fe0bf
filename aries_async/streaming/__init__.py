"""Websocket streams: market data, charts and account updates (see :mod:`.market`,
:mod:`.charts`, :mod:`.accounts`), with the market socket's subscriptions
(:mod:`.market_channels`) and requests (:mod:`.socket_requests`)
and the account socket's other topics (:mod:`.account_topics`) on several accounts
(:mod:`.account_books`, a book each: :mod:`.account_book`), opened by
:mod:`.account_opening`.

Layers: :mod:`.protocol` (sans-I/O: frames, decoder, subscriptions, the authentication
session, heartbeat and backoff), :mod:`.connection`, :mod:`.credentials` and :mod:`.link` (the
reconnecting socket, the tokens it presents and its tasks), :mod:`.fanout` (bounded
per-consumer buffers, fed by :mod:`.hub`), :mod:`.mirror` (the account state, its orders of
unknown state in :mod:`.unknown_orders`, some looked up again on a timer by
:mod:`.relooks`), :mod:`.lookup` and :mod:`.gap_sweep` (the REST lookups of what a gap hid),
and the faces :class:`MarketStream`,
:class:`ChartStream` and :class:`AccountStream` on :mod:`.base`. See ``docs/architecture.md``.
"""

from typing import TYPE_CHECKING

from aries_async._lazy import lazy_dir, lazy_getattr, names_to_modules

if TYPE_CHECKING:
    from aries_async.streaming.accounts import (
        AccountStream,
        GapUnchecked,
        OrderListing,
        OrderLookup,
        OrderStateUnknown,
        account_stream,
    )
    from aries_async.streaming.charts import ChartStream
    from aries_async.streaming.config import StreamConfig
    from aries_async.streaming.fanout import Consumer
    from aries_async.streaming.market import MarketStream, market_stream
    from aries_async.streaming.protocol import Channel
    from aries_async.streaming.socket_requests import EquitySnapshot

__all__ = [
    "AccountStream",
    "Channel",
    "ChartStream",
    "Consumer",
    "EquitySnapshot",
    "GapUnchecked",
    "MarketStream",
    "OrderListing",
    "OrderLookup",
    "OrderStateUnknown",
    "StreamConfig",
    "account_stream",
    "market_stream",
]

# Each name loads its module on first use: a market stream does not load the account stream.
_HOMES = {
    "aries_async.streaming.accounts": (
        "AccountStream GapUnchecked OrderListing OrderLookup OrderStateUnknown account_stream"
    ),
    "aries_async.streaming.charts": "ChartStream",
    "aries_async.streaming.config": "StreamConfig",
    "aries_async.streaming.fanout": "Consumer",
    "aries_async.streaming.market": "MarketStream market_stream",
    "aries_async.streaming.protocol": "Channel",
    "aries_async.streaming.socket_requests": "EquitySnapshot",
}
_LAZY = names_to_modules(_HOMES)
__getattr__ = lazy_getattr(__name__, _LAZY, globals())
__dir__ = lazy_dir(globals(), __all__)
