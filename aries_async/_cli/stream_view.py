"""What ``aries-async stream SYMBOL...`` shows: the columns (:data:`FIELDS`), the state the
table is drawn from (:class:`StreamState`), the table itself (:func:`render_frame`, a pure
function of the state, and :class:`Screen`, which redraws it in place on a terminal) and the
NDJSON object of an update (:func:`record`)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import shutil
import signal
import sys
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import attrs

from aries_async._cli.common import jsonable, notice
from aries_async.models.events import (
    ChartQuote,
    ChartTrade,
    QuoteUpdate,
    StatusEvent,
    StreamConnected,
    StreamReauthenticated,
    TradeUpdate,
)

__all__ = [
    "FIELDS",
    "REDRAW_INTERVAL",
    "Screen",
    "ScreenNotices",
    "StreamState",
    "record",
    "redraw",
    "render_frame",
    "rows_of",
    "show_cursor_when_terminated",
]

FIELDS: dict[str, tuple[str, str | None]] = {
    "bid_price": ("BID", "quote"),
    "ask_price": ("ASK", "quote"),
    "bid_size": ("BID SIZE", "quote"),
    "ask_size": ("ASK SIZE", "quote"),
    "last_price": ("LAST", "trade"),
    "size": ("SIZE", "trade"),
    "volume": ("VOLUME", "trade"),
    "change": ("CHANGE", "trade"),
    "timestamp": ("TIME (UTC)", None),
}
"""Column name (the models' name for it, also the NDJSON key) -> (heading, the channel it
comes from; None: either). ``timestamp`` is the exchange's time of the quote or trade
(``quote_timestamp``, ``trade_timestamp``), else the envelope's ``timestamp``."""

REDRAW_INTERVAL = 0.1
"""Seconds between two redraws on a terminal (at most ten a second)."""


@attrs.define
class StreamState:
    """What the table shows: the latest values per symbol and the connection's state.

    Attributes:
        symbols: the rows, in the order asked for.
        rows: symbol -> field -> value (``Decimal``, ``int``, aware ``datetime`` or None).
        connected: whether the socket is up and authenticated.
        reconnects: connections after the first.
        conflated: updates folded into a newer one because we fell behind.
        updates: quote and trade updates received.
        notice: the latest status message.
        market: the market socket's latest ``marketStatus`` ``market`` value, as the server
            said it (any text: websocket.md 3.2 leaves the values beyond ``open`` and
            ``closed`` unknown), None until one came.
    """

    symbols: list[str]
    rows: dict[str, dict[str, Any]] = attrs.Factory(dict)
    connected: bool = False
    reconnects: int = 0
    conflated: int = 0
    updates: int = 0
    notice: str = "connecting"
    market: str | None = None

    def apply(self, update: QuoteUpdate | TradeUpdate | ChartQuote | ChartTrade) -> dict[str, Any]:
        """Merge one update (partial updates keep the fields they omit); returns the row."""
        row = self.rows.setdefault(update.symbol, {})
        if isinstance(update, ChartQuote):
            values: dict[str, Any] = {
                "bid_price": update.bid_price,
                "ask_price": update.ask_price,
                "last_price": update.last_price,
                "volume": update.volume,
                "change": update.change,
                "timestamp": None,
            }
        elif isinstance(update, ChartTrade):
            values = {
                "last_price": update.price,
                "size": update.size,
                "timestamp": update.trade_timestamp,
            }
        elif isinstance(update, QuoteUpdate):
            values = {
                "bid_price": update.bid_price,
                "ask_price": update.ask_price,
                "bid_size": update.bid_size,
                "ask_size": update.ask_size,
                "timestamp": update.quote_timestamp,
            }
        else:
            values = {
                "last_price": update.last_price,
                "size": update.size,
                "volume": update.volume,
                "change": update.change,
                "timestamp": update.trade_timestamp,
            }
        if values["timestamp"] is None:  # the envelope's, whatever form it came in
            values["timestamp"] = update.timestamp
        row.update({k: v for k, v in values.items() if v is not None})
        self.updates += 1
        return row

    def status(self, event: StatusEvent) -> str:
        """Record a connection change; returns the notice for it."""
        if not isinstance(event, StreamReauthenticated):
            self.connected = isinstance(event, StreamConnected)
        self.notice = notice(event)
        return self.notice


def _cell(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, datetime):
        return value.astimezone(UTC).strftime("%H:%M:%S")
    if isinstance(value, Decimal):  # prices, sizes and volumes: plain notation, grouped
        return f"{value:,f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def record(event: str, symbol: str, row: dict[str, Any], fields: Sequence[str]) -> dict[str, Any]:
    """The NDJSON object for one update: ``event``, ``symbol`` and ``fields`` (null if unknown)."""
    data: dict[str, Any] = {"event": event, "symbol": symbol}
    data.update({f: jsonable(row.get(f)) for f in fields})
    return data


def render_frame(state: StreamState, fields: Sequence[str]) -> str:
    """The table and status line for ``state`` (plain text, no ANSI codes, no final newline).

    Numbers are right-aligned; unknown values show as ``-``.
    """
    headings = ["SYMBOL", *(FIELDS[f][0] for f in fields)]
    cells = [[s, *(_cell(state.rows.get(s, {}).get(f)) for f in fields)] for s in state.symbols]
    widths = [max(len(h), *(len(r[i]) for r in cells)) for i, h in enumerate(headings)]

    def line(row: Sequence[str]) -> str:
        first = row[0].ljust(widths[0])
        rest = (c.rjust(w) for c, w in zip(row[1:], widths[1:], strict=True))
        return "  ".join([first, *rest]).rstrip()

    mark = "connected" if state.connected else "not connected"
    market = "" if state.market is None else f"market {state.market} | "
    status = (
        f"[{mark}] updates {state.updates} | reconnects {state.reconnects} | "
        f"conflated {state.conflated} | {market}{state.notice}"
    )
    return "\n".join([line(headings), *(line(r) for r in cells), "", status])


def redraw(previous_lines: int, frame: str) -> str:
    """The bytes that replace the last frame (``previous_lines`` tall) with ``frame``."""
    up = f"\x1b[{previous_lines}A" if previous_lines else ""
    return f"\r{up}\x1b[J{frame}\n"


_SHOW_CURSOR = b"\x1b[?25h"


def show_cursor_when_terminated() -> Callable[[], None]:
    """Let SIGTERM (``timeout``, ``kill``) end the process as it would, but first show the
    cursor the table hid: the shell must not be left without one. Ctrl-C needs none of this:
    it ends the stream through its ``finally``. Returns what puts SIGTERM back as it was."""
    if sys.platform == "win32" or signal.getsignal(signal.SIGTERM) != signal.SIG_DFL:
        return lambda: None  # another handler is someone else's choice

    def show_then_die(signum: int, _frame: object) -> None:
        # The raw descriptor: the signal may come in the middle of a buffered write.
        with contextlib.suppress(OSError):
            os.write(sys.stdout.fileno(), _SHOW_CURSOR)
        signal.signal(signum, signal.SIG_DFL)
        os.kill(os.getpid(), signum)

    def restore() -> None:
        signal.signal(signal.SIGTERM, signal.SIG_DFL)

    signal.signal(signal.SIGTERM, show_then_die)
    return restore


def rows_of(frame: str, columns: int) -> int:
    """How many rows of a terminal ``columns`` wide ``frame`` takes: a line longer than that
    wraps onto more than one (a long disconnect reason in the status line), and a redraw that
    moved up over its lines only would leave the top of the frame before on the screen."""
    return sum(max(1, -(-len(line) // max(columns, 1))) for line in frame.split("\n"))


class ScreenNotices(logging.Handler):
    """While the table is drawn, the library's log records (a socket it cannot reach...) go
    to its status line: written to the terminal, they would land across the table and throw
    the next redraw off."""

    def __init__(self, state: StreamState, screen: Screen) -> None:
        super().__init__()
        self._state = state
        self._screen = screen

    def emit(self, record: logging.LogRecord) -> None:
        self._state.notice = record.getMessage()
        self._screen.changed()


class Screen:
    """Draws frames on a terminal, at most every :data:`REDRAW_INTERVAL` seconds."""

    def __init__(self, state: StreamState, fields: Sequence[str]) -> None:
        self._state = state
        self._fields = fields
        self._lines = 0
        self._drawn = -1
        self._version = 0

    def changed(self) -> None:
        self._version += 1

    def draw(self) -> None:
        if self._drawn == self._version:
            return
        frame = render_frame(self._state, self._fields)
        sys.stdout.write(redraw(self._lines, frame))
        sys.stdout.flush()
        self._lines = rows_of(frame, shutil.get_terminal_size().columns)
        self._drawn = self._version

    async def loop(self) -> None:
        while True:
            self.draw()
            await asyncio.sleep(REDRAW_INTERVAL)
