"""The ``order`` command's arguments: its actions and options, and the order they describe.

Quantities and prices are parsed from the command line as ``Decimal`` (never float), and
:func:`build_request` turns the arguments into an
:class:`~aries_async.models.orders.OrderRequest`, validated before anything is sent. What the
actions do with it is :mod:`~aries_async._cli.order`.
"""

from __future__ import annotations

import argparse
import math
from decimal import Decimal, InvalidOperation
from typing import Any

from aries_async._cli.common import seconds, subcommand
from aries_async._cli.token_file import TOKEN_FILE
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
        cmd = sub.add_parser(
            name, help=text, description=text, epilog=epilogs[name], parents=[TOKEN_FILE]
        )
        cmd.add_argument("account", metavar="ACCOUNT", help=_ACCOUNT_HELP)
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
    _order_actions(sub)


_ACCOUNT_HELP = "trading account id (see: aries-async accounts)"
_ORDER_ID_HELP = "the order's id (clOrdId: 'order list' shows it; a replace gives a new one)"

_CHANGE_EXIT = """Without a terminal on stdin and without --yes it refuses (exit 2) and sends
nothing.

exit codes:
  0    {noun} accepted
  1    {noun} rejected, no such order among the open and today's ones, nothing left to
       {noun} (the order ended), API or network error, or unknown outcome (not retried;
       it prints the 'order list' command to check with)
  2    invalid input, or no terminal to confirm on (nothing sent)
  3    not signed in or refused
  4    you answered no (nothing sent)
  130  Ctrl-C (it says whether the {noun} was sent)

--json prints one document whatever the outcome: order, outcome (accepted, rejected,
declined, unknown, not_sent, not_found, terminal) and ack{request}."""

_EPILOGS = {
    "cancel": "example:\n  aries-async order cancel TEST-ACCOUNT-001 ORDER_ID --yes\n\n"
    + _CHANGE_EXIT.format(noun="cancel", request=""),
    "replace": "examples:\n"
    "  aries-async order replace TEST-ACCOUNT-001 ORDER_ID --limit 151.25\n"
    "  aries-async order replace TEST-ACCOUNT-001 ORDER_ID --quantity 5 --yes --json\n\n"
    "The order keeps what is not given; its side cannot change. The order it leaves meets\n"
    "the type and price rules of 'order place' (else exit 2, nothing sent). A replace gives\n"
    "the order a new id (printed): use it for any later replace, cancel or wait.\n\n"
    + _CHANGE_EXIT.format(noun="replace", request=", request"),
    "wait": "examples:\n"
    "  aries-async order wait TEST-ACCOUNT-001 ORDER_ID --timeout 60\n"
    "  aries-async order place ... --yes --json | jq -r .ack.cl_ord_id | \\\n"
    "      xargs aries-async order wait TEST-ACCOUNT-001\n\n"
    "exit codes:\n"
    "  0    filled\n"
    "  1    ended without filling (rejected, canceled, expired, replaced, done for the day),\n"
    "       or the order was not found or could not be followed (API or network error)\n"
    "  2    usage error\n"
    "  3    not signed in or refused\n"
    "  5    --timeout passed first: the order is still working\n"
    "  130  Ctrl-C\n\n"
    "--json prints one {order, outcome} whatever happens: outcome filled, not_filled, or\n"
    "(order null) timeout, not_found, error (with the error's message as error), unknown\n"
    "(Ctrl-C).",
    "list": "example:\n  aries-async order list TEST-ACCOUNT-001 --json\n\n"
    "exit codes: 0 listed (none is not an error), 1 API or network error, 2 usage error,\n"
    "3 not signed in or refused, 130 Ctrl-C.",
    "find": "example:\n  aries-async order find TEST-ACCOUNT-001 my-bot-1\n\n"
    "exit codes: 0 found, 1 no order with that client id (open orders and the last day;\n"
    "check 'order list' too) or API or network error, 2 usage error, 3 not signed in or\n"
    "refused, 130 Ctrl-C.",
}


def _order_actions(sub: Any) -> None:
    """``cancel``, ``replace``, ``wait``, ``list`` and ``find``: what is done with an order
    placed (each help ends with its examples and exit codes)."""
    helps = {
        "cancel": "look the order up, confirm, cancel",
        "replace": "look the order up, show the change, confirm, replace",
        "wait": "wait until the order ends (filled, or rejected, canceled, expired...)",
        "list": "open orders and today's activity",
        "find": "find an order by its client id (after an unknown outcome)",
    }
    for name, text in helps.items():
        cmd = subcommand(sub, name, text, _EPILOGS[name])
        cmd.add_argument("account", metavar="ACCOUNT", help=_ACCOUNT_HELP)
        if name in ("cancel", "replace", "wait"):
            cmd.add_argument("order_id", metavar="ORDER_ID", help=_ORDER_ID_HELP)
        if name == "find":
            cmd.add_argument("client_id", metavar="CLIENT_ID", help="your tag for the order")
        if name == "replace":
            _replace_options(cmd)
        if name == "wait":
            cmd.add_argument(
                "--timeout",
                type=seconds,
                default=math.inf,
                metavar="SECONDS",
                help="give up after this long, exit 5 (default: wait until it ends)",
            )
        if name in ("cancel", "replace"):
            cmd.add_argument("--yes", action="store_true", help=f"{name} without asking")
        cmd.add_argument("--json", action="store_true", help="machine-readable output")


def _replace_options(cmd: argparse.ArgumentParser) -> None:
    cmd.add_argument("--quantity", type=decimal_arg, metavar="QTY", help="new quantity")
    cmd.add_argument("--limit", type=decimal_arg, metavar="PRICE", help="new limit price")
    cmd.add_argument("--stop", type=decimal_arg, metavar="PRICE", help="new stop price")
    cmd.add_argument("--type", choices=ORDER_TYPES, type=str.lower, help="new order type")
    cmd.add_argument("--tif", choices=TIME_IN_FORCE, type=str.lower, help="new time in force")
    cmd.add_argument("--client-id", help="a new tag for the replacement")


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
