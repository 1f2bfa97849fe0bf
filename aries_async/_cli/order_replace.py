"""``aries-async order replace ACCOUNT ORDER_ID [--quantity] [--limit] [--stop] [--type]
[--tif] [--client-id]``: a change to a working order.

The order is looked up, shown with what changes (``Change: limit 1.50 -> 1.60``), and the
replace asked for and sent as ``order cancel`` is (:mod:`~aries_async._cli.order_flow`); the
order keeps what is not given. Outcomes, ``--json`` and exit codes: :mod:`~aries_async._cli.order`.
"""

from __future__ import annotations

import argparse
from typing import Any

from aries_async._cli.common import cell
from aries_async._cli.order_flow import Change, change_order
from aries_async.errors import ValidationError
from aries_async.models._order_inputs import check_prices_for_type, prices_of_type
from aries_async.models.orders import Order, OrderLeg, ReplaceAck, ReplaceRequest

__all__ = ["replace"]


_CHANGED = (
    ("quantity", "quantity"),
    ("price", "limit"),
    ("stop_price", "stop"),
    ("type", "type"),
    ("time_in_force", "tif"),
    ("client_id", "client id"),
)
"""(the attribute, of the request and of the order alike; the word shown) of what a replace
may change."""


_LEG_TYPES = {"OPTION": "OPT", "EQUITY": "CS"}
"""A reported leg's security type (``SecurityType``) as a request leg names it."""


def _legs(order: Order) -> tuple[OrderLeg, ...]:
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


def _replace_request(args: argparse.Namespace, order: Order) -> ReplaceRequest:
    """The replace the arguments ask of ``order``.

    Raises:
        ValidationError: the order it leaves breaks a rule, or it changes nothing.
    """
    request = _request(args, order)
    _check_merged(order, request)
    _check_changes(order, request)
    return request


def _check_merged(order: Order, request: ReplaceRequest) -> None:
    """The order the replace leaves (``order`` with the change) meets the type and price
    rules of ``order place``, with its messages: a price given must fit the type, given or
    kept (the server ignores a stop on a limit order), and the type's prices, given or kept,
    must be there (the server refuses a stop order without a stop). A price kept that the new
    type takes no more is dropped, as the server drops it."""
    kind = request.type or order.type
    if kind is None or not kind.is_known:  # a type the server reports and we do not know
        return
    takes_price, takes_stop = prices_of_type(kind)
    price, stop = request.price, request.stop_price
    if price is None and takes_price:
        price = order.price
    if stop is None and takes_stop:
        stop = order.stop_price
    check_prices_for_type(kind, price, stop, require=True)


def _check_changes(order: Order, request: ReplaceRequest) -> None:
    """A replace whose every change the order has already is refused: it would still give
    the order a new id, and be told as a change."""
    given = [(name, word) for name, word in _CHANGED if getattr(request, name) is not None]
    if all(getattr(request, name) == getattr(order, name) for name, _ in given):
        has = ", ".join(f"{word} {cell(getattr(order, name))}" for name, word in given)
        raise ValidationError(f"the replace changes nothing: order {order.cl_ord_id} has {has}")


def _request(args: argparse.Namespace, order: Order) -> ReplaceRequest:
    return ReplaceRequest(
        orig_cl_ord_id=order.cl_ord_id or args.order_id,
        account_id=args.account,
        symbol=order.symbol or "",
        side=order.side.value if order.side is not None else None,
        type=args.type.upper() if args.type else None,
        quantity=args.quantity,
        price=args.limit,
        stop_price=args.stop,
        time_in_force=args.tif.upper() if args.tif else None,
        client_id=args.client_id,
        legs=_legs(order),
    )


def _replace_lines(order: Order, request: ReplaceRequest) -> list[str]:
    """``Change: quantity 10 -> 5, limit 1.50 -> 1.60``: what the replace asks for."""
    changes = [
        f"{word} {cell(getattr(order, name))} -> {cell(getattr(request, name))}"
        for name, word in _CHANGED
        if getattr(request, name) is not None
    ]
    return [f"Change: {', '.join(changes)}"]


def _replace_text(args: argparse.Namespace, ack: ReplaceAck) -> str:
    if ack.accepted:
        return (
            f"Replace requested: order {ack.orig_cl_ord_id or args.order_id} is now "
            f"{ack.cl_ord_id}, status {ack.status}"
        )
    return f"Replace rejected: order {args.order_id} unchanged: {ack.text or ack.status}"


async def replace(args: argparse.Namespace) -> int:
    wanted = (args.quantity, args.limit, args.stop, args.type, args.tif, args.client_id)
    if all(value is None for value in wanted):  # before anything is sent, even the lookup
        raise ValidationError(
            "the replace changes nothing: give --quantity, --limit, --stop, --type, --tif or "
            "--client-id"
        )
    return await change_order(
        args,
        Change(
            noun="replace",
            done="replaced",
            build=lambda order: _replace_request(args, order),
            send=lambda client, request: client.orders.replace(request),
            details=_replace_lines,
            told=lambda ack: _replace_text(args, ack),
            with_request=True,
        ),
    )
