"""Websocket streams: market data, charts and account updates (see :mod:`.market`,
:mod:`.charts`, :mod:`.accounts`).

Layers: :mod:`.protocol` (sans-I/O: frames, decoder, subscriptions, the authentication
session, heartbeat and backoff), :mod:`.connection` and :mod:`.link` (the reconnecting socket and
its tasks), :mod:`.fanout` (bounded per-consumer buffers), :mod:`.mirror` (the account state),
and the faces :class:`MarketStream`, :class:`ChartStream` and :class:`AccountStream` on
:mod:`.base`. See
``docs/architecture.md``.
"""

from aries_async.streaming.accounts import (
    AccountStream,
    OrderLookup,
    OrderStateUnknown,
    account_stream,
)
from aries_async.streaming.charts import ChartStream
from aries_async.streaming.config import StreamConfig
from aries_async.streaming.fanout import Consumer
from aries_async.streaming.market import MarketStream, market_stream
from aries_async.streaming.protocol import Channel

__all__ = [
    "AccountStream",
    "Channel",
    "ChartStream",
    "Consumer",
    "MarketStream",
    "OrderLookup",
    "OrderStateUnknown",
    "StreamConfig",
    "account_stream",
    "market_stream",
]
