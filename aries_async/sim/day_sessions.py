"""The trading days of a symbol's live walk: the session values a quote carries (open, high,
low, volume, the previous close) and the daily bars of the days the simulator ran.

The walk steps around the clock, weekends and holidays included; the session values do not.
The live walk starts in the session of the feed's start date (New York). A session's values
move with the trades from its start until its regular close (16:00 New York, 13:00 on an
early-close day; a day without a session, such as a start on a Saturday, until its end);
after the close the last price goes on moving and the values stand. The first trade at or
after the next trading day's regular open starts that day's session: the previous close is
the last price at or before the close of the session that ended, and the day that ended is
a daily bar (:attr:`DaySession.done`). So a bot that runs for days reads each day's own
open, range and volume, the change from the last close, and yesterday's bar.
"""

from __future__ import annotations

import math
from datetime import date, datetime, timedelta

import attrs

from aries_async.sim.bars import DayBar
from aries_async.sim.clock import NEW_YORK
from aries_async.sim.sessions import regular_close, regular_open

__all__ = ["DaySession", "next_open_after"]

_LOOKAHEAD_DAYS = 15
"""How far the next trading day is looked for: longer than any run of days without one."""


def next_open_after(day: date) -> float:
    """The regular open of the first trading day after ``day`` (Unix seconds): when the
    session after ``day``'s starts."""
    for ahead in range(1, _LOOKAHEAD_DAYS):
        opens = regular_open(day + timedelta(days=ahead))
        if opens is not None:
            return opens.timestamp()
    return math.inf


def _close(day: date) -> float:
    """When the session of ``day`` stops moving its values: its regular close, or the end of
    the day when it has no session."""
    closes = regular_close(day)
    if closes is not None:
        return closes.timestamp()
    return datetime.combine(day + timedelta(days=1), datetime.min.time(), NEW_YORK).timestamp()


@attrs.define
class DaySession:
    """One symbol's current session and the sessions of the live walk before it.

    Attributes:
        day: the New York date of the current session.
        prev_close: the close of the session before it.
        open, high, low, close, volume: its values so far (``close``: the last price at or
            before its close).
        done: a daily bar for each session of the live walk that ended, oldest first.
    """

    day: date
    prev_close: float
    open: float
    high: float
    low: float
    close: float
    volume: int
    ends: float
    next_open: float
    done: list[DayBar] = attrs.Factory(list)

    @classmethod
    def starting(cls, t0: float, price: float, prev_close: float) -> DaySession:
        """The session of ``t0``'s New York date, opening at ``price``."""
        day = datetime.fromtimestamp(t0, NEW_YORK).date()
        return cls(
            day=day,
            open=price,
            high=price,
            low=price,
            close=price,
            volume=0,
            prev_close=prev_close,
            ends=_close(day),
            next_open=next_open_after(day),
        )

    def trade(self, when: float, price: float, size: int) -> None:
        """A trade of the walk at ``when`` (Unix seconds): first the sessions that ended by
        then, then the current one's values, if it is not closed yet."""
        if when >= self.next_open:
            self._roll(when, price)
        if when <= self.ends:
            self.close = price
            self.high = max(self.high, price)
            self.low = min(self.low, price)
            self.volume += size

    def _roll(self, when: float, price: float) -> None:
        last = self.close
        while when >= self.next_open:
            self.done.append(
                DayBar(self.day, self.open, self.high, self.low, self.close, self.volume)
            )
            self.prev_close = self.close
            self.day = datetime.fromtimestamp(self.next_open, NEW_YORK).date()
            self.ends = _close(self.day)
            self.next_open = next_open_after(self.day)
            # A session without a trade of its own (a step longer than a day) is flat at the
            # close before it; the one ``when`` falls in opens at this trade.
            self.open = self.high = self.low = self.close = last
            self.volume = 0
        self.open = self.high = self.low = self.close = price

    def bar(self) -> DayBar:
        """The current session as a daily bar (its close so far)."""
        return DayBar(self.day, self.open, self.high, self.low, self.close, self.volume)
