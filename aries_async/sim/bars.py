"""Bars for the simulator's chart history: the bar record, resolutions and aggregation."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import UTC, date, datetime, timedelta

import attrs

__all__ = [
    "RESOLUTIONS",
    "Bar",
    "DayBar",
    "aggregate",
    "day_epoch",
    "month_start",
    "parse_resolution",
    "week_start",
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


RESOLUTIONS: dict[str, tuple[str, int]] = {
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
    found = RESOLUTIONS.get(raw) or RESOLUTIONS.get(raw.upper())
    return found


@attrs.frozen
class DayBar:
    """One session of the history before the live walk."""

    day: date
    open: float
    high: float
    low: float
    close: float
    volume: int


def day_epoch(day: date) -> int:
    """Unix seconds of a day's UTC midnight (the time of daily bars)."""
    return int(datetime(day.year, day.month, day.day, tzinfo=UTC).timestamp())


def week_start(t: int) -> int:
    """The daily-bar time of the Monday of ``t``'s week."""
    day = datetime.fromtimestamp(t, UTC).date()
    return day_epoch(day - timedelta(days=day.weekday()))


def month_start(t: int, months: int) -> int:
    """The daily-bar time of the first day of ``t``'s block of ``months`` months."""
    day = datetime.fromtimestamp(t, UTC).date()
    index = (day.year * 12 + day.month - 1) // months * months
    return day_epoch(date(index // 12, index % 12 + 1, 1))


def aggregate(bars: Iterable[Bar], bucket: Callable[[int], int]) -> list[Bar]:
    """Merge consecutive bars with the same ``bucket(time)`` into one."""
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
