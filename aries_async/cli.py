"""``aries-async``: the command line (demo, sim, login, logout, accounts, quote).

Exit codes: 0 ok, 1 API or transport error, 2 usage or configuration error, 3 not signed in.
Credentials and URLs come from the ``ARIES_*`` environment variables (see
:meth:`aries_async.config.ClientConfig.from_env`). The token lives in the token file written by
``aries-async login`` (``$XDG_CONFIG_HOME/aries-async/token.json``; ``--token-file`` or
``ARIES_TOKEN_FILE`` elsewhere); ``ARIES_ACCESS_TOKEN`` overrides it for one run.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from collections.abc import Sequence
from typing import Any

import orjson

from aries_async.auth.store import TokenStore
from aries_async.auth.tokens import Token
from aries_async.errors import AriesError, AuthError, ConfigurationError, NotSignedInError

__all__ = ["main"]

EXIT_OK, EXIT_API, EXIT_USAGE, EXIT_AUTH = 0, 1, 2, 3


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="aries-async", description=__doc__.splitlines()[0])
    parser.add_argument(
        "--token-file",
        default=os.environ.get("ARIES_TOKEN_FILE") or None,
        help="where the token is kept (default: $XDG_CONFIG_HOME/aries-async/token.json)",
    )
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
    login = sub.add_parser("login", help="sign in with your browser and save the token")
    login.add_argument(
        "--no-browser",
        action="store_true",
        help="print the URL instead of opening a browser; paste the address it ends on",
    )
    login.add_argument(
        "--paste",
        action="store_true",
        help="do not listen on the redirect URI's port: only paste the callback address",
    )
    login.add_argument("--redirect-uri", help="the registered redirect URI (ARIES_REDIRECT_URI)")
    login.add_argument("--scopes", help="space-separated scopes (default: ARIES_SCOPES or all)")
    login.add_argument("--timeout", type=float, default=300.0, help="seconds to wait (300)")
    login.add_argument("--json", action="store_true", help="machine-readable output")
    logout = sub.add_parser("logout", help="forget the saved token")
    logout.add_argument("--json", action="store_true", help="machine-readable output")
    return parser


def _store(args: argparse.Namespace) -> TokenStore:
    from aries_async.auth.filestore import FileTokenStore

    return FileTokenStore(args.token_file)


def _client(args: argparse.Namespace) -> Any:
    from aries_async.auth.store import MemoryTokenStore
    from aries_async.client import AriesClient

    access = os.environ.get("ARIES_ACCESS_TOKEN")
    if access:
        return AriesClient.from_env(token_store=MemoryTokenStore(Token(access_token=access)))
    return AriesClient.from_env(token_store=_store(args))


def _emit(data: Any, as_json: bool, text: str) -> None:
    if as_json:
        sys.stdout.write(orjson.dumps(data, option=orjson.OPT_INDENT_2).decode() + "\n")
    else:
        sys.stdout.write(text + "\n")


async def _accounts(args: argparse.Namespace) -> int:
    from aries_async.models import unstructure

    async with _client(args) as client:
        accounts = await client.accounts.list()
    lines = [f"{a.id:<20} {a.status!s:<8} {'sim' if a.is_sim else 'live'}" for a in accounts]
    _emit([unstructure(a) for a in accounts], args.json, "\n".join(lines))
    return EXIT_OK


async def _quote(args: argparse.Namespace) -> int:
    async with _client(args) as client:
        quotes = await client.market.quotes(args.symbols)
    data = {
        s: {"last": str(q.last), "bid": str(q.bid), "ask": str(q.ask), "volume": str(q.volume)}
        for s, q in quotes.items()
    }
    lines = [f"{s:<8} last {q.last}  bid {q.bid}  ask {q.ask}" for s, q in quotes.items()]
    _emit(data, args.json, "\n".join(lines))
    return EXIT_OK


def _err(text: str) -> None:
    sys.stderr.write(text + "\n")
    sys.stderr.flush()


def _say(text: str) -> None:
    sys.stdout.write(text + "\n")
    sys.stdout.flush()  # the user (or a script) must see the URL before we wait


async def _login(args: argparse.Namespace) -> int:
    from aries_async.auth.login import login, open_in_browser, read_pasted_line
    from aries_async.client import AriesClient

    store = _store(args)
    scopes = tuple(args.scopes.split()) if args.scopes else None
    async with AriesClient.from_env(token_store=store) as client:
        token = await login(
            client,
            redirect_uri=args.redirect_uri,
            scopes=scopes,
            open_url=None if args.no_browser or args.paste else open_in_browser,
            listen=not args.paste,
            read_line=read_pasted_line if args.no_browser or args.paste else None,
            out=_err if args.json else _say,
            timeout=args.timeout,
        )
    where = str(getattr(store, "path", ""))
    expiry = token.expires_at_datetime
    data = {
        "signed_in": True,
        "scopes": sorted(token.scopes),
        "expires_at": expiry.isoformat() if expiry else None,
        "can_refresh": token.can_refresh,
        "token_file": where,
    }
    _emit(data, args.json, f"Signed in; token saved to {where}")
    return EXIT_OK


async def _logout(args: argparse.Namespace) -> int:
    store = _store(args)
    had = await store.load() is not None
    await store.clear()
    where = str(getattr(store, "path", ""))
    text = f"Signed out; removed {where}" if had else "Not signed in; nothing to remove"
    _emit({"signed_out": True, "had_token": had, "token_file": where}, args.json, text)
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
    if args.command == "login":
        return await _login(args)
    if args.command == "logout":
        return await _logout(args)
    return await _quote(args)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    try:
        args = _parser().parse_args(argv)
    except SystemExit as exc:  # --help (0) or a usage error (2)
        return exc.code if isinstance(exc.code, int) else EXIT_USAGE
    try:
        return asyncio.run(_run(args))
    except KeyboardInterrupt:
        return EXIT_OK
    except BrokenPipeError:  # the reader went away (``aries-async demo | head``)
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_API
    except ConfigurationError as exc:
        sys.stderr.write(f"configuration error: {exc}\n")
        return EXIT_USAGE
    except (NotSignedInError, AuthError) as exc:
        sys.stderr.write(f"not signed in: {exc} (run: aries-async login)\n")
        return EXIT_AUTH
    except (TimeoutError, asyncio.TimeoutError):
        sys.stderr.write("timed out waiting for the sign-in callback\n")
        return EXIT_AUTH
    except EOFError:
        sys.stderr.write("nothing was pasted; not signed in\n")
        return EXIT_AUTH
    except AriesError as exc:
        sys.stderr.write(f"error: {exc}\n")
        return EXIT_API


if __name__ == "__main__":
    raise SystemExit(main())
