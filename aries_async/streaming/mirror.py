"""A pure mirror of one account's orders, positions and balance, fed the account stream's
messages: no socket, no task, no clock.

Its memory is bounded: working orders are all kept, terminal ones up to a bound, the first
learnt terminal the first forgotten (:attr:`StreamConfig.terminal_orders_kept
<aries_async.streaming.config.StreamConfig.terminal_orders_kept>`), except those an order
waiter holds (:meth:`AccountMirror.hold`).

An order whose ``ordStatus`` the client does not know (an open enum value it was not built
with: :attr:`~aries_async.models.common.OpenEnum.is_known` is False), or that has none, is
neither working nor terminal: it is kept, never counted as filled nor forgotten by the bound of
terminal orders, while the server lists it, and leaves the mirror once a resync snapshot no
longer lists it: looked up first, and kept while an order waiter holds it (see
:mod:`~aries_async.streaming.unknown_orders`). A later event that gives it a known terminal
status makes it a terminal order like any other.

The bookkeeping of the orders whose state the mirror does not know (those that left the
working set while the stream was down, waiting for a REST lookup or reported as of unknown
state, and those of a status the client does not know that left) is a part the mirror owns,
:class:`~aries_async.streaming.unknown_orders.UnknownOrders`, whose rules its module states;
:attr:`AccountMirror.pending`, :attr:`AccountMirror.unknown` and :attr:`AccountMirror.left`
read through to it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, datetime

import attrs

from aries_async.models.accounts import Balance, Position
from aries_async.models.events import AccountSnapshot, BalanceEvent, OrderEvent, PositionEvent
from aries_async.models.orders import Order
from aries_async.streaming.unknown_orders import UnknownOrders

__all__ = ["AccountMirror", "LookupResult", "Resync", "status_known"]

_LONG_AGO = datetime.min.replace(tzinfo=UTC)


def status_known(order: Order) -> bool:
    """Whether the order's status is one the client knows, working or terminal (see the
    module docstring for one it does not know)."""
    return order.ord_status is not None and order.ord_status.is_known


@attrs.frozen
class Resync:
    """What a snapshot changed.

    Attributes:
        snapshot: the snapshot as published (``resync=True`` after the first).
        changed: after a reconnect, the orders whose state differs from the one known.
        vanished: after a reconnect, working orders the snapshot no longer lists, to look up.
    """

    snapshot: AccountSnapshot
    changed: list[Order]
    vanished: dict[str, Order]


@attrs.frozen
class LookupResult:
    """What a REST lookup of pending orders told.

    Attributes:
        updated: orders found in another state than the one known.
        missing: orders the lookup did not find.
    """

    updated: list[Order]
    missing: dict[str, Order]


class AccountMirror:
    """The latest state of one account as its stream told it.

    Args:
        terminal_kept: terminal orders kept (None: every one); see :attr:`orders`.
        unknown_kept: orders of unknown state kept (None: every one); see :attr:`unknown`.
        account_id: the account, for logs.

    Attributes:
        orders: by ``clOrdId``, every working order seen (and those of a status the client
            does not know, until a resync snapshot no longer lists them and no waiter holds
            them) and the
            ``terminal_kept`` terminal ones the mirror learnt were terminal last (and any a
            waiter holds).
        positions: positions by symbol.
        balance: the latest balance.
        snapshot: the latest snapshot.
        pending, unknown, left: the orders whose state the mirror does not know (see the
            properties).
    """

    def __init__(
        self,
        *,
        terminal_kept: int | None = None,
        unknown_kept: int | None = None,
        account_id: str = "",
    ) -> None:
        self.orders: dict[str, Order] = {}
        self.positions: dict[str, Position] = {}
        self.balance: Balance | None = None
        self.snapshot: AccountSnapshot | None = None
        self._unknowns = UnknownOrders(kept=unknown_kept, account_id=account_id)
        self._snapshots = 0
        self._terminal_kept = terminal_kept
        # the terminal orders in ``orders``, in the order the mirror learnt they were terminal
        self._terminal: dict[str, None] = {}
        self._held: dict[str, int] = {}  # per order: the waiters holding it
        # the latest change of an order forgotten (an older terminal one was told already),
        # and the orders forgotten that changed last at that very time
        self._forgotten_until: datetime | None = None
        self._forgotten_last: set[str] = set()

    @property
    def pending(self) -> dict[str, Order]:
        """Orders that vanished while the stream was down, waiting for a lookup: the account
        stream adds them (:attr:`UnknownOrders.pending
        <aries_async.streaming.unknown_orders.UnknownOrders.pending>`)."""
        return self._unknowns.pending

    @property
    def unknown(self) -> dict[str, str]:
        """Orders reported as of unknown state and not resolved since, with the reason, bounded
        by ``unknown_kept`` (:attr:`UnknownOrders.unknown
        <aries_async.streaming.unknown_orders.UnknownOrders.unknown>`)."""
        return self._unknowns.unknown

    @property
    def left(self) -> dict[str, Order]:
        """Orders of a status the client does not know that left :attr:`orders`, as they were
        last told (:attr:`UnknownOrders.left
        <aries_async.streaming.unknown_orders.UnknownOrders.left>`)."""
        return self._unknowns.left

    def apply(self, message: OrderEvent | PositionEvent | BalanceEvent) -> None:
        """A live order, position or balance event."""
        if type(message) is OrderEvent:
            order = message.order
            if order.cl_ord_id:
                self._put([order])
                self._unknowns.known(order.cl_ord_id)  # the live event tells the truth
        elif type(message) is PositionEvent:
            if message.position.symbol:
                self.positions[message.position.symbol] = message.position
        elif type(message) is BalanceEvent:
            self.balance = message.balance

    def apply_snapshot(self, snapshot: AccountSnapshot, *, relook_unknown: bool) -> Resync:
        """A snapshot: the first, or the one after a reconnect (a resync). An order reported
        unknown is among the vanished again, spaced out, when ``relook_unknown``; so is one of
        a status the client does not know, which leaves once looked up (see the module
        docstring), unless a waiter kept it: that one is looked up on a timer instead
        (:meth:`relooked`). A terminal order older than one forgotten (:meth:`forgotten`) is
        not taken again, nor reported changed: it was told before."""
        resync = self._snapshots > 0
        self._snapshots += 1
        if resync:
            snapshot = attrs.evolve(snapshot, resync=True)
        self.snapshot = snapshot
        self.balance = snapshot.balance
        self.positions = {p.symbol: p for p in snapshot.positions if p.symbol}
        changed: list[Order] = []
        present: set[str] = set()
        taken: list[Order] = []
        for order in snapshot.orders:
            if not order.cl_ord_id:
                continue
            present.add(order.cl_ord_id)
            if self.forgotten(order):
                continue
            if self.orders.get(order.cl_ord_id) != order:
                changed.append(order)
            taken.append(order)
            self._unknowns.known(order.cl_ord_id)
        self._put(taken)
        vanished: dict[str, Order] = {}
        if resync:
            for cl_ord_id, known in self.orders.items():
                if cl_ord_id in present or known.is_terminal:
                    continue
                if self._unknowns.due(cl_ord_id, relook_unknown=relook_unknown):
                    vanished[cl_ord_id] = known
        return Resync(snapshot, changed if resync else [], vanished)

    def apply_lookup(self, batch: Mapping[str, Order], found: Iterable[Order]) -> LookupResult:
        """The lookup of ``batch`` (pending orders) found ``found``. One found in a status the
        client does not know leaves the mirror (a resync snapshot no longer listed it): it is
        among ``updated`` when it changed, and is not looked up again; unless a waiter holds
        it: then it stays until :meth:`release` (looked up again on a timer:
        :meth:`relooked`)."""
        resolved = {o.cl_ord_id: o for o in found if o.cl_ord_id is not None}
        updated: list[Order] = []
        missing: dict[str, Order] = {}
        for cl_ord_id, known in batch.items():
            if cl_ord_id not in self.pending:
                continue  # a live event or a later snapshot already told the state
            current = resolved.get(cl_ord_id)
            if current is None:
                missing[cl_ord_id] = known
                continue
            self._unknowns.known(cl_ord_id)
            if current != known:
                updated.append(current)
            if status_known(current):
                self._put([current])
            elif cl_ord_id in self._held:
                # Kept for its waiter (which would look it up and take it back otherwise):
                # its state is as unknown as before.
                self._put([current])
                self._unknowns.unlist(cl_ord_id)
            else:
                self._leave(cl_ord_id, current, "the lookup found it so")
        return LookupResult(updated, missing)

    def give_up(self, orders: Mapping[str, Order], reason: str) -> list[Order]:
        """The state of ``orders`` is unknown; returns those not reported so before (until
        its state is known again, a lookup that fails again says nothing new). One of a status
        the client does not know is returned and leaves the mirror (a resync snapshot no longer
        listed it), unless a waiter holds it: then it is of unknown state until the last
        waiter is done, and leaves. Beyond the bound of :attr:`unknown`, the first reported
        are dropped."""
        fresh: list[Order] = []
        for cl_ord_id, known in orders.items():
            self.pending.pop(cl_ord_id, None)
            if not status_known(known) and cl_ord_id not in self._held:
                fresh.append(known)
                self._leave(cl_ord_id, known, reason)
                continue
            if not status_known(known):
                self._unknowns.unlist(cl_ord_id)  # its waiter is told; it leaves on release
            if self._unknowns.report(cl_ord_id, reason):
                fresh.append(known)
        self._trim_unknown()
        return fresh

    def adopt(self, order: Order) -> bool:
        """An order a waiter found over REST, unless the mirror holds it already or it is
        :meth:`forgotten`: whether it is to be told. One of a status the client does not know
        that left (see the module docstring) is taken back, no longer listed, and told only
        when it changed since it left."""
        cl_ord_id = order.cl_ord_id
        if not cl_ord_id or cl_ord_id in self.orders or self.forgotten(order):
            return False
        told = self.left.get(cl_ord_id)
        self._put([order])
        self._unknowns.known(cl_ord_id)
        if told is not None and not status_known(order):
            self._unknowns.unlist(cl_ord_id)  # it leaves again once no waiter holds it
        return order != told

    def forgotten(self, order: Order) -> bool:
        """Whether ``order`` is terminal, not held, and last changed before the latest change
        of an order the bound made the mirror forget (or is that order): it was told before,
        and is not taken again. Without ``updated_at`` it is taken, told twice rather than
        never."""
        until, changed = self._forgotten_until, order.updated_at
        if not order.is_terminal or order.cl_ord_id in self.orders:
            return False
        if until is None or changed is None:
            return False
        return changed < until or (changed == until and order.cl_ord_id in self._forgotten_last)

    def hold(self, cl_ord_id: str) -> None:
        """A waiter waits for the order: it is not forgotten until :meth:`release`."""
        self._held[cl_ord_id] = self._held.get(cl_ord_id, 0) + 1

    def release(self, cl_ord_id: str) -> None:
        """A waiter of the order is done (see :meth:`hold`)."""
        left = self._held.pop(cl_ord_id, 1) - 1
        if left:
            self._held[cl_ord_id] = left
        elif self._unknowns.unlisted(cl_ord_id):
            order = self.orders.get(cl_ord_id)
            if order is not None:
                self._leave(cl_ord_id, order, "the lookup found it so; no waiter holds it now")
        self._trim()
        self._trim_unknown()

    def _leave(self, cl_ord_id: str, order: Order, why: str) -> None:
        """An order of a status the client does not know, which the server no longer lists
        among the active ones, leaves the mirror."""
        self.orders.pop(cl_ord_id, None)
        self._terminal.pop(cl_ord_id, None)
        self._unknowns.leave(cl_ord_id, order, why)

    def _trim_unknown(self) -> None:
        """The orders the bound of :attr:`unknown` drops leave :attr:`orders` too."""
        for cl_ord_id in self._unknowns.trim(self._held):
            self.orders.pop(cl_ord_id, None)

    def _put(self, orders: Iterable[Order]) -> None:
        """Hold ``orders`` (each with a ``clOrdId``) in their latest state; those newly
        terminal join the queue of terminal ones by their last change (a snapshot's newest
        kept longest), then the oldest beyond the bound are forgotten."""
        learnt: list[Order] = []
        for order in orders:
            cl_ord_id = order.cl_ord_id or ""
            self.orders[cl_ord_id] = order
            self._unknowns.left.pop(cl_ord_id, None)
            if not order.is_terminal:
                self._terminal.pop(cl_ord_id, None)
            elif cl_ord_id not in self._terminal:
                learnt.append(order)
        learnt.sort(key=lambda o: o.updated_at or _LONG_AGO)
        self._terminal.update(dict.fromkeys(o.cl_ord_id or "" for o in learnt))
        self._trim()

    def _trim(self) -> None:
        kept = self._terminal_kept
        if kept is None:
            return
        held = sum(1 for cl_ord_id in self._held if cl_ord_id in self._terminal)
        excess = len(self._terminal) - held - kept  # a held order is kept beyond the bound
        if excess <= 0:
            return
        forget: list[str] = []
        for cl_ord_id in self._terminal:  # oldest first; a held order is skipped
            if len(forget) == excess:
                break
            if cl_ord_id not in self._held:
                forget.append(cl_ord_id)
        for cl_ord_id in forget:
            del self._terminal[cl_ord_id]
            changed = self.orders.pop(cl_ord_id).updated_at
            until = self._forgotten_until
            if changed is None or (until is not None and changed < until):
                continue
            if until is None or changed > until:
                self._forgotten_until, self._forgotten_last = changed, set()
            self._forgotten_last.add(cl_ord_id)

    def known(self, cl_ord_id: str) -> None:
        """The order's state is known again: no lookup pending, no longer unknown."""
        self._unknowns.known(cl_ord_id)

    def relooked(self) -> list[str]:
        """The orders a waiter holds in a status the client does not know, which the server
        no longer lists, to look up again on a timer (:meth:`UnknownOrders.relooked
        <aries_async.streaming.unknown_orders.UnknownOrders.relooked>`)."""
        return self._unknowns.relooked()
