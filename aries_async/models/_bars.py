"""Bars (``GET /v1/chart/history``): the :class:`Bar` model and the conversion of the answer's
columns into bars and back (the simulator writes them with :func:`bars_to_wire`); their sizes
are in :mod:`._resolutions`.

Part of :mod:`aries_async.models.market`, which serves every name here on first use.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any, ClassVar, Literal

import attrs

from aries_async._deprecation import renamed, renamed_keywords
from aries_async._give_way import give_way
from aries_async.errors import ResponseFormatError
from aries_async.models._values import json_number, numbers_decimals, response_decimal
from aries_async.models.common import datetime_to_epoch, parse_datetime
from aries_async.models.market import check_status

__all__ = ["Bar", "bars_to_wire", "parse_bars"]


@renamed_keywords
@attrs.frozen(kw_only=True)
class Bar:
    """One OHLCV bar. ``timestamp`` is the bar's open, aware UTC (the wire's ``t``, named as
    every instant of the package is); ``volume`` is a ``Decimal``.

    ``time``, its name in the previous release, still reads and is still taken by the
    constructor, with a :class:`DeprecationWarning`.
    """

    timestamp: datetime
    open: Decimal
    high: Decimal
    low: Decimal
    close: Decimal
    volume: Decimal | None = None

    time: ClassVar[renamed[datetime]] = renamed("timestamp")


def parse_bars(data: object) -> list[Bar]:
    """Parse a ``GET /v1/chart/history`` (or tick-history) body into bars, oldest first.

    ``t`` may be Unix seconds or milliseconds (told apart by size). ``s == "no_data"`` gives
    ``[]``. The bars are made a step at a time (each column's part converted in one go),
    letting a waiting event loop in between (:func:`~aries_async._give_way.give_way`) when a
    large answer is read in a worker thread.

    Raises:
        ResponseFormatError: ``s == "error"``, arrays of different lengths, or bad values.
    """
    body = check_status(data, "bars", ("ok", "no_data"))
    if body.get("s") == "no_data":
        return []
    columns: dict[str, Sequence[Any]] = {}
    for key in ("t", "o", "h", "l", "c", "v"):
        column = body.get(key)
        if column is None:
            column = []
        if not isinstance(column, list):
            raise ResponseFormatError(f"bars: {key!r} is not a list")
        columns[key] = column
    length = len(columns["t"])
    for key in ("o", "h", "l", "c"):
        if len(columns[key]) != length:
            raise ResponseFormatError(
                f"bars: {key!r} has {len(columns[key])} values but 't' has {length}"
            )
    if columns["v"] and len(columns["v"]) != length:
        raise ResponseFormatError(f"bars: 'v' has {len(columns['v'])} values but 't' has {length}")
    bars: list[Bar] = []
    for at in range(0, length, _BARS_A_STEP):
        bars += _some_bars(columns, at, min(at + _BARS_A_STEP, length))
        give_way()
    return bars


_BARS_A_STEP = 500
"""Bars made between two :func:`give_way` calls (a few milliseconds of work)."""


def _some_bars(columns: dict[str, Sequence[Any]], start: int, stop: int) -> list[Bar]:
    """The bars ``start`` to ``stop`` (indexes) of the answer's ``columns``."""
    times = _times(columns["t"], start, stop)
    prices = [_amounts(columns[key], key, start, stop) for key in ("o", "h", "l", "c")]
    volumes = _amounts(columns["v"], "v", start, stop) if columns["v"] else [None] * (stop - start)
    if None in times or any(None in column for column in prices):
        empty = next(i for i, row in enumerate(zip(times, *prices, strict=True)) if None in row)
        raise ResponseFormatError(f"bars: bar {start + empty} has empty values")
    return list(map(_bar, times, *prices, volumes))


_new = object.__new__
_init = getattr(Bar.__init__, "__wrapped__", Bar.__init__)
"""attrs' own ``__init__`` of :class:`Bar`, without the check for its previous keyword names
(``renamed_keywords``' wrapper, which costs as much again, for names no answer uses)."""


def _bar(
    when: datetime, open_: Decimal, high: Decimal, low: Decimal, close: Decimal, volume: Any
) -> Bar:
    bar: Bar = _new(Bar)
    _init(bar, timestamp=when, open=open_, high=high, low=low, close=close, volume=volume)
    return bar


def _times(column: Sequence[Any], start: int, stop: int) -> list[datetime | None]:
    """The ``t`` column's values ``start`` to ``stop`` as aware UTC instants (None for an
    empty value)."""
    values = column[start:stop]
    try:
        return list(map(parse_datetime, values))
    except ValueError:
        for i, value in enumerate(values, start):
            try:
                parse_datetime(value)
            except ValueError as exc:
                raise ResponseFormatError(f"bars: t[{i}]: {exc}") from None
        raise


def _amounts(column: Sequence[Any], key: str, start: int, stop: int) -> list[Decimal | None]:
    """A price or volume column's values ``start`` to ``stop`` as ``Decimal`` values (None for
    an empty value), converted in one go when they are JSON numbers only, else one by one."""
    values = column[start:stop]
    converted = numbers_decimals(values)
    if converted is not None:
        return converted
    return [response_decimal(value, f"bars: {key}[{i}]") for i, value in enumerate(values, start)]


def bars_to_wire(
    bars: Sequence[Bar], *, next_time: int | None = None, time_unit: Literal["s", "ms"] = "s"
) -> dict[str, Any]:
    """The ``/v1/chart/history`` body for ``bars`` (``{"s": "no_data"}`` when empty).

    Args:
        bars: the bars, oldest first.
        next_time: written as ``nextTime`` when given.
        time_unit: ``"s"`` for chart history (Unix seconds), ``"ms"`` for tick history.
    """
    if not bars:
        out: dict[str, Any] = {"s": "no_data"}
    else:
        out = {
            "s": "ok",
            "t": [datetime_to_epoch(bar.timestamp, time_unit) for bar in bars],
            "o": [json_number(bar.open) for bar in bars],
            "h": [json_number(bar.high) for bar in bars],
            "l": [json_number(bar.low) for bar in bars],
            "c": [json_number(bar.close) for bar in bars],
            "v": [json_number(bar.volume) if bar.volume is not None else 0 for bar in bars],
        }
    if next_time is not None:
        out["nextTime"] = next_time
    return out
