"""``aries-async bars SYMBOL`` and ``aries-async search QUERY``: history and symbol look-up.

``bars`` asks for ``--resolution`` bars (``D`` by default; minutes as a number, ``W``,
``1M``...) from ``--start`` to ``--end`` (by default the 30 days up to now). A time is ISO 8601
(``2026-01-05T14:30:00Z``; without an offset it is UTC) or a date: ``--start`` then means the
start of that day (UTC) and ``--end`` its end, so ``--start 2026-01-05 --end 2026-01-09``
holds both days.

Text: a table with a header. ``--json``: the models as every command prints them
(:func:`~aries_async._cli.common.jsonable`): a list of ``Bar`` (its ``timestamp`` ISO UTC,
prices exact decimal strings), or of ``SymbolMatch``.

Exit status: 0 ok (no bars, or no match, is not an error); 1 API or network error; 2 usage or
input error (a resolution the API does not take, ``--end`` not after ``--start``: nothing
sent); 3 not signed in or refused; 130 Ctrl-C.
"""

from __future__ import annotations

import argparse
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from aries_async._cli.common import (
    EXIT_OK,
    cell,
    emit,
    make_client,
    subcommand,
    symbols,
    table,
)

__all__ = ["DEFAULT_DAYS", "add_arguments", "bars", "search"]

DEFAULT_DAYS = 30
"""How many days ``bars`` reaches back without ``--start``."""

_EXIT = (
    "exit codes: 0 ok (none found is not an error), 1 API or network error, 2 usage or input\n"
    "error (nothing sent), 3 not signed in or refused, 130 Ctrl-C."
)


def _time(text: str, *, end: bool) -> datetime:
    """A time from argv, aware UTC; a bare date is the start of that day, or with ``end`` its
    last second (the bars that open at an end are given: the next midnight's are the next
    day's).

    Raises:
        argparse.ArgumentTypeError: neither an ISO 8601 time nor a date (the CLI exits 2).
    """
    value = text.strip()
    try:
        if len(value) == len("2026-01-05"):
            day = date.fromisoformat(value)
            return datetime.combine(day, time(23, 59, 59) if end else time(0), UTC)
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected a date (2026-01-05) or an ISO 8601 time (2026-01-05T14:30:00Z), got {text!r}"
        ) from None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _start(text: str) -> datetime:
    return _time(text, end=False)


def _end(text: str) -> datetime:
    return _time(text, end=True)


def _limit(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if not 1 <= value <= 100:
        raise argparse.ArgumentTypeError(f"expected a whole number from 1 to 100, got {text!r}")
    return value


def add_arguments(sub: Any) -> None:
    """The ``bars`` and ``search`` commands."""
    text = "historical bars (OHLCV) of a symbol: by default daily, the last 30 days"
    cmd = subcommand(
        sub,
        "bars",
        text,
        "examples:\n"
        "  aries-async bars AAPL                                  daily, the last 30 days\n"
        "  aries-async bars AAPL --resolution 5 --start 2026-01-05 --end 2026-01-05\n"
        "  aries-async bars MSFT --start 2025-01-01 --resolution W --json\n\n"
        "A date as --start is the start of that day (UTC), as --end its end; a time without\n"
        f"an offset is UTC.\n\n{_EXIT}",
    )
    cmd.add_argument("symbol", metavar="SYMBOL", help="ticker, or an option's OSI symbol")
    cmd.add_argument(
        "--resolution",
        "-r",
        default="D",
        help="bar size: minutes as a number (1, 5, 15, 60...), D (default), W, 1M (a month)...",
    )
    cmd.add_argument(
        "--start", type=_start, metavar="TIME", help=f"default: {DEFAULT_DAYS} days before --end"
    )
    cmd.add_argument("--end", type=_end, metavar="TIME", help="default: now")
    cmd.add_argument("--extended", action="store_true", help="include pre- and after-market bars")
    cmd.add_argument("--json", action="store_true", help="machine-readable output")

    text = "find symbols by ticker prefix or name"
    examples = "examples:\n  aries-async search apple\n  aries-async search MS --limit 5 --json"
    cmd = subcommand(sub, "search", text, f"{examples}\n\n{_EXIT}")
    cmd.add_argument("query", metavar="QUERY", help="a ticker prefix or part of a name")
    cmd.add_argument(
        "--limit", type=_limit, default=20, metavar="N", help="at most N results (20; up to 100)"
    )
    cmd.add_argument("--json", action="store_true", help="machine-readable output")


_BAR_COLUMNS = ("timestamp", "open", "high", "low", "close", "volume")


async def bars(args: argparse.Namespace) -> int:
    """Run ``bars``; returns the exit status."""
    (symbol,) = symbols([args.symbol])
    now = datetime.now(UTC)
    end: datetime = args.end or now
    start: datetime = args.start or min(end, now) - timedelta(days=DEFAULT_DAYS)
    async with make_client(args) as client:
        found = await client.market.bars(
            symbol, args.resolution, start, end, include_extended=args.extended
        )
    headers = ["TIME", *(name.upper() for name in _BAR_COLUMNS[1:])]
    rows = [[cell(getattr(bar, name)) for name in _BAR_COLUMNS] for bar in found]
    empty = f"No {args.resolution} bars for {symbol} from {cell(start)} to {cell(end)}"
    emit(found, args.json, table(headers, rows) if found else empty)
    return EXIT_OK


async def search(args: argparse.Namespace) -> int:
    """Run ``search``; returns the exit status."""
    async with make_client(args) as client:
        found = await client.market.search(args.query, limit=args.limit)
    rows = [[cell(m.symbol), cell(m.description), cell(m.type), cell(m.tag)] for m in found]
    text = table(["SYMBOL", "DESCRIPTION", "TYPE", "VENUE"], rows)
    emit(found, args.json, text if found else f"No symbols match {args.query!r}")
    return EXIT_OK
