"""A generated method's ranges checked (:data:`~aries_async.apispec.ranges.RANGES`): given both
ends of one, a range that holds no value is a :class:`ValidationError` naming both, raised
before anything is sent, rather than a 400 from the server (or, from a lenient one, an empty
answer that looks like no data). That is a start after the end, of one kind of bound or two
(``strike_price_gte=200, strike_price_lt=100``), or equal ends one of which excludes its value
(``strike_price_gte=100, strike_price_lt=100``; a day after one and before the next). An end
is read as it is sent: the index bars' window (``apispec.wall_times.WALL_TIMES``) in New York's
wall time, a day there being New York's day, not UTC's."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from aries_async.apispec.ranges import day_bound, empty_ranges
from aries_async.apispec.wall_times import WALL_TIMES, wall_time
from aries_async.models.common import parse_datetime
from aries_async.resources._arguments import invalid

__all__ = ["check_ranges"]


def check_ranges(
    method: str,
    params: Sequence[Mapping[str, Any]],
    values: Mapping[str, Any],
    op_id: str,
    query: Mapping[str, str],
) -> None:
    """Refuse a range of ``params`` (operation ``op_id``'s) that holds no value for ``values``
    (the checked arguments by Python name), each end read as it is sent (``query``: the
    request's query, by wire name). Call it once each value has passed its own check: an end
    that cannot be read is left to that check.

    Raises:
        ValidationError: a start after its end, or equal ends one of which is strict;
            ``field`` is the start's name, the message names both.
    """
    names = {param["wire"]: param["name"] for param in params}
    given = {wire: values.get(name) for wire, name in names.items()}
    # A window sent as New York's wall time is compared as the text sent: a day there is New
    # York's, which a UTC day would misplace by hours either way.
    for wire in WALL_TIMES.get(op_id, ()):
        if wire in query:
            given[wire] = query[wire]
    for low, high, problem in empty_ranges(given, _key):
        start, end, first, last = names[low], names[high], given[low], given[high]
        if problem == "backwards":
            raise invalid(
                method, start, f"is after {end} ({first!r} > {last!r}): the range is backwards"
            )
        raise invalid(
            method,
            start,
            f"and {end} leave no value between them ({first!r}, {last!r}, one of them "
            "excluded): the range is empty",
        )


def _key(kind: str, value: Any, upper: bool, strict: bool) -> tuple[Any, bool] | None:
    """``value`` as its range compares it, and whether the end excludes it; None when it
    cannot be read so."""
    if kind == "number":
        if isinstance(value, bool):
            return None
        if isinstance(value, float):  # a JSON number's filter: by its shortest text
            value = repr(value)
        try:
            number = Decimal(value.strip() if isinstance(value, str) else value)
        except (InvalidOperation, TypeError, ValueError):
            return None
        return (number, strict) if number.is_finite() else None
    if kind == "text":
        return (value.strip().upper(), strict) if isinstance(value, str) else None
    return _instant(value, upper, strict)


def _instant(value: Any, upper: bool, strict: bool) -> tuple[datetime, bool] | None:
    """A time end as an aware instant: a day (``date`` or ``YYYY-MM-DD``) as the whole day
    (:func:`~aries_async.apispec.ranges.day_bound`)."""
    if isinstance(value, str) and len(value.strip()) == 10 and value.strip()[4] == "-":
        try:
            value = date.fromisoformat(value.strip())
        except ValueError:
            return None
    if isinstance(value, date) and not isinstance(value, datetime):
        return day_bound(value, upper, strict)
    if isinstance(value, datetime) and value.tzinfo is None:
        return None  # refused by its own check
    if isinstance(value, str) and (wall := wall_time(value)) is not None:
        return wall, strict
    try:
        instant = parse_datetime(value.strip() if isinstance(value, str) else value)
    except (ValueError, OverflowError, OSError):
        return None
    return (instant, strict) if instant is not None else None
