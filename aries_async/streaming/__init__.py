"""Websocket streams: market data and account updates (see :mod:`.market`, :mod:`.accounts`).

Layers: :mod:`.protocol` (sans-I/O), :mod:`.connection` (reconnecting socket),
:mod:`.fanout` (bounded per-consumer buffers), and the faces :class:`MarketStream` and
:class:`AccountStream`.
"""

from aries_async.streaming.accounts import (
    AccountStream,
    OrderLookup,
    OrderStateUnknown,
    account_stream,
)
from aries_async.streaming.config import StreamConfig
from aries_async.streaming.fanout import Consumer
from aries_async.streaming.market import MarketStream, market_stream
from aries_async.streaming.protocol import Channel

__all__ = [
    "AccountStream",
    "Channel",
    "Consumer",
    "MarketStream",
    "OrderLookup",
    "OrderStateUnknown",
    "StreamConfig",
    "account_stream",
    "market_stream",
]
