"""The market face's subscriptions: what :class:`~.subscriptions.SymbolSubscriptions` keeps,
with a market subscription's channels merged per symbol, dropped a channel at a time, and
replayed as subscribe items."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import attrs

from aries_async.streaming.protocol.market_subscription import (
    Channel,
    MarketSubscription,
    channel_of,
)
from aries_async.streaming.protocol.subscriptions import SymbolSubscriptions

__all__ = ["MarketSubscriptions", "unsubscribe_item"]


_UNSUB_KEYS = {
    Channel.QUOTES: "quote",
    Channel.TRADES: "trade",
    Channel.LEVEL2: "level2",
    Channel.TIME_AND_SALES: "timeAndSales",
    Channel.GREEKS: "greeks",
}


def unsubscribe_item(symbol: str, channels: Iterable[Channel]) -> dict[str, Any]:
    """The unsubscribe item that drops ``channels`` of ``symbol`` (``{"symbol": "AAPL",
    "quote": true}``)."""
    item: dict[str, Any] = {"symbol": symbol}
    for channel in channels:
        item[_UNSUB_KEYS[channel]] = True
    return item


class MarketSubscriptions(SymbolSubscriptions[MarketSubscription]):
    """Desired market subscriptions and which of them the current connection acknowledged.

    The desired set survives reconnects (:meth:`replay`, also sent again after a
    re-authentication); the acknowledged set is cleared by :meth:`reset` when a connection
    ends.
    """

    def add(self, subscription: MarketSubscription) -> MarketSubscription:
        """Merge ``subscription`` into the desired set; returns what to send for the symbol."""
        current = self.desired.get(subscription.symbol)
        merged = subscription if current is None else current.merge(subscription)
        self.desired[subscription.symbol] = merged
        return merged

    def remove(
        self, symbol: str, channels: Iterable[Channel | str] | None = None
    ) -> str | dict[str, Any] | None:
        """Drop a whole symbol (``channels`` None) or some channels of it.

        Returns:
            The unsubscribe item to send, or None when nothing was subscribed.
        """
        current = self.desired.get(symbol)
        if current is None:
            return None
        if channels is None:
            self.discard(symbol)
            return symbol
        drop = frozenset(channel_of(c) for c in channels) & current.channels
        if not drop:
            return None
        left = current.channels - drop
        if not left:
            self.discard(symbol)
            return symbol
        self.desired[symbol] = attrs.evolve(current, channels=left)
        self._prune(symbol)
        self._overtake(symbol, self.wire_channels(symbol))
        return unsubscribe_item(symbol, drop)

    def replay(self, refused: bool = True) -> list[dict[str, Any]]:
        """Subscribe items for everything desired (after a reconnect), or (``refused`` False:
        after a re-authentication) for the channels of each the server has not refused."""
        items = []
        for symbol, sub in self.desired.items():
            asked = self.asked(symbol, refused)
            channels = frozenset(c for c in sub.channels if self.carrier(c) in asked)
            if channels:
                items.append(attrs.evolve(sub, channels=channels).to_wire())
        return items
