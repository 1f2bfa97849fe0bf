"""A pure mirror of one account's orders, positions and balance, fed the account stream's
messages: no socket, no task, no clock.

It also keeps the bookkeeping of the orders that left the working set while the stream was
down: those waiting for a REST lookup (:attr:`AccountMirror.pending`), those reported as of
unknown state (:attr:`AccountMirror.unknown`), and when an unknown one is looked up again.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import attrs

from aries_async.config import RetryPolicy
from aries_async.models.accounts import Balance, Position
from aries_async.models.events import AccountSnapshot, BalanceEvent, OrderEvent, PositionEvent
from aries_async.models.orders import Order

__all__ = ["AccountMirror", "LookupResult", "Resync"]

_RELOOKUP = RetryPolicy(initial_backoff=1.0, max_backoff=64.0, multiplier=2.0, jitter=0.0)
"""Reconnects between lookups of an unknown order: the reconnect backoff's rule, counted in
reconnects (1, 2, 4 ... 64), without jitter, since reconnects come at jittered times already."""


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

    Attributes:
        orders: every order seen, by ``clOrdId``.
        positions: positions by symbol.
        balance: the latest balance.
        snapshot: the latest snapshot.
        pending: orders that vanished while the stream was down, waiting for a lookup.
        unknown: orders reported as of unknown state and not resolved since: the reason.
    """

    def __init__(self) -> None:
        self.orders: dict[str, Order] = {}
        self.positions: dict[str, Position] = {}
        self.balance: Balance | None = None
        self.snapshot: AccountSnapshot | None = None
        self.pending: dict[str, Order] = {}
        self.unknown: dict[str, str] = {}
        # per unknown order: (lookups again so far, resyncs still to skip before the next one)
        self._relookups: dict[str, tuple[int, int]] = {}
        self._snapshots = 0

    def apply(self, message: OrderEvent | PositionEvent | BalanceEvent) -> None:
        """A live order, position or balance event."""
        if type(message) is OrderEvent:
            order = message.order
            if order.cl_ord_id:
                self.orders[order.cl_ord_id] = order
                self.known(order.cl_ord_id)  # the live event tells the truth
        elif type(message) is PositionEvent:
            if message.position.symbol:
                self.positions[message.position.symbol] = message.position
        elif type(message) is BalanceEvent:
            self.balance = message.balance

    def apply_snapshot(self, snapshot: AccountSnapshot, *, relook_unknown: bool) -> Resync:
        """A snapshot: the first, or the one after a reconnect (a resync). An order reported
        unknown is among the vanished again, spaced out, when ``relook_unknown``."""
        resync = self._snapshots > 0
        self._snapshots += 1
        if resync:
            snapshot = attrs.evolve(snapshot, resync=True)
        self.snapshot = snapshot
        self.balance = snapshot.balance
        self.positions = {p.symbol: p for p in snapshot.positions if p.symbol}
        changed: list[Order] = []
        present: set[str] = set()
        for order in snapshot.orders:
            if not order.cl_ord_id:
                continue
            present.add(order.cl_ord_id)
            if self.orders.get(order.cl_ord_id) != order:
                changed.append(order)
            self.orders[order.cl_ord_id] = order
            self.known(order.cl_ord_id)
        vanished: dict[str, Order] = {}
        if resync:
            for cl_ord_id, known in self.orders.items():
                status = known.ord_status
                if cl_ord_id in present or status is None or status.is_terminal:
                    continue
                if cl_ord_id not in self.unknown or (relook_unknown and self._due_again(cl_ord_id)):
                    vanished[cl_ord_id] = known
        return Resync(snapshot, changed if resync else [], vanished)

    def apply_lookup(self, batch: Mapping[str, Order], found: Iterable[Order]) -> LookupResult:
        """The lookup of ``batch`` (pending orders) found ``found``."""
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
            self.known(cl_ord_id)
            self.orders[cl_ord_id] = current
            if current != known:
                updated.append(current)
        return LookupResult(updated, missing)

    def give_up(self, orders: Mapping[str, Order], reason: str) -> list[Order]:
        """The state of ``orders`` is unknown; returns those not reported so before (until
        its state is known again, a lookup that fails again says nothing new)."""
        fresh: list[Order] = []
        for cl_ord_id, known in orders.items():
            self.pending.pop(cl_ord_id, None)
            if cl_ord_id not in self.unknown:
                fresh.append(known)
            self.unknown[cl_ord_id] = reason
        return fresh

    def known(self, cl_ord_id: str) -> None:
        """The order's state is known again: no lookup pending, no longer unknown."""
        self.pending.pop(cl_ord_id, None)
        self.unknown.pop(cl_ord_id, None)
        self._relookups.pop(cl_ord_id, None)

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
