"""Charts-socket updates (``/v1/charts/ws``, websocket.md section 5): quotes and last trades in
TradingView field naming, served by :mod:`aries_async.models.events`.

Like the market-data updates they are lazy (the wire ``data`` is kept, a field is converted on
first read), tolerate numbers sent as strings, and take a time as epoch seconds, milliseconds or
RFC 3339 (the unit of a trade's ``t`` is not documented: it is told apart by size).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal
from typing import Any

import attrs

from aries_async.models._market_events import price_converter
from aries_async.models._stream_events import ServerErrorMessage, StatusEvent, UnknownEvent
from aries_async.models._values import number_decimal
from aries_async.models._wire import (
    LazyWire,
    lazy,
    lazy_field,
    to_str,
    to_time,
)
from aries_async.models.common import MS_RANGE, datetime_to_epoch, epoch_ms

__all__ = ["ChartEvent", "ChartQuote", "ChartTrade", "ChartUpdate", "convert_chart_prices"]

_MS_FROM, _MS_TO = MS_RANGE


@attrs.frozen(slots=False, repr=False)
class ChartQuote(LazyWire):
    """A quote of one symbol on the charts socket: ``{"s", "n", "v": {...}}``.

    Its fields are named as those of the REST :class:`~aries_async.models.market.Quote`
    (``bid_price``, ``previous_close_price``...).

    Example:
        >>> q = ChartQuote("AAPL", {"s": "ok", "n": "AAPL", "v": {"lp": 189.5, "bid": "189.49"}})
        >>> q.last_price, q.bid_price, q.ask_price
        (Decimal('189.5'), Decimal('189.49'), None)

    Attributes:
        symbol: the ticker or OSI option symbol.
        data: the wire ``data`` object, unchanged (treat it as read-only); :attr:`values` is
            its ``v`` object, with the fields this model does not name.
        timestamp_ms: the envelope's ``timestamp`` as sent (the raw wire value, Unix ms),
            when sent; :attr:`timestamp` is the same instant as aware UTC.
    """

    status = lazy_field("s", to_str, "``s``: ``ok`` or ``error``.")
    name = lazy_field("n", to_str, "``n``: the symbol as the server names it.")
    last_price = lazy_field("lp", number_decimal, "``v.lp``: the last price.", within="v")
    change = lazy_field(
        "ch", number_decimal, "``v.ch``: change from the previous close.", within="v"
    )
    change_percent = lazy_field("chp", number_decimal, "``v.chp``: change in percent.", within="v")
    bid_price = lazy_field("bid", number_decimal, "``v.bid``: the bid.", within="v")
    ask_price = lazy_field("ask", number_decimal, "``v.ask``: the ask.", within="v")
    open_price = lazy_field("open_price", number_decimal, "``v.open_price``.", within="v")
    high_price = lazy_field("high_price", number_decimal, "``v.high_price``.", within="v")
    low_price = lazy_field("low_price", number_decimal, "``v.low_price``.", within="v")
    previous_close_price = lazy_field(
        "prev_close_price", number_decimal, "``v.prev_close_price``.", within="v"
    )
    volume = lazy_field("volume", number_decimal, "``v.volume``: the session volume.", within="v")
    exchange = lazy_field("exchange", to_str, "``v.exchange``.", within="v")
    short_name = lazy_field("short_name", to_str, "``v.short_name``.", within="v")

    @property
    def ok(self) -> bool:
        """Whether ``s`` is not ``error`` (an absent status counts as ok)."""
        return (self.status or "ok").lower() != "error"

    @property
    def values(self) -> Mapping[str, Any]:
        """The wire ``v`` object (empty when absent), for fields this model does not name."""
        value = self.data.get("v")
        return value if type(value) is dict else {}

    def merged(self, newer: ChartQuote) -> ChartQuote:
        """``newer`` with the fields it did not send (also inside ``v``) taken from ``self``."""
        new, old = newer.data, self.data
        if new.keys() >= old.keys():
            old_values, new_values = old.get("v"), new.get("v")
            if type(old_values) is not dict or (
                type(new_values) is dict and new_values.keys() >= old_values.keys()
            ):
                return newer  # it sent every field the older one had (a busy stream's case)
        data = {**old, **new, "v": {**self.values, **newer.values}}
        return ChartQuote(newer.symbol, data, newer.timestamp_ms)


@attrs.frozen(slots=False, repr=False)
class ChartTrade(LazyWire):
    """A last-trade update of one symbol on the charts socket: ``{"s", "t", "lp", "v"}``.

    Example:
        >>> t = ChartTrade("AAPL", {"s": "ok", "t": 1750839134, "lp": 189.5, "v": 100})
        >>> t.price, t.size, t.trade_timestamp.isoformat()
        (Decimal('189.5'), Decimal('100'), '2025-06-25T08:12:14+00:00')

    Attributes:
        symbol: the ticker or OSI option symbol.
        data: the wire ``data`` object, unchanged.
        timestamp_ms: the envelope's ``timestamp`` as sent (the raw wire value, Unix ms),
            when sent; :attr:`timestamp` is the same instant as aware UTC.
    """

    status = lazy_field("s", to_str, "``s``: ``ok`` or ``error``.")
    price = lazy_field("lp", number_decimal, "``lp``: the trade's price.")
    size = lazy_field("v", number_decimal, "``v``: the trade's size.")

    @lazy
    def trade_timestamp(self) -> datetime | None:
        """``t`` as aware UTC (epoch seconds or milliseconds, told apart by size, or RFC 3339)."""
        return to_time(self.data.get("t"))

    @property
    def last_price(self) -> Decimal | None:
        """The same as :attr:`price` (the name the market stream's trades use)."""
        return self.price

    @property
    def order_ms(self) -> int | None:
        """The time the streams order this trade by, as whole Unix milliseconds: the
        envelope's ``timestamp`` when it came with one, else its ``t`` (epoch s or ms, or RFC
        3339); None when neither is readable."""
        stamp = self.timestamp_ms
        if stamp is None:
            stamp = self.data.get("t")
            if type(stamp) is not int:
                return self._text_ms()
        if type(stamp) is int and _MS_FROM <= stamp < _MS_TO:
            return stamp  # Unix ms already: the common case, without a call
        return epoch_ms(stamp)

    def _text_ms(self) -> int | None:
        """``t`` sent as text (or a fraction), as Unix ms: read once, then kept (a held
        trade is compared with every later one)."""
        cache = self.__dict__  # beside the lazy fields' values: not an attrs field
        if "_order_ms" not in cache:
            parsed = self.trade_timestamp
            cache["_order_ms"] = None if parsed is None else datetime_to_epoch(parsed, "ms")
        kept: int | None = cache["_order_ms"]
        return kept

    def merged(self, newer: ChartTrade) -> ChartTrade:
        """``newer`` with the fields it did not send taken from ``self``."""
        if newer.data.keys() >= self.data.keys():
            return newer
        return ChartTrade(newer.symbol, {**self.data, **newer.data}, newer.timestamp_ms)


ChartUpdate = ChartQuote | ChartTrade
"""A per-symbol update of the charts socket."""

convert_chart_prices = price_converter(
    "convert_chart_prices", ChartQuote, ("bid_price", "ask_price"), ("bid", "ask"), within="v"
)
"""Converts the bid and ask of the :class:`ChartQuote` of one frame or socket read in one batch
(see :func:`~aries_async.models._market_events.price_converter`)."""


ChartEvent = ChartQuote | ChartTrade | StatusEvent | ServerErrorMessage | UnknownEvent
"""Everything :meth:`ChartStream.events() <aries_async.streaming.charts.ChartStream.events>`
can yield."""
