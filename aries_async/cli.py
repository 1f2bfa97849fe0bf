"""``aries-async``: the Aries SDK from the command line.

Commands: ``demo`` (the quickstart against an in-process simulator), ``sim`` (run a simulator),
``login`` / ``logout``, ``doctor`` (check configuration, token, scopes, REST and the market and
accounts websockets), ``accounts``, ``positions ACCOUNT``, ``balances ACCOUNT``, ``quote
SYMBOL...``, ``bars SYMBOL``, ``search QUERY``, ``stream SYMBOL...`` (a live table, or NDJSON
when piped), ``order preview|place|replace|cancel|wait|list|find``. Every command but ``demo``
and ``sim`` takes ``--json``; ``--version`` prints the installed version.

Exit codes: 0 ok; 1 API or transport error (also a rejected order, replace or cancel, a preview
with blocking errors, an unknown outcome, an order ``order find``, ``replace`` or ``cancel``
did not find or found ended, an order ``order wait`` saw end without filling, a symbol
``quote`` got no quote for, after printing the others, or a ``stream`` whose every symbol or
account the server refused); 2 usage, input or configuration error (nothing was sent); 3 not
signed in, or the token or its scopes were refused; 4 you answered no at a confirmation prompt
(nothing was sent); 5 ``order wait --timeout`` passed before the order ended; 130 interrupted
with Ctrl-C (``stream`` exits 0: Ctrl-C is how it stops); 141 stdout's reader went away
(``| head -1``), quietly, as a Unix filter (an order request that was sent tells its outcome
on stderr instead, and exits as that says).

Credentials and URLs come from the ``ARIES_*`` environment variables (see
:meth:`aries_async.config.ClientConfig.from_env`). The token lives in the token file written by
``aries-async login`` (``$XDG_CONFIG_HOME/aries-async/token.json``; ``--token-file`` or
``ARIES_TOKEN_FILE`` elsewhere, a leading ``~`` in either being the home directory);
``ARIES_ACCESS_TOKEN`` overrides it for one run. ``--token-file`` may come before the command
or after it (``aries-async accounts --token-file t.json``); given both, the one after the
command wins.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
from collections.abc import Sequence
from typing import Any

from aries_async._cli.common import (
    ENV_SIGN_IN_FIX,
    EXIT_API,
    EXIT_AUTH,
    EXIT_INTERRUPTED,
    EXIT_OK,
    EXIT_PIPE,
    EXIT_USAGE,
    LOGIN_FIX,
    emit,
    err,
    make_client,
    say,
    seconds,
    stdout_closed,
    symbols,
    token_store,
)
from aries_async._cli.token_file import PATH_HELP, TOKEN_FILE, token_file_arg
from aries_async.errors import (
    AriesError,
    AuthenticationError,
    AuthError,
    ConfigurationError,
    NotSignedInError,
    OrderRejectedError,
    PermissionDeniedError,
    StreamAuthError,
    TokenRefreshError,
    ValidationError,
)

__all__ = ["main"]

_EPILOG = """examples:
  aries-async login                     sign in once (browser; --no-browser or --paste)
  aries-async doctor                    is everything set up? what to fix
  aries-async stream AAPL MSFT          live table (NDJSON when piped or with --json)
  aries-async stream --account ID --topics pnl,orders
                                        account events (table, or NDJSON when piped)
  aries-async positions ACCOUNT         positions (balances ACCOUNT: cash, buying power)
  aries-async bars AAPL                 daily bars of the last 30 days (--resolution, --start)
  aries-async order place ACCOUNT AAPL buy 10 --limit 150.00
                                        preview, confirm [y/N], place
  aries-async order wait ACCOUNT ORDER_ID --timeout 60
                                        until it fills (0), ends otherwise (1), or 5

exit codes: 0 ok, 1 API or network error (also rejected, not found, not filled), 2 usage/
input/configuration error, 3 not signed in or refused, 4 declined at a prompt, 5 order wait timed
out, 130 Ctrl-C (stream: 0), 141 stdout closed (| head -1).
environment: ARIES_CLIENT_ID, ARIES_CLIENT_SECRET, ARIES_APP_TOKEN (1: an app token when
there is none), ARIES_REDIRECT_URI, ARIES_SCOPES,
ARIES_BASE_URL (or ARIES_*_URL), ARIES_TIMEOUT, ARIES_CONNECT_TIMEOUT, ARIES_MAX_ATTEMPTS
(1: no retries), ARIES_POOL_SIZE, ARIES_RATE_LIMIT, ARIES_TOKEN_FILE, ARIES_ACCESS_TOKEN."""


def _json_flag(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help="machine-readable output")


def _command(
    sub: Any, name: str, text: str, *, signs_in: bool = True, **more: Any
) -> argparse.ArgumentParser:
    """A sub-command whose ``--help`` opens with ``text``, what it does, as the list shows
    (``description`` in ``more`` when it says more); one that ``signs_in`` takes
    ``--token-file`` after the command too."""
    parents = [TOKEN_FILE] if signs_in else []
    more.setdefault("description", text)
    parser: argparse.ArgumentParser = sub.add_parser(name, help=text, parents=parents, **more)
    return parser


def _version() -> str:
    """The installed distribution's version (what ``pip`` installed, not a constant here)."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("aries-async")
    except PackageNotFoundError:  # run from a source tree that was never installed
        return "unknown (not installed)"


def _parser() -> argparse.ArgumentParser:
    from aries_async._cli import account, doctor, market, order, stream
    from aries_async.sim.cli import add_arguments as add_sim_arguments

    parser = argparse.ArgumentParser(
        prog="aries-async",
        description="aries-async: the Aries brokerage API from the command line.",
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--version", action="version", version=f"%(prog)s {_version()}", help="print the version"
    )
    parser.add_argument(
        "--token-file",
        type=token_file_arg,
        default=os.environ.get("ARIES_TOKEN_FILE") or None,
        metavar="PATH",
        help=PATH_HELP,
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    # demo and sim run a simulator of their own, which signs them in: no token file of yours.
    _command(sub, "demo", "walk the quickstart against an in-process simulator", signs_in=False)
    add_sim_arguments(
        _command(sub, "sim", "run a local Aries simulator until interrupted", signs_in=False)
    )
    login = _command(sub, "login", "sign in with your browser and save the token")
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
    login.add_argument(
        "--scopes",
        help="scopes and scope groups, space or comma separated: all, default, read, trading, "
        "market, analytics, watchlist... (aries_async.auth.scopes.SCOPE_GROUPS; default: "
        "ARIES_SCOPES, else the default group)",
    )
    login.add_argument(
        "--timeout", type=seconds, default=300.0, help="seconds to wait (300; inf: no limit)"
    )
    _json_flag(login)
    _json_flag(_command(sub, "logout", "forget the saved token"))
    doctor.add_arguments(
        _command(
            sub,
            "doctor",
            "check configuration, token, scopes, REST and the three websockets",
            description="One row per check, with what to do about each problem. Exit 0 when "
            "nothing failed; 2 configuration, 3 sign-in, 1 network failures.",
        )
    )
    _json_flag(_command(sub, "accounts", "list your accounts"))
    account.add_arguments(sub)
    quote = _command(sub, "quote", "quotes for one or more symbols (exit 1 when one has none)")
    quote.add_argument("symbols", nargs="+", metavar="SYMBOL")
    _json_flag(quote)
    market.add_arguments(sub)
    stream.add_arguments(
        _command(
            sub,
            "stream",
            "live quotes and trades: a table updating in place, or NDJSON when piped",
            description="Live quotes and trades until --count updates, --duration seconds or "
            "Ctrl-C. On a terminal: a table redrawn in place with a status line; otherwise "
            "(or with --json) one NDJSON object per update, status notices on stderr.",
        )
    )
    order.add_arguments(
        _command(
            sub,
            "order",
            "preview, place, replace or cancel (with confirmation), wait for, list or find orders",
            description="Orders, never by accident: place previews and asks [y/N] on the "
            "terminal (--yes for scripts); without a terminal and without --yes it refuses.",
        )
    )
    return parser


async def _accounts(args: argparse.Namespace) -> int:
    async with make_client(args) as client:
        accounts = await client.accounts.list()
    lines = [f"{a.id:<20} {a.status!s:<8} {'sim' if a.is_sim else 'live'}" for a in accounts]
    emit(accounts, args.json, "\n".join(lines))
    return EXIT_OK


async def _quote(args: argparse.Namespace) -> int:
    """Every symbol asked for, in order: its quote, or the reason it has none (then exit 1).

    ``--json``: ``{"quotes": [Quote...], "errors": [{"symbol", "error"}...]}``, each in the
    order asked.
    """
    wanted = symbols(args.symbols)
    async with make_client(args) as client:
        batch = await client.market.quotes(wanted)
    quotes: list[Any] = []
    errors: list[dict[str, str]] = []
    lines = []
    for symbol in wanted:
        quote, error = batch.get(symbol), batch.errors.get(symbol)
        if quote is not None:
            quotes.append(quote)
            last, bid, ask = quote.last_price, quote.bid_price, quote.ask_price
            lines.append(f"{symbol:<8} last {last}  bid {bid}  ask {ask}")
        elif error is not None:
            errors.append({"symbol": symbol, "error": str(error)})
            lines.append(f"{symbol:<8} error: {error}")
    emit({"quotes": quotes, "errors": errors}, args.json, "\n".join(lines))
    return EXIT_API if batch.errors else EXIT_OK


async def _login(args: argparse.Namespace) -> int:
    from aries_async.auth.login import login, open_in_browser, read_pasted_line
    from aries_async.auth.scopes import expand_scopes
    from aries_async.client import AriesClient
    from aries_async.config import ClientConfig

    store = token_store(args)
    scopes = tuple(expand_scopes(args.scopes)) if args.scopes and args.scopes.strip() else None
    env = dict(os.environ)
    if scopes is not None:  # the flag wins: ARIES_SCOPES is not even read
        env.pop("ARIES_SCOPES", None)
    async with AriesClient(ClientConfig.from_env(env), token_store=store) as client:
        try:
            token = await login(
                client,
                redirect_uri=args.redirect_uri,
                scopes=scopes,
                open_url=None if args.no_browser or args.paste else open_in_browser,
                listen=not args.paste,
                read_line=read_pasted_line if args.no_browser or args.paste else None,
                out=err if args.json else say,
                timeout=args.timeout,
            )
        except TimeoutError:  # login's own wait, told as such; any other is main()'s
            err("timed out waiting for the sign-in callback")
            return EXIT_AUTH
    where = str(getattr(store, "path", ""))
    data = {
        "signed_in": True,
        "scopes": sorted(token.scopes),
        "expires_at": token.expires_at_datetime,
        "can_refresh": token.can_refresh,
        "token_file": where,
    }
    emit(data, args.json, f"Signed in; token saved to {where}")
    _env_token_note("the other commands use it, not the token saved: unset it to use the file")
    return EXIT_OK


def _env_token_note(what: str) -> None:
    """Warn on stderr that ``ARIES_ACCESS_TOKEN`` still wins over the token file: ``what``
    that means here."""
    if os.environ.get("ARIES_ACCESS_TOKEN"):
        err(f"note: ARIES_ACCESS_TOKEN is set: {what}")


async def _logout(args: argparse.Namespace) -> int:
    from aries_async.auth.store import sign_out

    store = token_store(args)
    had = await sign_out(store)
    where = str(getattr(store, "path", ""))
    text = f"Signed out; removed {where}" if had else "Not signed in; nothing to remove"
    emit({"signed_out": True, "had_token": had, "token_file": where}, args.json, text)
    _env_token_note("the other commands still sign in with it: unset it to sign out")
    return EXIT_OK


async def _run(args: argparse.Namespace) -> int:
    from aries_async._cli import account, doctor, market, order, stream

    if args.command == "demo":
        from aries_async.demo import run_demo

        return await run_demo()
    if args.command == "sim":
        from aries_async.sim.cli import run

        return await run(args)
    commands = {
        "accounts": _accounts,
        "quote": _quote,
        "positions": account.positions,
        "balances": account.balances,
        "bars": market.bars,
        "search": market.search,
        "login": _login,
        "logout": _logout,
        "doctor": doctor.run,
        "stream": stream.run,
        "order": order.run,
    }
    return await commands[args.command](args)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status (see the module docstring)."""
    try:
        return _main(argv)
    except BrokenPipeError:  # stdout's reader went away (``aries-async stream AAPL | head -1``)
        # Quietly, with the status a shell gives a filter that SIGPIPE stopped (the Python
        # docs' "Note on SIGPIPE"; SIGPIPE itself stays ignored, or a socket's would kill us).
        # Out here, so that an error told on a stderr gone too (``2>&1``) ends so as well.
        stdout_closed()
        return EXIT_PIPE


def _main(argv: Sequence[str] | None) -> int:
    try:
        args = _parser().parse_args(argv)
    except SystemExit as exc:  # --help (0) or a usage error (2)
        return exc.code if isinstance(exc.code, int) else EXIT_USAGE
    # A stream's end reaches the command as the error it raises, printed below: the
    # library's warning of it would tell the same failure twice.
    streams = logging.getLogger("aries_async.streaming")
    streams.addFilter(_not_a_stream_end)
    try:
        return asyncio.run(_run(args))
    except KeyboardInterrupt:
        # Ctrl-C is how a live stream is meant to end; anywhere else it cut the work short.
        return EXIT_OK if args.command == "stream" else EXIT_INTERRUPTED
    except OrderRejectedError as exc:  # sent, and refused by the server
        err(f"rejected: {exc}")
        return EXIT_API
    except ValidationError as exc:
        err(f"invalid input: {exc} (nothing was sent)")
        return EXIT_USAGE
    except ConfigurationError as exc:
        err(f"configuration error: {exc}")
        return EXIT_USAGE
    except TokenRefreshError as exc:  # the sign-in is fine; the token endpoint is not
        err(f"error: {exc}; try again later")
        return EXIT_API
    except (NotSignedInError, AuthError, StreamAuthError, AuthenticationError) as exc:
        # The variable wins over the token file: signing in alone would not mend it.
        fix = ENV_SIGN_IN_FIX if os.environ.get("ARIES_ACCESS_TOKEN") else LOGIN_FIX
        err(f"not signed in: {exc} ({fix})")
        return EXIT_AUTH
    except PermissionDeniedError as exc:
        # The error names the scopes the operation needs when they are known.
        hint = "" if exc.required_scopes else "; sign in again with the scope (aries-async login)"
        err(f"refused: {exc}{hint}")
        return EXIT_AUTH
    except TimeoutError:  # a wait of the command's that ran out (login says its own)
        err("error: timed out")
        return EXIT_API
    except EOFError:
        err("nothing was pasted; not signed in")
        return EXIT_AUTH
    except AriesError as exc:
        err(f"error: {exc}")
        return EXIT_API
    finally:
        streams.removeFilter(_not_a_stream_end)


def _not_a_stream_end(record: logging.LogRecord) -> bool:
    """Whether a record of the streams' logger is not the end of a stream (see ``main``)."""
    return not hasattr(record, "aries_stream_error")


if __name__ == "__main__":
    raise SystemExit(main())
