"""The NYSE's market holidays and early closes for any year, by the exchange's rules.

Full-day holidays: New Year's Day, Martin Luther King, Jr. Day (third Monday of January),
Washington's Birthday (third Monday of February), Good Friday, Memorial Day (last Monday of
May), Juneteenth, Independence Day, Labor Day (first Monday of September), Thanksgiving Day
(fourth Thursday of November) and Christmas. A fixed-date holiday on a Saturday is observed on
the Friday before, on a Sunday on the Monday after (named "... (observed)"), except New Year's
Day on a Saturday, which is not observed (the exchange does not close on the last day of the
year before). Early closes at 13:00: the day after Thanksgiving, and July 3 and December 24
when they fall Monday to Thursday (the day before the holiday itself).

An early close is a trading day, not a holiday: its row carries the day's hours
(:data:`EARLY_CLOSE`, rest.md 11) and the name the exchange publishes for it ("Day before
Independence Day", "Day after Thanksgiving", "Christmas Eve"), never the name of the closed day
next to it, so that a bot matching rows by name does not take it for a closed day.
"""

from __future__ import annotations

import functools
from datetime import date, timedelta

__all__ = ["EARLY_CLOSE", "holidays", "hours_by_date"]

EARLY_CLOSE = "09:30-13:00"
"""The trading hours of an early-close day."""

Holiday = tuple[str, str, str]
"""Name, ISO date, and trading hours (``""``: closed all day; else :data:`EARLY_CLOSE`)."""


def _nth_weekday(year: int, month: int, weekday: int, n: int) -> date:
    """The ``n``-th ``weekday`` (Monday 0) of the month; ``n`` -1: the last."""
    if n > 0:
        first = date(year, month, 1)
        return first + timedelta(days=(weekday - first.weekday()) % 7 + 7 * (n - 1))
    following = date(year + month // 12, month % 12 + 1, 1)
    last = following - timedelta(days=1)
    return last - timedelta(days=(last.weekday() - weekday) % 7)


def _easter(year: int) -> date:
    """Easter Sunday of the Gregorian calendar (the anonymous Gregorian algorithm)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = divmod(b, 4)
    g = (8 * b + 13) // 25
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    weekday = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 19 * weekday) // 433
    month = (h + weekday - 7 * m + 90) // 25
    return date(year, month, (h + weekday - 7 * m + 33 * month + 19) % 32)


def _observed(name: str, day: date) -> tuple[str, date] | None:
    """A fixed-date holiday on the day it is observed, if it is."""
    if day.weekday() == 5:  # Saturday: the Friday before, but not for New Year's Day
        return None if name == "New Year's Day" else (f"{name} (observed)", day - timedelta(1))
    if day.weekday() == 6:
        return f"{name} (observed)", day + timedelta(days=1)
    return name, day


@functools.cache
def holidays(year: int) -> tuple[Holiday, ...]:
    """The year's full-day holidays and early closes, in date order."""
    fixed = [
        ("New Year's Day", date(year, 1, 1)),
        ("Juneteenth National Independence Day", date(year, 6, 19)),
        ("Independence Day", date(year, 7, 4)),
        ("Christmas", date(year, 12, 25)),
    ]
    days: list[tuple[str, date, str]] = [
        (name, day, "") for name, day in filter(None, (_observed(n, d) for n, d in fixed))
    ]
    thanksgiving = _nth_weekday(year, 11, 3, 4)
    days += [
        ("Martin Luther King, Jr. Day", _nth_weekday(year, 1, 0, 3), ""),
        ("Washington's Birthday", _nth_weekday(year, 2, 0, 3), ""),
        ("Good Friday", _easter(year) - timedelta(days=2), ""),
        ("Memorial Day", _nth_weekday(year, 5, 0, -1), ""),
        ("Labor Day", _nth_weekday(year, 9, 0, 1), ""),
        ("Thanksgiving Day", thanksgiving, ""),
        ("Day after Thanksgiving", thanksgiving + timedelta(days=1), EARLY_CLOSE),
    ]
    for name, eve in (
        ("Day before Independence Day", date(year, 7, 3)),
        ("Christmas Eve", date(year, 12, 24)),
    ):
        if eve.weekday() < 4:
            days.append((name, eve, EARLY_CLOSE))
    return tuple((name, day.isoformat(), hours) for name, day, hours in sorted(days, key=_date))


def _date(entry: tuple[str, date, str]) -> date:
    return entry[1]


@functools.cache
def hours_by_date(year: int) -> dict[str, str]:
    """ISO date -> trading hours of the year's holidays and early closes (``""``: closed)."""
    return {day: hours for _, day, hours in holidays(year)}
