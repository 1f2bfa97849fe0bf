"""``aries-async``: the command line (demo, sim, accounts, quote).

Exit codes: 0 ok, 1 API or transport error, 2 usage or configuration error, 3 not signed in.
Credentials and URLs come from the ``ARIES_*`` environment variables (see
:meth:`aries_async.config.ClientConfig.from_env`); an access token from ``ARIES_ACCESS_TOKEN``.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Sequence
from typing import Any

import orjson

from aries_async.auth.tokens import Token
from aries_async.errors import AriesError, AuthError, ConfigurationError, NotSignedInError

__all__ = ["main"]

EXIT_OK, EXIT_API, EXIT_USAGE, EXIT_AUTH = 0, 1, 2, 3


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="aries-async", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("demo", help="walk the quickstart against an in-process simulator")
    sim = sub.add_parser("sim", help="run a local Aries simulator until interrupted")
    from aries_async.sim.cli import add_arguments

    add_arguments(sim)
    accounts = sub.add_parser("accounts", help="list your accounts")
    accounts.add_argument("--json", action="store_true", help="machine-readable output")
    quote = sub.add_parser("quote", help="quotes for one or more symbols")
    quote.add_argument("symbols", nargs="+")
    quote.add_argument("--json", action="store_true", help="machine-readable output")
    return parser


def _client() -> Any:
    import os

    from aries_async.client import AriesClient

    access = os.environ.get("ARIES_ACCESS_TOKEN")
    token = Token(access_token=access) if access else None
    return AriesClient.from_env(token=token)


def _emit(data: Any, as_json: bool, text: str) -> None:
    if as_json:
        sys.stdout.write(orjson.dumps(data, option=orjson.OPT_INDENT_2).decode() + "\n")
    else:
        sys.stdout.write(text + "\n")


async def _accounts(args: argparse.Namespace) -> int:
    from aries_async.models import unstructure

    async with _client() as client:
        accounts = await client.accounts.list()
    lines = [f"{a.id:<20} {a.status!s:<8} {'sim' if a.is_sim else 'live'}" for a in accounts]
    _emit([unstructure(a) for a in accounts], args.json, "\n".join(lines))
    return EXIT_OK


async def _quote(args: argparse.Namespace) -> int:
    async with _client() as client:
        quotes = await client.market.quotes(args.symbols)
    data = {
        s: {"last": str(q.last), "bid": str(q.bid), "ask": str(q.ask), "volume": str(q.volume)}
        for s, q in quotes.items()
    }
    lines = [f"{s:<8} last {q.last}  bid {q.bid}  ask {q.ask}" for s, q in quotes.items()]
    _emit(data, args.json, "\n".join(lines))
    return EXIT_OK


async def _run(args: argparse.Namespace) -> int:
    if args.command == "demo":
        from aries_async.demo import run_demo

        return await run_demo()
    if args.command == "sim":
        from aries_async.sim.cli import run

        return await run(args)
    if args.command == "accounts":
        return await _accounts(args)
    return await _quote(args)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    args = _parser().parse_args(argv)
    try:
        return asyncio.run(_run(args))
    except KeyboardInterrupt:
        return EXIT_OK
    except ConfigurationError as exc:
        sys.stderr.write(f"configuration error: {exc}\n")
        return EXIT_USAGE
    except (NotSignedInError, AuthError) as exc:
        sys.stderr.write(f"not signed in: {exc}\n")
        return EXIT_AUTH
    except AriesError as exc:
        sys.stderr.write(f"error: {exc}\n")
        return EXIT_API


if __name__ == "__main__":
    raise SystemExit(main())
