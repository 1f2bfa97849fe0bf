"""The account socket's topics: their names (current and legacy) and the decoding of the
``pnl``, ``watchlist`` and ``news`` events (websocket.md 4.2-4.3).

The older docs name the topics ``accUpdates``, ``pnlCandle`` and ``watchlistUpdates``; an event
under a legacy name is decoded as its current topic, and keeps the name it came with in
``topic``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from aries_async.models.events import NewsEvent, PnlEvent, WatchlistEvent

__all__ = ["TOPICS", "TOPIC_ALIASES", "decode_topic_event", "topic_of"]

TOPICS = ("account", "pnl", "watchlist", "news")
"""The account socket's topics (websocket.md 4.2)."""

TOPIC_ALIASES: Mapping[str, str] = {
    "account": "account",
    "accUpdates": "account",
    "pnl": "pnl",
    "pnlCandle": "pnl",
    "watchlist": "watchlist",
    "watchlistUpdates": "watchlist",
    "news": "news",
    "newsUpdates": "news",
}
"""Wire topic name -> the topic it is (the legacy names of the older docs included)."""

_EVENTS: Mapping[str, Callable[[Mapping[str, Any], Any, str], Any]] = {
    "pnl": PnlEvent.from_wire,
    "watchlist": WatchlistEvent.from_wire,
    "news": NewsEvent.from_wire,
}


def topic_of(wire: object) -> str | None:
    """The topic a wire topic name stands for (None: not an account-socket topic)."""
    return TOPIC_ALIASES.get(wire) if isinstance(wire, str) else None


def decode_topic_event(
    topic: str, payload: Mapping[str, Any]
) -> PnlEvent | WatchlistEvent | NewsEvent | None:
    """The event of a ``pnl``, ``watchlist`` or ``news`` payload; None for another topic or
    a payload without ``data``."""
    build = _EVENTS.get(topic)
    data = payload.get("data")
    if build is None or data is None:
        return None
    event: PnlEvent | WatchlistEvent | NewsEvent = build(payload, data, str(payload.get("topic")))
    return event
