"""``aries-async stream SYMBOL...``: live quotes and trades, as a table or as NDJSON
(``--account ID``: the account socket's topics, see :mod:`.stream_account`).

By default they come from the market socket; with ``--charts`` from the charts socket
(TradingView-style quotes, which carry the last price, the change and the volume, and last
trades), shown in the same columns and NDJSON fields.

On a terminal the command draws a table that updates in place (ANSI cursor movement, at most
ten redraws a second) with a status line: connection state, updates, reconnects and updates
conflated because the screen could not keep up, and the latest notice (a disconnect and its
reason, a refused symbol) and the market status the market socket pushes, as the server words
it (``open``, ``closed``, ``preMarket``, ``halted``...). When stdout is not a terminal, or
with ``--json``, it prints one NDJSON object per update instead (``event``, ``symbol`` and the
chosen fields, prices as exact decimal strings, times in ISO 8601 UTC); status notices and the
market status then go to stderr, so stdout carries only data.

It runs until ``--count`` updates, ``--duration`` seconds, or Ctrl-C (exit 0). A refused token
exits 3; a stream that ends for good exits 1, and so does one of which nothing can stream, at
once, naming the symbols and the server's reason on stderr. A symbol counts as refused when
every channel the command asked of it (quotes, trades, from ``--fields``) was refused; when the
server refuses some symbols, or some channels of a symbol, the command says so ("AAPL: trades
refused (not entitled to trades); streaming its quotes") and streams the rest
(:mod:`.stream_refusals`). Reconnects are automatic and shown (``--reconnect-delay``: the
first wait before one); each asks again for what was refused, and a refusal is told once: again
only when what was refused (or why) changes, or after the symbol was acknowledged in between.

What it shows (the columns, the table, the NDJSON objects) is :mod:`.stream_view`: the frame
is built by :func:`render_frame`, a pure function of :class:`StreamState`, so it can be checked
without a terminal.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import sys
from collections.abc import Sequence
from typing import Any

from aries_async._cli.common import (
    EXIT_API,
    EXIT_OK,
    dumps,
    err,
    finite_seconds,
    make_client,
    seconds,
    stream_options,
)
from aries_async._cli.common import symbols as checked_symbols
from aries_async._cli.stream_account import add_account_arguments, run_account
from aries_async._cli.stream_refusals import SymbolRefusals
from aries_async._cli.stream_view import (
    FIELDS,
    Screen,
    ScreenNotices,
    StreamState,
    record,
    redraw,
    render_frame,
    show_cursor_when_terminated,
)
from aries_async.errors import ValidationError
from aries_async.models.events import (
    ChartQuote,
    ChartTrade,
    MarketStatusUpdate,
    QuoteUpdate,
    ServerErrorMessage,
    StatusEvent,
    StreamConnected,
    TradeUpdate,
)
from aries_async.streaming.config import StreamConfig
from aries_async.streaming.protocol import Channel

__all__ = [
    "DEFAULT_FIELDS",
    "FIELDS",
    "FIELD_ALIASES",
    "StreamState",
    "add_arguments",
    "parse_fields",
    "record",
    "redraw",
    "render_frame",
    "run",
]

FIELD_ALIASES: dict[str, str] = {
    "bid": "bid_price",
    "ask": "ask_price",
    "last": "last_price",
    "time": "timestamp",
}
"""Older column names ``--fields`` still takes (NDJSON keys are always the :data:`FIELDS`
names)."""

DEFAULT_FIELDS: tuple[str, ...] = (
    "bid_price",
    "ask_price",
    "last_price",
    "size",
    "volume",
    "timestamp",
)


def parse_fields(text: str) -> tuple[str, ...]:
    """``"bid_price,ask_price,size"`` -> ``("bid_price", "ask_price", "size")`` (the older
    ``bid``, ``ask``, ``last`` and ``time`` are taken for ``bid_price``, ``ask_price``,
    ``last_price`` and ``timestamp``).

    Raises:
        argparse.ArgumentTypeError: an unknown field name (the CLI exits 2).
    """
    names = tuple(
        FIELD_ALIASES.get(name, name)
        for name in (n.strip().lower() for n in text.replace(" ", ",").split(","))
        if name
    )
    unknown = [n for n in names if n not in FIELDS]
    if unknown or not names:
        raise argparse.ArgumentTypeError(
            f"unknown field {', '.join(unknown) or '(none)'}; choose from {', '.join(FIELDS)}"
        )
    return tuple(dict.fromkeys(names))


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a positive whole number, got {text!r}")
    return value


_DEFAULTS = StreamConfig()
"""The streams' settings, whose reconnect backoff ``--reconnect-delay`` changes."""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The ``stream`` arguments."""
    parser.add_argument(
        "symbols",
        nargs="*",
        metavar="SYMBOL",
        help="tickers or OSI options (with --account: the symbols of --topics news)",
    )
    parser.add_argument(
        "--fields",
        type=parse_fields,
        default=DEFAULT_FIELDS,
        help=f"comma-separated columns from: {', '.join(FIELDS)} "
        f"(default: {','.join(DEFAULT_FIELDS)}; bid, ask, last and time are older names)",
    )
    parser.add_argument("--count", type=_positive_int, metavar="N", help="stop after N updates")
    parser.add_argument("--duration", type=seconds, metavar="SECONDS", help="stop after SECONDS")
    parser.add_argument(
        "--json", action="store_true", help="NDJSON, one line per update (also when piped)"
    )
    parser.add_argument(
        "--reconnect-delay",
        type=finite_seconds,  # a reconnect that would never come is no delay
        metavar="SECONDS",
        help=f"seconds to wait before reconnecting when the connection drops (default "
        f"{_DEFAULTS.backoff_initial:g}), doubled after each failed attempt in a row, "
        f"up to {_DEFAULTS.backoff_max:g} (or SECONDS if longer)",
    )
    add_account_arguments(parser)
    parser.add_argument(
        "--charts",
        action="store_true",
        help="the charts socket's quotes and trades instead of the market socket's",
    )


def _channels(fields: Sequence[str], charts: bool = False) -> list[str]:
    if charts:  # a chart quote also carries the last price, the change and the volume
        wanted = {"trade" if f in ("size", "timestamp") else "quote" for f in fields}
        if "last_price" in fields:
            wanted.add("trade")
    else:
        wanted = {FIELDS[f][1] or "" for f in fields}
    channels = [c for c, k in (("quotes", "quote"), ("trades", "trade")) if k in wanted]
    return channels or ["quotes", "trades"]


_UPDATES = (QuoteUpdate, TradeUpdate, ChartQuote, ChartTrade)


def _market(status: MarketStatusUpdate | None, state: StreamState, screen: Screen | None) -> None:
    """Show the market status the server says (any value), when it changed: in the status
    line, and on stderr without a table."""
    value = None if status is None else status.market
    if value is None or value == state.market:
        return
    state.market = value
    if screen is None:
        err(f"aries-async stream: market {value}")


async def _consume(
    stream: Any, events: Any, state: StreamState, screen: Screen | None, args: argparse.Namespace
) -> str | None:
    """Show the updates until ``--count``; returns why it stopped early (nothing can stream)."""
    fields: tuple[str, ...] = args.fields
    notices = SymbolRefusals(state.symbols, _channels(fields, args.charts))

    def tell(text: str) -> None:
        state.notice = text
        if screen is None:
            err(f"aries-async stream: {text}")

    _market(stream.market_status if not args.charts else None, state, screen)

    async for event in events:
        state.conflated = events.conflated
        state.reconnects = stream.reconnects
        quote = isinstance(event, (QuoteUpdate, ChartQuote))
        if isinstance(event, _UPDATES):
            notices.saw(event.symbol, Channel.QUOTES if quote else Channel.TRADES)
        elif isinstance(event, StatusEvent):
            if isinstance(event, StreamConnected):
                notices.connected()
            tell(state.status(event))
        # A refusal is known before its ServerErrorMessage comes (the stream tied it to its
        # symbols by its request id), and is told once the server answered for every channel.
        refused = stream.refused_channels
        said = notices.news(refused, stream.awaiting) if refused or notices.told else None
        if said is not None and said[1]:
            return said[0]
        if said is not None:
            tell(said[0])
        if isinstance(event, _UPDATES):
            row = state.apply(event)
            if screen is None:
                kind = "quote" if quote else "trade"
                sys.stdout.write(dumps(record(kind, event.symbol, row, fields)) + "\n")
                sys.stdout.flush()
            if args.count is not None and state.updates >= args.count:
                break
        elif isinstance(event, ServerErrorMessage) and not notices.explains(event, refused):
            tell(f"server error: {event.error}")
        elif isinstance(event, MarketStatusUpdate):
            _market(event, state, screen)
        if screen is not None:
            screen.changed()
    return None


def _refuse_unused(args: argparse.Namespace) -> None:
    """Refuse an option the stream asked for has no use for, rather than stream something
    else than was asked without a word.

    Raises:
        ValidationError: ``--topics`` without ``--account``; ``--interval`` without
            ``--topics pnl``; with ``--account``, ``--charts``, ``--fields`` (the quote
            columns) or a ``SYMBOL`` without ``--topics news``.
    """
    topics = args.topics or ()
    if not args.account and args.topics is not None:
        raise ValidationError("--topics needs --account", field="topics")
    if args.interval is not None and "pnl" not in topics:
        raise ValidationError("--interval is for --account with --topics pnl", field="interval")
    if not args.account:
        return
    if args.charts:
        raise ValidationError("--charts streams symbols' quotes, not --account", field="charts")
    if args.fields is not DEFAULT_FIELDS:  # not its default: given
        raise ValidationError(
            "--fields chooses the quote columns; with --account choose --topics", field="fields"
        )
    if args.symbols and "news" not in topics:
        raise ValidationError("with --account, a SYMBOL is for --topics news", field="symbols")


async def run(args: argparse.Namespace) -> int:
    """Stream until ``--count``, ``--duration`` or Ctrl-C; returns the exit status."""
    symbols = checked_symbols(args.symbols)
    _refuse_unused(args)
    if args.account:
        return await run_account(args)
    if not symbols:
        raise ValidationError("name a symbol, or an account with --account", field="symbols")
    state = StreamState(symbols)
    screen = Screen(state, args.fields) if sys.stdout.isatty() and not args.json else None
    painter: asyncio.Task[None] | None = None
    notices: ScreenNotices | None = None
    unhook = None
    if screen is not None:
        notices = ScreenNotices(state, screen)
        logging.getLogger("aries_async").addHandler(notices)
        sys.stdout.write("\x1b[?25l")  # hide the cursor while drawing
        unhook = show_cursor_when_terminated()
    try:
        async with (
            make_client(args) as client,
            (client.chart_stream if args.charts else client.market_stream)(
                **stream_options(args)
            ) as stream,
        ):
            # The first connection was made on entry, before any consumer could see it.
            state.connected = stream.connected
            state.notice = "connected" if stream.connected else "not connected yet; retrying"
            if screen is None:
                err(f"aries-async stream: {state.notice}")
            events = stream.events()  # before subscribing: the snapshots come at once
            for symbol in symbols:  # one request each: a refusal then names its symbol
                await stream.subscribe(symbol, channels=_channels(args.fields, args.charts))
            if screen is not None:
                painter = asyncio.create_task(screen.loop(), name="aries-cli-screen")
            consume = _consume(stream, events, state, screen, args)
            try:
                refused = await asyncio.wait_for(consume, args.duration)
            except TimeoutError:  # --duration is up
                refused = None
    finally:
        if painter is not None:
            painter.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await painter
        if notices is not None:
            logging.getLogger("aries_async").removeHandler(notices)
        if unhook is not None:
            unhook()
        if screen is not None:
            screen.draw()  # the final state stays on screen
            sys.stdout.write("\x1b[?25h")
            sys.stdout.flush()
    if refused is not None:
        err(f"aries-async stream: {refused}")
        return EXIT_API
    return EXIT_OK
