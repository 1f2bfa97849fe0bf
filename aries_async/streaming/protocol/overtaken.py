"""The subscribe requests an unsubscribe overtook, whose answers may still come.

A subscribe request awaits its answer while it is the latest of its symbol (see
:class:`~aries_async.streaming.protocol.subscriptions.SymbolSubscriptions`); the user's
unsubscribe of the symbol before that answer came ends the wait: the unsubscribe answered the
user. The server may still answer the subscribe (it read it first). Its acknowledgement is
nothing to act on, and its refusal refuses what the user no longer asks for: neither stream
tells it as a server error. :class:`Overtaken` remembers such requests (by id, with their
symbols) so that their answers are known for what they are, by id or, from a server that puts
no id on its errors, by the symbols a refusal names (none of them still subscribed).

How long one is remembered: until its answer comes, the connection ends, or :data:`WAIT`
seconds on the stream's clock have passed since it was overtaken. websocket.md guarantees
nothing to bound it by: not that the server answers a subscribe an unsubscribe of its symbol
followed (it may drop it unanswered), nor how soon, nor in what order, nor how many
requests a socket may carry (section 6: limits UNKNOWN). Only time tells a late answer from
none. A count alone (the rule before: 64, the older half forgotten past it) forgets the
requests of a burst that the server answers in full (an unsubscribe of 40 chart symbols
overtakes 80 requests) and tells their refusals as errors; a window forgets only what the
server has left unanswered for a minute, however many requests were overtaken at once.
:data:`LIMIT` still bounds the memory of a stream that overtakes requests faster than the
window forgets them (the oldest go first); a refusal of a request forgotten is told as any.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping

from aries_async.models.events import ServerErrorMessage
from aries_async.streaming.protocol.market_subscription import error_channels, normalize_symbol

__all__ = ["LIMIT", "WAIT", "Overtaken"]

WAIT = 60.0
"""Seconds (the stream's monotonic clock) an overtaken request is remembered for: far beyond
a subscribe's round trip; a server that takes longer has most likely dropped it."""

LIMIT = 4096
"""How many overtaken requests are remembered at most (memory only: a burst this large within
:data:`WAIT` is far beyond any the streams send)."""

# request id -> (kind: a charts payload.type, "" on the market socket; the symbols it was
# overtaken of; when it was last overtaken), oldest first
_Entry = tuple[str, set[str], float]

Pending = Mapping[str, tuple[str, Mapping[str, object]]]
"""The requests awaiting an answer: id -> (kind, the symbols it awaits an answer about)."""


class Overtaken:
    """The requests of one connection an unsubscribe overtook, awaiting their answers.

    Args:
        clock: the stream's monotonic clock (seconds).
    """

    def __init__(self, clock: Callable[[], float]) -> None:
        self._clock = clock
        self._requests: dict[str, _Entry] = {}

    def __len__(self) -> int:
        return len(self._requests)

    def add(self, request_id: str, kind: str, symbol: str) -> None:
        """An unsubscribe of ``symbol`` overtook ``request_id`` (of ``kind``)."""
        now = self._clock()
        entry = self._requests.pop(request_id, None)
        symbols = entry[1] if entry is not None else set()
        symbols.add(symbol)
        self._requests[request_id] = (kind, symbols, now)  # the newest last
        self._forget(now)

    def _forget(self, now: float) -> None:
        """Forget the requests overtaken :data:`WAIT` seconds ago or more, and the oldest
        beyond :data:`LIMIT`."""
        requests = self._requests
        while requests:
            oldest = next(iter(requests))
            if len(requests) <= LIMIT and now - requests[oldest][2] < WAIT:
                return
            del requests[oldest]

    def answered(self, request_id: str | None) -> str | None:
        """The answer to ``request_id`` came: its kind when it was an overtaken request
        remembered (now forgotten), else None."""
        self._forget(self._clock())
        entry = self._requests.pop(request_id or "", None)
        return None if entry is None else entry[0]

    def refusal(
        self, error: ServerErrorMessage, pending: Pending, desired: Collection[str]
    ) -> str | None:
        """Whether ``error`` refuses only overtaken requests (which are then forgotten): the
        kind of the one it answers, else None (nothing is forgotten).

        With an id: the request's, when it no longer awaits an answer about the symbols
        the error names (any of them, when it names none) and was overtaken of all of
        them. Without one: a refusal that names symbols, none of them desired, each the
        symbol of a request overtaken (of a channel the error names, when it names any):
        the oldest such request of each is answered. ``pending``, ``desired``: the
        requests awaiting an answer and the symbols subscribed."""
        self._forget(self._clock())
        named = {normalize_symbol(s) for s in error.symbols or () if s.strip()}
        request_id = error.request_id
        if request_id is not None:
            entry = self._requests.get(request_id)
            awaited = pending.get(request_id)
            if entry is None:
                return None
            if awaited is not None and (not named or named & awaited[1].keys()):
                if not named:  # it answers the request: what it was overtaken of too
                    del self._requests[request_id]
                return None
            if not named <= entry[1]:
                return None
            entry[1].difference_update(named)
            if not named or not entry[1] or awaited is None:
                del self._requests[request_id]
            return entry[0]
        if not named or named & set(desired):
            return None
        return self._unnamed(named, error_channels(error.channels))

    def _unnamed(self, named: set[str], channels: set[str]) -> str | None:
        """:meth:`refusal` of an error without an id naming ``named`` (and ``channels``)."""
        found: dict[str, str] = {}  # symbol -> the oldest overtaken request of it that fits
        for request_id, (kind, symbols, _) in self._requests.items():
            fits = not kind or not channels or kind in channels
            for symbol in named & symbols:
                if fits and symbol not in found:
                    found[symbol] = request_id
        if len(found) < len(named):
            return None
        kind = ""
        for symbol, request_id in found.items():
            kind, symbols, _ = self._requests[request_id]
            symbols.discard(symbol)
            if not symbols:
                del self._requests[request_id]
        return kind

    def clear(self) -> None:
        """The connection ended: no answer to these is coming."""
        self._requests.clear()
