"""The simulator's matching engine.

Market orders fill at the touch (buy at the ask, sell at the bid) right after acceptance; limit
orders fill when the touch crosses them, stop orders trigger on the last trade; each step of the
feed offers only the touch size, so large orders fill partially over several steps; ``IOC``
cancels what the first pass cannot fill, ``FOK`` cancels unless all of it can fill. Option
orders rest: the simulator does not price them.

An order still working when its session ends (``DAY`` at the close, see
:mod:`~aries_async.sim.sessions`) expires: ``EXPIRED``, ``leavesQty`` 0, what it filled kept,
``updatedAt`` the session's end, announced like any other end. A feed step at or after that
end no longer fills it; :meth:`Matcher.expire_due` ends the rest (option orders, and symbols
the feed has not stepped) once the clock has passed their end.
"""

from __future__ import annotations

import math
from decimal import Decimal

from aries_async.sim.feed import QuoteSnapshot
from aries_async.sim.ledger import Ledger
from aries_async.sim.records import SimOrder, price_decimal

__all__ = ["Matcher"]


class Matcher:
    """Fills the ledger's working equity orders against the feed's quotes."""

    def __init__(self, ledger: Ledger) -> None:
        self.ledger = ledger
        # No working order expires before this (a bound kept low, so that the check each
        # request makes is one comparison until an order may really be due).
        self._next_expiry = math.inf
        ledger.feed.listen(self.on_tick)

    def start_working(self, order: SimOrder) -> None:
        """Take a newly accepted order into matching; a marketable one fills at once."""
        if order.expires_at is not None:
            self._next_expiry = min(self._next_expiry, order.expires_at)
        if order.security_type != "EQUITY":
            return  # option orders rest; the simulator does not price options
        self.ledger.feed.watch(order.symbol)
        self.try_fill(order, self.ledger.feed.quote(order.symbol), first=True)

    def stop_working(self, order: SimOrder) -> None:
        """Take a working order out of matching (before it changes to a terminal status)."""
        if order.working and order.security_type == "EQUITY":
            self.ledger.feed.unwatch(order.symbol)

    def on_tick(self, snap: QuoteSnapshot) -> None:
        """Offer a feed step to the working orders in its symbol."""
        for orders in self.ledger.orders.values():
            for order in orders:
                if (
                    order.working
                    and order.symbol == snap.symbol
                    and order.security_type == "EQUITY"
                ):
                    if order.expires_at is not None and snap.time >= order.expires_at:
                        self.expire(order)
                    else:
                        self.try_fill(order, snap, first=False)

    def match(self) -> None:
        """Run one matching pass over every working order at the current quotes, after
        expiring those whose session has ended."""
        self.expire_due(self.ledger.clock.now())
        for orders in self.ledger.orders.values():
            for order in list(orders):
                if order.working and order.security_type == "EQUITY":
                    self.try_fill(order, self.ledger.feed.quote(order.symbol), first=False)

    def try_fill(self, order: SimOrder, snap: QuoteSnapshot, *, first: bool) -> None:
        """Fill what the touch allows; ``first`` is the pass at acceptance (IOC/FOK decide)."""
        buying = order.side in ("BUY", "BUY_TO_COVER")
        if order.type in ("STOP", "STOP_LIMIT") and not order.triggered:
            assert order.stop_price is not None
            last = price_decimal(snap.last)
            if (buying and last >= order.stop_price) or (not buying and last <= order.stop_price):
                order.triggered = True
        touch = price_decimal(snap.ask if buying else snap.bid)
        size = Decimal(snap.ask_size if buying else snap.bid_size)
        marketable = False
        if order.type == "MARKET" or (order.type == "STOP" and order.triggered):
            marketable = True
        elif order.type == "LIMIT" or (order.type == "STOP_LIMIT" and order.triggered):
            assert order.price is not None
            marketable = touch <= order.price if buying else touch >= order.price
        leaves = order.qty - order.cum_qty
        if first and order.time_in_force == "FOK" and (not marketable or size < leaves):
            self.finish(order, "CANCELED", "FOK order could not be filled completely")
            return
        if marketable:
            self.fill(order, min(leaves, size), touch)
        if first and order.time_in_force == "IOC" and order.working:
            self.finish(order, "CANCELED", "IOC remainder canceled")

    def finish(self, order: SimOrder, status: str, text: str, *, at: float | None = None) -> None:
        """End a working order with a terminal status, at ``at`` (default: now)."""
        self.stop_working(order)
        order.status = status
        order.text = text
        order.updated_at = self.ledger.clock.now() if at is None else at
        self.ledger.emit(order.account_id, "account.order", self.ledger.order_wire(order))

    def _earliest_expiry(self) -> float:
        """When the first working order expires (inf: none does); refreshes the bound."""
        self._next_expiry = min(
            (
                order.expires_at
                for orders in self.ledger.orders.values()
                for order in orders
                if order.working and order.expires_at is not None
            ),
            default=math.inf,
        )
        return self._next_expiry

    def expiry_due(self, now: float) -> bool:
        """Whether a working order's session has ended by ``now``."""
        return now >= self._next_expiry and now >= self._earliest_expiry()

    def expire_due(self, now: float) -> None:
        """Expire every working order whose session has ended by ``now``."""
        if not self.expiry_due(now):
            return
        for orders in self.ledger.orders.values():
            for order in orders:
                if order.working and order.expires_at is not None and order.expires_at <= now:
                    self.expire(order)
        self._earliest_expiry()

    def expire(self, order: SimOrder) -> None:
        """End a working order whose session is over: ``EXPIRED`` at the session's end."""
        self.finish(order, "EXPIRED", order.expiry_text, at=order.expires_at)
        self.ledger.emit(
            order.account_id, "account.balance", self.ledger.balance_wire(order.account_id)
        )

    def fill(self, order: SimOrder, qty: Decimal, price: Decimal) -> None:
        """Fill ``qty`` at ``price``: order, position and balance change and are announced."""
        if qty <= 0:
            return
        total = order.cum_qty + qty
        order.avg_price = (
            ((order.avg_price * order.cum_qty + price * qty) / total)
            .quantize(Decimal("0.00001"))
            .normalize()
        )
        order.cum_qty = total
        order.updated_at = self.ledger.clock.now()
        if total >= order.qty:
            self.stop_working(order)
            order.status = "FILLED"
        else:
            order.status = "PARTIALLY_FILLED"
        delta = qty if order.side in ("BUY", "BUY_TO_COVER") else -qty
        position = self.ledger.apply_fill(order.account_id, order.symbol, delta, price)
        self.ledger.emit(order.account_id, "account.order", self.ledger.order_wire(order))
        self.ledger.emit(order.account_id, "account.position", self.ledger.position_wire(position))
        self.ledger.emit(
            order.account_id, "account.balance", self.ledger.balance_wire(order.account_id)
        )
