"""The account mirror's bookkeeping of the orders whose state it does not know
(:class:`UnknownOrders`, which :class:`~aries_async.streaming.mirror.AccountMirror` owns): no
socket, no task, no clock.

Orders that left the working set while the stream was down wait for a REST lookup
(:attr:`UnknownOrders.pending`); those it did not settle are reported as of unknown state
(:attr:`UnknownOrders.unknown`, bounded: :attr:`StreamConfig.unknown_orders_kept
<aries_async.streaming.config.StreamConfig.unknown_orders_kept>`, the first reported the first
dropped, with a warning, an order a waiter holds excepted), and looked up again at later
resyncs, spaced out (:meth:`UnknownOrders.due`).

An order of a status the client does not know (see :mod:`~aries_async.streaming.mirror`)
that a resync snapshot no longer lists is looked up first (its state may have moved on to one
the client knows, which is then taken as usual); found in a status still unknown, it leaves
(told once if it changed), and not found, it is reported as of unknown state once and leaves.
While an order waiter holds it (:meth:`AccountMirror.hold
<aries_async.streaming.mirror.AccountMirror.hold>`), one found still in a status the client
does not know stays instead (told only when it changed; one whose lookup fails is reported of
unknown state), and leaves when the last waiter is done. Such an order is looked up again on
a timer while the stream is connected (:meth:`UnknownOrders.relooked`, which
:mod:`~aries_async.streaming.relooks` serves), not at resyncs: a quiet, healthy connection
brings no resync, and the server may know its real status long before the next one. One that left is
remembered as it was told (:attr:`UnknownOrders.left`, the latest
:attr:`StreamConfig.unknown_orders_kept
<aries_async.streaming.config.StreamConfig.unknown_orders_kept>` of them): a waiter started
later that finds it over REST (:meth:`AccountMirror.adopt
<aries_async.streaming.mirror.AccountMirror.adopt>`) holds it as one started before would
have, and it is told again only when it changed.

A class the mirror owns rather than a mixin of it: this state is touched by nothing but these
methods, and the little each side needs of the other crosses in arguments and return values.
Which orders a waiter holds comes in (:meth:`UnknownOrders.trim`); which orders leave the
mirror's orders goes back (the ids :meth:`UnknownOrders.trim` drops), and the mirror removes
them itself. Each part reads on its own; a mixin would share one namespace, where either half
could reach the other's attributes unseen.
"""

from __future__ import annotations

import logging
from collections.abc import Container

from aries_async.config import RetryPolicy
from aries_async.models.orders import Order

__all__ = ["UnknownOrders"]

log = logging.getLogger("aries_async.streaming")

_RELOOKUP = RetryPolicy(initial_backoff=1.0, max_backoff=64.0, multiplier=2.0, jitter=0.0)
"""Reconnects between lookups of an unknown order: the reconnect backoff's rule, counted in
reconnects (1, 2, 4 ... 64), without jitter, since reconnects come at jittered times already."""


class UnknownOrders:
    """The orders of one account whose state the mirror does not know.

    Args:
        kept: orders of unknown state kept (None: every one); see :attr:`unknown`.
        account_id: the account, for logs.

    Attributes:
        pending: orders that vanished while the stream was down, waiting for a lookup.
        unknown: orders reported as of unknown state and not resolved since: the reason. An
            entry leaves when its order is resolved (a live event, a snapshot that lists it, a
            lookup that finds it), or, beyond ``kept`` entries, the first reported first (an
            order a waiter holds excepted), with a warning: its order leaves the mirror's
            orders too (:meth:`trim`) and is looked up no more.
        left: orders of a status the client does not know that left the mirror's orders, as
            they were last told (the latest ``kept``).
    """

    def __init__(self, *, kept: int | None = None, account_id: str = "") -> None:
        self.pending: dict[str, Order] = {}
        self.unknown: dict[str, str] = {}
        self.left: dict[str, Order] = {}
        # per unknown order: (lookups again so far, resyncs still to skip before the next one)
        self._relookups: dict[str, tuple[int, int]] = {}
        # held orders of a status the client does not know that the server no longer lists:
        # they leave once no waiter holds them, looked up again on a timer meanwhile
        self._unlisted: set[str] = set()
        self._unknown_kept = kept
        self._account_id = account_id

    def known(self, cl_ord_id: str) -> None:
        """The order's state is known again: no lookup pending, no longer unknown."""
        self.pending.pop(cl_ord_id, None)
        self.unknown.pop(cl_ord_id, None)
        self._relookups.pop(cl_ord_id, None)
        self._unlisted.discard(cl_ord_id)

    def due(self, cl_ord_id: str, *, relook_unknown: bool) -> bool:
        """Whether a working order a resync snapshot no longer lists is to be looked up: at
        once, unless it is of unknown state: then only when ``relook_unknown``, spaced out
        (:meth:`_due_again`); never when it is :meth:`unlist`-ed (its lookups are on a
        timer: :meth:`relooked`)."""
        if cl_ord_id in self._unlisted:
            return False
        return cl_ord_id not in self.unknown or (relook_unknown and self._due_again(cl_ord_id))

    def unlist(self, cl_ord_id: str) -> None:
        """A held order of a status the client does not know, which the server no longer
        lists: it leaves the mirror once no waiter holds it (:meth:`unlisted`), looked up
        again on a timer meanwhile (:meth:`relooked`)."""
        self._unlisted.add(cl_ord_id)

    def relooked(self) -> list[str]:
        """The orders to look up again on a timer while the stream is connected: those
        :meth:`unlist`-ed, but not reported of unknown state (their waiters were told, and
        they leave once those are done)."""
        return [cl_ord_id for cl_ord_id in self._unlisted if cl_ord_id not in self.unknown]

    def unlisted(self, cl_ord_id: str) -> bool:
        """Whether the order was :meth:`unlist`-ed and its state not known since."""
        return cl_ord_id in self._unlisted

    def report(self, cl_ord_id: str, reason: str) -> bool:
        """The order's state is unknown (``reason``); whether it was not reported so before.
        Beyond the bound of :attr:`unknown`, :meth:`trim` drops the first reported."""
        fresh = cl_ord_id not in self.unknown
        self.unknown[cl_ord_id] = reason
        return fresh

    def leave(self, cl_ord_id: str, order: Order, why: str) -> None:
        """An order of a status the client does not know, which the server no longer lists
        among the active ones, leaves the mirror (which removes it from its orders): it is
        remembered in :attr:`left`, the first to leave the first forgotten."""
        self.known(cl_ord_id)
        self.left[cl_ord_id] = order
        kept = self._unknown_kept
        if kept is not None and len(self.left) > kept:  # the first to leave, the first forgotten
            del self.left[next(iter(self.left))]
        log.info(
            "account %s: order %s (status %s) is no longer listed and leaves the stream's "
            "orders (%s)",
            self._account_id,
            cl_ord_id,
            order.ord_status,
            why,
        )

    def trim(self, held: Container[str]) -> list[str]:
        """Beyond the bound of :attr:`unknown` (orders in ``held`` excepted, those a waiter
        holds), drops the first reported, with a warning; returns their ids, orders the
        mirror no longer follows."""
        kept = self._unknown_kept
        if kept is None:
            return []
        waited = sum(1 for cl_ord_id in self.unknown if cl_ord_id in held)
        excess = len(self.unknown) - waited - kept  # a waiter's order is kept beyond the bound
        if excess <= 0:
            return []
        dropped = [c for c in self.unknown if c not in held][:excess]  # oldest first
        for cl_ord_id in dropped:
            reason = self.unknown[cl_ord_id]
            self.known(cl_ord_id)
            log.warning(
                "account %s: order %s, of unknown state since a gap (%s), is followed no more: "
                "over %d orders of unknown state (StreamConfig.unknown_orders_kept); check "
                "the order history",
                self._account_id,
                cl_ord_id,
                reason,
                kept,
            )
        return dropped

    def _due_again(self, cl_ord_id: str) -> bool:
        """Whether an order reported unknown is looked up again at this resync.

        At the next reconnect, then with 2, 4, 8... up to 64 reconnects between lookups: a
        flapping connection does not repeat the lookup (for an order without a creation time,
        a paged history scan) on every reconnect, and the order's state is still found.
        """
        done, skip = self._relookups.get(cl_ord_id, (0, 0))
        if skip:
            self._relookups[cl_ord_id] = (done, skip - 1)
            return False
        self._relookups[cl_ord_id] = (done + 1, int(_RELOOKUP.delay(done + 1, 0.0)) - 1)
        return True
