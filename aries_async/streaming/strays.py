"""Updates of what the user unsubscribed that keep coming, and when to tell the server again.

websocket.md leaves UNKNOWN whether a subscribe repeated on a socket that holds it already
counts twice. The streams send every desired subscription again after each re-authentication
on the live socket; a server that counts them keeps a symbol subscribed after one
unsubscribe, and its updates keep coming. The stream faces withhold such updates (strays)
from their consumers and from ``latest()``; :class:`Strays` says when to send one more
unsubscribe of a symbol's channel, by the first of two rules, counted on one connection:

* **acknowledged**: the first stray after the server acknowledged the channel's latest
  unsubscribe (the server read it, and the channel still comes), once: the next one waits
  for that new unsubscribe to be acknowledged or counted out in turn;
* **counted or timed**: when none acknowledged the channel's latest unsubscribe
  (websocket.md 3.7 leaves the unsubscribe's acknowledgement UNKNOWN: a server may send
  none), the :data:`PATIENCE`-th stray since it went out, or the first stray :data:`WAIT`
  seconds or more after it went out, whichever comes first: either is well beyond what was
  on its way when the unsubscribe left, and the time lets a quiet symbol (a few updates a
  minute) be told again as soon as a busy one. Each unsubscribe told again this way and left
  unacknowledged doubles both (:data:`PATIENCE` strays or :data:`WAIT` seconds, then twice,
  four times as many...), so a server that never stops a channel gets a number of
  unsubscribes that grows with the logarithm of its strays and of the time, never a storm;
  the user's own unsubscribe, or an acknowledgement, starts again from the first pair.

An acknowledgement of an older unsubscribe, while a newer one of the channel is in flight,
counts for nothing: the newer one's answer (or count) decides.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

__all__ = ["PATIENCE", "WAIT", "Strays"]

PATIENCE = 100
"""Strays of a channel since its unsubscribe went out, unacknowledged, after which the server
is told again (the first time; then twice as many each time it goes unheard)."""

WAIT = 10.0
"""Seconds since a channel's unsubscribe went out, unacknowledged, after which its next stray
tells the server again (the first time; then twice as long each time it goes unheard)."""

_LIMIT = 1024
"""How many unsubscribes (sent, awaited, or acknowledged) a connection remembers; the oldest
go first. Beyond it a late stray is withheld as any, the server not told again."""

_Key = tuple[str, str]


class _Awaited:
    """The latest unsubscribe of one channel, not acknowledged: its request id, the strays
    since it went out, how many it waits for, and until when."""

    __slots__ = ("patience", "request_id", "strays", "until", "wait")

    def __init__(self, request_id: str, patience: int, wait: float, now: float) -> None:
        self.request_id = request_id
        self.strays = 0
        self.patience = patience
        self.wait = wait
        self.until = now + wait


class Strays:
    """The unsubscribes of one connection, by request id, and the stray updates' count.

    Channels are the wire's (a market channel's value, a charts ``payload.type``)."""

    def __init__(self) -> None:
        self.withheld = 0
        """Updates of what is not subscribed that arrived (and were withheld), all along."""
        self._sent: dict[str, list[_Key]] = {}  # id -> (symbol, channel) dropped
        self._awaited: dict[_Key, _Awaited] = {}  # the latest unsubscribe, unacknowledged
        self._acknowledged: dict[_Key, None] = {}  # an ordered set, oldest first

    def sent(
        self,
        request_id: str,
        symbol: str,
        channels: Iterable[str],
        *,
        again: bool = False,
        now: float,
    ) -> None:
        """An unsubscribe of ``channels`` of ``symbol`` went out on the connection at ``now``
        (monotonic seconds): the user's, or (``again``) one :meth:`arrived` asked for."""
        dropped = [(symbol, channel) for channel in channels]
        for key in dropped:
            self._acknowledged.pop(key, None)
            before = self._awaited.pop(key, None)
            if again and before is not None:
                awaited = _Awaited(request_id, before.patience * 2, before.wait * 2, now)
            else:
                awaited = _Awaited(request_id, PATIENCE, WAIT, now)
            self._awaited[key] = awaited
        self._sent[request_id] = dropped
        _trim(self._sent)
        _trim(self._awaited)

    @property
    def awaiting(self) -> int:
        """The unsubscribes sent on the connection that await their acknowledgement (of a
        server that sends none, all of them, up to the last 1024)."""
        return len(self._sent)

    def acknowledge(self, request_id: str | None) -> bool:
        """Whether ``request_id`` is one of the unsubscribes (now acknowledged)."""
        dropped = self._sent.pop(request_id or "", None)
        if dropped is None:
            return False
        for key in dropped:
            awaited = self._awaited.get(key)
            if awaited is not None and awaited.request_id == request_id:
                del self._awaited[key]
                self._acknowledged[key] = None
        _trim(self._acknowledged)
        return True

    def arrived(self, symbol: str, channel: str, now: float) -> bool:
        """An update of ``channel`` of ``symbol``, not subscribed, arrived at ``now``
        (monotonic seconds): whether to tell the server again (see the module docstring); if
        so, the caller sends the unsubscribe and says so with :meth:`sent` (``again``)."""
        self.withheld += 1
        key = (symbol, channel)
        if key in self._acknowledged:
            del self._acknowledged[key]
            return True
        awaited = self._awaited.get(key)
        if awaited is None:
            return False  # no unsubscribe of it on this connection (or one long forgotten)
        awaited.strays += 1
        return awaited.strays >= awaited.patience or now >= awaited.until

    def reset(self) -> None:
        """The connection is gone (a new socket holds nothing of what it unsubscribed)."""
        self._sent.clear()
        self._awaited.clear()
        self._acknowledged.clear()


def _trim(remembered: dict[Any, Any]) -> None:
    """Forget the oldest entries beyond :data:`_LIMIT`."""
    while len(remembered) > _LIMIT:
        del remembered[next(iter(remembered))]
