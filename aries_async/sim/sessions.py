"""The simulator's New York trading calendar: trading days, sessions, and when an order's
session ends.

Sessions of a trading day (a weekday that is not a full-day holiday: :func:`holidays`, by the
exchange's rules), New York time: pre-market 04:00-09:30, regular 09:30-16:00 (13:00 on an
early-close day), after-hours from the close to 20:00 (17:00 after an early close). The
market-status routes and the websocket's ``marketStatus`` say which one the clock is in
(:func:`session_name`).

One rule ends every session-bound order, equity or prediction: an order belongs to the first
session whose end (by the order's kind) comes after its placement, and expires at that end
(:func:`next_end`). For the equity and option orders of ``POST /v1/orders``
(:func:`order_deadline`):

* ``DAY``: the regular close. Placed before or during a trading day's regular session, that
  day's close; placed after the close, on a weekend or a holiday, the next trading day's;
* ``AT_THE_CLOSE``: the same close, where it trades in the closing auction (finance-dev:
  "execute at the official market close price; if it can't fill at close, it's cancelled"):
  all of it at the session's official close price if that is marketable for it, else it
  expires then; it does not fill before (:mod:`~aries_async.sim.matching`);
* ``AT_THE_OPENING``: the regular open, in the opening auction likewise, at the official open
  price (an order placed before a trading day's open belongs to that open, one placed later
  to the next trading day's); until when both are taken: :mod:`~aries_async.sim.auctions`;
* ``EXTENDED_HOURS``: the end of after-hours, 20:00 (17:00 on an early-close day);
* ``GTC`` works until filled or canceled; ``IOC`` and ``FOK`` end at acceptance.

Prediction orders with ``timeInForce`` ``day`` end with the New York calendar day
(:func:`calendar_day_end`): that venue trades every day.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from datetime import date, datetime, time, timedelta
from typing import Any

from aries_async.sim.clock import NEW_YORK
from aries_async.sim.holidays import holidays, hours_by_date

__all__ = [
    "calendar_day_end",
    "contract_close",
    "contracts_end",
    "extended_close",
    "holidays",
    "is_trading_day",
    "next_end",
    "next_session_change",
    "order_deadline",
    "regular_close",
    "regular_open",
    "session_changes",
    "session_name",
]

_OPEN = time(9, 30)
_CLOSE = time(16, 0)
_PRE_MARKET = time(4, 0)
_AFTER_HOURS_END = time(20, 0)
_EARLY_AFTER_HOURS_END = time(17, 0)
"""After an early close (13:00) the exchanges' late session ends at 17:00."""

_LOOKAHEAD_DAYS = 15
"""How far :func:`next_end` looks for a session: longer than any run of days without one."""


def _hours(day: date) -> str | None:
    """The trading hours of a holiday or early close (``""``: closed); None: a usual day."""
    return hours_by_date(day.year).get(day.isoformat())


def is_trading_day(day: date) -> bool:
    """Weekday and not a full-day holiday."""
    return day.weekday() < 5 and _hours(day) != ""


def _close_time(day: date) -> time:
    hours = _hours(day)
    return time.fromisoformat(hours.split("-")[1]) if hours else _CLOSE


def _after_hours_end(day: date) -> time:
    return _EARLY_AFTER_HOURS_END if _hours(day) else _AFTER_HOURS_END


def regular_open(day: date) -> datetime | None:
    """The open of ``day``'s regular session (09:30 New York); None: not a trading day."""
    return datetime.combine(day, _OPEN, NEW_YORK) if is_trading_day(day) else None


def regular_close(day: date) -> datetime | None:
    """The close of ``day``'s regular session (16:00 New York, earlier on an early-close day);
    None: not a trading day."""
    return datetime.combine(day, _close_time(day), NEW_YORK) if is_trading_day(day) else None


def extended_close(day: date) -> datetime | None:
    """The end of ``day``'s after-hours session (20:00 New York, 17:00 on an early-close day);
    None: not a trading day."""
    return datetime.combine(day, _after_hours_end(day), NEW_YORK) if is_trading_day(day) else None


def contract_close(maturity: date) -> datetime:
    """When an option contract expiring on ``maturity`` stops trading: the regular close of
    that day, or of the last trading day before it when the exchange is closed then."""
    day = maturity
    for _ in range(_LOOKAHEAD_DAYS):
        close = regular_close(day)
        if close is not None:
            return close
        day -= timedelta(days=1)
    return datetime.combine(maturity, _CLOSE, NEW_YORK)


def contracts_end(legs: Sequence[Mapping[str, Any]]) -> tuple[float, date] | None:
    """When the first of the option contracts of an order's ``legs`` stops trading (Unix
    seconds), and its expiration day; None for no option leg with a readable maturity."""
    ends = []
    for leg in legs:
        try:
            maturity = date.fromisoformat(str(leg.get("maturity")))
        except ValueError:
            continue
        ends.append((contract_close(maturity).timestamp(), maturity))
    return min(ends, default=None)


def calendar_day_end(day: date) -> datetime:
    """Midnight New York at the end of ``day``."""
    return datetime.combine(day + timedelta(days=1), time(0), NEW_YORK)


def session_name(local: datetime) -> str:
    """The session at ``local`` (a New York time): ``regular``, ``pre-market``,
    ``after-hours``, or ``""`` when the market is closed."""
    if not is_trading_day(local.date()):
        return ""
    now, close = local.time(), _close_time(local.date())
    if _OPEN <= now < close:
        return "regular"
    if _PRE_MARKET <= now < _OPEN:
        return "pre-market"
    if close <= now < _after_hours_end(local.date()):
        return "after-hours"
    return ""


def session_changes(after: float, until: float) -> list[float]:
    """The instants (Unix seconds) in ``(after, until]`` at which :func:`session_name`
    changes, in order: each trading day's pre-market start, open, close and end of
    after-hours."""
    found = []
    day = datetime.fromtimestamp(after, NEW_YORK).date()
    last = datetime.fromtimestamp(until, NEW_YORK).date()
    while day <= last:
        if is_trading_day(day):
            for at in (_PRE_MARKET, _OPEN, _close_time(day), _after_hours_end(day)):
                instant = datetime.combine(day, at, NEW_YORK).timestamp()
                if after < instant <= until:
                    found.append(instant)
        day += timedelta(days=1)
    return found


def next_session_change(after: float) -> float:
    """The first instant after ``after`` at which :func:`session_name` changes (``inf``: none
    within two weeks)."""
    changes = session_changes(after, after + _LOOKAHEAD_DAYS * 86400)
    return changes[0] if changes else math.inf


def next_end(placed_at: float, end_of: Callable[[date], datetime | None]) -> float:
    """When an order placed at ``placed_at`` (Unix seconds) expires: the first session end
    after it, ``end_of(day)`` being the end of ``day``'s session (None: no session that day),
    from the New York day of the placement on.

    Raises:
        ValueError: no session ends within two weeks.
    """
    day = datetime.fromtimestamp(placed_at, NEW_YORK).date()
    for _ in range(_LOOKAHEAD_DAYS):
        end = end_of(day)
        if end is not None and end.timestamp() > placed_at:
            return end.timestamp()
        day += timedelta(days=1)
    raise ValueError("no session ends within two weeks")


_ORDER_SESSIONS: dict[str, tuple[Callable[[date], datetime | None], str]] = {
    "DAY": (regular_close, "the close"),
    "AT_THE_CLOSE": (regular_close, "the close"),
    "AT_THE_OPENING": (regular_open, "the open"),
    "EXTENDED_HOURS": (extended_close, "the end of extended hours"),
}


def order_deadline(time_in_force: str, placed_at: float) -> tuple[float, str] | None:
    """When an equity or option order with ``time_in_force``, placed (or replaced) at
    ``placed_at``, expires if still working, and the reason its ``text`` then gives; None for
    the times in force no session ends (``GTC``; ``IOC`` and ``FOK`` end at acceptance).

    Example:
        >>> from datetime import UTC
        >>> placed = datetime(2026, 1, 15, 15, 0, tzinfo=UTC).timestamp()  # 10:00 New York
        >>> at, text = order_deadline("DAY", placed)
        >>> datetime.fromtimestamp(at, NEW_YORK).isoformat(), text
        ('2026-01-15T16:00:00-05:00', 'DAY order expired at the close')
    """
    session = _ORDER_SESSIONS.get(time_in_force)
    if session is None:
        return None
    end_of, what = session
    return next_end(placed_at, end_of), f"{time_in_force} order expired at {what}"
