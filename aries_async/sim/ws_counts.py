"""``faults.ws_counting_subscriptions``: a market or charts socket that counts subscriptions.

websocket.md leaves UNKNOWN whether a subscribe of what a socket holds already (the replay a
client sends after a re-authentication on a socket that kept its subscriptions) counts twice.
A counting server keeps a count per symbol and channel: each subscribe of it adds one, each
unsubscribe takes one off, and the updates flow while the count is above zero, so one
unsubscribe after two subscribes leaves the channel subscribed.
"""

from __future__ import annotations

from collections.abc import Iterable

__all__ = ["SubscriptionCounts"]


class SubscriptionCounts:
    """The subscribe counts of one socket, by symbol and channel (the socket's own names:
    ``quotes``, ``trades``, ``level2``, ``timeAndSales``, ``greeks``)."""

    def __init__(self) -> None:
        self._counts: dict[tuple[str, str], int] = {}

    def add(self, symbol: str, channels: Iterable[str]) -> None:
        """One subscribe of ``channels`` of ``symbol``."""
        for channel in channels:
            key = (symbol, channel)
            self._counts[key] = self._counts.get(key, 0) + 1

    def held(self, symbol: str) -> set[str]:
        """The channels of ``symbol`` whose count is above zero."""
        return {channel for (held, channel) in self._counts if held == symbol}

    def remove(self, symbol: str, channels: Iterable[str]) -> set[str]:
        """One unsubscribe of ``channels`` of ``symbol``: those whose count reaches zero (or
        that were never counted), which the socket is to drop."""
        dropped = set()
        for channel in channels:
            key = (symbol, channel)
            left = self._counts.pop(key, 1) - 1
            if left > 0:
                self._counts[key] = left
            else:
                dropped.add(channel)
        return dropped

    def clear(self) -> None:
        """Forget every count (the socket dropped its subscriptions)."""
        self._counts.clear()
