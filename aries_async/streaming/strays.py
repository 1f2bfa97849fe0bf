"""Updates of what the user unsubscribed that keep coming, and when to tell the server again.

websocket.md leaves UNKNOWN whether a subscribe repeated on a socket that holds it already
counts twice. The streams send every desired subscription again after each re-authentication
on the live socket; a server that counts them keeps a symbol subscribed after one
unsubscribe, and its updates keep coming. The stream faces withhold such updates from their
consumers and from ``latest()``; :class:`Strays` says when to send one more unsubscribe: when
an update of a channel arrives after the server acknowledged that channel's latest
unsubscribe, once until that new unsubscribe is acknowledged in turn (at most one per burst
of arrivals, however many arrive meanwhile).
"""

from __future__ import annotations

from collections.abc import Iterable

__all__ = ["Strays"]

_LIMIT = 1024
"""How many unsubscribes (sent, or acknowledged) a connection remembers; the oldest go
first. Beyond it a late stray is withheld as any, the server not told again."""


class Strays:
    """The unsubscribes of one connection, by request id, and the stray updates' count.

    Channels are the wire's (a market channel's value, a charts ``payload.type``)."""

    def __init__(self) -> None:
        self.withheld = 0
        """Updates of what is not subscribed that arrived (and were withheld), all along."""
        self._sent: dict[str, list[tuple[str, str]]] = {}  # id -> (symbol, channel) dropped
        self._acknowledged: dict[tuple[str, str], None] = {}  # an ordered set, oldest first

    def sent(self, request_id: str, symbol: str, channels: Iterable[str]) -> None:
        """An unsubscribe of ``channels`` of ``symbol`` went out on the connection."""
        dropped = [(symbol, channel) for channel in channels]
        for key in dropped:
            self._acknowledged.pop(key, None)
        self._sent[request_id] = dropped
        if len(self._sent) > _LIMIT:
            del self._sent[next(iter(self._sent))]

    def acknowledge(self, request_id: str | None) -> bool:
        """Whether ``request_id`` is one of the unsubscribes (now acknowledged)."""
        dropped = self._sent.pop(request_id or "", None)
        if dropped is None:
            return False
        for key in dropped:
            self._acknowledged[key] = None
        while len(self._acknowledged) > _LIMIT:
            del self._acknowledged[next(iter(self._acknowledged))]
        return True

    def arrived(self, symbol: str, channel: str) -> bool:
        """An update of ``channel`` of ``symbol``, not subscribed, arrived: whether to tell
        the server again (its latest unsubscribe was acknowledged; the next one awaits its
        own acknowledgement before another is sent)."""
        self.withheld += 1
        key = (symbol, channel)
        if key in self._acknowledged:
            del self._acknowledged[key]
            return True
        return False

    def reset(self) -> None:
        """The connection is gone (a new socket holds nothing of what it unsubscribed)."""
        self._sent.clear()
        self._acknowledged.clear()
