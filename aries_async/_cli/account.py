"""``aries-async positions ACCOUNT`` and ``aries-async balances ACCOUNT``: what an account holds.

Text: a table with a header (``positions``: one row a position; ``balances``: one row a figure
the server gave, by its Python name). ``--json``: the models as every command prints them
(:func:`~aries_async._cli.common.jsonable`): ``positions`` a list of ``Position``,
``balances`` one ``Balance``, every field included (``null`` when unknown).

Exit status: 0 ok (no positions is not an error); 1 API or network error (the balance read
model unavailable, say); 2 usage error; 3 not signed in or refused; 130 Ctrl-C.
"""

from __future__ import annotations

import argparse
from typing import Any

import attrs

from aries_async._cli.common import EXIT_OK, cell, emit, make_client, subcommand, table

__all__ = ["add_arguments", "balances", "positions"]

_EXIT = (
    "exit codes: 0 ok, 1 API or network error, 2 usage error, 3 not signed in or refused, "
    "130 Ctrl-C."
)


def add_arguments(sub: Any) -> None:
    """The ``positions`` and ``balances`` commands."""
    helps = {
        "positions": "the account's positions: quantity, prices, value and P&L",
        "balances": "the account's balance: cash, buying power, equity, P&L",
    }
    for name, text in helps.items():
        epilog = f"example:\n  aries-async {name} TEST-ACCOUNT-001 --json\n\n{_EXIT}"
        cmd = subcommand(sub, name, text, epilog)
        cmd.add_argument(
            "account", metavar="ACCOUNT", help="trading account id (see: aries-async accounts)"
        )
        cmd.add_argument("--json", action="store_true", help="machine-readable output")


_POSITION_COLUMNS = (
    ("SYMBOL", "symbol"),
    ("TYPE", "security_type"),
    ("QTY", "quantity"),
    ("AVG PRICE", "average_price"),
    ("PRICE", "price"),
    ("MARKET VALUE", "market_value"),
    ("COST BASIS", "cost_basis"),
    ("UNREALIZED P&L", "unrealized_pnl"),
    ("TODAY P&L", "today_pnl"),
)


async def positions(args: argparse.Namespace) -> int:
    """Run ``positions``; returns the exit status."""
    async with make_client(args) as client:
        held = await client.accounts.positions(args.account)
    headers = [heading for heading, _ in _POSITION_COLUMNS]
    rows = [[cell(getattr(p, name)) for _, name in _POSITION_COLUMNS] for p in held]
    text = table(headers, rows) if held else f"No positions in {args.account}"
    emit(held, args.json, text)
    return EXIT_OK


async def balances(args: argparse.Namespace) -> int:
    """Run ``balances``; returns the exit status."""
    async with make_client(args) as client:
        balance = await client.accounts.balance(args.account)
    rows = [
        [field.name, cell(getattr(balance, field.name))]
        for field in attrs.fields(type(balance))
        if not field.name.startswith("_") and getattr(balance, field.name) is not None
    ]
    emit(balance, args.json, table(["FIELD", "VALUE"], rows))
    return EXIT_OK
