"""What the ``order`` actions that send something share: the confirmation, the orders shown,
the outcome told, and the one flow of ``cancel`` and ``replace``, which change an order
already placed.

That flow looks the order up among the account's open and today's orders, shows it and what
will change, asks ``... this order? [y/N]`` on the terminal (``--yes`` skips the question;
without a terminal and without ``--yes`` it refuses, exit 2), then sends the request once.
Each step's Ctrl-C, a lost answer and a closed stdout are told as ``order place`` tells them:
see :mod:`~aries_async._cli.order`.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Awaitable, Callable
from typing import Any

import attrs

from aries_async._cli.common import (
    EXIT_API,
    EXIT_DECLINED,
    EXIT_OK,
    EXIT_USAGE,
    emit,
    err,
    make_client,
    stdout_closed,
    table,
)
from aries_async.errors import (
    OrderRejectedHTTPError,
    ResponseFormatError,
    ServerError,
    TransportError,
)
from aries_async.http.exchange import never_sent
from aries_async.models.orders import Order

__all__ = ["Change", "can_confirm", "change_order", "confirm", "orders_table", "show", "tell"]


def can_confirm(args: argparse.Namespace, what: str) -> bool:
    """Whether somebody can confirm ``what`` (``--yes``, or a terminal on stdin); if not, say
    why on stderr."""
    if args.yes or sys.stdin.isatty():
        return True
    err(
        f"refusing to {what}: stdin is not a terminal, so nobody can confirm. "
        "Pass --yes to go ahead without the prompt. Nothing was sent."
    )
    return False


async def confirm(question: str) -> bool:
    """Ask ``question [y/N]`` on stderr; only ``y`` or ``yes`` is a yes."""
    sys.stderr.write(f"{question} [y/N] ")
    sys.stderr.flush()
    from aries_async.auth.login import read_pasted_line

    try:
        # On a daemon thread, not asyncio.to_thread: after Ctrl-C asyncio.run would wait for
        # a worker blocked in readline until Enter.
        answer = await read_pasted_line()
    except asyncio.CancelledError:  # Ctrl-C at the prompt
        err("\nInterrupted: nothing was sent.")
        raise
    if not answer.endswith("\n"):
        sys.stderr.write("\n")  # end of input: leave the terminal on a fresh line
    return answer.strip().lower() in ("y", "yes")


def tell(data: Any, as_json: bool, text: str) -> None:
    """Print the outcome of a request that was sent, as :func:`emit` does; when stdout's
    reader went away (``| head -1`` after the preview), ``text`` goes to stderr instead. The
    order may have been placed or changed: the user, and the exit status, must still say so."""
    try:
        emit(data, as_json, text)
    except BrokenPipeError:
        stdout_closed()
        if text:  # else stderr told it already
            err(f"{text} (stdout was closed)")


def show(lines: list[str], to_stderr: bool) -> None:
    """What is about to be sent, before the question: on stderr when stdout is for JSON."""
    text = "\n".join(lines)
    if to_stderr:
        err(text)
    else:
        sys.stdout.write(text + "\n")
        sys.stdout.flush()


def _order_line(order: Order) -> list[str]:
    price = " ".join(
        f"{label}{value}"
        for label, value in (("", order.price), ("stop ", order.stop_price))
        if value is not None
    )
    return [
        order.cl_ord_id or "-",
        order.client_id or "-",
        order.symbol or "-",
        str(order.side or "-"),
        str(order.quantity or "-"),
        str(order.type or "-"),
        price or "-",
        str(order.ord_status or "-"),
        str(order.cumulative_quantity if order.cumulative_quantity is not None else "-"),
    ]


_ORDER_HEADINGS = ["ORDER ID", "CLIENT ID", "SYMBOL", "SIDE", "QTY", "TYPE", "PRICE", "STATUS"]


def orders_table(orders: list[Order]) -> str:
    """The orders as a text table, one row each."""
    return table([*_ORDER_HEADINGS, "FILLED"], [_order_line(o) for o in orders])


@attrs.frozen
class Change:
    """A change to an order already placed, as :func:`change_order` makes it.

    Attributes:
        noun: what is sent (``"cancel"``), in the messages.
        done: the past participle of the messages (``"cancelled"``).
        build: the request for the order looked up (may raise ``ValidationError``: exit 2).
        send: sends the request with the client; returns the acknowledgement.
        details: lines shown under the order, before the question (what will change).
        told: the text of an acknowledgement (accepted or not).
        with_request: whether the JSON document carries the request (``request``).
    """

    noun: str
    done: str
    build: Callable[[Order], Any]
    send: Callable[[Any, Any], Awaitable[Any]]
    details: Callable[[Order, Any], list[str]]
    told: Callable[[Any], str]
    with_request: bool = False


def _outcome(args: argparse.Namespace, data: dict[str, Any], outcome: str) -> None:
    """With ``--json``, the one document of a change that got no acknowledgement (what
    happened is on stderr)."""
    if args.json:
        tell({**data, "outcome": outcome, "ack": None}, True, "")


def _unknown(args: argparse.Namespace, data: dict[str, Any], noun: str, why: str) -> None:
    """Tell the user that a change may or may not have been applied, and how to find out."""
    err(
        f"The {noun} may or may not have reached the server ({why}); it was not retried. "
        f"Check with: aries-async order list {args.account}"
    )
    _outcome(args, data, "unknown")


async def change_order(args: argparse.Namespace, change: Change) -> int:
    """Look ``args.order_id`` up in ``args.account``, show it, confirm, send ``change``;
    returns the exit status (see :mod:`~aries_async._cli.order`)."""
    noun = change.noun
    if not can_confirm(args, f"{noun} the order"):
        return EXIT_USAGE
    data: dict[str, Any] = {"order": None}
    if change.with_request:
        data["request"] = None
    async with make_client(args) as client:
        try:
            orders = await client.orders.active(args.account)
        except asyncio.CancelledError:  # Ctrl-C while the order is looked up
            err(f"Interrupted while looking the order up: the {noun} was NOT sent.")
            _outcome(args, data, "not_sent")
            raise
        order = next((o for o in orders if o.cl_ord_id == args.order_id), None)
        if order is None:
            err(
                f"No order {args.order_id} among the open and today's orders of {args.account} "
                f"(see: aries-async order list {args.account})."
            )
            _outcome(args, data, "not_found")
            return EXIT_API
        data["order"] = order
        if order.is_terminal:
            err(f"Order {args.order_id} is {order.ord_status}: nothing to {noun}.")
            _outcome(args, data, "terminal")
            return EXIT_API
        request = change.build(order)
        if change.with_request:
            data["request"] = request
        show([orders_table([order]), *change.details(order, request)], to_stderr=args.json)
        if not args.yes and not await confirm(f"{noun.capitalize()} this order?"):
            err(f"Not {change.done}.")
            _outcome(args, data, "declined")
            return EXIT_DECLINED
        try:
            ack = await change.send(client, request)
        except OrderRejectedHTTPError as exc:  # the other form of a refusal (rest.md 6.1)
            text = f"{noun.capitalize()} rejected: order {args.order_id} unchanged: {exc.reason}"
            rejected = {**data, "outcome": "rejected", "ack": None, "reason": exc.reason}
            tell(rejected, args.json, text)
            return EXIT_API
        except (TransportError, ServerError, ResponseFormatError) as exc:
            _unknown(args, data, noun, str(exc))
            return EXIT_API
        except asyncio.CancelledError as exc:  # Ctrl-C while the request was on its way
            if never_sent(exc):
                err(f"Interrupted before it was sent: the {noun} was NOT sent.")
                _outcome(args, data, "not_sent")
            else:
                _unknown(args, data, noun, "interrupted")
            raise
    outcome = "accepted" if ack.accepted else "rejected"
    tell({**data, "outcome": outcome, "ack": ack}, args.json, change.told(ack))
    return EXIT_OK if ack.accepted else EXIT_API
