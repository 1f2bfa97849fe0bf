"""Changes to a booked order in the simulated brokerage: replace and cancel (rest.md 6.5/6.6).

``replace`` gives the order a new ``clOrdId`` (the old one becomes ``REPLACED``), carrying the
filled quantity over; ``cancel`` marks it ``CANCELED`` and its ack carries a new ``clOrdId``
(switch ``cancel_assigns_new_id``) with ``origClOrdId`` = the order's id. A cancel of an order
no longer open, or whose ``symbol`` or ``side`` is not the order's (rest.md 6.4 sends the
original order's; the answer to one that is not is not documented): refused with ``success:
false`` (or a 400 ``CANCEL_REJECTED`` with ``rejections_as_http``, rest.md 6.1's UNCERTAIN),
the order left working; so is a cancel of an auction order past its auction's cut-off
(:func:`~aries_async.sim.auctions.cancel_refusal`). An order no longer
open, a replace that changes the side or asks for no more than is filled: refused with
``success: false`` (or a 400 ``REPLACE_REJECTED`` with ``rejections_as_http``); so is one
whose unfilled quantity a placement would be refused (buying power, a position to sell or
close; the text the placement's ``ordRejReason`` would say, a 400 ``ORDER_REJECTED`` as the
placement's), the order left as it was; a multi-leg replace without its
``legs`` (rest.md 6.3 requires them) is a 400 ``MISSING_FIELD``, and so is a replace without
``symbol`` (rest.md 6.3: required, "as on the original order"); one naming another instrument
is a 400 ``INVALID_FIELD`` (a single-leg option order may be named by its symbol as placed,
its contract's OSI symbol or its underlying with the one leg, rest.md 6.3; legs that name
other contracts are refused too).
:class:`~aries_async.sim.state.State` answers ``POST /v1/orders/replace`` and ``/cancel`` with
these; everything returned is in wire form.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from aries_async.sim.auctions import cancel_refusal
from aries_async.sim.intake import SIDES, parse_account_field, parse_enum, parse_order
from aries_async.sim.option_model import parse_osi
from aries_async.sim.option_quotes import leg_symbol
from aries_async.sim.records import OrderRequestError, SimOrder, decimal_text, rfc3339

if TYPE_CHECKING:
    from aries_async.sim.state import State

__all__ = ["cancel", "replace"]


def replace(state: State, body: Mapping[str, Any]) -> dict[str, Any]:
    """``POST /v1/orders/replace``: the order gets a new ``clOrdId``; the old one is dead.

    Raises:
        OrderRequestError: malformed request.
        AccountNotFoundError, OrderNotFoundError: unknown account or order.
    """
    old = state.order(*_target(state, body))
    symbol = _named_symbol(old, body)
    if len(old.legs) > 1 and not body.get("legs"):
        # rest.md 6.3: a single-leg option may be named by its symbol; a spread may not.
        raise OrderRequestError("MISSING_FIELD", "multi-leg replaces must send legs", "legs")
    merged: dict[str, Any] = {
        "tradingAccountId": old.account_id,
        "symbol": symbol,
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
    spec = parse_order(merged, state.account) | {"symbol": old.symbol}
    if not body.get("legs"):
        spec["legs"] = old.legs
    elif old.legs and _contracts(spec["legs"]) != _contracts(old.legs):
        raise OrderRequestError(
            "INVALID_FIELD", "legs must name the original order's contracts", "legs"
        )
    if spec["legs"] and spec["tif"] not in ("DAY", "GTC"):
        # parse_order checks the legs it was sent; an option order's own count as well.
        raise OrderRequestError(
            "INVALID_FIELD", "options orders accept timeInForce DAY or GTC", "timeInForce"
        )
    now = state.clock.now()
    if not old.working or spec["qty"] <= old.cum_qty or spec["side"] != old.side:
        text = (
            "order is not open"
            if not old.working
            else "side cannot change"
            if spec["side"] != old.side
            else "qty must exceed the filled quantity"
        )
        return _refused(state, old.cl_ord_id, spec, text, "REPLACE_REJECTED", now)
    # The replacement meets the rules a placement meets (buying power, a position to sell or
    # close), for what it leaves to fill: what is filled is already in cash and positions.
    reason = state.reject_reason(spec | {"qty": spec["qty"] - old.cum_qty}, replacing=old)
    if reason is not None:
        return _refused(state, old.cl_ord_id, spec, reason, "ORDER_REJECTED", now)
    state.matcher.stop_working(old)
    old.status = "REPLACED"
    old.updated_at = now
    new = state.new_order(spec, status="NEW", orig=old.cl_ord_id)
    new.cum_qty = old.cum_qty
    new.avg_price = old.avg_price
    new.notional, new.fees_paid = old.notional, old.fees_paid
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
    state.emit(old.account_id, "account.order", state.order_wire(old))
    state.emit(new.account_id, "account.order", state.order_wire(new))
    state.matcher.start_working(new)
    return ack


def _named_symbol(old: SimOrder, body: Mapping[str, Any]) -> str:
    """The ``symbol`` a replace of ``old`` sends, upper-cased, when it names that order's
    instrument (rest.md 6.3: required, "as on the original order"; a single-leg option order
    by its symbol as placed, its contract's OSI symbol or its underlying).

    Raises:
        OrderRequestError: no ``symbol``, or one naming another instrument.
    """
    sent = body.get("symbol")
    if not isinstance(sent, str) or not sent.strip():
        raise OrderRequestError("MISSING_FIELD", "symbol is required", "symbol")
    symbol = sent.strip().upper()
    names = {old.symbol}
    if len(old.legs) == 1 and (contract := leg_symbol(old.legs[0])) is not None:
        parts = parse_osi(contract)
        names |= {contract, parts.root} if parts is not None else {contract}
    if symbol not in names:
        raise OrderRequestError("INVALID_FIELD", "symbol must match the original order", "symbol")
    return symbol


def _contracts(legs: Sequence[Mapping[str, Any]]) -> list[str | None]:
    """The OSI symbols of option ``legs``, sorted (the unnamed last)."""
    return sorted(map(leg_symbol, legs), key=lambda name: (name is None, name or ""))


def _refused(
    state: State, cl_ord_id: str, spec: Mapping[str, Any], text: str, code: str, now: float
) -> dict[str, Any]:
    """The answer refusing a replace of the order ``cl_ord_id`` (which stays as it was):
    ``success: false``, or a 400 of ``code`` with ``rejections_as_http``."""
    if state.rejections_as_http:
        raise OrderRequestError(code, text)
    return {
        "success": False,
        "clOrdId": cl_ord_id,
        "origClOrdId": cl_ord_id,
        "status": "REJECTED",
        "qty": decimal_text(spec["qty"]),
        "price": decimal_text(spec["price"]) if spec["price"] is not None else "",
        "text": text,
        "transactTime": rfc3339(now),
    }


def cancel(state: State, body: Mapping[str, Any]) -> dict[str, Any]:
    """``POST /v1/orders/cancel``.

    Raises:
        OrderRequestError: malformed request.
        AccountNotFoundError, OrderNotFoundError: unknown account or order.
    """
    target = _target(state, body)
    if not body.get("symbol"):
        raise OrderRequestError("MISSING_FIELD", "symbol is required", "symbol")
    side = parse_enum(body, "side", SIDES, required=True)
    order = state.order(*target)
    now = state.clock.now()
    if state.cancel_assigns_new_id:
        cancel_id = f"{order.cl_ord_id}-C{state.next_serial()}"
    else:
        cancel_id = order.cl_ord_id
    refusal = _misnamed(order, body, side)
    if refusal is None and not order.working:
        refusal = f"order is not open ({order.status})"
    if refusal is None:  # an auction order past its cut-off stays in the auction
        refusal = cancel_refusal(order, now, state.faults)
    if refusal is not None:
        if state.rejections_as_http:
            raise OrderRequestError("CANCEL_REJECTED", refusal)
        return {
            "success": False,
            "clOrdId": cancel_id,
            "origClOrdId": order.cl_ord_id,
            "status": "REJECTED",
            "text": refusal,
        }
    state.matcher.stop_working(order)
    order.status = "CANCELED"
    order.updated_at = now
    order.text = "Canceled by user"
    state.emit(order.account_id, "account.order", state.order_wire(order))
    state.emit(order.account_id, "account.balance", state.balance_wire(order.account_id))
    return {
        "success": True,
        "clOrdId": cancel_id,
        "origClOrdId": order.cl_ord_id,
        "status": "PENDING_CANCEL",
        "text": "Cancel request processed",
    }


def _misnamed(order: SimOrder, body: Mapping[str, Any], side: str | None) -> str | None:
    """Why a cancel's ``symbol`` and ``side`` are not those of ``order`` (rest.md 6.4: the
    original order's), or None. An option order is named by its symbol as placed, its legs'
    OSI symbols, or their underlying (with the option terms of one of its legs, if sent)."""
    if side != order.side:
        return f"side {side} is not the order's ({order.side})"
    symbol = str(body["symbol"]).strip().upper()
    contracts = {c for c in map(leg_symbol, order.legs) if c is not None}
    roots = {parts.root for parts in map(parse_osi, contracts) if parts is not None}
    if symbol not in {order.symbol, *contracts, *roots}:
        return f"symbol {symbol} is not the order's ({order.symbol})"
    if symbol in roots and body.get("strikePrice"):
        put_call = "CALL" if str(body.get("putCall")).upper() in ("C", "CALL") else "PUT"
        terms = {"symbol": symbol, "putCall": put_call} | {
            name: body.get(name) for name in ("strikePrice", "maturity")
        }
        if leg_symbol(terms) not in contracts:
            return f"the option terms sent are not the order's contract ({order.symbol})"
    return None


def _target(state: State, body: Mapping[str, Any]) -> tuple[str, str]:
    """The account and ``origClOrdId`` of the order a replace or cancel names.

    Raises:
        OrderRequestError: no ``origClOrdId``, or one of over 100 characters.
        AccountNotFoundError: unknown account.
    """
    account_id = parse_account_field(body, state.account)
    orig_id = body.get("origClOrdId")
    if not isinstance(orig_id, str) or not 1 <= len(orig_id) <= 100:
        raise OrderRequestError("MISSING_FIELD", "origClOrdId is required", "origClOrdId")
    return account_id, orig_id
