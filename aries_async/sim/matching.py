"""The simulator's matching engine.

Market orders fill at the touch (buy at the ask, sell at the bid) right after acceptance; limit
orders fill when the touch crosses them, stop orders trigger on the last trade; each step of the
feed offers only the touch size, so large orders fill partially over several steps; ``IOC``
cancels what the first pass cannot fill, ``FOK`` cancels unless all of it can fill. Option
orders (one contract or a spread of 2-4) match the same way on each step of their underlying,
against their contracts' quotes (:mod:`~aries_async.sim.option_fills`), and fill whole; a
position moves by the contracts and cash by the premium x 100. Fills pay the fees the
preview quotes (option fees, a stock order's per-share fee, a sale's regulatory fees) as
realized losses, by the rule of :mod:`~aries_async.sim.option_fills`. One the simulator cannot price
(a stock leg, an unlisted contract, legs on several underlyings) rests. A stock order fills
no more than its side may trade at the position when it fills (a ``SELL`` the shares held, a
``BUY_TO_COVER`` the short, a ``SELL_SHORT`` nothing while long:
:func:`~aries_async.sim.closing.deliverable`); the rest is canceled, with why in ``text``.

``AT_THE_OPENING`` and ``AT_THE_CLOSE`` orders do not fill on the feed's steps: at their
session's open or close, their auction, they fill whole at the official open or close price
(:meth:`~aries_async.sim.feed.Feed.session_price`) when it is marketable for them, and expire
otherwise. Which are taken, and until when: :mod:`~aries_async.sim.auctions`.

An order still working when its session ends (``DAY`` at the close, see
:mod:`~aries_async.sim.sessions`) expires: ``EXPIRED``, ``leavesQty`` 0, what it filled kept,
``updatedAt`` the session's end, announced like any other end. A feed step at or after that
end no longer fills it; :meth:`Matcher.expire_due` ends the rest (orders the feed has not
stepped, options that rest) once the clock has passed their end.
"""

from __future__ import annotations

import math
from datetime import datetime
from decimal import Decimal

from aries_async.sim.auctions import AUCTIONS
from aries_async.sim.closing import deliverable
from aries_async.sim.feed import NEW_YORK, QuoteSnapshot
from aries_async.sim.ledger import Ledger
from aries_async.sim.option_fills import (
    Touch,
    charge_fee,
    equity_touch,
    option_fees,
    option_touch,
    order_fees,
)
from aries_async.sim.option_quotes import CONTRACT_SIZE, order_contracts
from aries_async.sim.records import SimOrder, decimal_text, price_decimal

__all__ = ["AUCTIONS", "Matcher"]


class Matcher:
    """Fills the ledger's working orders against the feed's quotes."""

    def __init__(self, ledger: Ledger) -> None:
        self.ledger = ledger
        # No working order expires before this (a bound kept low, so that the check each
        # request makes is one comparison until an order may really be due).
        self._next_expiry = math.inf
        ledger.feed.listen(self.on_tick)

    def underlying(self, order: SimOrder) -> str | None:
        """The symbol whose steps the order matches on (None: an option order that rests)."""
        if order.security_type == "EQUITY":
            return order.symbol
        contracts = order_contracts(self.ledger.feed, order.legs, order.side)
        return contracts[0].underlying if contracts else None

    def start_working(self, order: SimOrder) -> None:
        """Take a newly accepted (or replacing) order into matching; a marketable one fills at
        once. The buying power it holds changes the balance: announced, unless its fill did."""
        if order.expires_at is not None:
            self._next_expiry = min(self._next_expiry, order.expires_at)
        filled = order.cum_qty
        symbol = self.underlying(order)
        if symbol is not None:
            self.ledger.feed.watch(symbol)
            self.try_fill(order, self.ledger.feed.quote(symbol), first=True)
        if order.cum_qty == filled or order.status == "CANCELED":  # an IOC's remainder
            self.ledger.emit(
                order.account_id, "account.balance", self.ledger.balance_wire(order.account_id)
            )

    def stop_working(self, order: SimOrder) -> None:
        """Take a working order out of matching (before it changes to a terminal status)."""
        symbol = self.underlying(order) if order.working else None
        if symbol is not None:
            self.ledger.feed.unwatch(symbol)

    def on_tick(self, snap: QuoteSnapshot) -> None:
        """Offer a feed step to the working orders on its symbol."""
        for orders in self.ledger.orders.values():
            for order in orders:
                if order.working and self.underlying(order) == snap.symbol:
                    if order.expires_at is not None and snap.time >= order.expires_at:
                        self.expire(order)
                    else:
                        self.try_fill(order, snap, first=False, at=snap.time)

    def match(self) -> None:
        """Run one matching pass over every working order at the current quotes, after
        expiring those whose session has ended."""
        self.expire_due(self.ledger.clock.now())
        for orders in self.ledger.orders.values():
            for order in list(orders):
                symbol = self.underlying(order) if order.working else None
                if symbol is not None:
                    self.try_fill(order, self.ledger.feed.quote(symbol), first=False)

    def touch(self, order: SimOrder, snap: QuoteSnapshot) -> Touch | None:
        """Where ``order`` can trade at the step ``snap`` of its symbol (None: nowhere)."""
        buying = order.side in ("BUY", "BUY_TO_COVER")
        if order.security_type == "EQUITY":
            return equity_touch(snap, buying=buying)
        contracts = order_contracts(self.ledger.feed, order.legs, order.side)
        if contracts is None:
            return None
        return option_touch(self.ledger.feed, contracts, snap, buying=buying)

    def try_fill(
        self, order: SimOrder, snap: QuoteSnapshot, *, first: bool, at: float | None = None
    ) -> None:
        """Fill what the touch allows; ``first`` is the pass at acceptance (IOC/FOK decide),
        ``at`` the time of the feed step it fills at (default: now). An auction's order waits
        for its auction (:meth:`expire`)."""
        if order.time_in_force in AUCTIONS:
            return
        touch = self.touch(order, snap)
        if touch is not None:
            self.offer(order, touch, first=first, at=at)

    def offer(self, order: SimOrder, touch: Touch, *, first: bool, at: float | None = None) -> None:
        """Fill what ``touch`` allows of ``order`` (see :meth:`try_fill`)."""
        buying = order.side in ("BUY", "BUY_TO_COVER")
        if order.type in ("STOP", "STOP_LIMIT") and not order.triggered:
            assert order.stop_price is not None
            last = touch.last
            if (buying and last >= order.stop_price) or (not buying and last <= order.stop_price):
                order.triggered = True
        marketable = False
        if order.type == "MARKET" or (order.type == "STOP" and order.triggered):
            marketable = True
        elif order.type == "LIMIT" or (order.type == "STOP_LIMIT" and order.triggered):
            assert order.price is not None
            price = touch.price
            marketable = price <= order.price if buying else price >= order.price
        leaves = order.qty - order.cum_qty
        if first and order.time_in_force == "FOK" and (not marketable or touch.size < leaves):
            self.finish(order, "CANCELED", "FOK order could not be filled completely")
            return
        if marketable:
            qty = min(leaves, touch.size)
            limit = self.deliverable(order)
            if limit is not None and limit[0] < qty:
                # Another fill took what this side was to trade (closing.deliverable): fill
                # what is left of it, cancel the rest, never cross zero by this side.
                self.fill(order, limit[0], touch, at=at)
                if order.working:
                    self.finish(order, "CANCELED", limit[1], at=at)
                    self.ledger.emit(
                        order.account_id,
                        "account.balance",
                        self.ledger.balance_wire(order.account_id),
                    )
                return
            self.fill(order, qty, touch, at=at)
        if first and order.time_in_force == "IOC" and order.working:
            self.finish(order, "CANCELED", "IOC remainder canceled")

    def deliverable(self, order: SimOrder) -> tuple[Decimal, str] | None:
        """How much a stock order may fill by its side at the position now, and why the rest
        cannot (None: no limit; an option order's legs were checked at intake)."""
        if order.legs:
            return None
        held = self.ledger.positions[order.account_id].get(order.symbol)
        return deliverable(
            order.side,
            held.quantity if held else Decimal(0),
            short_while_long=self.ledger.faults.short_sale_while_long,
        )

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
        """End a working order whose session is over: ``EXPIRED`` at the session's end. An
        ``AT_THE_OPENING`` or ``AT_THE_CLOSE`` one is offered its auction first: all of it at
        the official open or close price, filled if that price is marketable for it."""
        assert order.expires_at is not None
        if order.time_in_force in AUCTIONS:
            day = datetime.fromtimestamp(order.expires_at, NEW_YORK).date()
            opening = order.time_in_force == "AT_THE_OPENING"
            price = self.ledger.feed.session_price(order.symbol, day, opening=opening)
            if price is not None:
                official = price_decimal(price)
                leaves = order.qty - order.cum_qty
                auction = Touch(last=official, price=official, size=leaves)
                self.offer(order, auction, first=False, at=order.expires_at)
            if not order.working:
                return
        self.finish(order, "EXPIRED", order.expiry_text, at=order.expires_at)
        self.ledger.emit(
            order.account_id, "account.balance", self.ledger.balance_wire(order.account_id)
        )

    def fill(self, order: SimOrder, qty: Decimal, touch: Touch, *, at: float | None = None) -> None:
        """Fill ``qty`` at ``touch`` at the time ``at`` (default: now; a feed step's during an
        advance): order, positions and balance change and are announced. A spread's order
        keeps ``avgPrice`` 0 and its legs get theirs (rest.md section 5)."""
        when = self.ledger.clock.now() if at is None else at
        if qty <= 0:
            return
        total = order.cum_qty + qty
        if len(touch.legs) > 1:
            # New dicts: a replacement order starts with its original's legs.
            order.legs = [
                leg | {"avgPrice": decimal_text(price)}
                for leg, (_, price) in zip(order.legs, touch.legs, strict=True)
            ]
        else:
            order.avg_price = (
                ((order.avg_price * order.cum_qty + touch.price * qty) / total)
                .quantize(Decimal("0.00001"))
                .normalize()
            )
        order.cum_qty = total
        order.updated_at = when
        if total >= order.qty:
            self.stop_working(order)
            order.status = "FILLED"
        else:
            order.status = "PARTIALLY_FILLED"
        if touch.legs:
            positions = [
                self.ledger.apply_fill(
                    order.account_id, leg.symbol, leg.per_unit * qty, price, option=True, at=when
                )
                for leg, price in touch.legs
            ]
            fees = [
                (position, option_fees((leg.per_unit,), qty))
                for position, (leg, _) in zip(positions, touch.legs, strict=True)
            ]
        else:
            delta = qty if order.side in ("BUY", "BUY_TO_COVER") else -qty
            positions = [
                self.ledger.apply_fill(order.account_id, order.symbol, delta, touch.price, at=when)
            ]
            fees = []
        # Rounded on the order's whole sale so far: its parts together pay what its preview
        # quotes, not a cent more for each part.
        order.notional += qty * touch.price * (CONTRACT_SIZE if touch.legs else 1)
        shares = Decimal(0) if touch.legs else order.cum_qty
        due = order_fees(order.side, order.notional, shares) - order.fees_paid
        order.fees_paid += due
        fees.append((positions[0], due))
        for position, fee in fees:
            charge_fee(self.ledger.accounts[order.account_id], position, fee)
        self.ledger.emit(order.account_id, "account.order", self.ledger.order_wire(order))
        for position in positions:
            self.ledger.emit(
                order.account_id, "account.position", self.ledger.position_wire(position)
            )
        self.ledger.emit(
            order.account_id, "account.balance", self.ledger.balance_wire(order.account_id)
        )
