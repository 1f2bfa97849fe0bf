"""``aries-async stream --account ID [--account ID2] --topics pnl,orders``: the account socket's
events, as a table of one line per event on a terminal, or NDJSON.

Topics: ``orders``, ``positions``, ``balance``, ``info`` (``account.info``), ``snapshots``
(the account snapshot, and again after every reconnect), ``account`` (all five), ``pnl`` (P&L
candles, ``--interval``), ``watchlist`` and ``news`` (of the ``SYMBOL`` arguments, when given).
Each NDJSON line has ``event``, ``account`` (when known) and the event's fields, decimals as
exact strings, times in ISO 8601 UTC; status notices go to stderr. The table prints a heading,
then a line per event (time, account, event, details) and the notices as they come.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import sys
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from aries_async._cli.common import EXIT_OK, dumps, err, make_client
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
    StreamConnected,
    StreamDisconnected,
    WatchlistEvent,
)
from aries_async.streaming.account_book import account_of

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


def _value(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
    if isinstance(value, Decimal):
        return str(value)
    if hasattr(value, "value"):  # an enum
        return value.value
    if isinstance(value, tuple):
        return [_value(v) for v in value]
    return value


def _fields(event: Any) -> tuple[str, dict[str, Any]]:
    kind = type(event)
    if kind is OrderEvent or issubclass(kind, OrderEvent):
        o = event.order
        return "order", {
            "clOrdId": o.cl_ord_id,
            "symbol": o.symbol,
            "side": o.side,
            "status": o.ord_status,
            "qty": o.qty,
            "cumQty": o.cum_qty,
            "avgPrice": o.average_price,
            "resync": event.resync,
        }
    if kind is PositionEvent:
        p = event.position
        return "position", {
            "symbol": p.symbol,
            "quantity": p.quantity,
            "averagePrice": p.average_price,
            "unrealizedPl": p.unrealized_pl,
        }
    if kind is BalanceEvent:
        b = event.balance
        return "balance", {
            "balance": b.balance,
            "cashBalance": b.cash_balance,
            "dayTotalPnl": b.day_total_pnl,
        }
    if kind is AccountSnapshot:
        return "snapshot", {
            "orders": len(event.orders),
            "positions": len(event.positions),
            "resync": event.resync,
        }
    if kind is PnlEvent:
        c = event.candle
        candle = {} if c is None else {"time": c.time, "open": c.open, "high": c.high}
        if c is not None:
            candle.update(low=c.low, close=c.close)
        return "pnl", {"interval": event.interval, **candle}
    if kind is WatchlistEvent:
        return "watchlist", {
            "action": event.action,
            "watchlists": [
                {"id": w.id, "name": w.name, "symbols": list(w.symbols)} for w in event.watchlists
            ],
        }
    if kind is NewsEvent:
        items = event.items
        return "news", {
            "headline": items[0].headline if items else None,
            "symbols": list(items[0].symbols) if items else [],
            "publishedAt": items[0].published_at if items else None,
        }
    return "info", {"data": dict(event.data)}


def record_of(event: Any) -> dict[str, Any]:
    """The NDJSON object of one account-socket event."""
    name, fields = _fields(event)
    out: dict[str, Any] = {"event": name, "account": account_of(event)}
    out.update({k: _value(v) for k, v in fields.items()})
    return out


def _line(data: dict[str, Any]) -> str:
    now = datetime.now(UTC).strftime("%H:%M:%S")
    rest = " ".join(
        f"{k}={v}" for k, v in data.items() if k not in ("event", "account") and v is not None
    )
    return f"{now}  {data['account'] or '-':<18} {data['event']:<10} {rest}"


def _notice(event: Any) -> str:
    if isinstance(event, StreamConnected):
        return "reconnected (snapshots follow)" if event.reconnect else "connected"
    if isinstance(event, StreamDisconnected):
        retry = f"; retrying in {event.retry_in:.1f} s" if event.retry_in is not None else ""
        return f"disconnected: {event.reason}{retry}"
    return f"server error: {event.error}"


async def _subscribe(stream: Any, topics: Iterable[str], args: argparse.Namespace) -> None:
    if "pnl" in topics:
        for account in stream.account_ids:
            await stream.subscribe_pnl(account, interval=args.interval)
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
    async with make_client(args) as client, client.account_stream(*args.account) as stream:
        out(f"aries-async stream: {'connected' if stream.connected else 'not connected yet'}")
        events = stream.events()
        await _subscribe(stream, topics, args)

        async def consume() -> None:
            nonlocal count
            async for event in events:
                if isinstance(event, (StreamConnected, StreamDisconnected, ServerErrorMessage)):
                    out(f"aries-async stream: {_notice(event)}")
                elif isinstance(event, shown):
                    data = record_of(event)
                    print(_line(data) if table else dumps(data), flush=True)
                    count += 1
                    if args.count is not None and count >= args.count:
                        return

        with contextlib.suppress(asyncio.TimeoutError):  # --duration is up
            await asyncio.wait_for(consume(), args.duration)
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
        default="1m",
        help="with --topics pnl: the candle interval (default 1m)",
    )
