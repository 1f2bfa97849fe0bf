"""``aries-async order preview|place|replace|cancel|wait|list|find``: orders, never placed or
changed by accident.

``order place`` previews the order, shows the preview and asks ``Place this order? [y/N]`` on
the terminal; only ``y``/``yes`` sends it. ``--yes`` skips the question (for scripts). Without a
terminal on stdin and without ``--yes`` it refuses before sending anything (exit 2). A preview
with blocking errors is never placed. ``order cancel`` and ``order replace`` look the order up,
show it (``replace`` also what changes: ``Change: limit 1.50 -> 1.60``) and ask likewise
(:mod:`~aries_async._cli.order_flow`, which they share). ``order replace`` is
:mod:`~aries_async._cli.order_replace`, ``order wait`` :mod:`~aries_async._cli.order_wait`.

Quantities and prices are parsed from the command line as ``Decimal`` (never float); the order
is validated (:class:`~aries_async.models.orders.OrderRequest`) before anything is sent, and
an invalid one exits 2 with the reason. Every order carries a client id (``--client-id`` or a
fresh one), printed with the acknowledgement. When the outcome is unknown (a timeout, a
dropped connection after sending, or a 2xx answer that is not an order acknowledgement: only
an answer saying so is a rejection) nothing is retried: the command prints the client id and the
``aries-async order find`` command that tells whether the order landed, and exits 1; for a
replace or cancel, the ``aries-async order list`` command to check with.

With ``--json``, ``place``, ``replace`` and ``cancel`` print one JSON document whatever the
outcome (its ``outcome``: ``accepted``, ``rejected``, ``declined``, ``unknown``, ``not_sent``
(Ctrl-C before the request left); ``blocked`` for ``place``, ``not_found`` and ``terminal``
for ``replace`` and ``cancel``), the explanations going to stderr; only an error of the API,
the network or the sign-in prints none. Once the request was sent, a stdout whose reader went
away (``| head -1``) does not hide the outcome: it goes to stderr, and the exit status is
still the outcome's.

Exit status: 0 done; 1 the API or network failed, the order, replace or cancel was rejected,
the preview has blocking errors, the outcome is unknown, or (``find``, ``replace``,
``cancel``) no such order, or (``replace``, ``cancel``) the order has ended; 2 bad input or no
terminal to confirm on; 3 not signed in or refused; 4 you answered no (nothing was sent); 5
(``wait``) the timeout passed first; 130 Ctrl-C (during the preview, the lookup or at the
prompt nothing was sent, and it says so; while placing, replacing or cancelling, whether the
request had left, and if it may have, what to check, as for an unknown outcome).

The arguments and the order they describe are :mod:`~aries_async._cli.order_args` (its names
stay importable from here); this module runs the actions and shows what they do.
"""

from __future__ import annotations

import argparse
import asyncio
from typing import Any

from aries_async._cli.common import (
    EXIT_API,
    EXIT_DECLINED,
    EXIT_OK,
    EXIT_USAGE,
    emit,
    err,
    make_client,
)
from aries_async._cli.order_args import add_arguments, build_request, decimal_arg
from aries_async._cli.order_flow import (
    Change,
    can_confirm,
    change_order,
    confirm,
    orders_table,
    show,
    tell,
)
from aries_async._cli.order_replace import replace
from aries_async._cli.order_wait import wait
from aries_async.errors import OrderOutcomeUnknownError, OrderRejectedHTTPError
from aries_async.http.exchange import never_sent
from aries_async.models.common import decimal_to_wire
from aries_async.models.orders import (
    CancelAck,
    CancelRequest,
    Order,
    OrderAck,
    OrderPreview,
    OrderRequest,
)

__all__ = ["add_arguments", "build_request", "decimal_arg", "describe", "preview_lines", "run"]


def describe(request: OrderRequest) -> str:
    """``BUY 10 AAPL LIMIT @ 150.00 DAY on ACCOUNT`` (one line; numbers in plain notation,
    ``1e3`` typed is shown ``1000``)."""
    quantity = decimal_to_wire(request.quantity)
    parts = [request.side.value, quantity, request.symbol, request.type.value]
    if request.price is not None:
        parts.append(f"@ {decimal_to_wire(request.price)}")
    if request.stop_price is not None:
        parts.append(f"stop {decimal_to_wire(request.stop_price)}")
    parts.append(request.time_in_force.value)
    return " ".join(parts) + f" on {request.account_id}"


def preview_lines(request: OrderRequest, preview: OrderPreview) -> list[str]:
    """The preview as text lines: the order, the figures, warnings and blocking errors."""
    figures = [
        ("estimated cost", preview.estimated_cost),
        ("commission", preview.commission),
        ("fees", preview.fees),
        ("buying power impact", preview.buying_power_impact),
        ("estimated margin", preview.estimated_margin),
        ("option premium", preview.option_premium),
        ("option fees", preview.option_fees),
        ("option requirement", preview.option_requirement),
    ]
    shown = [(n, decimal_to_wire(v)) for n, v in figures if v is not None]
    shown.append(("day trades", str(preview.number_day_trades)))
    width = max(len(n) for n, _ in shown)
    lines = [f"Preview: {describe(request)}"]
    lines += [f"  {n.ljust(width)}  {v}" for n, v in shown]
    lines += [f"  warning: {w}" for w in preview.warnings]
    lines += [f"  BLOCKING: {e}" for e in preview.errors]
    return lines


def _ack_text(ack: OrderAck, client_id: str) -> str:
    if ack.accepted:
        return f"Placed: order {ack.cl_ord_id} (client id {client_id}), status {ack.status}"
    reason = " ".join(str(x) for x in (ack.text, ack.ord_rej_reason) if x)
    return f"Rejected: order {ack.cl_ord_id} (client id {client_id}): {reason or ack.status}"


async def _preview(args: argparse.Namespace) -> int:
    request = build_request(args, args.client_id)
    async with make_client(args) as client:
        preview = await client.orders.preview(request)
    data = {"request": request, "preview": preview, "ok": preview.ok}
    emit(data, args.json, "\n".join(preview_lines(request, preview)))
    return EXIT_OK if preview.ok else EXIT_API


async def _place(args: argparse.Namespace) -> int:
    from aries_async.resources.orders import new_client_id

    request = build_request(args, args.client_id or new_client_id())
    client_id = request.client_id or ""
    if not can_confirm(args, "place the order"):
        return EXIT_USAGE
    data: dict[str, Any] = {"client_id": client_id, "request": request}
    async with make_client(args) as client:
        try:
            preview = await client.orders.preview(request)
        except asyncio.CancelledError:  # Ctrl-C during the preview: the order never left
            _not_placed(args, data, "during the preview")
            raise
        data["preview"] = preview
        show(preview_lines(request, preview), to_stderr=args.json)
        if not preview.ok:
            err("Not placed: the preview reports blocking errors.")
            if args.json:
                emit({**data, "outcome": "blocked", "ack": None}, True, "")
            return EXIT_API
        if not args.yes and not await confirm("Place this order?"):
            err("Not placed.")
            if args.json:
                emit({**data, "outcome": "declined", "ack": None}, True, "")
            return EXIT_DECLINED
        try:
            ack = await client.orders.place(request)
        except OrderOutcomeUnknownError as exc:
            _outcome_unknown(args, data, str(exc), exc.account_id, exc.client_id)
            return EXIT_API
        except OrderRejectedHTTPError as exc:  # the other form of a rejection (rest.md 6.1)
            text = f"Rejected: order not placed (client id {client_id}): {exc.reason}"
            tell(
                {**data, "outcome": "rejected", "ack": None, "reason": exc.reason}, args.json, text
            )
            return EXIT_API
        except asyncio.CancelledError as exc:  # Ctrl-C while the order was on its way
            if never_sent(exc):  # waiting for its turn, token or connection: nothing left
                _not_placed(args, data, "before it was sent")
            else:
                _outcome_unknown(args, data, "interrupted", request.account_id, client_id)
            raise
    outcome = "accepted" if ack.accepted else "rejected"
    data.update(outcome=outcome, ack=ack)
    tell(data, args.json, _ack_text(ack, client_id))
    return EXIT_OK if ack.accepted else EXIT_API


def _not_placed(args: argparse.Namespace, data: dict[str, Any], when: str) -> None:
    """Tell the user that Ctrl-C stopped the command ``when``, and the order was not sent."""
    err(f"Interrupted {when}: the order was NOT placed ({data['client_id']}).")
    if args.json:
        tell({**data, "outcome": "not_sent", "ack": None}, True, "")


def _outcome_unknown(
    args: argparse.Namespace, data: dict[str, Any], why: str, account_id: str, client_id: str
) -> None:
    """Tell the user that an order may or may not have landed, and how to find out."""
    err(
        f"The outcome is unknown: {why}\nThe order was NOT retried. Its client id is "
        f"{client_id}. Before sending it again, check whether it landed:\n"
        f"  aries-async order find {account_id} {client_id}"
    )
    if args.json:
        tell({**data, "outcome": "unknown", "ack": None}, True, "")


def _cancel_request(args: argparse.Namespace, order: Order) -> CancelRequest:
    return CancelRequest(
        orig_cl_ord_id=order.cl_ord_id or args.order_id,
        account_id=args.account,
        symbol=order.symbol or "",
        side=order.side.value if order.side is not None else "",
    )


def _cancel_text(args: argparse.Namespace, ack: CancelAck) -> str:
    if ack.accepted:
        return f"Cancel requested: order {ack.orig_cl_ord_id or args.order_id}, status {ack.status}"
    return f"Cancel rejected: {ack.text or ack.status}"


async def _cancel(args: argparse.Namespace) -> int:
    return await change_order(
        args,
        Change(
            noun="cancel",
            done="cancelled",
            build=lambda order: _cancel_request(args, order),
            send=lambda client, request: client.orders.cancel(request),
            details=lambda order, request: [],
            told=lambda ack: _cancel_text(args, ack),
        ),
    )


async def _list(args: argparse.Namespace) -> int:
    async with make_client(args) as client:
        orders = await client.orders.active(args.account)
    none = f"No open orders or activity today in {args.account}"
    text = orders_table(orders) if orders else none
    emit(orders, args.json, text)
    return EXIT_OK


async def _find(args: argparse.Namespace) -> int:
    async with make_client(args) as client:
        order = await client.orders.find_by_client_id(args.account, args.client_id)
    if order is None:
        # A server may list orders without the tags they were sent with (the spec leaves it
        # open): then no tag proves nothing, and only the order's terms can tell.
        text = (
            f"No order tagged {args.client_id} in {args.account} (open orders and the last "
            "day): it was not placed, if the server lists orders with their tags. Check the "
            f"open orders too before sending it again: aries-async order list {args.account}"
        )
        if args.json:
            err(text)  # stdout stays JSON (null); the explanation still reaches the user
        emit(None, args.json, text)
        return EXIT_API
    emit(order, args.json, orders_table([order]))
    return EXIT_OK


async def run(args: argparse.Namespace) -> int:
    """Run ``order <action>``; returns the exit status (see the module docstring)."""
    actions = {
        "preview": _preview,
        "place": _place,
        "cancel": _cancel,
        "replace": replace,
        "wait": wait,
        "list": _list,
        "find": _find,
    }
    return await actions[args.order_command](args)
