"""Seeded market data for the simulator: a random walk per symbol, quotes, ticks and bars.

Time:
    Everything reads an injectable :class:`Clock` (Unix seconds). :class:`ManualClock` lets tests
    move time with :meth:`ManualClock.advance` instead of sleeping; :class:`SystemClock` follows
    the wall clock (the CLI and the pytest fixture use it, with a background ticker).

The walk:
    Each symbol walks in fixed steps of ``step_seconds`` from the feed's start time ``t0``. Step
    ``k`` of symbol ``S`` depends only on ``(seed, S, k)``, so the same seed gives the same prices
    at the same times however often (or rarely) anyone looks. Symbols are advanced lazily when
    read; *watched* symbols (see :meth:`Feed.watch`) are advanced by :meth:`Feed.advance_to`, and
    each of their steps is delivered to the listeners as a :class:`QuoteSnapshot`.

Bars:
    Before ``t0`` there is a history of weekday sessions (09:30-16:00 New York): daily
    open/high/low/close/volume from a backward walk that ends at the previous close, and minute
    bars drawn as a bridge from each day's open to its close that touches exactly its high and
    low, so minute, N-minute, daily, weekly and monthly bars agree. From ``t0`` on, bars are
    aggregated from the live steps, so the last bar's close is the last trade of the quote.

Firehose:
    :class:`Firehose` describes a throughput mode of the market websocket: quote lines for
    synthetic symbols, precomputed once (:meth:`Firehose.frames`) and sent back to back as fast
    as the socket takes them (see :mod:`aries_async.sim.ws`).

Listener API (used by the websocket module):
    ``unsubscribe = feed.listen(callback)`` registers ``callback(snapshot)``, called
    synchronously for every step of every watched symbol; ``feed.watch(symbol)`` /
    ``feed.unwatch(symbol)`` keep a reference count of interested parties.
    :meth:`QuoteSnapshot.quote_data` and :meth:`QuoteSnapshot.trade_data` give the market
    websocket ``data`` objects (websocket.md section 3.4).
"""

from __future__ import annotations

import hashlib
import math
import random
import time
from collections.abc import Callable, Iterable
from datetime import UTC, date, datetime, timedelta
from typing import Any, Protocol
from zoneinfo import ZoneInfo

import attrs
import orjson

from aries_async.sim.symbols import SYMBOLS, SymbolInfo, SymbolTable

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

NEW_YORK = ZoneInfo("America/New_York")

DEFAULT_START = datetime(2026, 1, 15, 15, 0, tzinfo=UTC).timestamp()
"""Start of a :class:`ManualClock`: Thursday 2026-01-15 10:00 New York, the market is open."""

_SESSION_MINUTES = 390
_HISTORY_DAYS = 2600  # about ten years of weekdays
_INTRADAY_DAYS_CAP = 400


class Clock(Protocol):
    """A source of Unix time in seconds."""

    def now(self) -> float:
        """The current time, Unix seconds."""
        ...


class SystemClock:
    """The wall clock."""

    def now(self) -> float:
        """``time.time()``."""
        return time.time()


class ManualClock:
    """A clock that only moves when told to; tests use it to control time without sleeping.

    Example:
        >>> clock = ManualClock(start=100.0)
        >>> clock.advance(2.5)
        >>> clock.now()
        102.5
    """

    def __init__(self, start: float = DEFAULT_START) -> None:
        self._now = float(start)

    def now(self) -> float:
        """The current (manual) time."""
        return self._now

    def advance(self, seconds: float) -> None:
        """Move time forward.

        Raises:
            ValueError: ``seconds`` is negative.
        """
        if seconds < 0:
            raise ValueError("time only moves forward")
        self._now += seconds

    def set(self, when: float) -> None:
        """Jump to ``when`` (not before the current time).

        Raises:
            ValueError: ``when`` is in the past.
        """
        self.advance(when - self._now)


class UnknownSymbolError(KeyError):
    """The symbol is not in the simulator's universe."""


def round_price(value: float) -> float:
    """Round to a cent (a hundredth of a cent below one dollar)."""
    return round(value, 2 if abs(value) >= 1 else 4)


def _stable_seed(*parts: object) -> int:
    digest = hashlib.sha256(":".join(str(p) for p in parts).encode()).digest()
    return int.from_bytes(digest[:8], "big")


@attrs.frozen(kw_only=True)
class QuoteSnapshot:
    """The state of one symbol after a step of the walk (market-data values are floats).

    Attributes:
        symbol: the ticker.
        time: Unix seconds of the step.
        seq: the step number (also the trade sequence).
        last: last trade price; ``last_size`` its size.
        bid, ask, bid_size, ask_size: the touch.
        open, high, low: session values since the feed started.
        prev_close: the previous session's close.
        volume: session volume.
        tick: ``+``, ``-`` or ``=`` versus the previous trade.
    """

    symbol: str
    time: float
    seq: int
    last: float
    last_size: int
    bid: float
    ask: float
    bid_size: int
    ask_size: int
    open: float
    high: float
    low: float
    prev_close: float
    volume: int
    tick: str = "="

    @property
    def change(self) -> float:
        """Last minus previous close."""
        return round_price(self.last - self.prev_close)

    @property
    def change_percent(self) -> float:
        """Change as a percentage of the previous close, two decimals."""
        return (
            round((self.last - self.prev_close) / self.prev_close * 100, 2)
            if self.prev_close
            else 0.0
        )

    @property
    def mid(self) -> float:
        """Midpoint of the touch."""
        return round((self.bid + self.ask) / 2, 4)

    def quote_data(self) -> dict[str, Any]:
        """The market websocket ``quote`` update ``data`` (numbers, epoch-ms timestamp)."""
        return {
            "bidPrice": self.bid,
            "bidSize": self.bid_size,
            "bidExchange": "NSDQ",
            "askPrice": self.ask,
            "askSize": self.ask_size,
            "askExchange": "ARCA",
            "midPrice": self.mid,
            "spread": round(self.ask - self.bid, 4),
            "quoteTimestamp": int(self.time * 1000),
        }

    def trade_data(self) -> dict[str, Any]:
        """The market websocket ``trade`` update ``data`` (numbers, epoch-ms timestamp)."""
        return {
            "lastPrice": self.last,
            "price": self.last,
            "size": self.last_size,
            "totalVolume": self.volume,
            "tickVolume": self.seq,
            "openPrice": self.open,
            "highPrice": self.high,
            "lowPrice": self.low,
            "netChange": self.change,
            "previousClosePrice": self.prev_close,
            "tick": self.tick,
            "tradeSeq": self.seq,
            "tradeExchange": "NSDQ",
            "tradeTimestamp": int(self.time * 1000),
        }


def _positive(_instance: object, attribute: attrs.Attribute[Any], value: int | None) -> None:
    if value is not None and value < 1:
        raise ValueError(f"Firehose.{attribute.name} must be at least 1")


def _positive_float(
    _instance: object, attribute: attrs.Attribute[Any], value: float | None
) -> None:
    if value is not None and not value > 0:
        raise ValueError(f"Firehose.{attribute.name} must be positive")


@attrs.frozen(kw_only=True)
class Firehose:
    """The market websocket's throughput mode: precomputed quote frames, sent back to back.

    A market socket that has subscribed to every one of :meth:`names` (in any number of
    subscribe messages) starts receiving quote update lines for those symbols, cycling over
    them, ``lines_per_frame`` lines per websocket text frame, as fast as the socket accepts
    them. It stops after ``count`` lines or ``duration`` seconds (wall clock), whichever comes
    first, or runs until the socket closes when both are None. Each connection gets its own
    run. Firehose symbols get no snapshot on subscribe, field selection is ignored (every line
    is a full quote) and the fault settings do not apply to firehose frames.

    Example:
        >>> fh = Firehose(symbols=3, lines_per_frame=2, count=10)
        >>> fh.names()
        ['FH00000', 'FH00001', 'FH00002']
        >>> [n for _, n in fh.frames()]
        [2, 2, 2, 2, 2, 2]

    Attributes:
        symbols: how many synthetic symbols (``FH00000``, ``FH00001``, ...).
        lines_per_frame: NDJSON lines in one frame.
        count: quote lines to send per connection (None: no limit).
        duration: seconds to keep sending per connection (None: no limit).
        variants: distinct prices per symbol in the precomputed cycle.
        prefix: the synthetic symbols' prefix.
    """

    symbols: int = attrs.field(default=100, validator=_positive)
    lines_per_frame: int = attrs.field(default=20, validator=_positive)
    count: int | None = attrs.field(default=None, validator=_positive)
    duration: float | None = attrs.field(default=None, validator=_positive_float)
    variants: int = attrs.field(default=4, validator=_positive)
    prefix: str = "FH"

    def names(self) -> list[str]:
        """The synthetic symbols, in publishing order."""
        return [f"{self.prefix}{i:05d}" for i in range(self.symbols)]

    def lines(self) -> list[bytes]:
        """One cycle of quote update lines: every symbol once per variant (UTF-8 JSON)."""
        names = self.names()
        out: list[bytes] = []
        for variant in range(self.variants):
            for index, symbol in enumerate(names):
                bid = round(10.0 + index * 0.37 % 400 + variant * 0.01, 2)
                stamp = 1_768_489_200_000 + variant * 500
                data = {
                    "bidPrice": bid,
                    "bidSize": 100 * (1 + (index + variant) % 9),
                    "bidExchange": "NSDQ",
                    "askPrice": round(bid + 0.02, 2),
                    "askSize": 100 * (1 + (index * 7 + variant) % 9),
                    "askExchange": "ARCA",
                    "quoteTimestamp": stamp,
                }
                message = {
                    "type": "event",
                    "payload": {
                        "action": "update",
                        "type": "quote",
                        "symbol": symbol,
                        "data": data,
                        "timestamp": stamp + 3,
                    },
                }
                out.append(orjson.dumps(message))
        return out

    def frames(self) -> list[tuple[bytes, int]]:
        """``(frame, lines in it)`` covering :meth:`lines` once; the last frame may be shorter
        when the cycle does not divide evenly."""
        lines = self.lines()
        size = self.lines_per_frame
        return [
            (b"\n".join(chunk), len(chunk))
            for chunk in (lines[i : i + size] for i in range(0, len(lines), size))
        ]


@attrs.frozen
class Bar:
    """One OHLCV bar; ``time`` is the bar's start in Unix seconds."""

    time: int
    open: float
    high: float
    low: float
    close: float
    volume: int


_RESOLUTIONS: dict[str, tuple[str, int]] = {
    **{str(m): ("min", m) for m in (1, 3, 5, 15, 30, 45, 60, 120, 180, 240)},
    "D": ("day", 1),
    "1D": ("day", 1),
    "W": ("week", 1),
    "1W": ("week", 1),
    "M": ("month", 1),
    "1M": ("month", 1),
    "3M": ("month", 3),
    "6M": ("month", 6),
    "12M": ("month", 12),
}


def parse_resolution(text: str) -> tuple[str, int] | None:
    """``"5"`` -> ``("min", 5)``, ``"1d"`` -> ``("day", 1)``, ``"3M"`` -> ``("month", 3)``.

    Lowercase day/week/month forms are accepted (``1d``, ``1w``, ``1m`` = one month, as in the
    docs); a bare ``m`` is a month too. Unknown values give None.
    """
    raw = text.strip()
    found = _RESOLUTIONS.get(raw) or _RESOLUTIONS.get(raw.upper())
    return found


@attrs.define
class _DayBar:
    day: date
    open: float
    high: float
    low: float
    close: float
    volume: int


class _Walker:
    """The walk of one symbol: live steps from t0 and the history before it."""

    def __init__(self, info: SymbolInfo, seed: int, t0: float, step_seconds: float) -> None:
        self.info = info
        self.seed = seed
        self.t0 = t0
        self.step_seconds = step_seconds
        setup = random.Random(_stable_seed(seed, info.symbol, "setup"))
        self.daily_vol = 0.06 if info.symbol == "VIX" else setup.uniform(0.01, 0.03)
        self.sigma = self.daily_vol * math.sqrt(step_seconds / (_SESSION_MINUTES * 60))
        start = round_price(info.base_price * math.exp(setup.gauss(0.0, 0.02)))
        self.prev_close = round_price(start / math.exp(setup.gauss(0.0, self.daily_vol * 0.4)))
        self.avg_day_volume = int(setup.uniform(2e5, 3e7) if info.kind != "index" else 0)
        self.rng = random.Random(_stable_seed(seed, info.symbol, "live"))
        self.price = start
        self.raw = float(start)  # unrounded, so sub-cent moves accumulate
        self.seq = 0
        self.volume = 0
        self.open = start
        self.high = start
        self.low = start
        self.tick = "="
        self.last_size = 0
        self.bid, self.ask, self.bid_size, self.ask_size = self._touch(start)
        self.minutes: dict[int, list[float]] = {}
        self._record(t0, start, 0)
        self._history: list[_DayBar] | None = None
        self._intraday: dict[date, list[Bar]] = {}

    # -- live walk -------------------------------------------------------------------------

    def _touch(self, price: float) -> tuple[float, float, int, int]:
        rng = self.rng
        tick = 0.01 if price >= 1 else 0.0001
        half = max(tick, round_price(price * rng.uniform(0.00002, 0.00012)))
        bid = round_price(price - half)
        ask = round_price(price + half)
        if ask <= bid:
            ask = round_price(bid + tick)
        return bid, ask, rng.randint(1, 10) * 100, rng.randint(1, 10) * 100

    def _record(self, when: float, price: float, size: int) -> None:
        minute = int(when // 60) * 60
        bar = self.minutes.get(minute)
        if bar is None:
            self.minutes[minute] = [price, price, price, price, float(size)]
        else:
            bar[1] = max(bar[1], price)
            bar[2] = min(bar[2], price)
            bar[3] = price
            bar[4] += size

    def step_time(self, k: int) -> float:
        return self.t0 + k * self.step_seconds

    def steps_due(self, now: float) -> int:
        if now <= self.t0:
            return 0
        return int((now - self.t0) // self.step_seconds) - self.seq

    def step(self) -> None:
        rng = self.rng
        self.seq += 1
        self.raw *= math.exp(rng.gauss(0.0, self.sigma))
        new = round_price(self.raw)
        if new <= 0:
            new = self.price
        self.tick = "+" if new > self.price else "-" if new < self.price else "="
        self.price = new
        self.last_size = rng.randint(1, 20) * 100 if self.info.kind != "index" else 0
        self.volume += self.last_size
        self.high = max(self.high, new)
        self.low = min(self.low, new)
        self.bid, self.ask, self.bid_size, self.ask_size = self._touch(new)
        self._record(self.step_time(self.seq), new, self.last_size)

    def snapshot(self) -> QuoteSnapshot:
        return QuoteSnapshot(
            symbol=self.info.symbol,
            time=self.step_time(self.seq),
            seq=self.seq,
            last=self.price,
            last_size=self.last_size,
            bid=self.bid,
            ask=self.ask,
            bid_size=self.bid_size,
            ask_size=self.ask_size,
            open=self.open,
            high=self.high,
            low=self.low,
            prev_close=self.prev_close,
            volume=self.volume,
            tick=self.tick,
        )

    # -- history ----------------------------------------------------------------------------

    def history(self) -> list[_DayBar]:
        """Daily bars of the weekdays before t0's New York date, oldest first."""
        if self._history is not None:
            return self._history
        rng = random.Random(_stable_seed(self.seed, self.info.symbol, "history"))
        today = datetime.fromtimestamp(self.t0, NEW_YORK).date()
        days: list[date] = []
        cursor = today - timedelta(days=1)
        while len(days) < _HISTORY_DAYS:
            if cursor.weekday() < 5:
                days.append(cursor)
            cursor -= timedelta(days=1)
        bars: list[_DayBar] = []
        close = self.prev_close
        vol = self.daily_vol
        for day in days:  # newest first
            open_ = round_price(close / math.exp(rng.gauss(0.0, vol)))
            high = round_price(max(open_, close) * (1 + abs(rng.gauss(0.0, vol * 0.5))))
            low = round_price(min(open_, close) * (1 - abs(rng.gauss(0.0, vol * 0.5))))
            volume = int(self.avg_day_volume * rng.uniform(0.5, 1.6))
            bars.append(_DayBar(day, open_, high, max(low, 0.0001), close, volume))
            close = round_price(open_ / math.exp(rng.gauss(0.0, vol * 0.3)))
            if close <= 0:
                close = open_
        bars.reverse()
        self._history = bars
        return bars

    def intraday(self, bar: _DayBar) -> list[Bar]:
        """Minute bars of one history session: a bridge open -> close touching high and low."""
        cached = self._intraday.get(bar.day)
        if cached is not None:
            return cached
        rng = random.Random(_stable_seed(self.seed, self.info.symbol, bar.day.isoformat()))
        n = _SESSION_MINUTES
        walk = [0.0]
        for _ in range(n):
            walk.append(walk[-1] + rng.gauss(0.0, 1.0))
        end = walk[-1]
        dev = [walk[i] - end * i / n for i in range(n + 1)]
        amplitude = (max(dev) - min(dev)) or 1.0
        scale = 0.8 * (bar.high - bar.low) / amplitude
        path = [bar.open + (bar.close - bar.open) * i / n + dev[i] * scale for i in range(n + 1)]
        top, bottom = max(bar.open, bar.close), min(bar.open, bar.close)
        peak, trough = max(path), min(path)
        for i, value in enumerate(path):
            if value > top:
                path[i] = top + (value - top) * (bar.high - top) / (peak - top)
            elif value < bottom:
                path[i] = bottom - (bottom - value) * (bottom - bar.low) / (bottom - trough)
        # Make sure the extremes are touched even when the bridge never left [bottom, top].
        if peak <= top:
            path[n // 3] = bar.high
        if trough >= bottom:
            path[2 * n // 3] = bar.low
        path[0], path[n] = bar.open, bar.close
        session = datetime(bar.day.year, bar.day.month, bar.day.day, 9, 30, tzinfo=NEW_YORK)
        start = int(session.timestamp())
        weights = [rng.uniform(0.5, 1.5) for _ in range(n)]
        total = sum(weights)
        out: list[Bar] = []
        allotted = 0
        for i in range(n):
            o = round_price(path[i])
            c = round_price(path[i + 1])
            vol = int(bar.volume * weights[i] / total) if i < n - 1 else bar.volume - allotted
            allotted += vol
            out.append(Bar(start + 60 * i, o, max(o, c), min(o, c), c, vol))
        self._intraday[bar.day] = out
        return out


class Feed:
    """Quotes, ticks and bars for every symbol of a :class:`SymbolTable`.

    Args:
        seed: the random seed; the same seed gives the same walk.
        clock: the time source.
        step_seconds: seconds between two steps of the walk.
        symbols: the instrument universe.
        t0: start of the live walk (defaults to ``clock.now()``).
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
        self._walkers: dict[str, _Walker] = {}
        self._watch: dict[str, int] = {}
        self._listeners: list[Callable[[QuoteSnapshot], None]] = []

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

    def _walker(self, symbol: str) -> _Walker:
        info = self.info(symbol)
        walker = self._walkers.get(info.symbol)
        if walker is None:
            walker = _Walker(info, self.seed, self.t0, self.step_seconds)
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
        self._listeners.append(callback)

        def remove() -> None:
            if callback in self._listeners:
                self._listeners.remove(callback)

        return remove

    def advance_to(self, now: float | None = None) -> int:
        """Step every watched symbol up to ``now`` (default: the clock), in time order.

        Listeners are called once per step. Returns the number of steps taken.
        """
        target = self.clock.now() if now is None else now
        walkers = [self._walker(symbol) for symbol in sorted(self._watch)]
        count = 0
        while True:
            due = [w for w in walkers if w.steps_due(target) > 0]
            if not due:
                return count
            # One step of each due symbol per round keeps symbols in time order.
            for walker in due:
                walker.step()
                count += 1
                snap = walker.snapshot()
                for listener in list(self._listeners):
                    listener(snap)

    # -- bars -------------------------------------------------------------------------------

    def bars(self, symbol: str, resolution: tuple[str, int], start: int, end: int) -> list[Bar]:
        """Bars whose start time lies in ``[start, end]`` (Unix seconds), oldest first.

        Raises:
            UnknownSymbolError: not in the universe.
        """
        walker = self._walker(symbol)
        self.quote(symbol)
        unit, size = resolution
        if unit == "min":
            minutes = self._minute_bars(walker, start - size * 60, end)
            return [
                b
                for b in _aggregate(minutes, lambda t: t - t % (size * 60))
                if start <= b.time <= end
            ]
        days = self._day_bars(walker)
        if unit == "day":
            grouped = days
        elif unit == "week":
            grouped = _aggregate(days, _week_start)
        else:
            grouped = _aggregate(days, lambda t: _month_start(t, size))
        return [b for b in grouped if start <= b.time <= end]

    def _minute_bars(self, walker: _Walker, start: int, end: int) -> list[Bar]:
        out: list[Bar] = []
        if start < walker.t0:
            first = datetime.fromtimestamp(max(start, 0), NEW_YORK).date()
            last = datetime.fromtimestamp(min(end, walker.t0), NEW_YORK).date()
            if (last - first).days > _INTRADAY_DAYS_CAP:
                first = last - timedelta(days=_INTRADAY_DAYS_CAP)
            for day in walker.history():
                if first <= day.day <= last:
                    out.extend(b for b in walker.intraday(day) if start <= b.time <= end)
        for minute in sorted(walker.minutes):
            if start <= minute <= end:
                o, h, low, c, v = walker.minutes[minute]
                out.append(Bar(minute, o, h, low, c, int(v)))
        return out

    def _day_bars(self, walker: _Walker) -> list[Bar]:
        out = [
            Bar(_day_epoch(d.day), d.open, d.high, d.low, d.close, d.volume)
            for d in walker.history()
        ]
        today = datetime.fromtimestamp(walker.t0, NEW_YORK).date()
        out.append(
            Bar(
                _day_epoch(today), walker.open, walker.high, walker.low, walker.price, walker.volume
            )
        )
        return out

    def history_closes(self, symbol: str) -> list[tuple[date, float]]:
        """``(date, close)`` of the history sessions, oldest first (for seeding orders)."""
        return [(d.day, d.close) for d in self._walker(symbol).history()]


def _day_epoch(day: date) -> int:
    return int(datetime(day.year, day.month, day.day, tzinfo=UTC).timestamp())


def _week_start(t: int) -> int:
    day = datetime.fromtimestamp(t, UTC).date()
    return _day_epoch(day - timedelta(days=day.weekday()))


def _month_start(t: int, months: int) -> int:
    day = datetime.fromtimestamp(t, UTC).date()
    index = (day.year * 12 + day.month - 1) // months * months
    return _day_epoch(date(index // 12, index % 12 + 1, 1))


def _aggregate(bars: Iterable[Bar], bucket: Callable[[int], int]) -> list[Bar]:
    out: list[Bar] = []
    for bar in bars:
        key = bucket(bar.time)
        if out and out[-1].time == key:
            prev = out[-1]
            out[-1] = Bar(
                key,
                prev.open,
                max(prev.high, bar.high),
                min(prev.low, bar.low),
                bar.close,
                prev.volume + bar.volume,
            )
        else:
            out.append(Bar(key, bar.open, bar.high, bar.low, bar.close, bar.volume))
    return out
