"""The ``order`` command's arguments: its actions and options, and the order they describe.

Quantities and prices are parsed from the command line as ``Decimal`` (never float), and
:func:`build_request` turns the arguments into an
:class:`~aries_async.models.orders.OrderRequest`, validated before anything is sent. What the
actions do with it is :mod:`~aries_async._cli.order`.
"""

from __future__ import annotations

import argparse
from decimal import Decimal, InvalidOperation

from aries_async.models.orders import OrderRequest

__all__ = ["ORDER_TYPES", "TIME_IN_FORCE", "add_arguments", "build_request", "decimal_arg"]

ORDER_TYPES = ("market", "limit", "stop", "stop_limit")
TIME_IN_FORCE = ("day", "gtc", "ioc", "fok", "ext", "ato", "atc")


def decimal_arg(text: str) -> Decimal:
    """A quantity or price from argv, exactly (``"0.1"`` stays ``Decimal("0.1")``).

    Raises:
        argparse.ArgumentTypeError: not a finite number (the CLI exits 2).
    """
    try:
        value = Decimal(text.strip().replace("_", ""))
    except InvalidOperation:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not value.is_finite():
        raise argparse.ArgumentTypeError(f"not a finite number: {text!r}")
    return value


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The ``order`` sub-commands."""
    sub = parser.add_subparsers(dest="order_command", required=True, metavar="ACTION")
    helps = {
        "preview": "estimated cost, commission, fees and warnings; places nothing",
        "place": "preview, confirm ([y/N] or --yes), then place",
    }
    epilogs = {
        "preview": "exit: 0 the order would be accepted, 1 the preview has blocking errors "
        "or the API failed, 2 invalid order (nothing sent), 3 not signed in or refused",
        "place": "Without a terminal on stdin and without --yes it refuses (exit 2) and sends "
        "nothing. exit: 0 placed, 1 rejected, blocked by the preview, API error or unknown "
        "outcome (the client id and the 'order find' command are printed), 2 invalid order, "
        "3 not signed in or refused, 4 you answered no, 130 Ctrl-C (it says whether the "
        "order was sent).",
    }
    for name, text in helps.items():
        cmd = sub.add_parser(name, help=text, description=text, epilog=epilogs[name])
        cmd.add_argument("account", metavar="ACCOUNT", help="trading account id")
        cmd.add_argument("symbol", metavar="SYMBOL", help="ticker or OSI option symbol")
        cmd.add_argument("side", metavar="SIDE", help="buy, sell, sell_short or buy_to_cover")
        cmd.add_argument("quantity", metavar="QTY", type=decimal_arg, help="quantity (a decimal)")
        cmd.add_argument(
            "--type",
            choices=ORDER_TYPES,
            type=str.lower,
            help="default: limit with --limit, stop with --stop, stop_limit with both, else market",
        )
        cmd.add_argument("--limit", type=decimal_arg, metavar="PRICE", help="limit price")
        cmd.add_argument("--stop", type=decimal_arg, metavar="PRICE", help="stop (trigger) price")
        cmd.add_argument(
            "--tif",
            choices=TIME_IN_FORCE,
            type=str.lower,
            default="day",
            help="time in force: day (default), gtc, ioc, fok, ext (extended hours), "
            "ato (at the open), atc (at the close)",
        )
        cmd.add_argument("--client-id", help="your tag for the order (default: a fresh one)")
        cmd.add_argument("--json", action="store_true", help="machine-readable output")
        if name == "place":
            cmd.add_argument("--yes", action="store_true", help="place without asking")
    cancel = sub.add_parser(
        "cancel", help="look the order up, confirm, cancel", description="cancel an open order"
    )
    cancel.add_argument("account", metavar="ACCOUNT")
    cancel.add_argument("order_id", metavar="ORDER_ID", help="the order's id (clOrdId)")
    cancel.add_argument("--yes", action="store_true", help="cancel without asking")
    cancel.add_argument("--json", action="store_true", help="machine-readable output")
    for name, text in (
        ("list", "open orders and today's activity"),
        ("find", "find an order by its client id (after an unknown outcome)"),
    ):
        cmd = sub.add_parser(name, help=text, description=text)
        cmd.add_argument("account", metavar="ACCOUNT")
        if name == "find":
            cmd.add_argument("client_id", metavar="CLIENT_ID")
        cmd.add_argument("--json", action="store_true", help="machine-readable output")


def build_request(args: argparse.Namespace, client_id: str | None = None) -> OrderRequest:
    """The validated order the arguments describe.

    Raises:
        ValidationError: the order breaks a rule (bad quantity, limit order without a price...).
    """
    order_type = args.type
    if order_type is None:
        order_type = {
            (True, True): "stop_limit",
            (True, False): "limit",
            (False, True): "stop",
            (False, False): "market",
        }[(args.limit is not None, args.stop is not None)]
    return OrderRequest(
        account_id=args.account,
        symbol=args.symbol,
        side=args.side.strip().upper().replace("-", "_"),
        type=order_type.upper(),
        quantity=args.quantity,
        price=args.limit,
        stop_price=args.stop,
        time_in_force=args.tif.upper(),
        client_id=client_id,
    )
