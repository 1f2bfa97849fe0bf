"""``aries-async order wait ACCOUNT ORDER_ID [--timeout S]``: until the order ends.

The wait follows the account's stream (:meth:`AccountStream.wait_for_order
<aries_async.streaming.order_wait.OrderWaiting.wait_for_order>`): an order that ended before
the command started is found at once (looked up over REST), one still working is followed
until it fills or ends otherwise. It then prints the order, a table or with ``--json``
``{"order": Order, "outcome": "filled" | "not_filled"}``.

With ``--json`` every outcome prints one document: ``{"order": null, "outcome": "timeout"}``,
``{"order": null, "outcome": "not_found"}`` (the lookup answered without the order) and
``{"order": null, "outcome": "error", "error": MESSAGE}`` (the order could not be looked up
or followed, or the sign-in was refused; the message is on stderr too) and, after Ctrl-C,
``{"order": null, "outcome": "unknown"}``.

Exit status: 0 filled; 1 ended without filling (rejected, cancelled, expired, replaced: the
order lives on under its new id, done for the day), or the order could not be found or
followed (the API, the network, the stream failed); 5 ``--timeout`` passed first (the order
is still working); 3 not signed in or refused; 130 Ctrl-C (with ``--json``,
``{"order": null, "outcome": "unknown"}``: how the order ends is not known).
"""

from __future__ import annotations

import argparse
import asyncio
import math

from aries_async._cli.common import EXIT_API, EXIT_OK, EXIT_TIMEOUT, emit, err, make_client
from aries_async._cli.order_flow import orders_table
from aries_async.errors import AriesError, OrderStateUnknownError
from aries_async.models.orders import Order, OrderStatus

__all__ = ["wait"]


async def wait(args: argparse.Namespace) -> int:
    """Run ``order wait``; returns the exit status (see the module docstring).

    Raises:
        AriesError: the order was not found, or could not be followed; with ``--json`` its
            document is printed first (``main`` tells the error and gives the exit status).
    """
    try:
        return await _wait(args)
    except asyncio.CancelledError:  # Ctrl-C: how the order ends is not known
        if args.json:
            emit({"order": None, "outcome": "unknown"}, True, "")
        raise
    except (AriesError, TimeoutError) as exc:
        if args.json:
            if isinstance(exc, OrderStateUnknownError) and exc.not_found:
                emit({"order": None, "outcome": "not_found"}, True, "")
            else:
                emit({"order": None, "outcome": "error", "error": str(exc)}, True, "")
        raise


async def _wait(args: argparse.Namespace) -> int:
    limit: float = args.timeout
    timed_out = ""
    async with make_client(args) as client, client.account_stream(args.account) as stream:
        try:
            order: Order | None = await stream.wait_for_order(
                args.order_id, timeout=None if math.isinf(limit) else limit
            )
        except TimeoutError as exc:  # the wait's own: its message names the status held
            order, timed_out = None, str(exc)
    # Told once the stream and client are closed: a Ctrl-C while they close (wait's own
    # document) would otherwise follow this one.
    if order is None:
        err(f"Timed out: {timed_out}")
        if args.json:
            emit({"order": None, "outcome": "timeout"}, True, "")
        return EXIT_TIMEOUT
    filled = order.ord_status == OrderStatus.FILLED
    if not filled:
        err(_ended(args, order))
    outcome = "filled" if filled else "not_filled"
    emit({"order": order, "outcome": outcome}, args.json, orders_table([order]))
    return EXIT_OK if filled else EXIT_API


def _ended(args: argparse.Namespace, order: Order) -> str:
    """What to say of an order that ended without filling."""
    status = order.ord_status.value if order.ord_status is not None else "unknown"
    text = f"Order {args.order_id} ended {status} without filling"
    if order.ord_status == OrderStatus.REPLACED:
        return f"{text}: it was replaced; see its new id in: aries-async order list {args.account}"
    reason = " ".join(str(x) for x in (order.text, order.ord_rej_reason) if x)
    return f"{text}: {reason}" if reason else f"{text}."
