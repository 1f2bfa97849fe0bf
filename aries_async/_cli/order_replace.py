"""``aries-async order replace ACCOUNT ORDER_ID [--quantity] [--limit] [--stop] [--type]
[--tif] [--client-id]``: a change to a working order.

The order is looked up, shown with what changes (``Change: limit 1.50 -> 1.60``), and the
replace asked for and sent as ``order cancel`` is (:mod:`~aries_async._cli.order_flow`); the
order keeps what is not given. Outcomes, ``--json`` and exit codes: :mod:`~aries_async._cli.order`.
"""

from __future__ import annotations

import argparse

import attrs

from aries_async._cli.common import cell
from aries_async._cli.order_flow import Change, change_order
from aries_async.errors import ValidationError
from aries_async.models._order_changes import CHANGES, replace_for
from aries_async.models.orders import Order, ReplaceAck, ReplaceRequest

__all__ = ["replace"]


_WORDS = {"price": "limit", "stop_price": "stop", "time_in_force": "tif", "client_id": "client id"}
"""How the command names a change it shows (``--limit`` is the request's ``price``...); the
others by their attribute names."""


def _replace_request(args: argparse.Namespace, order: Order) -> ReplaceRequest:
    """The replace the arguments ask of ``order`` (looked up in ``args.account``).

    Raises:
        ValidationError: the order it leaves breaks a rule, or it changes nothing.
    """
    if not order.account_id:
        order = attrs.evolve(order, account_id=args.account)
    return replace_for(
        order,
        quantity=args.quantity,
        price=args.limit,
        stop_price=args.stop,
        type=args.type.upper() if args.type else None,
        time_in_force=args.tif.upper() if args.tif else None,
        client_id=args.client_id,
        words=_WORDS,
    )


def _replace_lines(order: Order, request: ReplaceRequest) -> list[str]:
    """``Change: quantity 10 -> 5, limit 1.50 -> 1.60``: what the replace asks for."""
    changes = [
        f"{_WORDS.get(name, name)} {cell(getattr(order, name))} -> {cell(getattr(request, name))}"
        for name in CHANGES
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
