"""The walk of one symbol: seeded live steps from ``t0`` and the history before it.

Each symbol walks in fixed steps of ``step_seconds`` from the feed's start time ``t0``. Step
``k`` of symbol ``S`` depends only on ``(seed, S, k)``, so the same seed gives the same prices at
the same times however often (or rarely) anyone looks. Before ``t0`` there is a history of
trading days' regular sessions (09:30-16:00 New York, 13:00 on an early close): daily
open/high/low/close/volume from a backward walk that ends at the previous close, and minute
bars drawn as a bridge from each day's open to its close that touches exactly its high and
low.
"""

from __future__ import annotations

import functools
import hashlib
import math
import random
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from itertools import islice
from typing import Any, NamedTuple

import attrs

from aries_async.sim.bars import Bar, DayBar
from aries_async.sim.clock import NEW_YORK
from aries_async.sim.day_sessions import DaySession
from aries_async.sim.records import ClientPrice
from aries_async.sim.sessions import is_trading_day, regular_close, regular_open
from aries_async.sim.symbols import SymbolInfo

__all__ = [
    "HISTORY_DAYS",
    "INTRADAY_DAYS_CAP",
    "SESSION_MINUTES",
    "HistoryKey",
    "QuoteSnapshot",
    "Walker",
    "daily_history",
    "recent_closes",
    "round_price",
    "stable_seed",
]

SESSION_MINUTES = 390
HISTORY_DAYS = 2600  # about ten years of weekdays
INTRADAY_DAYS_CAP = 400


def round_price(value: float) -> float:
    """Round to a cent (a hundredth of a cent below one dollar)."""
    return round(value, 2 if abs(value) >= 1 else 4)


def stable_seed(*parts: object) -> int:
    """A seed that depends only on ``parts`` (not on Python's hash randomisation)."""
    digest = hashlib.sha256(":".join(str(p) for p in parts).encode()).digest()
    return int.from_bytes(digest[:8], "big")


@attrs.frozen(kw_only=True)
class QuoteSnapshot:
    """The state of one symbol after a step of the walk.

    Its market-data values are floats, the walk's own, which the simulator writes as JSON
    numbers. The prices as a client reads them, as ``Decimal`` under the SDK's names, are
    :attr:`last_price`, :attr:`bid_price`, :attr:`ask_price`, :attr:`open_price`,
    :attr:`high_price`, :attr:`low_price` and :attr:`previous_close_price`: a test compares
    them with what the bot got (``quote.last_price == sim.feed.quote("AAPL").last_price``).

    Attributes:
        symbol: the ticker.
        time: Unix seconds of the step.
        seq: the step number (also the trade sequence).
        last: last trade price; ``last_size`` its size.
        bid, ask, bid_size, ask_size: the touch.
        open, high, low: the current session's values (see
            :mod:`~aries_async.sim.day_sessions`).
        prev_close: the previous session's close.
        volume: the current session's volume.
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

    last_price = ClientPrice("last")
    bid_price = ClientPrice("bid")
    ask_price = ClientPrice("ask")
    open_price = ClientPrice("open")
    high_price = ClientPrice("high")
    low_price = ClientPrice("low")
    previous_close_price = ClientPrice("prev_close")

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

    def chart_quote_data(self, exchange: str, short_name: str) -> dict[str, Any]:
        """The charts websocket quote's ``v`` object of a stock (TradingView names, numbers)."""
        return {
            "ch": self.change,
            "chp": self.change_percent,
            "lp": self.last,
            "ask": self.ask,
            "bid": self.bid,
            "open_price": self.open,
            "high_price": self.high,
            "low_price": self.low,
            "prev_close_price": self.prev_close,
            "volume": self.volume,
            "exchange": exchange,
            "short_name": short_name,
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


class Walker:
    """The walk of one symbol: live steps from t0 and the history before it."""

    def __init__(self, info: SymbolInfo, seed: int, t0: float, step_seconds: float) -> None:
        self.info = info
        self.seed = seed
        self.t0 = t0
        self.step_seconds = step_seconds
        setup = random.Random(stable_seed(seed, info.symbol, "setup"))
        self.daily_vol = 0.06 if info.symbol == "VIX" else setup.uniform(0.01, 0.03)
        self.sigma = self.daily_vol * math.sqrt(step_seconds / (SESSION_MINUTES * 60))
        start = round_price(info.base_price * math.exp(setup.gauss(0.0, 0.02)))
        # The close before the live walk: where the history ends (the session's own moves on).
        self.prev_close = round_price(start / math.exp(setup.gauss(0.0, self.daily_vol * 0.4)))
        self.avg_day_volume = int(setup.uniform(2e5, 3e7) if info.kind != "index" else 0)
        self.rng = random.Random(stable_seed(seed, info.symbol, "live"))
        self.price = start
        self.raw = float(start)  # unrounded, so sub-cent moves accumulate
        self.seq = 0
        self.session = DaySession.starting(t0, start, self.prev_close)
        self.tick = "="
        self.last_size = 0
        self.bid, self.ask, self.bid_size, self.ask_size = self._touch(start)
        self.minutes: dict[int, list[float]] = {}
        self._record(t0, start, 0)
        self._history: list[DayBar] | None = None
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
        """Unix seconds of step ``k``."""
        return self.t0 + k * self.step_seconds

    def steps_due(self, now: float) -> int:
        """Steps between the last one taken and ``now``."""
        if now <= self.t0:
            return 0
        return int((now - self.t0) // self.step_seconds) - self.seq

    def step(self) -> None:
        """Take the next step of the walk."""
        rng = self.rng
        self.seq += 1
        self.raw *= math.exp(rng.gauss(0.0, self.sigma))
        new = round_price(self.raw)
        if new <= 0:
            new = self.price
        self.tick = "+" if new > self.price else "-" if new < self.price else "="
        self.price = new
        self.last_size = rng.randint(1, 20) * 100 if self.info.kind != "index" else 0
        self.session.trade(self.step_time(self.seq), new, self.last_size)
        self.bid, self.ask, self.bid_size, self.ask_size = self._touch(new)
        self._record(self.step_time(self.seq), new, self.last_size)

    def jump(self, price: float) -> None:
        """Put the last trade at ``price`` now, within the current step (a test's price move:
        the walk goes on from there); the touch is quoted around it as after a step."""
        new = round_price(price)
        self.tick = "+" if new > self.price else "-" if new < self.price else "="
        self.price = new
        self.raw = float(new)
        self.session.trade(self.step_time(self.seq), new, 0)
        self.bid, self.ask, self.bid_size, self.ask_size = self._touch(new)
        self._record(self.step_time(self.seq), new, 0)

    def snapshot(self) -> QuoteSnapshot:
        """The symbol's state after the last step."""
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
            open=self.session.open,
            high=self.session.high,
            low=self.session.low,
            prev_close=self.session.prev_close,
            volume=self.session.volume,
            tick=self.tick,
        )

    # -- history ----------------------------------------------------------------------------

    @property
    def history_key(self) -> HistoryKey:
        """What the history before t0 depends on."""
        return HistoryKey(
            self.seed,
            self.info.symbol,
            datetime.fromtimestamp(self.t0, NEW_YORK).date(),
            self.prev_close,
            self.daily_vol,
            self.avg_day_volume,
        )

    def history(self) -> list[DayBar]:
        """Daily bars of the trading days before t0's New York date, oldest first."""
        if self._history is None:
            self._history = list(daily_history(self.history_key))
        return self._history

    def recent_closes(self, count: int) -> tuple[tuple[date, float], ...]:
        """``(date, close)`` of the last ``count`` sessions of :meth:`history`, oldest first."""
        return recent_closes(self.history_key, count)

    def intraday(self, bar: DayBar) -> list[Bar]:
        """Minute bars of one history session, its regular hours (to 13:00 on an early
        close): a bridge open -> close touching high and low."""
        cached = self._intraday.get(bar.day)
        if cached is not None:
            return cached
        rng = random.Random(stable_seed(self.seed, self.info.symbol, bar.day.isoformat()))
        opens, closes = regular_open(bar.day), regular_close(bar.day)
        if opens is None or closes is None:  # a history day is a trading day
            raise ValueError(f"{bar.day} has no session")
        n = int(closes.timestamp() - opens.timestamp()) // 60
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
        start = int(opens.timestamp())
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


class HistoryKey(NamedTuple):
    """All a symbol's history depends on: the seed, the ticker, t0's New York date (it ends the
    trading day before) and the walk's parameters drawn from them; not t0's time or the step."""

    seed: int
    symbol: str
    today: date
    prev_close: float
    daily_vol: float
    avg_day_volume: int


def _walk_back(key: HistoryKey) -> Iterator[DayBar]:
    """The sessions before ``key.today``, newest first, each drawn from the one after it."""
    rng = random.Random(stable_seed(key.seed, key.symbol, "history"))
    vol = key.daily_vol
    close = key.prev_close
    cursor = key.today - timedelta(days=1)
    for _ in range(HISTORY_DAYS):
        while not is_trading_day(cursor):
            cursor -= timedelta(days=1)
        open_ = round_price(close / math.exp(rng.gauss(0.0, vol)))
        high = round_price(max(open_, close) * (1 + abs(rng.gauss(0.0, vol * 0.5))))
        low = round_price(min(open_, close) * (1 - abs(rng.gauss(0.0, vol * 0.5))))
        volume = int(key.avg_day_volume * rng.uniform(0.5, 1.6))
        yield DayBar(cursor, open_, high, max(low, 0.0001), close, volume)
        close = round_price(open_ / math.exp(rng.gauss(0.0, vol * 0.3)))
        if close <= 0:
            close = open_
        cursor -= timedelta(days=1)


# Shared by every simulator of a process, as tuples of frozen bars that none can change.
@functools.lru_cache(maxsize=64)
def daily_history(key: HistoryKey) -> tuple[DayBar, ...]:
    """The :data:`HISTORY_DAYS` sessions before ``key.today``, oldest first."""
    return tuple(reversed(tuple(_walk_back(key))))


@functools.lru_cache(maxsize=256)
def recent_closes(key: HistoryKey, count: int) -> tuple[tuple[date, float], ...]:
    """``(date, close)`` of the last ``count`` sessions of :func:`daily_history`, oldest
    first, drawing only those."""
    newest = islice(_walk_back(key), max(0, min(count, HISTORY_DAYS)))
    return tuple(reversed([(bar.day, bar.close) for bar in newest]))
