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
* option orders (``legs`` or an OSI symbol) are validated and rest as ``NEW``; they never fill;
* fills move cash and positions (average price, realized P&L) and emit account events.

The parts: :mod:`~aries_async.sim.records` (accounts, positions, orders, wire helpers),
:mod:`~aries_async.sim.intake` (request validation), :mod:`~aries_async.sim.ledger` (the books
and their wire views, valued by :mod:`~aries_async.sim.valuation`),
:mod:`~aries_async.sim.matching` (fills) and this module (the order operations on top).

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
from decimal import Decimal
from typing import Any

from aries_async.sim.faults import Faults
from aries_async.sim.feed import Clock, Feed
from aries_async.sim.intake import SIDES, parse_account_field, parse_enum, parse_order
from aries_async.sim.ledger import Ledger
from aries_async.sim.matching import Matcher
from aries_async.sim.predictions import PredictionOrders
from aries_async.sim.records import (
    ACTIVE_STATUSES,
    CENT,
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
        self.matcher = Matcher(self)
        self.watchlists = Watchlists(clock=clock, symbols=feed.symbols)
        self.predictions = PredictionOrders(clock=clock, seed=feed.seed)
        seed_history(self)

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
        self.add_order(order)
        return order

    def reject_reason(self, spec: Mapping[str, Any]) -> str | None:
        """Why the business rules refuse a valid order, or None."""
        if spec["legs"]:
            return None
        info = self.feed.symbols.get(spec["symbol"])
        if info is None:
            return f"unknown symbol {spec['symbol']}"
        if not info.tradable:
            return f"{spec['symbol']} is not tradable"
        held = self.positions[spec["account_id"]].get(info.symbol)
        held_qty = held.quantity if held else Decimal(0)
        side, qty = spec["side"], spec["qty"]
        if side == "SELL" and qty > max(held_qty, Decimal(0)):
            return "insufficient position to sell; use SELL_SHORT"
        if side == "BUY_TO_COVER" and qty > max(-held_qty, Decimal(0)):
            return "no short position to cover"
        if side in ("BUY", "BUY_TO_COVER"):
            snap = self.feed.quote(info.symbol)
            price = spec["price"] or spec["stop"] or price_decimal(snap.ask)
            power = Decimal(self.balance_wire(spec["account_id"])["netBuyingPower"])
            if qty * price > power:
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

    def place(self, body: Mapping[str, Any]) -> dict[str, Any]:
        """``POST /v1/orders``: validate, accept, acknowledge, then match.

        Returns:
            The ``OrdResponse`` acknowledgement (state at acceptance, before any fill).

        Raises:
            OrderRequestError: malformed request (or a rejection with ``rejections_as_http``).
            AccountNotFoundError: unknown account.
        """
        spec = parse_order(body, self.account)
        reason = self.reject_reason(spec)
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
        fees = (
            Decimal(0)
            if spec["side"] in ("BUY", "BUY_TO_COVER")
            else (cost * Decimal("0.0000278")).quantize(CENT)
        )
        out: dict[str, Any] = {
            "estimatedCost": money(cost),
            "estimatedMargin": "0.00",
            "commission": "0.00",
            "fees": money(fees),
            "buyingPowerImpact": money(
                cost + fees if spec["side"] in ("BUY", "BUY_TO_COVER") else Decimal(0)
            ),
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
                    "optionFees": "0.65",
                    "optionPremium": money(cost),
                    "optionRequirement": money(cost),
                }
            )
        return out

    def replace(self, body: Mapping[str, Any]) -> dict[str, Any]:
        """``POST /v1/orders/replace``: the order gets a new ``clOrdId``; the old one is dead.

        Raises:
            OrderRequestError: malformed request.
            AccountNotFoundError, OrderNotFoundError: unknown account or order.
        """
        old = self.order(*self._target(body))
        symbol = str(body.get("symbol") or "").upper()
        if symbol and symbol != old.symbol:
            raise OrderRequestError(
                "INVALID_FIELD", "symbol must match the original order", "symbol"
            )
        merged: dict[str, Any] = {
            "tradingAccountId": old.account_id,
            "symbol": old.symbol,
            "side": body.get("side") or old.side,
            "type": body.get("type") or old.type,
            "timeInForce": body.get("timeInForce") or old.time_in_force,
            "qty": body.get("qty") or decimal_text(old.qty),
            "clientId": body.get("clientId") if body.get("clientId") is not None else old.client_id,
            "legs": body.get("legs") or None,
        }
        if body.get("price") is not None:
            merged["price"] = body.get("price")
        elif old.price is not None:
            merged["price"] = decimal_text(old.price)
        if body.get("stopPrice") is not None:
            merged["stopPrice"] = body.get("stopPrice")
        elif old.stop_price is not None:
            merged["stopPrice"] = decimal_text(old.stop_price)
        spec = parse_order(merged, self.account)
        if not body.get("legs"):
            spec["legs"] = old.legs
        now = self.clock.now()
        if not old.working or spec["qty"] <= old.cum_qty or spec["side"] != old.side:
            text = (
                "order is not open"
                if not old.working
                else "side cannot change"
                if spec["side"] != old.side
                else "qty must exceed the filled quantity"
            )
            if self.rejections_as_http:
                raise OrderRequestError("REPLACE_REJECTED", text)
            return {
                "success": False,
                "clOrdId": old.cl_ord_id,
                "origClOrdId": old.cl_ord_id,
                "status": "REJECTED",
                "qty": decimal_text(spec["qty"]),
                "price": decimal_text(spec["price"]) if spec["price"] is not None else "",
                "text": text,
                "transactTime": rfc3339(now),
            }
        self.matcher.stop_working(old)
        old.status = "REPLACED"
        old.updated_at = now
        new = self.new_order(spec, status="NEW", orig=old.cl_ord_id)
        new.cum_qty = old.cum_qty
        new.avg_price = old.avg_price
        new.created_at = old.created_at
        if new.cum_qty:
            new.status = "PARTIALLY_FILLED"
        ack = {
            "success": True,
            "clOrdId": new.cl_ord_id,
            "origClOrdId": old.cl_ord_id,
            "status": "PENDING_REPLACE",
            "qty": decimal_text(new.qty),
            "price": decimal_text(new.price) if new.price is not None else "",
            "text": "Replace accepted",
            "transactTime": rfc3339(now),
        }
        self.emit(old.account_id, "account.order", self.order_wire(old))
        self.emit(new.account_id, "account.order", self.order_wire(new))
        self.matcher.start_working(new)
        return ack

    def cancel(self, body: Mapping[str, Any]) -> dict[str, Any]:
        """``POST /v1/orders/cancel``.

        Raises:
            OrderRequestError: malformed request.
            AccountNotFoundError, OrderNotFoundError: unknown account or order.
        """
        target = self._target(body)
        if not body.get("symbol"):
            raise OrderRequestError("MISSING_FIELD", "symbol is required", "symbol")
        parse_enum(body, "side", SIDES, required=True)
        order = self.order(*target)
        now = self.clock.now()
        if self.cancel_assigns_new_id:
            cancel_id = f"{order.cl_ord_id}-C{self.next_serial()}"
        else:
            cancel_id = order.cl_ord_id
        if not order.working:
            if self.rejections_as_http:
                raise OrderRequestError("CANCEL_REJECTED", "order is not open")
            return {
                "success": False,
                "clOrdId": cancel_id,
                "origClOrdId": order.cl_ord_id,
                "status": "REJECTED",
                "text": f"order is not open ({order.status})",
            }
        self.matcher.stop_working(order)
        order.status = "CANCELED"
        order.updated_at = now
        order.text = "Canceled by user"
        self.emit(order.account_id, "account.order", self.order_wire(order))
        self.emit(order.account_id, "account.balance", self.balance_wire(order.account_id))
        return {
            "success": True,
            "clOrdId": cancel_id,
            "origClOrdId": order.cl_ord_id,
            "status": "PENDING_CANCEL",
            "text": "Cancel request processed",
        }

    def _target(self, body: Mapping[str, Any]) -> tuple[str, str]:
        """The account and ``origClOrdId`` of the order a replace or cancel names.

        Raises:
            OrderRequestError: no ``origClOrdId``, or one of over 100 characters.
            AccountNotFoundError: unknown account.
        """
        account_id = parse_account_field(body, self.account)
        orig_id = body.get("origClOrdId")
        if not isinstance(orig_id, str) or not 1 <= len(orig_id) <= 100:
            raise OrderRequestError("MISSING_FIELD", "origClOrdId is required", "origClOrdId")
        return account_id, orig_id

    def match(self) -> None:
        """Run one matching pass over every working order at the current quotes."""
        self.matcher.match()
