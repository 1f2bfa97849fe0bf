"""What the charts stream tells of the server's answers to its subscribes, and when.

A refused symbol is told once per subscribe, with a :class:`~aries_async.models.events.
ServerErrorMessage` in ``events()``, when the stream knows all that subscribe refused: a
subscribe of a symbol's quotes and trades is two requests (websocket.md section 5), and the
refusal of the first answered waits for the other's answer (:class:`~aries_async.streaming.
protocol.chart_pairs.Pairs`). An error that names neither its request nor a symbol answers the
lone subscribe awaiting an answer, or is held until it can be tied by elimination
(:mod:`~aries_async.streaming.protocol.untied`, :class:`~aries_async.streaming.protocol.
chart_pairs.Unheard`).
"""

from __future__ import annotations

import logging
from collections.abc import Callable

import attrs

from aries_async.models.events import ServerErrorMessage
from aries_async.streaming.protocol.chart_pairs import Pairs, Unheard
from aries_async.streaming.protocol.charts import ChartSubscriptions, refuses_trades_type
from aries_async.streaming.protocol.market_subscription import Channel
from aries_async.streaming.protocol.subscriptions import says_already_subscribed
from aries_async.streaming.protocol.untied import UntiedLog
from aries_async.streaming.strays import Strays

__all__ = ["ChartRefusals"]

log = logging.getLogger("aries_async.streaming")

Told = list[ServerErrorMessage]


class ChartRefusals:
    """The answers of one charts stream's subscribes: what the server refused goes to its
    subscriptions (``subs``), and what to tell of it is returned, in order, for the stream to
    publish.

    Args:
        subs: the stream's subscriptions.
        strays: its unsubscribes (an error naming nothing may answer one awaiting its answer).
        trades_refused: called when the server refused the ``trades`` type, not a symbol.
    """

    def __init__(
        self,
        subs: ChartSubscriptions,
        strays: Strays,
        trades_refused: Callable[[ServerErrorMessage], None],
    ) -> None:
        self._subs = subs
        self._strays = strays
        self._trades_refused = trades_refused
        self._log = UntiedLog(
            "charts",
            "they stay in awaiting until the others are answered, which ties it to the one "
            "left (or until the connection ends)",
        )
        self._pairs: Pairs[ServerErrorMessage] = Pairs()
        self._unheard: Unheard[ServerErrorMessage] = Unheard()

    @property
    def holding(self) -> bool:
        """Whether a refusal is held, not told yet."""
        return bool(self._unheard) or self._pairs.holding

    def written(self, request_id: str, request_ids: list[str]) -> tuple[str, ...]:
        """``request_id`` of one subscribe's ``request_ids`` is written: the ids to record as
        awaiting their answer now (see :meth:`.Pairs.written`)."""
        return tuple(self._pairs.written(request_id, request_ids, self._subs.pending_ids))

    def acknowledged(self, request_id: str | None) -> Told:
        """An acknowledgement (of a subscribe or an unsubscribe) came: the refusal of the
        other request of its subscribe held for it is told, and so are held errors naming
        nothing tied by elimination now."""
        subs = self._subs
        out: Told = []
        if subs.acknowledge(request_id):
            out += self._pairs.answered(request_id or "", "", None, subs.pending_ids)
        elif subs.overtaken(request_id) is None:
            self._strays.acknowledge(request_id)
        if subs.untied:
            tied, reason, _ = subs.settle(self._strays.awaiting)
            out += self._tie(tied, reason)
        return out

    def refusal(self, error: ServerErrorMessage) -> Told:
        """An error, maybe answering one of our subscribes: what to tell now (nothing when it
        is not told: a refused ``trades`` type, trades come with the quotes; an answer that
        says the symbol is subscribed already; a refusal that only repeats a known one; one
        held until the other request of its subscribe is answered). A refused symbol is
        told, once per subscribe. One that names neither its request nor a symbol answers
        the lone subscribe awaiting an answer, or is held until it can be tied
        (:meth:`_idless`)."""
        kind, left = self._subs.overtaken_refusal(error)
        if kind is not None:
            # What it refuses that the user no longer asks for (the unsubscribe that
            # overtook it answered the user), by id or by the symbols it names, is not told;
            # a refused trades type is still learned from it.
            log.debug("charts: a refusal of a request an unsubscribe overtook: %s", error.error)
            if kind == Channel.TRADES.value and not left and _refuses_type(error):
                self._trades_refused(error)
        told: Told = []
        for part in left:  # error itself when it answered no overtaken request
            if part.request_id is None and not part.symbols:
                told += self._idless(part)
            else:
                told += self._answered(part)
        return told

    def _idless(self, error: ServerErrorMessage) -> Told:
        """An error without an id or a symbol: :meth:`_answered` as the lone subscribe's, or
        held while several await an answer: told once tied, by the rules of the subscribes
        it refuses; as it comes while an unsubscribe awaits its answer (it cannot be tied
        then), unless it may only repeat a known refusal."""
        subs, unsubscribing = self._subs, self._strays.awaiting
        request_id = subs.lone(unsubscribing)
        if request_id is not None:
            return self._answered(attrs.evolve(error, request_id=request_id), error)
        if not subs.in_flight or says_already_subscribed(error.error):
            return self._answered(error)  # it refuses none of our subscribes
        self._log.untied(error.error, len(subs.in_flight) + unsubscribing, "requests")
        # Those held before, that can no longer be tied, are not this one's to tie with.
        told = self._unheard.dropped() if self._unheard and not subs.untied else []
        repeat = subs.may_repeat(error.error)
        told += self._unheard.hold(error, now=bool(unsubscribing), repeat=repeat)
        tied, reason, _ = subs.hold(error.error, unsubscribing)
        return told + self._tie(tied, reason)

    def _tie(self, tied: list[str], reason: str) -> Told:
        """Held errors were tied to these subscribes (by elimination): each refused, and
        told by the rules of its subscribe (:meth:`_answered`) with the latest error held,
        worded as they were tied, less as many as were told as they came."""
        if not tied:
            return []
        telling = attrs.evolve(self._unheard.latest, error=reason)
        out: Told = []
        for request_id in tied:
            out += self._answered(ServerErrorMessage(error=reason, request_id=request_id), telling)
        ours = sum(1 for told in out if told is telling)
        skip = ours - self._unheard.tied(ours)
        kept: Told = []
        for told in out:
            if told is telling and skip:
                skip -= 1
            else:
                kept.append(told)
        return kept

    def _answered(
        self, error: ServerErrorMessage, telling: ServerErrorMessage | None = None
    ) -> Told:
        """:meth:`refusal` of an error tied to its request (or naming symbols); ``telling``:
        what tells of it (``error`` itself unless given)."""
        subs = self._subs
        request_id = error.request_id or ""
        if subs.refused_type(error.request_id, error.error, error.symbols):
            self._trades_refused(error)
            return self._pairs.answered(request_id, "", None, subs.pending_ids)
        told = (telling or error) if subs.error(error) else None
        return self._pairs.answered(request_id, error.error, told, subs.pending_ids)

    def released(self) -> Told:
        """The refusals held that are told now: a subscribe's whose other request no longer
        awaits an answer (superseded, unsubscribed: :meth:`.Pairs.release`), and errors
        naming nothing that can no longer be tied, or not until an unsubscribe awaiting its
        answer gets it (:class:`.Unheard`)."""
        out: Told = []
        if self._unheard:
            if not self._subs.untied:
                out += self._unheard.dropped()
            elif self._strays.awaiting:
                out += self._unheard.blocked()
        if self._pairs.holding:
            out += self._pairs.release(self._subs.pending_ids)
        return out

    def closed(self) -> Told:
        """The socket is gone: nothing is acknowledged any more (the subscriptions and the
        unsubscribes are reset); the refusals held are told."""
        told = self._pairs.clear()
        self._subs.reset()
        self._strays.reset()
        return told + self._unheard.dropped()


def _refuses_type(error: ServerErrorMessage) -> bool:
    """Whether ``error``, refusing a ``trades`` request, refuses the type (see
    :func:`~aries_async.streaming.protocol.charts.refuses_trades_type`), not the symbol."""
    reason = error.error
    return not error.symbols and refuses_trades_type(reason) and not says_already_subscribed(reason)
