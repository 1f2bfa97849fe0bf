"""The subscribe requests an unsubscribe overtook, whose answers may still come.

A subscribe request awaits its answer while it is the latest of its symbol (see
:class:`~aries_async.streaming.protocol.subscriptions.SymbolSubscriptions`); the user's
unsubscribe of the symbol, or of some of the channels it asked for, before that answer came
ends the wait for what was dropped: the unsubscribe answered the user. The server may still
answer the subscribe (it read it first). Its acknowledgement is nothing to act on, and its
refusal of what was dropped refuses what the user no longer asks for: neither stream tells it
as a server error. :class:`Overtaken` remembers such requests (by id, with their symbols, the
channels of each they were overtaken of, and their place in the order the requests were sent)
so that their answers are known for what they are (:meth:`Overtaken.refusal`):

* A refusal is split by what it names (its symbols, its channels: none named is all of them):
  the part about what a request was overtaken of answers that request and is not told; the
  rest is told, as an error naming only the symbols and channels still subscribed (one error
  per set of channels, when its symbols keep different ones), or not at all when nothing is
  left. A refusal that answers no overtaken request is told as it came.
* With an id, it is about that request only. One that names channels and no symbol refuses
  those channels of every symbol of the request. websocket.md 2.6 documents neither field
  (both are the simulator's), so a server may mean either this or "the whole request" by
  such an error; this reading is the one that fits what it names (one refusing a whole
  request has no channel to name), and it is how :meth:`.SymbolSubscriptions.reject` reads it
  too. Under the other, the channels named are still refused and told for each symbol still
  asked for, and what it did not name waits on for its answer: nothing the user asks for is
  dropped untold either way.
* Without one (a server that puts no id on its errors), each symbol (and channel) it names is
  taken for the oldest request of it still unanswered, overtaken or awaiting its answer: the
  answers of one socket come in the order of its requests as a rule, though the spec does not
  promise it. So when a symbol is subscribed, unsubscribed and subscribed again before the
  first subscribe was answered, the first refusal naming it answers the first request (not
  told, nothing refused) and the next one the new request (told). The same rule says when
  a request's answer is not coming: once an answer to a request sent after an overtaken one
  came (an acknowledgement, or a refusal with an id, of a later subscribe or unsubscribe:
  :meth:`Overtaken.passed`, :meth:`Overtaken.unsubscribed`), a refusal without an id is no
  longer taken for the overtaken one (a server lost it, websocket.md does not promise an
  answer), but for the newer request: told. A refusal with an id is still that request's
  whatever came before it. Where no such answer came (a server that acknowledges nothing
  and puts no id on its errors), nothing tells a refusal of the first request apart from
  one of the second when the server left the first unanswered: the refusal is taken for the
  first (the usual order) and not told, and the second request stays in ``awaiting`` (no
  call waits on it: a subscribe returns once sent) until an answer of its own or the
  connection's end, as every request of a server that acknowledges nothing does. An error
  naming no symbol is not tied here (see :mod:`.untied`).

How long one is remembered: until its answer comes, the connection ends, or ``wait`` seconds
on the stream's clock (:attr:`.StreamConfig.overtaken_wait`, :data:`WAIT` by default) have
passed since it was overtaken. websocket.md guarantees nothing to bound it by: not that the
server answers a subscribe an unsubscribe of its symbol followed (it may drop it unanswered),
nor how soon, nor in what order, nor how many requests a socket may carry (section 6: limits
UNKNOWN). Only time tells a late answer from none. A count alone (the rule before: 64, the
older half forgotten past it) forgets the requests of a burst that the server answers in full
(an unsubscribe of 40 chart symbols overtakes 80 requests) and tells their refusals as errors;
a window forgets only what the server has left unanswered for a minute, however many requests
were overtaken at once. ``limit`` (:attr:`.StreamConfig.overtaken_limit`, :data:`LIMIT` by
default) still bounds the memory of a stream that overtakes requests faster than the window
forgets them (the oldest go first); a refusal of a request forgotten is told as any.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Collection, Mapping
from typing import NamedTuple

import attrs

from aries_async.models.events import ServerErrorMessage
from aries_async.streaming.protocol.market_subscription import error_channels, normalize_symbol

__all__ = ["LIMIT", "WAIT", "Overtaken", "Refusal"]

WAIT = 60.0
"""Seconds (the stream's monotonic clock) an overtaken request is remembered for by default
(:attr:`.StreamConfig.overtaken_wait`'s): far beyond a subscribe's round trip; a server that
takes longer has most likely dropped it."""

LIMIT = 4096
"""How many overtaken requests are remembered at most by default
(:attr:`.StreamConfig.overtaken_limit`'s; memory only: a burst this large within :data:`WAIT`
is far beyond any the streams send)."""

# request id -> (kind: a charts payload.type, "" on the market socket; symbol -> the wire
# channels it was overtaken of; when it was last overtaken; its place in the order the
# requests were sent), oldest overtaken first
_Entry = tuple[str, dict[str, set[str]], float, int]

Pending = Mapping[str, tuple[str, Mapping[str, Collection[str]]]]
"""The requests awaiting an answer: id -> (kind, symbol -> the wire channels of it it awaits
an answer about)."""

_Candidates = dict[str, tuple[int, Mapping[str, Collection[str]]]]
"""The requests a refusal may answer: id -> (its place in the order sent, symbol -> the wire
channels of it it awaits an answer about)."""

_ALL = ""
"""In a refusal's channels: none named (every channel of the request it is taken for)."""


class Refusal(NamedTuple):
    """What :meth:`Overtaken.refusal` made of a server's error."""

    kind: str | None
    """The kind of an overtaken request it answered (some of), None when it answered none."""
    told: tuple[ServerErrorMessage, ...]
    """What is left to tell (and to refuse): the error itself when it answered no overtaken
    request, else errors naming only what is still subscribed, or nothing."""


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
        self._sent = itertools.count()
        # the place of the latest request sent that an answer came to: the overtaken ones
        # sent before it are not answered any more, as far as an error without an id says
        self._passed = -1
        # unsubscribe id -> its place: its acknowledgement is an answer to a later request
        self._unsubscribes: dict[str, int] = {}

    def place(self) -> int:
        """The place of a request sent now in the order the requests of the stream were sent
        (what :meth:`add` and :meth:`refusal` take)."""
        return next(self._sent)

    def __len__(self) -> int:
        return len(self._requests)

    def passed(self, order: int | None) -> None:
        """The request sent ``order``-th (None: not one of ours) was answered: an overtaken
        request sent before it still unanswered is taken for lost (see the module
        docstring; its answer, if a server sends it after all, is still known by its id)."""
        if order is not None and order > self._passed:
            self._passed = order

    def unsubscribed(self, request_id: str) -> None:
        """The unsubscribe ``request_id`` was sent now: its acknowledgement, when it comes
        (:meth:`answered`), is an answer to a request later than those sent before it."""
        self._unsubscribes[request_id] = self.place()
        while len(self._unsubscribes) > self._limit:  # a server that acknowledges none
            del self._unsubscribes[next(iter(self._unsubscribes))]

    def add(
        self, request_id: str, kind: str, symbol: str, channels: Collection[str], order: int
    ) -> None:
        """An unsubscribe of ``channels`` of ``symbol`` (the wire channels it asked for that
        are no longer desired) overtook ``request_id`` (of ``kind``, the ``order``-th request
        sent)."""
        now = self._clock()
        entry = self._requests.pop(request_id, None)
        symbols = entry[1] if entry is not None else {}
        symbols.setdefault(symbol, set()).update(channels)
        self._requests[request_id] = (kind, symbols, now, order)  # the newest last
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
        self.passed(self._unsubscribes.pop(request_id or "", None))
        entry = self._requests.pop(request_id or "", None)
        if entry is None:
            return None
        self.passed(entry[3])
        return entry[0]

    def refusal(
        self,
        error: ServerErrorMessage,
        pending: Pending,
        order: Mapping[str, int],
        subscribed: Callable[[str], Collection[str]],
    ) -> Refusal:
        """Split ``error`` into what answers overtaken requests (they await no answer about
        it any more) and what is left to tell (see the module docstring).

        Args:
            error: the server's error.
            pending: the requests awaiting an answer.
            order: the place of each of those in the order the requests were sent.
            subscribed: the wire channels subscribed for a symbol now.
        """
        self._forget(self._clock())
        named = [normalize_symbol(s) for s in error.symbols or () if s.strip()]
        which = error_channels(error.channels) or {_ALL}
        request_id = error.request_id
        passed = -1  # an overtaken request sent before this one is not taken for the error
        if request_id is not None:
            entry = self._requests.get(request_id)
            self.passed(entry[3] if entry is not None else order.get(request_id))
            self.passed(self._unsubscribes.pop(request_id, None))
            if entry is None:
                return Refusal(None, (error,))
            awaited = pending.get(request_id)
            left = awaited[1] if awaited is not None else {}
            # No symbol named: each of the request's (the channels named of each).
            scope = named or sorted(entry[1].keys() | left.keys())
            candidates: _Candidates = {request_id: (entry[3], left)}
        else:
            if not named:
                return Refusal(None, (error,))  # tied to a request elsewhere (untied.py)
            scope, passed = named, self._passed
            candidates = {rid: (order[rid], pending[rid][1]) for rid in pending if rid in order}
            for rid, (_, _, _, place) in self._requests.items():
                if place > passed:
                    candidates.setdefault(rid, (place, {}))
        kind: str | None = None
        kept: dict[str, frozenset[str] | None] = {}  # symbol -> the channels left to tell
        for symbol in dict.fromkeys(scope):
            answered, kept[symbol] = self._split(symbol, which, candidates, subscribed, passed)
            kind = answered if answered is not None else kind
        if kind is None:
            return Refusal(None, (error,))
        return Refusal(kind, _narrowed(error, kept))

    def _split(
        self,
        symbol: str,
        which: set[str],
        candidates: _Candidates,
        subscribed: Callable[[str], Collection[str]],
        passed: int,
    ) -> tuple[str | None, frozenset[str] | None]:
        """:meth:`refusal` of the channels ``which`` of ``symbol``: the kind of an overtaken
        request that part answered (None: none), and the channels left to tell (None: all
        the error names, when it answered none; else those awaited by the requests it is
        taken for, and those it names of no request that are still subscribed). What a
        request sent ``passed``-th or before was overtaken of is not answered by it."""
        kind: str | None = None
        asked: set[str] = set()
        loose: set[str] = set()  # named, of no request awaiting an answer
        for channel in which:
            request = self._oldest(symbol, channel, candidates, passed)
            if request is None:
                loose.add(channel)
                continue
            gone = self._gone(request, symbol, candidates, passed)
            left = candidates[request][1].get(symbol, ())
            if channel == _ALL:
                dropped, asked = set(gone), asked | set(left)
            elif channel in gone:
                dropped = {channel}
            else:
                dropped, asked = set(), asked | {channel}
            if dropped:
                kind = self._answer(request, symbol, dropped)
        if kind is None:
            return None, None
        return kind, frozenset(asked | (loose & set(subscribed(symbol))))

    def _gone(self, request_id: str, symbol: str, candidates: _Candidates, passed: int) -> set[str]:
        """The channels of ``symbol`` ``request_id`` was overtaken of and awaits an answer
        about (none when it was sent ``passed``-th or before)."""
        entry = self._requests.get(request_id)
        if entry is None or candidates[request_id][0] <= passed:
            return set()
        return entry[1].get(symbol, set())

    def _oldest(
        self, symbol: str, channel: str, candidates: _Candidates, passed: int
    ) -> str | None:
        """The oldest of ``candidates`` (id -> its place in the order sent, what it awaits)
        that asked for ``channel`` of ``symbol`` (any, ``_ALL``) and awaits an answer about
        it, overtaken of it (if sent after the ``passed``-th) or not."""
        found: tuple[int, str] | None = None
        for request_id, (place, left) in candidates.items():
            gone = self._gone(request_id, symbol, candidates, passed)
            asked = left.get(symbol, ())
            fits = bool(gone or asked) if channel == _ALL else channel in gone or channel in asked
            if fits and (found is None or place < found[0]):
                found = (place, request_id)
        return None if found is None else found[1]

    def _answer(self, request_id: str, symbol: str, channels: set[str]) -> str:
        """A refusal answered ``channels`` of ``symbol`` that ``request_id`` was overtaken of:
        it awaits no answer about them (one awaiting none is forgotten). Returns its kind."""
        kind, symbols, _, _ = self._requests[request_id]
        gone = symbols[symbol]
        gone -= channels
        if not gone:
            del symbols[symbol]
        if not symbols:
            del self._requests[request_id]
        return kind

    def clear(self) -> None:
        """The connection ended: no answer to these is coming."""
        self._requests.clear()
        self._unsubscribes.clear()
        self._passed = -1


def _narrowed(
    error: ServerErrorMessage, kept: Mapping[str, frozenset[str] | None]
) -> tuple[ServerErrorMessage, ...]:
    """``error`` naming only ``kept`` (symbol -> the channels left to tell of it; None: as
    the error names them): one error per set of channels, none when nothing is left."""
    groups: dict[tuple[str, ...] | None, list[str]] = {}
    for symbol, channels in kept.items():
        if channels is None:
            groups.setdefault(None, []).append(symbol)
        elif channels:
            groups.setdefault(tuple(sorted(channels)), []).append(symbol)
    return tuple(
        attrs.evolve(error, symbols=tuple(symbols), channels=error.channels if key is None else key)
        for key, symbols in groups.items()
    )
