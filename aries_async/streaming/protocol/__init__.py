"""The streaming protocol without I/O: frames in, typed events and actions out; time is passed
in.

* :mod:`.frames`: encoders of the client's messages (auth, ping, market and account
  subscribe/unsubscribe) and correlation ids;
* :mod:`.decoder`: :class:`Decoder`, one pass from a websocket frame to typed events (the
  account socket's in :mod:`.account_events`, loaded with the account stream);
* :mod:`.charts`: the charts socket's decoder and subscriptions;
* :mod:`.subscriptions`: what we want (desired) versus what the server confirmed on the
  current connection (acknowledged); :mod:`.market_subscription`: what one symbol's market
  subscription is (its channels and wire form);
* :mod:`.account_requests`: the account socket's desired topics, its subscribe requests
  awaiting an answer, and the subscriptions the server refused;
* :mod:`.untied`: which request an error without a request id answers, when it can be told;
* :mod:`.session`: authentication, control messages and re-authentication as a state machine;
* :mod:`.heartbeat`: ping schedule, pong timeout, staleness watchdog and reconnect backoff.
"""

from aries_async.streaming.protocol.account_requests import (
    AccountRequests,
    AccountSubscriptions,
    TopicKey,
    topic_key,
)
from aries_async.streaming.protocol.decoder import Decoder
from aries_async.streaming.protocol.frames import (
    IdFactory,
    encode_account_subscribe,
    encode_account_unsubscribe,
    encode_auth,
    encode_chart_subscribe,
    encode_chart_unsubscribe,
    encode_market_subscribe,
    encode_market_unsubscribe,
    encode_ping,
)
from aries_async.streaming.protocol.heartbeat import Backoff, Heartbeat, HeartbeatAction
from aries_async.streaming.protocol.market import MarketSubscriptions
from aries_async.streaming.protocol.market_subscription import (
    Channel,
    MarketSubscription,
    channel_of,
    looks_like_osi,
    normalize_symbol,
    stored_symbol,
)
from aries_async.streaming.protocol.session import Session
from aries_async.streaming.protocol.subscriptions import SymbolSubscriptions

__all__ = [
    "AccountRequests",
    "AccountSubscriptions",
    "Backoff",
    "Channel",
    "Decoder",
    "Heartbeat",
    "HeartbeatAction",
    "IdFactory",
    "MarketSubscription",
    "MarketSubscriptions",
    "Session",
    "SymbolSubscriptions",
    "TopicKey",
    "channel_of",
    "encode_account_subscribe",
    "encode_account_unsubscribe",
    "encode_auth",
    "encode_chart_subscribe",
    "encode_chart_unsubscribe",
    "encode_market_subscribe",
    "encode_market_unsubscribe",
    "encode_ping",
    "looks_like_osi",
    "normalize_symbol",
    "stored_symbol",
    "topic_key",
]
