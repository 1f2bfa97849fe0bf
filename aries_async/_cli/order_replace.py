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
