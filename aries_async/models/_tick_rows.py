"""What the generated ``TickChartBars`` (``client.chart.tick_history()``) reads beyond its wire
fields: its columns as :class:`~aries_async.models.market.Bar` rows, the items that
``async for`` over the method hands out.

The generated class takes :class:`TickRows` as its base (``tools/apigen_models.py``, ``BASES``):
the wire fields stay the generator's, the reading of them is written here once.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from aries_async.errors import ResponseFormatError

if TYPE_CHECKING:
    from aries_async.models._bars import Bar

__all__ = ["TickRows"]


class TickRows:
    """The rows of a tick history page (a base of ``TickChartBars``, which has the columns)."""

    __slots__ = ()

    s: str
    errmsg: str | None
    t: list[datetime]
    o: list[Decimal]
    h: list[Decimal]
    l: list[Decimal]  # noqa: E741 - the wire's letter, as the generated field
    c: list[Decimal]
    v: list[int]

    @property
    def bars(self) -> list[Bar]:
        """The page's ticks as bars, oldest first (the columns' order): ``timestamp`` from
        ``t``, the prices from ``o``, ``h``, ``l``, ``c``, ``volume`` from ``v`` (None when
        the page has no volumes). A page with ``s == "no_data"`` has none.

        Raises:
            ResponseFormatError: the server reported an error (``s == "error"``, its
                ``errmsg`` quoted), or the columns are not as long as ``t``.
        """
        from aries_async.models._bars import Bar

        if self.s == "error":
            reason = self.errmsg or "unknown error"
            raise ResponseFormatError(f"tick history: server reported an error: {reason}")
        if self.s == "no_data":
            return []
        length = len(self.t)
        columns: dict[str, Sequence[object]] = {
            "o": self.o,
            "h": self.h,
            "l": self.l,
            "c": self.c,
        }
        if self.v:
            columns["v"] = self.v
        for key, column in columns.items():
            if len(column) != length:
                raise ResponseFormatError(
                    f"tick history: {key!r} has {len(column)} values but 't' has {length}"
                )
        volumes = [Decimal(v) for v in self.v] if self.v else [None] * length
        return [
            Bar(timestamp=when, open=o, high=h, low=low, close=c, volume=volume)
            for when, o, h, low, c, volume in zip(
                self.t, self.o, self.h, self.l, self.c, volumes, strict=True
            )
        ]
