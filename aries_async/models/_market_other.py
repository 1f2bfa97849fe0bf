"""Symbol search, market status and holidays: market-data models other than
:class:`~aries_async.models.market.Quote`, the bars (:mod:`._bars`) and the details
(:mod:`._details`). Part of :mod:`aries_async.models.market`, which serves every name here on
first use: a program that only polls quotes does not build these classes at import.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import attrs

from aries_async.models.common import OpenEnum, wire

__all__ = [
    "Holiday",
    "MarketStatus",
    "SymbolMatch",
    "SymbolType",
]


class SymbolType(OpenEnum):
    """Kind of a search result (lower case on the wire; open)."""

    STOCK = "stock"
    OPTION = "option"
    INDEX = "index"
    FUTURE = "future"


@attrs.frozen(kw_only=True)
class SymbolMatch:
    """One result of ``GET /v1/marketdata/search``.

    Attributes:
        symbol: the ticker, OSI option symbol or ``/``-prefixed future.
        description: a human description (``"Apple Inc."``).
        tag: the venue tag (``XNAS``, ``OPRA``...).
        type: ``stock``, ``option``... (open enum).
    """

    symbol: str | None = None
    description: str | None = None
    tag: str | None = None
    type: SymbolType | None = None


# --------------------------------------------------------------------------------------------
# Market status and holidays


@attrs.frozen(kw_only=True)
class MarketStatus:
    """``GET /v1/market/status``: whether an exchange is open now.

    ``timestamp`` is the server time (a Unix integer on the wire, read as seconds, or
    milliseconds if it is that large), aware UTC. ``session`` wording (e.g. ``regular``) is not
    documented precisely; it is empty when closed.
    """

    exchange: str | None = None
    is_open: bool | None = None
    session: str | None = None
    timestamp: datetime | None = attrs.field(default=None, metadata=wire(epoch="s"))
    timezone: str | None = None


@attrs.frozen(kw_only=True)
class Holiday:
    """One market holiday from ``GET /v1/market/holiday``.

    ``trading_hour`` is like ``"09:30-13:00"`` for an early close and empty for a full closure.
    """

    event_name: str | None = None
    at_date: date | None = None
    trading_hour: str | None = None

    @property
    def early_close(self) -> bool:
        """Whether the market opens that day with shortened hours (not a full closure)."""
        return bool(self.trading_hour and self.trading_hour.strip())


def __getattr__(name: str) -> Any:
    # 0.1.0 defined the bars and the details here, and a pickle names a class by its module:
    # what moved out is served by models.market (which knows where each name now lives), so
    # that pickles of then load now.
    from aries_async.models import market

    if name in market.__all__:
        return getattr(market, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
