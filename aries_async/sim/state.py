"""The simulated brokerage: one user, two accounts, cash, positions, orders and a matching engine.

Pure state, no HTTP (the route modules map requests onto it). Everything it returns is
already in wire form (dicts with decimal strings, RFC 3339 times), the same shapes REST and the
account websocket use (rest.md sections 2-6, websocket.md section 4).

Orders (rest.md 6.5/6.6):

* ``place`` validates like the server (400 :class:`OrderRequestError` on bad input, price
  precision at most 5 decimals, decimal *strings* only), then accepts the order as ``NEW`` and
  returns the acknowledgement; business rejections (unknown symbol, buying power, position) are
  an ``HTTP 200`` ack with ``success: false``/``REJECTED`` (or a 400 with
  ``rejections_as_http=True`` -- the rest.md UNCERTAIN, as a switch);
* market orders fill at the touch (buy at the ask, sell at the bid) right after acceptance; limit
  orders fill when the touch crosses them, stop orders trigger on the last trade; each step of
  the feed offers only the touch size, so large orders fill partially over several steps;
  ``IOC`` cancels what the first pass cannot fill, ``FOK`` cancels unless all of it can fill;
* ``replace`` gives the order a new ``clOrdId`` (the old one becomes ``REPLACED``), carrying the
  filled quantity over; ``cancel`` marks it ``CANCELED`` and its ack carries a new ``clOrdId``
  (switch ``cancel_assigns_new_id``) with ``origClOrdId`` = the order's id;
* option orders (``legs`` or an OSI symbol: one contract, or a spread of 2-4) are validated
  and match as equity orders do, on each step of their underlying, against their contracts'
  quotes (a spread at its net price), filling whole; a contract is 100 shares: positions move
  by contracts, cash and buying power by the premium x 100. One the simulator cannot price
  rests (:mod:`~aries_async.sim.matching`);
* an order still working when its session ends expires (``EXPIRED``, ``leavesQty`` 0, its fills
  kept, announced on the account socket): ``DAY`` and ``AT_THE_CLOSE`` at the regular close of
  the trading day they belong to (placed after the close, on a weekend or a holiday: the next
  one's), ``AT_THE_OPENING`` at the open, ``EXTENDED_HOURS`` at 20:00 New York (17:00
  on an early-close day); ``GTC`` works on (:mod:`~aries_async.sim.sessions`);
  ``AT_THE_OPENING`` and ``AT_THE_CLOSE`` ones trade only in that open's or close's auction,
  whole, at its official price if marketable (:mod:`~aries_async.sim.matching`). The clock
  drives it: a tick (``Simulator.advance``, the ticker) or any HTTP request after the end sees
  the order expired;
* fills move cash and positions (average price, realized P&L) and emit account events; they
  pay the fees the preview quotes (``optionFees``, 0.65 a contract; ``fees``, a stock order's
  per-share fee and a sale's regulatory fees) as realized losses (the rule:
  :mod:`~aries_async.sim.option_fills`).

The parts: :mod:`~aries_async.sim.records` (accounts, positions, orders, wire helpers),
:mod:`~aries_async.sim.intake` (request validation), :mod:`~aries_async.sim.ledger` (the books
and their wire views, valued by :mod:`~aries_async.sim.valuation`),
:mod:`~aries_async.sim.matching` (fills and expiries, on the session rule of
:mod:`~aries_async.sim.sessions`), :mod:`~aries_async.sim.amendments` (replace and
cancel) and this module (the order operations on top: new orders, previews, and the state's
face for the rest).

Account events (for ``/v1/accounts/ws``):
    ``remove = state.listen(account_id, callback)`` calls ``callback(event)`` synchronously
    with an :class:`AccountEvent` (``name`` is ``account.order``, ``account.position`` or
    ``account.balance``; ``data`` is the wire object) for every change of that account.
    ``state.snapshot(account_id)`` gives ``{"account", "positions", "ordersV2"}`` in wire form.

Also here, per user: ``state.watchlists`` (:class:`~aries_async.sim.watchlists.Watchlists`,
with ``subscribe(callback)`` for watchlist changes) and ``state.predictions``
(:class:`~aries_async.sim.predictions.PredictionOrders`).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal
from typing import Any

from aries_async.sim import amendments
from aries_async.sim.auctions import auction_refusal
from aries_async.sim.closing import unbacked_close, unbacked_stock_close
from aries_async.sim.day_sessions import next_open_after
from aries_async.sim.faults import Faults
from aries_async.sim.feed import NEW_YORK, Clock, Feed
from aries_async.sim.intake import parse_order
from aries_async.sim.ledger import Ledger
from aries_async.sim.matching import Matcher
from aries_async.sim.option_fills import option_fees, option_touch, order_fees
from aries_async.sim.option_quotes import leg_ratio, order_contracts
from aries_async.sim.predictions import PredictionOrders
from aries_async.sim.records import (
    ACTIVE_STATUSES,
    AccountEvent,
    AccountNotFoundError,
    OrderNotFoundError,
    OrderRequestError,
    SimAccount,
    SimOrder,
    SimPosition,
    decimal_text,
    money,
    price_decimal,
    rfc3339,
)
from aries_async.sim.seed import seed_history
from aries_async.sim.sessions import contracts_end, order_deadline
from aries_async.sim.settlement import settle_expired, settlement_due
from aries_async.sim.valuation import HOLDING_SIDES, order_hold
from aries_async.sim.watchlists import Watchlists

__all__ = [
    "ACTIVE_STATUSES",
    "AccountEvent",
    "AccountNotFoundError",
    "OrderNotFoundError",
    "OrderRequestError",
    "SimAccount",
    "SimOrder",
    "SimPosition",
    "State",
    "money",
]


class State(Ledger):
    """Accounts, positions and orders of the simulated user.

    Args:
        feed: prices for fills and valuations.
        clock: the time source (the feed's clock).
        rejections_as_http: business rejections raise :class:`OrderRequestError` (HTTP 400)
            instead of returning a ``success: false`` acknowledgement.
        cancel_assigns_new_id: cancel acks carry a new ``clOrdId`` (DOCS-new) instead of
            echoing the order's id.
        faults: the simulator's live faults (the state reads
            ``snapshot_working_orders_only``); a private default set when not given.

    Attributes:
        check_closing_legs: refuse an option order whose ``CLOSE`` leg has no position to
            close (:mod:`~aries_async.sim.closing`; default True, the CLI's
            ``--unchecked-closes`` sets it False: a server that does not check).
    """

    def __init__(
        self,
        *,
        feed: Feed,
        clock: Clock,
        rejections_as_http: bool = False,
        cancel_assigns_new_id: bool = True,
        starting_cash: Decimal = Decimal("100000"),
        user_id: int = 1001,
        faults: Faults | None = None,
    ) -> None:
        self.feed = feed
        super().__init__(
            feed=feed, clock=clock, starting_cash=starting_cash, user_id=user_id, faults=faults
        )
        self.rejections_as_http = rejections_as_http
        self.cancel_assigns_new_id = cancel_assigns_new_id
        self.check_closing_legs = True
        self.matcher = Matcher(self)
        self.watchlists = Watchlists(clock=clock, symbols=feed.symbols)
        self.predictions = PredictionOrders(clock=clock, seed=feed.seed)
        seed_history(self)
        self._next_day = next_open_after(datetime.fromtimestamp(feed.t0, NEW_YORK).date())

    @property
    def next_open(self) -> float:
        """When the next trading day starts on the books (Unix seconds)."""
        return self._next_day

    def start_days(self, at: float | None = None) -> None:
        """Start a new trading day on the books once ``at`` (default: the clock) has reached
        its open (the moment the feed's sessions start theirs,
        :mod:`~aries_async.sim.day_sessions`): each account's start-of-day cash and each
        position's carried quantity are what they hold now, their day figures zero. A tick
        calls it at each open it crosses, after the steps before it
        (:meth:`~aries_async.sim.context.SimContext.tick`); cheap otherwise."""
        now = self.clock.now() if at is None else at
        if now < self._next_day:
            return
        settle_expired(self, now)  # yesterday's expirations, in yesterday's books
        for account in self.accounts.values():
            account.start_day()
        for book in self.positions.values():
            for position in book.values():
                position.start_day()
        self._next_day = next_open_after(datetime.fromtimestamp(now, NEW_YORK).date())

    def new_order(
        self, spec: Mapping[str, Any], *, status: str, orig: str | None = None
    ) -> SimOrder:
        """Book a new order from a validated spec."""
        cl_ord_id, ord_id = self.next_ids()
        now = self.clock.now()
        legs = spec["legs"]
        category = "EQUITY" if not legs else ("SINGLE_LEG" if len(legs) == 1 else "MULTI_LEG")
        order = SimOrder(
            cl_ord_id=cl_ord_id,
            ord_id=ord_id,
            account_id=spec["account_id"],
            client_id=spec["client_id"],
            symbol=spec["symbol"],
            side=spec["side"],
            type=spec["type"],
            time_in_force=spec["tif"],
            qty=spec["qty"],
            price=spec["price"],
            stop_price=spec["stop"],
            status=status,
            created_at=now,
            updated_at=now,
            orig_cl_ord_id=orig,
            security_type="OPTION" if legs else "EQUITY",
            category=category,
            legs=list(legs),
        )
        deadline = order_deadline(order.time_in_force, now)
        ends = contracts_end(legs)  # GTC included: not past its contracts
        if ends is not None and (deadline is None or ends[0] < deadline[0]):
            deadline = ends[0], f"option contract expired on {ends[1]}"
        if deadline is not None:
            order.expires_at, order.expiry_text = deadline
        self.add_order(order)
        return order

    def reject_reason(
        self, spec: Mapping[str, Any], *, replacing: SimOrder | None = None
    ) -> str | None:
        """Why the business rules refuse a valid order, or None; ``replacing``: the working
        order it would replace, whose hold on the buying power it may use."""
        if spec["legs"]:
            return self.option_reject_reason(spec, replacing)
        info = self.feed.symbols.get(spec["symbol"])
        if info is None:
            return f"unknown symbol {spec['symbol']}"
        if not info.tradable:
            return f"{spec['symbol']} is not tradable"
        if self.faults.whole_shares_only and spec["qty"] % 1:
            return f"fractional shares of {info.symbol} are not supported"
        held = self.positions[spec["account_id"]].get(info.symbol)
        held_qty = held.quantity if held else Decimal(0)
        orders = self.orders[spec["account_id"]]
        unbacked = auction_refusal(spec, self.clock.now(), self.faults) or unbacked_stock_close(
            held_qty, orders, spec, replacing, short_while_long=self.faults.short_sale_while_long
        )
        if unbacked is not None:
            return unbacked
        side, qty = spec["side"], spec["qty"]
        if side in HOLDING_SIDES:
            snap = self.feed.quote(info.symbol)
            touch = snap.bid if side == "SELL_SHORT" else snap.ask
            price = spec["price"] or spec["stop"] or price_decimal(touch)
            balance = self.balance_wire(spec["account_id"], releasing=replacing)
            if order_hold(side, qty, price) > Decimal(balance["netBuyingPower"]):
                return "insufficient buying power"
        return None

    def option_reject_reason(
        self, spec: Mapping[str, Any], replacing: SimOrder | None = None
    ) -> str | None:
        """Why the business rules refuse a valid option order, or None: one that pays (a buy,
        a debit spread) needs its premium x 100 and its fees in option buying power, at its limit (a
        market one: at the contracts' touch now). An order of contracts the simulator
        cannot price is accepted and rests."""
        ends = contracts_end(spec["legs"])
        if ends is not None and self.clock.now() >= ends[0]:
            return f"option contract expired on {ends[1]}"
        if self.check_closing_legs:
            held = self.positions[spec["account_id"]]
            unbacked = unbacked_close(held, spec["legs"], spec["side"], spec["qty"])
            if unbacked is not None:
                return unbacked
        contracts = order_contracts(self.feed, spec["legs"], spec["side"])
        buying = spec["side"] in ("BUY", "BUY_TO_COVER")
        if contracts is None or not buying:
            return None
        price = spec["price"] or spec["stop"]
        if price is None:
            touch = option_touch(
                self.feed, contracts, self.feed.quote(contracts[0].underlying), buying=True
            )
            price = touch.price if touch else Decimal(0)
        balance = self.balance_wire(spec["account_id"], releasing=replacing)
        hold = order_hold(spec["side"], spec["qty"], price, spec["legs"])
        if hold > Decimal(balance["optionBuyingPower"]):
            return "insufficient buying power"
        return None

    def ack(self, order: SimOrder, *, success: bool, text: str) -> dict[str, Any]:
        """The ``OrdResponse`` acknowledgement of an order as it stands."""
        return {
            "success": success,
            "clOrdId": order.cl_ord_id,
            "status": order.status,
            "symbol": order.symbol,
            "side": order.side,
            "qty": decimal_text(order.qty),
            "cumQty": decimal_text(order.cum_qty),
            "leavesQty": decimal_text(order.leaves_qty),
            "avgPrice": decimal_text(order.avg_price),
            "text": text,
            "ordRejReason": order.rej_reason,
            "transactTime": rfc3339(order.updated_at),
        }

    def place(self, body: Mapping[str, Any], *, refuse: str | None = None) -> dict[str, Any]:
        """``POST /v1/orders``: validate, accept, acknowledge, then match; ``refuse``: refuse
        a valid order for that reason whatever the business rules say.

        Returns:
            The ``OrdResponse`` acknowledgement (state at acceptance, before any fill).

        Raises:
            OrderRequestError: malformed request (or a rejection with ``rejections_as_http``).
            AccountNotFoundError: unknown account.
        """
        spec = parse_order(body, self.account)
        reason = refuse or self.reject_reason(spec)
        if reason is not None and self.rejections_as_http:
            raise OrderRequestError("ORDER_REJECTED", reason)
        order = self.new_order(spec, status="REJECTED" if reason else "NEW")
        if reason is not None:
            order.rej_reason = reason
            order.text = "Order rejected"
            self.emit(order.account_id, "account.order", self.order_wire(order))
            return self.ack(order, success=False, text="Order rejected")
        ack = self.ack(order, success=True, text="Order accepted")
        self.emit(order.account_id, "account.order", self.order_wire(order))
        self.matcher.start_working(order)
        return ack

    def preview(self, body: Mapping[str, Any]) -> dict[str, Any]:
        """``POST /v1/orders/preview``: estimated cost and blocking errors, nothing is placed.

        Raises:
            OrderRequestError: malformed request.
            AccountNotFoundError: unknown account.
        """
        spec = parse_order(body, self.account)
        reason = self.reject_reason(spec)
        price = spec["price"] or spec["stop"]
        if price is None:
            snap = self.quote_or_none(spec["symbol"])
            if snap is not None:
                price = price_decimal(
                    snap.ask if spec["side"] in ("BUY", "BUY_TO_COVER") else snap.bid
                )
        multiplier = Decimal(100) if spec["legs"] else Decimal(1)
        cost = spec["qty"] * (price or Decimal(0)) * multiplier
        fees = order_fees(spec["side"], cost, Decimal(0) if spec["legs"] else spec["qty"])
        option_fee = option_fees((leg_ratio(leg) for leg in spec["legs"]), spec["qty"])
        out: dict[str, Any] = {
            "estimatedCost": money(cost),
            "estimatedMargin": "0.00",
            "commission": "0.00",
            "fees": money(fees),
            "buyingPowerImpact": money(order_hold(spec["side"], spec["qty"], price, spec["legs"])),
            "numDayTrades": 0,
            "warnRuleId": "0",
            "warnings": []
            if spec["type"] != "MARKET"
            else ["market orders may fill at a worse price"],
            "errors": [reason] if reason else [],
        }
        if spec["legs"]:
            out.update(
                {
                    "optionFees": money(option_fee),
                    "optionPremium": money(cost),
                    "optionRequirement": money(cost),
                }
            )
        return out

    def replace(self, body: Mapping[str, Any]) -> dict[str, Any]:
        """``POST /v1/orders/replace``: the order gets a new ``clOrdId``; the old one is dead
        (:func:`~aries_async.sim.amendments.replace`).

        Raises:
            OrderRequestError: malformed request.
            AccountNotFoundError, OrderNotFoundError: unknown account or order.
        """
        return amendments.replace(self, body)

    def cancel(self, body: Mapping[str, Any]) -> dict[str, Any]:
        """``POST /v1/orders/cancel`` (:func:`~aries_async.sim.amendments.cancel`).

        Raises:
            OrderRequestError: malformed request.
            AccountNotFoundError, OrderNotFoundError: unknown account or order.
        """
        return amendments.cancel(self, body)

    def match(self) -> None:
        """Run one matching pass over every working order at the current quotes (orders whose
        session has ended expire first)."""
        self.matcher.match()

    def expiry_due(self) -> bool:
        """Whether a working order's session has ended by the clock (it is still to expire),
        or an option position's contract (:mod:`~aries_async.sim.settlement`)."""
        now = self.clock.now()
        return self.matcher.expiry_due(now) or settlement_due(self, now)

    def expire_due(self, at: float | None = None) -> None:
        """Expire every working order whose session has ended by ``at`` (default: the clock),
        and settle every option position whose contract has."""
        now = self.clock.now() if at is None else at
        self.matcher.expire_due(now)
        settle_expired(self, now)
