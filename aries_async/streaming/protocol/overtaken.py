"""The subscribe requests an unsubscribe overtook, whose answers may still come.

A subscribe request awaits its answer while it is the latest of its symbol (see
:class:`~aries_async.streaming.protocol.subscriptions.SymbolSubscriptions`); the user's
unsubscribe of the symbol, or of some of the channels it asked for, before that answer came
ends the wait for what was dropped: the unsubscribe answered the user. The server may still
answer the subscribe (it read it first). Its acknowledgement is nothing to act on, and its
refusal of what was dropped refuses what the user no longer asks for: neither stream tells it
as a server error. :class:`Overtaken` remembers such requests (by id, with their symbols and
the channels of each they were overtaken of) so that their answers are known for what they
are, by id or, from a server that puts no id on its errors, by the symbols and channels a
refusal names (none of them still subscribed).

How long one is remembered: until its answer comes, the connection ends, or ``wait`` seconds
on the stream's clock (:attr:`.StreamConfig.overtaken_wait`, :data:`WAIT` by default) have
passed since it was overtaken. websocket.md guarantees
nothing to bound it by: not that the server answers a subscribe an unsubscribe of its symbol
followed (it may drop it unanswered), nor how soon, nor in what order, nor how many
requests a socket may carry (section 6: limits UNKNOWN). Only time tells a late answer from
none. A count alone (the rule before: 64, the older half forgotten past it) forgets the
requests of a burst that the server answers in full (an unsubscribe of 40 chart symbols
overtakes 80 requests) and tells their refusals as errors; a window forgets only what the
server has left unanswered for a minute, however many requests were overtaken at once.
``limit`` (:attr:`.StreamConfig.overtaken_limit`, :data:`LIMIT` by default) still bounds the
memory of a stream that overtakes requests faster than the window forgets them (the oldest go
first); a refusal of a request forgotten is told as any.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping

from aries_async.models.events import ServerErrorMessage
from aries_async.streaming.protocol.market_subscription import error_channels, normalize_symbol

__all__ = ["LIMIT", "WAIT", "Overtaken"]

WAIT = 60.0
"""Seconds (the stream's monotonic clock) an overtaken request is remembered for by default
(:attr:`.StreamConfig.overtaken_wait`'s): far beyond a subscribe's round trip; a server that
takes longer has most likely dropped it."""

LIMIT = 4096
"""How many overtaken requests are remembered at most by default
(:attr:`.StreamConfig.overtaken_limit`'s; memory only: a burst this large within :data:`WAIT`
is far beyond any the streams send)."""

# request id -> (kind: a charts payload.type, "" on the market socket; symbol -> the wire
# channels it was overtaken of; when it was last overtaken), oldest first
_Entry = tuple[str, dict[str, set[str]], float]

Pending = Mapping[str, tuple[str, Mapping[str, Collection[str]]]]
"""The requests awaiting an answer: id -> (kind, symbol -> the wire channels of it it awaits
an answer about)."""


class Overtaken:
    """The requests of one connection an unsubscribe overtook, awaiting their answers.

    Args:
        clock: the stream's monotonic clock (seconds).
        wait: seconds on ``clock`` a request is remembered for after it was overtaken.
        limit: how many requests are remembered at most (the oldest are forgotten first).
    """

    def __init__(
        self, clock: Callable[[], float], *, wait: float = WAIT, limit: int = LIMIT
    ) -> None:
        self._clock = clock
        self._wait = wait
        self._limit = limit
        self._requests: dict[str, _Entry] = {}

    def __len__(self) -> int:
        return len(self._requests)

    def add(self, request_id: str, kind: str, symbol: str, channels: Collection[str]) -> None:
        """An unsubscribe of ``channels`` of ``symbol`` (the wire channels it asked for that
        are no longer desired) overtook ``request_id`` (of ``kind``)."""
        now = self._clock()
        entry = self._requests.pop(request_id, None)
        symbols = entry[1] if entry is not None else {}
        symbols.setdefault(symbol, set()).update(channels)
        self._requests[request_id] = (kind, symbols, now)  # the newest last
        self._forget(now)

    def _forget(self, now: float) -> None:
        """Forget the requests overtaken ``wait`` seconds ago or more, and the oldest beyond
        ``limit``."""
        requests = self._requests
        while requests:
            oldest = next(iter(requests))
            if len(requests) <= self._limit and now - requests[oldest][2] < self._wait:
                return
            del requests[oldest]

    def answered(self, request_id: str | None) -> str | None:
        """The answer to ``request_id`` came: its kind when it was an overtaken request
        remembered (now forgotten), else None."""
        self._forget(self._clock())
        entry = self._requests.pop(request_id or "", None)
        return None if entry is None else entry[0]

    def refusal(
        self,
        error: ServerErrorMessage,
        pending: Pending,
        subscribed: Callable[[str], Collection[str]],
    ) -> str | None:
        """Whether ``error`` refuses only overtaken requests (which are then forgotten): the
        kind of the one it answers, else None (nothing is forgotten).

        With an id: the request's, when it was overtaken of all the symbols the error
        names (any of them, when it names none) and awaits no answer about them, or only
        about channels the error does not name while it names some it was overtaken of
        (one unsubscribed channel of a symbol whose other channels are still asked for).
        Without one: a refusal that names symbols, none of them subscribed (or, when it
        names channels, none of those subscribed for them), each the symbol of a request
        overtaken (of a channel the error names, when it names any): the oldest such
        request of each is answered. ``pending``: the requests awaiting an answer;
        ``subscribed``: the wire channels subscribed for a symbol."""
        self._forget(self._clock())
        named = {normalize_symbol(s) for s in error.symbols or () if s.strip()}
        which = error_channels(error.channels)
        if error.request_id is not None:
            return self._by_id(error.request_id, named, which, pending)
        if not named or any(_asked(subscribed(s), (), which) for s in named):
            return None
        return self._unnamed(named, which)

    def _by_id(
        self, request_id: str, named: set[str], which: set[str], pending: Pending
    ) -> str | None:
        """:meth:`refusal` of an error with an id naming ``named`` (and ``which``)."""
        entry = self._requests.get(request_id)
        awaited = pending.get(request_id)
        if entry is None:
            return None
        if awaited is not None and not named:
            del self._requests[request_id]  # it answers the request: what it was overtaken
            return None  # of too
        gone = entry[1]
        left: Mapping[str, Collection[str]] = awaited[1] if awaited is not None else {}
        if not named <= gone.keys() or any(_asked(left.get(s, ()), gone[s], which) for s in named):
            return None
        for symbol in named:
            _answer(gone, symbol, which if left.get(symbol) else ())
        if not named or not gone or awaited is None:
            del self._requests[request_id]
        return entry[0]

    def _unnamed(self, named: set[str], channels: set[str]) -> str | None:
        """:meth:`refusal` of an error without an id naming ``named`` (and ``channels``)."""
        found: dict[str, str] = {}  # symbol -> the oldest overtaken request of it that fits
        for request_id, (kind, symbols, _) in self._requests.items():
            for symbol in named & symbols.keys():
                of = {kind} if kind else symbols[symbol]  # the channels it was overtaken of
                if (not channels or channels & of) and symbol not in found:
                    found[symbol] = request_id
        if len(found) < len(named):
            return None
        kind = ""
        for symbol, request_id in found.items():
            kind, symbols, _ = self._requests[request_id]
            _answer(symbols, symbol, () if kind else channels)
            if not symbols:
                del self._requests[request_id]
        return kind

    def clear(self) -> None:
        """The connection ended: no answer to these is coming."""
        self._requests.clear()


def _asked(left: Collection[str], gone: Collection[str], which: Collection[str]) -> bool:
    """Whether a refusal of the channels ``which`` (none named: any) may refuse a channel of
    a symbol still asked for: the channels ``left`` of it (awaited, subscribed), when the
    request it answers was overtaken of ``gone`` of them (a refusal that names none of those
    is taken for one of what is asked, as :meth:`.SymbolSubscriptions.reject` takes it)."""
    if not left:
        return False
    return not which or any(c in left for c in which) or (bool(gone) and not set(which) & set(gone))


def _answer(symbols: dict[str, set[str]], symbol: str, which: Collection[str]) -> None:
    """A refusal of ``which`` (none named: all) answered the request overtaken of
    ``symbols``' channels about ``symbol``: it awaits no answer about those any more."""
    gone = symbols.get(symbol)
    if gone is not None:
        gone.difference_update(which)
        if not which or not gone:
            del symbols[symbol]
