"""``aries-async stream --account ID [--account ID2] --topics pnl,orders``: the account socket's
events, as a table of one line per event on a terminal, or NDJSON.

Topics: ``orders``, ``positions``, ``balance``, ``info`` (``account.info``), ``snapshots``
(the account snapshot, and again after every reconnect), ``account`` (all five), ``pnl`` (P&L
candles, ``--interval``), ``watchlist`` and ``news`` (of the ``SYMBOL`` arguments, when given).
Each NDJSON line has ``event``, ``account_id`` (when known) and the event's fields under their
Python names (an order event's whole ``order``, a P&L event's ``candles``...), decimals as
exact strings, times in ISO 8601 UTC (the envelope's as ``timestamp``); status notices go to
stderr. The table prints a heading,
then a line per event (time, account, event, details) and the notices as they come.

When the server refuses every account asked for, the command stops at once and exits 1,
naming them and its reason on stderr; when it refuses some, it says so and goes on, telling
a refusal once (again only when its reason changes or after the account's snapshot came in
between), however often reconnects ask again.

No line shows a secret the command holds (the stream's tokens, the client's refresh token and
client secret), whole or any piece of it: a server echoing one into an event, ``account.info``'s
raw ``data`` above all, has it printed as ``[redacted]``.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from aries_async._cli.common import (
    EXIT_API,
    EXIT_OK,
    Refusals,
    dumps,
    err,
    jsonable,
    make_client,
    notice,
    stream_options,
)
from aries_async._redaction import blanked
from aries_async.models.events import (
    AccountInfoEvent,
    AccountSnapshot,
    BalanceEvent,
    NewsEvent,
    OrderEvent,
    PnlEvent,
    PnlInterval,
    PositionEvent,
    ServerErrorMessage,
    StatusEvent,
    WatchlistEvent,
)
from aries_async.streaming.account_book import account_ids_of, account_of

if TYPE_CHECKING:
    from aries_async.client import AriesClient
    from aries_async.streaming.accounts import AccountStream

__all__ = ["ACCOUNT_TOPICS", "parse_topics", "record_of", "run_account"]

ACCOUNT_TOPICS: dict[str, tuple[type[Any], ...]] = {
    "orders": (OrderEvent,),
    "positions": (PositionEvent,),
    "balance": (BalanceEvent,),
    "info": (AccountInfoEvent,),
    "snapshots": (AccountSnapshot,),
    "pnl": (PnlEvent,),
    "watchlist": (WatchlistEvent,),
    "news": (NewsEvent,),
}
"""``--topics`` names -> the events they show (``account`` stands for the first five)."""

_ACCOUNT = ("orders", "positions", "balance", "info", "snapshots")
DEFAULT_TOPICS = ("orders", "positions", "balance")
DEFAULT_INTERVAL = "1m"


def parse_topics(text: str) -> tuple[str, ...]:
    """``"pnl,orders"`` -> ``("pnl", "orders")`` (``account`` expanded).

    Raises:
        argparse.ArgumentTypeError: an unknown topic (the CLI exits 2).
    """
    names: list[str] = []
    for name in (n.strip().lower() for n in text.replace(" ", ",").split(",") if n.strip()):
        names.extend(_ACCOUNT if name == "account" else [name])
    unknown = [n for n in names if n not in ACCOUNT_TOPICS]
    if unknown or not names:
        raise argparse.ArgumentTypeError(
            f"unknown topic {', '.join(unknown) or '(none)'}; choose from account, "
            + ", ".join(ACCOUNT_TOPICS)
        )
    return tuple(dict.fromkeys(names))


_NAMES: dict[type[Any], str] = {
    OrderEvent: "order",
    PositionEvent: "position",
    BalanceEvent: "balance",
    AccountSnapshot: "snapshot",
    PnlEvent: "pnl",
    WatchlistEvent: "watchlist",
    NewsEvent: "news",
    AccountInfoEvent: "info",
}
"""Event class -> the ``event`` name of its NDJSON object and table line."""


def _name_of(event: Any) -> str:
    return next(n for kind, n in _NAMES.items() if isinstance(event, kind))


def record_of(event: Any) -> dict[str, Any]:
    """The NDJSON object of one account-socket event: ``event``, ``account_id`` (the account
    it is about, also when only its order, position or balance says) and the event's own
    fields (see :func:`~aries_async._cli.common.jsonable`)."""
    fields = jsonable(event)
    fields.pop("account_id", None)  # the same account, said once
    return {"event": _name_of(event), "account_id": account_of(event), **fields}


_CANDLE_FIELDS = ("timestamp", "open", "high", "low", "close")


def _details(event: Any) -> dict[str, Any]:
    """The few fields a table line shows, under their Python names."""
    if isinstance(event, OrderEvent):
        o = event.order
        names = (
            "cl_ord_id",
            "symbol",
            "side",
            "ord_status",
            "quantity",
            "cumulative_quantity",
            "average_price",
        )
        return {**{n: getattr(o, n) for n in names}, "resync": event.resync}
    if isinstance(event, PositionEvent):
        p = event.position
        return {n: getattr(p, n) for n in ("symbol", "quantity", "average_price", "unrealized_pnl")}
    if isinstance(event, BalanceEvent):
        b = event.balance
        return {n: getattr(b, n) for n in ("balance", "cash_balance", "day_total_pnl")}
    if isinstance(event, AccountSnapshot):
        counts = {"orders": len(event.orders), "positions": len(event.positions)}
        return {**counts, "resync": event.resync}
    if isinstance(event, PnlEvent):
        c = event.candle
        candle = {} if c is None else {n: getattr(c, n) for n in _CANDLE_FIELDS}
        return {"interval": event.interval, **candle}
    if isinstance(event, WatchlistEvent):
        lists = [w.name or w.id for w in event.watchlists]
        return {"action": event.action, "watchlists": lists}
    if isinstance(event, NewsEvent):
        first = event.items[0] if event.items else None
        return {"headline": first and first.headline, "symbols": first and first.symbols}
    return {"data": dict(event.data)}


def _line(event: Any) -> str:
    now = datetime.now(UTC).strftime("%H:%M:%S")
    details = jsonable(_details(event))
    rest = " ".join(f"{k}={v}" for k, v in details.items() if v is not None)
    return f"{now}  {account_of(event) or '-':<18} {_name_of(event):<10} {rest}"


def _unquoted(text: str, client: AriesClient, stream: AccountStream) -> str:
    """``text``, an event as printed, without the secrets the command holds: the tokens the
    stream authenticated with lately, the client's token (its refresh token too) and client
    secret. A server may echo them into what it sends, ``account.info``'s raw data above all,
    which is shown as it came (its schema is UNKNOWN: seeing it is the point)."""
    token = client.auth.cached()
    held: list[str | None] = [client.config.client_secret]
    if token is not None:
        held += [token.access_token, token.refresh_token]
    return stream.unquoted(blanked(text, held))


def _notice(event: Any) -> str:
    if isinstance(event, ServerErrorMessage):
        return f"server error: {event.error}"
    return notice(event)


async def _subscribe(stream: Any, topics: Iterable[str], args: argparse.Namespace) -> None:
    if "pnl" in topics:
        for account in stream.account_ids:
            await stream.subscribe_pnl(account, interval=args.interval or DEFAULT_INTERVAL)
    if "watchlist" in topics:
        await stream.subscribe_watchlist()
    if "news" in topics:
        await stream.subscribe_news(symbols=[s.upper() for s in args.symbols] or None)


async def run_account(args: argparse.Namespace) -> int:
    """``stream --account``: until ``--count`` events, ``--duration`` or Ctrl-C."""
    topics: tuple[str, ...] = args.topics or DEFAULT_TOPICS
    shown = tuple(t for name in topics for t in ACCOUNT_TOPICS[name])
    table = sys.stdout.isatty() and not args.json
    out: Callable[[str], None] = print if table else err
    if table:
        print(f"{'TIME (UTC)':<9} {'ACCOUNT':<18} {'EVENT':<10} DETAILS")
    count = 0
    accounts = account_ids_of(args.account)
    notices = Refusals("account", accounts)
    async with (
        make_client(args) as client,
        client.account_stream(*accounts, **stream_options(args)) as stream,
    ):
        out(f"aries-async stream: {'connected' if stream.connected else 'not connected yet'}")
        events = stream.events()
        await _subscribe(stream, topics, args)

        def refusal(event: ServerErrorMessage | None) -> str | None:
            """Tell the refusals not told yet (else ``event``); returns the message to stop
            with when the server refused every account."""
            said = notices.news(stream.refused)
            if said is not None and said[1]:
                return said[0]
            if said is None and event is not None and notices.repeats(event):
                return None
            text = said[0] if said is not None else event and _notice(event)
            if text:
                out(f"aries-async stream: {text}")
            return None

        async def consume() -> str | None:
            nonlocal count
            # A refusal that came while entering was published before ``events`` existed.
            if stop := refusal(None):
                return stop
            async for event in events:
                if notices.told:
                    notices.lifted(stream.refused)
                if isinstance(event, ServerErrorMessage):
                    if stop := refusal(event):
                        return stop
                elif isinstance(event, StatusEvent):
                    out(f"aries-async stream: {_notice(event)}")
                elif isinstance(event, shown):
                    text = _line(event) if table else dumps(record_of(event))
                    print(_unquoted(text, client, stream), flush=True)
                    count += 1
                    if args.count is not None and count >= args.count:
                        return None
            return None

        try:
            stop = await asyncio.wait_for(consume(), args.duration)
        except TimeoutError:  # --duration is up
            stop = None
    if stop is not None:
        err(f"aries-async stream: {stop}")
        return EXIT_API
    return EXIT_OK


def add_account_arguments(parser: argparse.ArgumentParser) -> None:
    """``--account``, ``--topics`` and ``--interval``."""
    parser.add_argument(
        "--account",
        action="append",
        metavar="ID",
        help="stream the account socket for this account (repeat for several)",
    )
    parser.add_argument(
        "--topics",
        type=parse_topics,
        help="with --account: comma-separated from account, "
        + ", ".join(ACCOUNT_TOPICS)
        + f" (default: {','.join(DEFAULT_TOPICS)})",
    )
    parser.add_argument(
        "--interval",
        choices=[i.value for i in PnlInterval],
        help=f"with --topics pnl: the candle interval (default {DEFAULT_INTERVAL})",
    )
