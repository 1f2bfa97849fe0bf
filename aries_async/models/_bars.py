"""Bars (``GET /v1/chart/history``): the :class:`Bar` model, its sizes, and the conversion of
the answer's columns into bars and back (the simulator writes them with :func:`bars_to_wire`).

Part of :mod:`aries_async.models.market`, which serves every name here on first use.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any, ClassVar, Literal, get_args

import attrs

from aries_async._deprecation import renamed, renamed_keywords
from aries_async.errors import ResponseFormatError
from aries_async.models._values import json_number, response_decimal
from aries_async.models.common import datetime_to_epoch, parse_datetime
from aries_async.models.market import check_status

__all__ = ["RESOLUTIONS", "Bar", "Resolution", "bars_to_wire", "parse_bars"]


_Minutes = Literal["1", "3", "5", "15", "30", "45", "60", "120", "180", "240"]
_DaysAndLonger = Literal["D", "1D", "1d", "W", "1W", "1w", "M", "1M", "3M", "6M", "12M"]
Resolution = Literal[_Minutes, _DaysAndLonger]
"""A bar size of ``market.bars()``: minutes as a bare number (``"1"`` ... ``"240"``: ``"60"``
is an hour), ``D``/``1D`` a day, ``W``/``1W`` a week, ``M``/``1M``/``3M``/``6M``/``12M``
months (rest.md section 9a).

The API also takes ``1m``, ``3m``, ``6m`` and ``12m``, but as months, which is not how they
read: the SDK refuses them (and ``5m``, ``1h``...) with a hint instead of asking for monthly
bars when minutes were meant."""

RESOLUTIONS: frozenset[str] = frozenset(get_args(Resolution))
"""Every :data:`Resolution`."""


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
    ``[]``.

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
    bars = []
    for i in range(length):
        try:
            when = parse_datetime(columns["t"][i])
        except ValueError as exc:
            raise ResponseFormatError(f"bars: t[{i}]: {exc}") from None
        prices = [
            response_decimal(columns[key][i], f"bars: {key}[{i}]") for key in ("o", "h", "l", "c")
        ]
        if when is None or any(p is None for p in prices):
            raise ResponseFormatError(f"bars: bar {i} has empty values")
        volume = response_decimal(columns["v"][i], f"bars: v[{i}]") if columns["v"] else None
        open_, high, low, close = (p for p in prices if p is not None)
        bars.append(Bar(timestamp=when, open=open_, high=high, low=low, close=close, volume=volume))
    return bars


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
