"""The simulator's intraday bars: minute bars, and N-minute bars made of them, within the
sessions of trading days only.

A bar lies in one session of one trading day (a weekday that is not a full-day holiday,
:mod:`~aries_async.sim.sessions`): the regular session (09:30-16:00 New York, 13:00 on an
early-close day), or with ``extended`` (the chart history's ``includeExtended``) 04:00 to the
end of after-hours (20:00, 17:00 after an early close). N-minute bars start on the session's
grid (09:30, 10:30... for hourly bars; 04:00, 05:00... with ``extended``), as a charting
venue's do; the last one of a session may be shorter. No bar lies overnight, on a weekend or
on a holiday, though the live walk trades around the clock.

The minutes come from the history before the live walk (regular sessions only: the history
has no extended-hours trading) and from the live walk's steps. Only the sessions a request
meets are visited, and within a session only its minutes the request asks for: a request
over a long range costs what it returns, not every minute of every day.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterator
from datetime import date, datetime, time, timedelta
from functools import partial

from aries_async.sim.bars import Bar, DayBar, aggregate
from aries_async.sim.clock import NEW_YORK
from aries_async.sim.sessions import extended_close, regular_close, regular_open
from aries_async.sim.walk import INTRADAY_DAYS_CAP, Walker

__all__ = ["intraday_bars", "session"]

_PRE_MARKET = time(4, 0)


def session(day: date, extended: bool) -> tuple[int, int] | None:
    """``[start, end)`` of ``day``'s session in Unix seconds: regular, or with ``extended``
    from the pre-market's start to the end of after-hours; None: not a trading day."""
    opens = regular_open(day)
    closes = (extended_close if extended else regular_close)(day)
    if opens is None or closes is None:
        return None
    if extended:
        opens = datetime.combine(day, _PRE_MARKET, NEW_YORK)
    return int(opens.timestamp()), int(closes.timestamp())


def intraday_bars(walker: Walker, minutes: int, start: int, end: int, extended: bool) -> list[Bar]:
    """The ``minutes``-minute bars of ``walker`` that start in ``[start, end]`` (Unix
    seconds), oldest first; each holds its minutes up to its own end, also past ``end``."""
    width = minutes * 60
    out: list[Bar] = []
    for first, last in _sessions(walker, start, end, extended):
        # The first bar on this session's grid that starts at or after ``start``, and the end
        # of the last one that starts by ``end`` (its own minutes, past ``end`` too).
        lo = first + max(0, -((first - start) // width)) * width
        hi = min(last, first + ((end - first) // width + 1) * width)
        if lo >= hi:
            continue
        found = _minutes(walker, lo, hi)
        out.extend(aggregate(found, partial(_grid, first, width)))
    return out


def _sessions(walker: Walker, start: int, end: int, extended: bool) -> Iterator[tuple[int, int]]:
    """The sessions that meet ``[start, end]``, oldest first, within the last
    :data:`~aries_async.sim.walk.INTRADAY_DAYS_CAP` days of the range that have minutes."""
    now = walker.step_time(walker.seq)
    first = datetime.fromtimestamp(max(start, 0), NEW_YORK).date()
    last = datetime.fromtimestamp(max(min(end, now), 0), NEW_YORK).date()
    first = max(first, last - timedelta(days=INTRADAY_DAYS_CAP))
    day = first
    while day <= last:
        span = session(day, extended)
        if span is not None and span[0] <= end and span[1] > start:
            yield span
        day += timedelta(days=1)


def _minutes(walker: Walker, lo: int, hi: int) -> list[Bar]:
    """The minute bars starting in ``[lo, hi)``, one session's: from the history before the
    live walk's first day, else from its steps."""
    day = datetime.fromtimestamp(lo, NEW_YORK).date()
    history = walker.history()
    if history and day <= history[-1].day:
        at = bisect_left(history, day, key=_day)
        if at == len(history) or history[at].day != day:
            return []
        bars = walker.intraday(history[at])
        return bars[bisect_left(bars, lo, key=_time) : bisect_right(bars, hi - 1, key=_time)]
    recorded = walker.minutes
    first = max(lo, int(walker.t0 // 60) * 60)
    out: list[Bar] = []
    for minute in range(first + (-first % 60), hi, 60):
        bar = recorded.get(minute)
        if bar is not None:
            o, h, low, c, v = bar
            out.append(Bar(minute, o, h, low, c, int(v)))
    return out


def _grid(first: int, width: int, t: int) -> int:
    """The start of the bar of ``t`` on a session's grid (``first``, every ``width`` s)."""
    return first + (t - first) // width * width


def _day(bar: DayBar) -> date:
    return bar.day


def _time(bar: Bar) -> int:
    return bar.time
