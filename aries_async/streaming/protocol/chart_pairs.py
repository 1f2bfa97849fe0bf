"""When the charts stream tells of a refusal: once per subscribe of a symbol, when the stream
knows all it refused.

The charts socket takes one ``payload.type`` per message (websocket.md section 5), so one
subscribe of a symbol's quotes and trades is two requests, and a server that refuses the symbol
refuses each. The user asked once. :class:`Pairs` ties the two requests together: the refusal
of the first to be answered is held until the other's answer comes; refused for the same
reason, the two are one refusal, told once (with the second error); answered otherwise (an
acknowledgement, another reason), the held one is told then too. Telling it with the last
answer, not the first, is what lets a consumer that acts on the error (the CLI stops once every
symbol is refused) find ``refused_channels`` complete: a refusal told early and its partner's
kept quiet would leave it looking at half the answer, with nothing more coming to look again.

:class:`Unheard` does the same for the errors that name neither their request nor a symbol
(websocket.md 2.6 leaves the id's place UNKNOWN): held while they cannot be tied to a request
(:mod:`.untied`), they are told once tied, one per subscribe they refuse.

Both are socket-free and hold what to tell as opaque items (``T``: the stream's
:class:`~aries_async.models.events.ServerErrorMessage`).
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import Generic, TypeVar

__all__ = ["Pairs", "Unheard"]

T = TypeVar("T")


class Pairs(Generic[T]):
    """The two requests of each subscribe of a symbol awaiting their answers, and the refusal
    of one held until the other's answer comes."""

    def __init__(self) -> None:
        # request id -> the other request of its subscribe, until either is answered
        self._partner: dict[str, str] = {}
        # request id awaiting its answer -> the reason its partner was refused for, and what
        # tells of that refusal (held until this answer comes)
        self._held: dict[str, tuple[str, T]] = {}
        # the later requests of a subscribe recorded with its first, not written yet
        self._early: set[str] = set()

    @property
    def holding(self) -> bool:
        """Whether a refusal is held, waiting for its partner's answer."""
        return bool(self._held)

    def written(
        self, request_id: str, request_ids: Sequence[str], awaiting: Collection[str]
    ) -> Sequence[str]:
        """``request_id``, one of ``request_ids`` (the requests of one subscribe of a symbol,
        written in that order), is about to be written: the ids to record as awaiting their
        answer now. The first one written records itself and those after it, which are its
        partners from then on: its answer may be read before they are written, and must find
        them awaiting theirs. Each of those, written in turn, records nothing (unless the
        connection ended in between: a new socket's request records itself).
        ``awaiting``: the requests awaiting an answer (to forget the pairs of the others)."""
        if request_id in self._early:
            self._early.discard(request_id)
            return ()
        later = request_ids[request_ids.index(request_id) :]
        self._early.update(later[1:])
        if len(later) == 2:
            if len(self._partner) > 2 * len(awaiting) + 8:  # superseded unanswered, say
                self._partner = {k: v for k, v in self._partner.items() if k in awaiting}
            first, second = later
            self._partner[first], self._partner[second] = second, first
        return later

    def answered(
        self, request_id: str, reason: str, telling: T | None, awaiting: Collection[str]
    ) -> list[T]:
        """``request_id`` was answered: refused for ``reason`` and told with ``telling``, or
        (``telling`` None) acknowledged, or refused and not told by the stream's rules.
        Returns what to tell now, in order: nothing while its partner still awaits (in
        ``awaiting``) after a refusal told (it is held), the partner's refusal held for it
        unless this one repeats it (same reason), then this one."""
        partner = self._partner.pop(request_id, None)
        if partner is not None:
            self._partner.pop(partner, None)
        out: list[T] = []
        held = self._held.pop(request_id, None)
        if held is not None:
            if telling is not None and held[0] == reason:
                return [telling]  # one refusal of both: told once, now all of it is known
            out.append(held[1])
        if telling is None:
            return out
        if partner is not None and partner in awaiting:
            self._held[partner] = (reason, telling)
        else:
            out.append(telling)
        return out

    def release(self, awaiting: Collection[str]) -> list[T]:
        """The refusals held for a partner that no longer awaits an answer (superseded by a
        newer request of its symbol, unsubscribed): they are told now."""
        gone = [request_id for request_id in self._held if request_id not in awaiting]
        return [self._held.pop(request_id)[1] for request_id in gone]

    def clear(self) -> list[T]:
        """The connection ended: nothing awaits an answer; the refusals held are told."""
        told = [telling for _, telling in self._held.values()]
        self._partner.clear()
        self._held.clear()
        self._early.clear()
        return told


class Unheard(Generic[T]):
    """The errors naming neither their request nor a symbol that are held (see
    :class:`~aries_async.streaming.protocol.untied.Untied`), in order: each not told yet, told
    already (as it came, because an unsubscribe awaiting its answer keeps it from being tied),
    or not to be told unless it is tied (it may only repeat a known refusal)."""

    def __init__(self) -> None:
        self._held: list[tuple[T, bool]] = []  # (the error, whether it is told if dropped)
        self._told = 0  # how many of them were told as they came

    def __bool__(self) -> bool:
        return bool(self._held)

    @property
    def latest(self) -> T:
        """The latest error held (there is one)."""
        return self._held[-1][0]

    def hold(self, error: T, *, now: bool, repeat: bool) -> list[T]:
        """``error`` is held: what to tell now (``now``: it cannot be tied while an unsubscribe
        awaits its answer, so it is told as it comes, unless ``repeat``: it may only repeat
        a known refusal)."""
        if now and not repeat:
            self._held.append((error, False))
            self._told += 1
            return [error]
        self._held.append((error, not repeat))
        return []

    def tied(self, told: int) -> int:
        """The held errors were tied, ``told`` of the refusals they make told by the stream's
        rules (one per subscribe): how many of those are still to tell (not told as they
        came)."""
        left = max(0, told - self._told)
        self._held.clear()
        self._told = 0
        return left

    def dropped(self) -> list[T]:
        """The held errors can no longer be tied (a request went away unanswered, the
        connection ended): those not told yet are told now, but those that may only repeat
        a known refusal."""
        told = [error for error, tell in self._held if tell]
        self._held.clear()
        self._told = 0
        return told

    def blocked(self) -> list[T]:
        """An unsubscribe awaits its answer, so the held errors cannot be tied until it comes
        (a server may never send it): those not told yet are told now."""
        told = [error for error, tell in self._held if tell]
        self._held = [(error, False) for error, _ in self._held]
        self._told += len(told)
        return told
