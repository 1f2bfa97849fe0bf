"""Seeded market data for the simulator: a random walk per symbol, quotes, ticks and bars.

Time:
    Everything reads an injectable :class:`Clock` (Unix seconds, :mod:`~aries_async.sim.clock`).
    :class:`ManualClock` lets tests move time with :meth:`ManualClock.advance` instead of
    sleeping; :class:`SystemClock` follows the wall clock.

The walk:
    Each symbol walks in fixed steps of ``step_seconds`` from the feed's start time ``t0``. Step
    ``k`` of symbol ``S`` depends only on ``(seed, S, k)``, so the same seed gives the same prices
    at the same times however often (or rarely) anyone looks. Symbols are advanced lazily when
    read; *watched* symbols (see :meth:`Feed.watch`) are advanced by :meth:`Feed.advance_to`, and
    each of their steps is delivered to the listeners as a :class:`QuoteSnapshot`
    (:mod:`~aries_async.sim.walk`).

Bars:
    Before ``t0`` there is a history of trading days' sessions (09:30-16:00 New York): daily
    open/high/low/close/volume from a backward walk that ends at the previous close, and minute
    bars drawn as a bridge from each day's open to its close that touches exactly its high and
    low, so minute, N-minute, daily, weekly and monthly bars agree. From ``t0`` on, bars are
    aggregated from the live steps, so the last bar's close is the last trade of the quote
    (:mod:`~aries_async.sim.bars`). Intraday bars lie within the sessions of trading days only
    (:mod:`~aries_async.sim.intraday`).

Firehose:
    :class:`Firehose` describes a throughput mode of the market websocket: quote lines for
    synthetic symbols, precomputed once (:meth:`Firehose.frames`) and sent back to back as fast
    as the socket takes them (:mod:`~aries_async.sim.firehose`).

Listener API (used by the websocket module):
    ``unsubscribe = feed.listen(callback)`` registers ``callback(snapshot)``, called
    synchronously for every step of every watched symbol; ``feed.watch(symbol)`` /
    ``feed.unwatch(symbol)`` keep a reference count of interested parties.
    :meth:`QuoteSnapshot.quote_data` and :meth:`QuoteSnapshot.trade_data` give the market
    websocket ``data`` objects (websocket.md section 3.4).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal

from aries_async.sim.bars import (
    Bar,
    aggregate,
    day_epoch,
    month_start,
    parse_resolution,
    week_start,
)
from aries_async.sim.clock import DEFAULT_START, NEW_YORK, Clock, ManualClock, SystemClock
from aries_async.sim.firehose import Firehose
from aries_async.sim.intraday import intraday_bars
from aries_async.sim.listeners import listen
from aries_async.sim.sessions import is_trading_day
from aries_async.sim.symbols import SYMBOLS, SymbolInfo, SymbolTable
from aries_async.sim.walk import QuoteSnapshot, Walker, round_price

__all__ = [
    "DEFAULT_START",
    "NEW_YORK",
    "Bar",
    "Clock",
    "Feed",
    "Firehose",
    "ManualClock",
    "QuoteSnapshot",
    "SystemClock",
    "UnknownSymbolError",
    "parse_resolution",
    "round_price",
]


class UnknownSymbolError(KeyError):
    """The symbol is not in the simulator's universe."""


class Feed:
    """Quotes, ticks and bars for every symbol of a :class:`SymbolTable`.

    Args:
        seed: the random seed; the same seed gives the same walk.
        clock: the time source.
        step_seconds: seconds between two steps of the walk.
        symbols: the instrument universe.
        t0: start of the live walk (defaults to ``clock.now()``).

    Attributes:
        catch_up: what :meth:`set_price` runs before its move to bring the market to the
            clock: :meth:`advance_to` on a bare feed; a simulator's tick in a simulator
            (:meth:`~aries_async.sim.context.SimContext.tick`, which also starts the trading
            days on the books and expires the orders the clock has ended).
        moves: how often prices moved other than by the clock alone (a watched symbol's
            step, a price set, a symbol no longer watched catching up): see :meth:`state`.
    """

    def __init__(
        self,
        *,
        seed: int = 0,
        clock: Clock | None = None,
        step_seconds: float = 0.5,
        symbols: SymbolTable = SYMBOLS,
        t0: float | None = None,
    ) -> None:
        if step_seconds <= 0:
            raise ValueError("step_seconds must be positive")
        self.seed = seed
        self.clock: Clock = clock or SystemClock()
        self.step_seconds = step_seconds
        self.symbols = symbols
        self.t0 = self.clock.now() if t0 is None else t0
        self._walkers: dict[str, Walker] = {}
        self._watch: dict[str, int] = {}
        self._listeners: list[Callable[[QuoteSnapshot], None]] = []
        self.catch_up: Callable[[], object] = self.advance_to
        self.moves = 0

    def state(self) -> tuple[int, int]:
        """Where the market stands: the clock's step of the walk, and :attr:`moves`. Prices
        read at the same state are the same (an unwatched symbol walks with the clock)."""
        return int((self.clock.now() - self.t0) // self.step_seconds), self.moves

    # -- lookup -----------------------------------------------------------------------------

    def info(self, symbol: str) -> SymbolInfo:
        """The instrument.

        Raises:
            UnknownSymbolError: not in the universe.
        """
        found = self.symbols.get(symbol)
        if found is None:
            raise UnknownSymbolError(symbol)
        return found

    def has(self, symbol: str) -> bool:
        """Whether ``symbol`` can be quoted."""
        return self.symbols.get(symbol) is not None

    def _walker(self, symbol: str) -> Walker:
        info = self.info(symbol)
        walker = self._walkers.get(info.symbol)
        if walker is None:
            walker = Walker(info, self.seed, self.t0, self.step_seconds)
            self._walkers[info.symbol] = walker
        return walker

    # -- live -------------------------------------------------------------------------------

    def quote(self, symbol: str) -> QuoteSnapshot:
        """The current snapshot.

        An unwatched symbol is advanced to now silently; a watched one is left where
        :meth:`advance_to` last put it, so that listeners see every one of its steps.

        Raises:
            UnknownSymbolError: not in the universe.
        """
        walker = self._walker(symbol)
        if walker.info.symbol not in self._watch:
            # Watched symbols are stepped by advance_to() so that listeners see every step.
            for _ in range(max(0, walker.steps_due(self.clock.now()))):
                walker.step()
        return walker.snapshot()

    def watch(self, symbol: str) -> None:
        """Start delivering this symbol's steps to the listeners (reference counted).

        Raises:
            UnknownSymbolError: not in the universe.
        """
        self.quote(symbol)  # catch up silently first
        key = self.info(symbol).symbol
        self._watch[key] = self._watch.get(key, 0) + 1

    def unwatch(self, symbol: str) -> None:
        """Undo one :meth:`watch`."""
        info = self.symbols.get(symbol)
        if info is None or info.symbol not in self._watch:
            return
        left = self._watch[info.symbol] - 1
        if left <= 0:
            del self._watch[info.symbol]
            self.moves += 1  # it walks with the clock again: its next read catches up
        else:
            self._watch[info.symbol] = left

    @property
    def watched(self) -> frozenset[str]:
        """Symbols currently watched."""
        return frozenset(self._watch)

    def listen(self, callback: Callable[[QuoteSnapshot], None]) -> Callable[[], None]:
        """Call ``callback(snapshot)`` for every step of every watched symbol.

        Returns:
            A function that removes the listener (idempotent).
        """
        return listen(self._listeners, callback)

    def advance_to(self, now: float | None = None) -> int:
        """Step every watched symbol up to ``now`` (default: the clock), in time order.

        Listeners are called once per step. Returns the number of steps taken.
        """
        target = self.clock.now() if now is None else now
        return self._advance(lambda walker: walker.steps_due(target) > 0)

    def advance_before(self, when: float) -> int:
        """Step every watched symbol through its steps before ``when``, in time order, and
        leave a step at ``when`` for later (the first of a trading day, whose start the books
        take before it). Returns the number of steps taken."""
        return self._advance(
            lambda walker: walker.steps_due(when) > 0 and walker.step_time(walker.seq + 1) < when
        )

    def _advance(self, due_now: Callable[[Walker], bool]) -> int:
        """Step the watched symbols for which ``due_now`` holds, a step of each a round, until
        it holds for none; listeners hear each step. Returns the number of steps taken."""
        walkers = [self._walker(symbol) for symbol in sorted(self._watch)]
        count = 0
        while True:
            due = [w for w in walkers if due_now(w)]
            if not due:
                return count
            # One step of each due symbol per round keeps symbols in time order.
            for walker in due:
                walker.step()
                count += 1
                self.moves += 1
                snap = walker.snapshot()
                for listener in list(self._listeners):
                    listener(snap)

    def session_price(self, symbol: str, day: date, *, opening: bool) -> float | None:
        """The official open (``opening``) or close of ``symbol``'s regular session of ``day``
        as far as the walk has stepped: its first trade at or after the open, or its last at
        or before the close (:mod:`~aries_async.sim.day_sessions`); None when the live walk
        has no session of ``day``.

        Raises:
            UnknownSymbolError: not in the universe.
        """
        session = self._walker(symbol).session
        for bar in (session.bar(), *reversed(session.done)):
            if bar.day == day:
                return bar.open if opening else bar.close
        return None

    def set_price(self, symbol: str, price: Decimal | float) -> QuoteSnapshot:
        """Move ``symbol``'s last trade to ``price`` now, quoted around it, so that a test can
        make a resting order fill (or not) without searching seeds: the working orders and
        the market sockets get the move as a step of the walk, which goes on from there.
        The market first catches up to the clock (:attr:`catch_up`): in a simulator whose
        clock has passed a trading day's open since it last ticked, that day starts on the
        books before the move, and what the move fills is that day's. The catch-up is one
        jump, every step due at once (after a clock moved by hours by hand,
        ``await sim.advance_async(0)`` first replays them in slices instead).

        Returns:
            The symbol's snapshot after the move.

        Raises:
            UnknownSymbolError: not in the universe.
            ValueError: ``price`` is not positive.
        """
        if not price > 0:
            raise ValueError("a price must be positive")
        self.quote(symbol)  # an unwatched symbol catches up silently
        self.catch_up()  # a watched one: its listeners see the steps before the move
        walker = self._walker(symbol)
        walker.jump(float(price))
        self.moves += 1
        snap = walker.snapshot()
        if walker.info.symbol in self._watch:
            for listener in list(self._listeners):
                listener(snap)
        return snap

    # -- bars -------------------------------------------------------------------------------

    def bars(
        self,
        symbol: str,
        resolution: tuple[str, int],
        start: int,
        end: int,
        *,
        extended: bool = False,
    ) -> list[Bar]:
        """Bars whose start time lies in ``[start, end]`` (Unix seconds), oldest first.
        Intraday ones lie in the regular sessions of trading days, or with ``extended`` in
        their pre-market and after-hours too (:mod:`~aries_async.sim.intraday`).

        Raises:
            UnknownSymbolError: not in the universe.
        """
        walker = self._walker(symbol)
        self.quote(symbol)
        unit, size = resolution
        if unit == "min":
            return intraday_bars(walker, size, start, end, extended)
        days = self._day_bars(walker)
        if unit == "day":
            grouped = days
        elif unit == "week":
            grouped = aggregate(days, week_start)
        else:
            grouped = aggregate(days, lambda t: month_start(t, size))
        return [b for b in grouped if start <= b.time <= end]

    def _day_bars(self, walker: Walker) -> list[Bar]:
        # The history (trading days only), the sessions of the live walk that ended, then the
        # current one; a live day without a session (a start on a Sunday) has no bar.
        session = walker.session
        live = [d for d in (*session.done, session.bar()) if is_trading_day(d.day)]
        return [
            Bar(day_epoch(d.day), d.open, d.high, d.low, d.close, d.volume)
            for d in (*walker.history(), *live)
        ]

    def history_closes(self, symbol: str) -> list[tuple[date, float]]:
        """``(date, close)`` of the history sessions, oldest first."""
        return [(d.day, d.close) for d in self._walker(symbol).history()]

    def recent_closes(self, symbol: str, count: int) -> tuple[tuple[date, float], ...]:
        """``(date, close)`` of the last ``count`` history sessions, oldest first: the end of
        :meth:`history_closes`, without drawing the years before it (for seeding orders).

        Raises:
            UnknownSymbolError: not in the universe.
        """
        return self._walker(symbol).recent_closes(count)
