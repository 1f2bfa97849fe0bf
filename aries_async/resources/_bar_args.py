"""The bars call's arguments and pages (:meth:`Market.bars <aries_async.resources.market.
Market.bars>`, :meth:`~aries_async.resources.market.Market.iter_bars`): the bar size, the times,
and the continuation of a page."""

from __future__ import annotations

import math
import re
from collections.abc import AsyncIterator
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from aries_async.errors import ResponseFormatError, ValidationError

if TYPE_CHECKING:
    from aries_async.models.market import Bar

__all__ = ["bar_page", "bar_size", "epoch", "flat"]

_MINUTES = re.compile(r"(\d+)\s*(?:m|min|mins|minutes?)", re.IGNORECASE)
_HOURS = re.compile(r"(\d+)\s*(?:h|hr|hrs|hours?)", re.IGNORECASE)


def bar_size(value: object, allowed: frozenset[str]) -> str:
    """``value`` when it is an allowed bar size.

    Raises:
        ValidationError: for anything else, with a hint for a size written another way.
    """
    if isinstance(value, str) and value in allowed:
        return value
    text = value.strip() if isinstance(value, str) else str(value)
    minutes = _MINUTES.fullmatch(text)
    hours = _HOURS.fullmatch(text)
    if text.lower() in ("1m", "3m", "6m", "12m"):
        hint = (
            f"{text!r} means {text[:-1]} month(s) on this API, though it reads as minutes: one "
            f'minute is "1", one month "1M"'
        )
    elif minutes and minutes.group(1).lstrip("0") in allowed:
        hint = f'minutes are bare numbers: "{minutes.group(1).lstrip("0")}"'
    elif hours and str(int(hours.group(1)) * 60) in allowed:
        hint = f'hours are minutes: "{int(hours.group(1)) * 60}"'
    elif text.upper().endswith("T") and text[:-1].isdigit():
        hint = "tick bars are not served by bars()"
    else:
        hint = "allowed: " + ", ".join(sorted(allowed, key=_resolution_order))
    raise ValidationError(f"bad resolution {value!r}: {hint}", field="resolution")


def _resolution_order(value: str) -> tuple[int, int, str]:
    unit = value[-1].upper()
    rank = 0 if unit.isdigit() else "DWM".index(unit) + 1
    count = int(value if unit.isdigit() else value[:-1] or 1)
    return rank, count, value


LAST_SECOND = 10**11 - 1
"""The last Unix second a bars request can name (in the year 5138): the server reads a larger
number as milliseconds (rest.md 9a). A later end asks for everything up to now."""


def epoch(value: object, field: str, *, ends: bool) -> int:
    """``value`` in Unix seconds, for bars whose open lies between ``start`` and ``end``: a
    time in a second's fraction is the next second for the start of a range, and the second it
    is in for its end (``ends``)."""
    if isinstance(value, datetime):
        if value.tzinfo is None:
            raise ValidationError(f"{field} must be timezone-aware", field=field)
        seconds = value.timestamp()
        whole = math.floor(seconds) if ends else math.ceil(seconds)
        return min(whole, LAST_SECOND)
    if isinstance(value, date):  # a calendar day is no instant: say which one to give
        raise ValidationError(
            f"{field} must be an aware datetime or Unix seconds, got a date: "
            f"datetime({value.year}, {value.month}, {value.day}, tzinfo=UTC) for its start",
            field=field,
        )
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValidationError(f"{field} must be an aware datetime or Unix seconds", field=field)
    return value


def _next_time(data: Any) -> int | None:
    """The ``nextTime`` of a bars body in Unix seconds, if it has one."""
    value = data.get("nextTime") if isinstance(data, dict) else None
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise ResponseFormatError(f"bars: nextTime is not a Unix time: {value!r}")
    return value // 1000 if value >= 10**11 else value  # milliseconds, as the server accepts


def bar_page(data: Any) -> tuple[list[Bar], int | None]:
    """One page of bars and its continuation (run off the event loop for a large page)."""
    from aries_async.models.market import parse_bars  # not on the quote path

    return parse_bars(data), _next_time(data)


async def flat(pages: AsyncIterator[list[Bar]]) -> AsyncIterator[Bar]:
    async for page in pages:
        for bar in page:
            yield bar
