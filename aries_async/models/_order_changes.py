"""A change to a working order: the :class:`~aries_async.models.order_requests.ReplaceRequest`
that makes it, from the :class:`~aries_async.models.orders.Order` as it was read and only what
changes, checked as ``place`` checks a new order before anything is sent.

The replace names the order by its id, account, symbol and side, carries what changes (the
server keeps the rest, rest.md 6.3) and, for a spread, the order's legs, which a multi-leg
replace must send. The order it leaves (the order with the change) must meet the rules of a
new one, and something must change. :meth:`Orders.change
<aries_async.resources.orders.Orders.change>` and ``aries-async order replace`` build their
replaces here.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from aries_async.errors import ValidationError
from aries_async.models._order_inputs import (
    DecimalInput,
    check_option_tif,
    check_prices_for_type,
    check_whole_contracts,
    is_osi_symbol,
    prices_of_type,
)
from aries_async.models.accounts import SecurityType
from aries_async.models.order_requests import OrderLeg, ReplaceRequest
from aries_async.models.orders import Order, OrderType, TimeInForce

__all__ = ["CHANGES", "order_legs", "replace_for"]

CHANGES = ("quantity", "price", "stop_price", "type", "time_in_force", "client_id")
"""What a change may give: attributes of the request and of the order alike."""

_LEG_TYPES = {"OPTION": "OPT", "EQUITY": "CS"}
"""A reported leg's security type (``SecurityType``) as a request leg names it."""


def replace_for(
    order: Order,
    *,
    quantity: DecimalInput | None = None,
    price: DecimalInput | None = None,
    stop_price: DecimalInput | None = None,
    type: OrderType | str | None = None,
    time_in_force: TimeInForce | str | None = None,
    client_id: str | None = None,
    words: Mapping[str, str] | None = None,
) -> ReplaceRequest:
    """The replace that gives ``order`` the changes (each ``None``: kept as it is).

    ``words`` names the changes in the message of one that changes nothing (the command
    line's ``limit`` for ``price``...); by default their attribute names.

    Raises:
        ValidationError: nothing is given; the order cannot be replaced (ended, or without
            the id, account or symbol a replace names it by; a leg that cannot be sent back);
            a change is malformed (a quantity of 0, a price of 6 decimals); the order it
            leaves breaks a rule of a new order (a stop on a LIMIT order, a price on a
            MARKET one, a STOP order without its stop, IOC or part of a contract on an
            option); or every change is what the order has already.
    """
    values = (quantity, price, stop_price, type, time_in_force, client_id)
    given: dict[str, Any] = {
        name: value for name, value in zip(CHANGES, values, strict=True) if value is not None
    }
    if not given:
        raise ValidationError(
            "the replace changes nothing: give " + ", ".join(CHANGES[:-1]) + " or client_id"
        )
    _check_replaceable(order)
    side = order.side.value if order.side is not None and order.side.is_known else None
    request = ReplaceRequest(
        orig_cl_ord_id=order.cl_ord_id or "",
        account_id=order.account_id or "",
        symbol=order.symbol or "",
        side=side,  # optional (rest.md 6.3); one the package does not know is left out
        legs=order_legs(order),
        **given,
    )
    _check_merged(order, request)
    _check_changes(order, request, words or {})
    return request


def _check_replaceable(order: Order) -> None:
    for value, what in (
        (order.cl_ord_id, "id (cl_ord_id)"),
        (order.account_id, "account id"),
        (order.symbol, "symbol"),
    ):
        if not value:
            raise ValidationError(
                f"order: it carries no {what}, which a replace names the order by; give an "
                "order as orders.active() reads it",
                field="order",
            )
    if order.is_terminal:
        raise ValidationError(
            f"order: order {order.cl_ord_id} is {order.ord_status}: nothing to change",
            field="order",
        )


def order_legs(order: Order) -> tuple[OrderLeg, ...]:
    """The legs of a multi-leg order, as reported, for its replace: it must send them (rest.md
    6.3), and the order keeps them. Other orders send none: the server keeps a single option
    leg, and a stock order has none to send.

    Raises:
        ValidationError: a leg as reported cannot be sent back (a term missing or unknown).
    """
    if len(order.legs) < 2:
        return ()
    legs = []
    for number, leg in enumerate(order.legs, 1):
        kind = leg.security_type.value if leg.security_type is not None else None
        terms: dict[str, Any] = {
            "security_type": _LEG_TYPES.get(kind or "", kind),
            "side": leg.side,
            "position_effect": leg.position_effect,
            "put_call": leg.put_call,
            "strike_price": leg.strike_price,
            "maturity": leg.maturity,
            "symbol": leg.symbol,
        }
        if leg.ratio_quantity is not None:
            terms["ratio_quantity"] = leg.ratio_quantity
        try:
            legs.append(OrderLeg(**terms))
        except ValidationError as exc:
            raise ValidationError(
                f"leg {number} of order {order.cl_ord_id}, as the server reports it, cannot be "
                f"sent back with the replace a multi-leg order needs: {exc}",
                field="legs",
            ) from None
    return tuple(legs)


def _check_merged(order: Order, request: ReplaceRequest) -> None:
    """The order the replace leaves (``order`` with the change) meets the rules of a new
    order, with their messages: a price given must fit the type, given or kept (the server
    ignores a stop on a limit order), and the type's prices, given or kept, must be there (the
    server refuses a stop order without a stop). A price kept that the new type takes no more
    is dropped, as the server drops it. An option order, though the replace of a single leg
    sends no leg to tell it by, takes DAY or GTC only and whole contracts."""
    kind = request.type or order.type
    if kind is not None and kind.is_known:  # else a type the server reports and we do not know
        takes_price, takes_stop = prices_of_type(kind)
        price, stop = request.price, request.stop_price
        if price is None and takes_price:
            price = order.price
        if stop is None and takes_stop:
            stop = order.stop_price
        check_prices_for_type(kind, price, stop, require=True)
    option = (
        bool(order.legs)
        or order.security_type == SecurityType.OPTION
        or is_osi_symbol(request.symbol)
    )
    check_option_tif(request.time_in_force, request.symbol, request.legs, option)
    check_whole_contracts(request.quantity, request.symbol, request.legs, option)


def _check_changes(order: Order, request: ReplaceRequest, words: Mapping[str, str]) -> None:
    """A replace whose every change the order has already is refused: it would still give
    the order a new id, and be told as a change."""
    given = [name for name in CHANGES if getattr(request, name) is not None]
    if all(getattr(request, name) == getattr(order, name) for name in given):
        has = ", ".join(f"{words.get(name, name)} {_shown(getattr(order, name))}" for name in given)
        raise ValidationError(f"the replace changes nothing: order {order.cl_ord_id} has {has}")


def _shown(value: object) -> str:
    """A value as the messages write it: a decimal exact (``1.50``), an enum by its value."""
    if isinstance(value, Decimal):
        return f"{value:f}"
    return str(getattr(value, "value", value))
