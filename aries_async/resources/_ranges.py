"""A generated method's ranges checked (:data:`~aries_async.apispec.ranges.RANGES`): given both
ends of one, a start after the end is a :class:`ValidationError` naming both, raised before
anything is sent, rather than a 400 from the server (or, from a lenient one, an empty answer
that looks like no data)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from aries_async.apispec.ranges import RANGES
from aries_async.apispec.wall_times import wall_time
from aries_async.models.common import parse_datetime
from aries_async.resources._arguments import invalid

__all__ = ["check_ranges"]


def check_ranges(
    method: str, params: Sequence[Mapping[str, Any]], values: Mapping[str, Any]
) -> None:
    """Refuse a range of ``params`` (the operation's) whose start, in ``values`` (the checked
    arguments by Python name), is after its end. Call it once each value has passed its own
    check: an end that cannot be read is left to that check.

    Raises:
        ValidationError: a start after its end; ``field`` is the start's name.
    """
    by_wire = {param["wire"]: param for param in params}
    for (low, high), kind in RANGES.items():
        if low not in by_wire or high not in by_wire:
            continue
        start, end = by_wire[low]["name"], by_wire[high]["name"]
        first, last = values.get(start), values.get(end)
        if first is None or last is None:
            continue
        a, b = _key(kind, first, upper=False), _key(kind, last, upper=True)
        if a is not None and b is not None and a > b:
            raise invalid(
                method, start, f"is after {end} ({first!r} > {last!r}): the range is backwards"
            )


def _key(kind: str, value: Any, upper: bool) -> Any:
    """``value`` as its range compares it; None when it cannot be read so."""
    if kind == "number":
        if isinstance(value, bool):
            return None
        if isinstance(value, float):  # a JSON number's filter: by its shortest text
            value = repr(value)
        try:
            number = Decimal(value.strip() if isinstance(value, str) else value)
        except (InvalidOperation, TypeError, ValueError):
            return None
        return number if number.is_finite() else None
    if kind == "text":
        return value.strip().upper() if isinstance(value, str) else None
    return _instant(value, upper)


def _instant(value: Any, upper: bool) -> datetime | None:
    """A time end as an aware instant: a day (``date`` or ``YYYY-MM-DD``) is its first
    microsecond as a start, its last as an end (a day includes every instant of it)."""
    if isinstance(value, str) and len(value.strip()) == 10 and value.strip()[4] == "-":
        try:
            value = date.fromisoformat(value.strip())
        except ValueError:
            return None
    if isinstance(value, date) and not isinstance(value, datetime):
        start = datetime(value.year, value.month, value.day, tzinfo=UTC)
        return start + timedelta(days=1, microseconds=-1) if upper else start
    if isinstance(value, datetime) and value.tzinfo is None:
        return None  # refused by its own check
    if isinstance(value, str) and (wall := wall_time(value)) is not None:
        return wall
    try:
        return parse_datetime(value.strip() if isinstance(value, str) else value)
    except (ValueError, OverflowError, OSError):
        return None
