"""Market-data stream updates (websocket.md section 3), served by
:mod:`aries_async.models.events`: see its docstring for how values are converted."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from decimal import Decimal
from typing import Any, ClassVar

import attrs

from aries_async._deprecation import renamed
from aries_async.models._stream_events import ServerErrorMessage, StatusEvent, UnknownEvent
from aries_async.models._values import number_decimal, numbers_decimals
from aries_async.models._wire import LazyWire, Wire, lazy, lazy_field, to_int, to_str, to_time

__all__ = [
    "BookLevel",
    "ExchangeQuote",
    "GreeksUpdate",
    "Level2Update",
    "MarketDataUpdate",
    "MarketEvent",
    "MarketStatusUpdate",
    "QuoteUpdate",
    "TimeAndSalesUpdate",
    "TradeUpdate",
    "convert_quote_prices",
    "price_converter",
]


@attrs.frozen(slots=False, repr=False)
class QuoteUpdate(LazyWire):
    """A quote (top of book) update for one symbol.

    Example:
        >>> q = QuoteUpdate("AAPL", {"bidPrice": 189.49, "askPrice": 189.51})
        >>> q.bid_price, q.ask_price, q.bid_size
        (Decimal('189.49'), Decimal('189.51'), None)

    Attributes:
        symbol: the ticker or OSI option symbol.
        data: the wire ``data`` object, unchanged (treat it as read-only).
        timestamp_ms: the envelope's ``timestamp`` as sent (the raw wire value, Unix ms),
            when sent; :attr:`timestamp` is the same instant as aware UTC.

    ``quote_time``, the previous release's name of :attr:`quote_timestamp`, still reads, with
    a :class:`DeprecationWarning`.
    """

    bid_price = lazy_field("bidPrice", number_decimal, "``bidPrice``.")
    ask_price = lazy_field("askPrice", number_decimal, "``askPrice``.")
    bid_size = lazy_field("bidSize", number_decimal, "``bidSize``.")
    ask_size = lazy_field("askSize", number_decimal, "``askSize``.")
    bid_exchange = lazy_field("bidExchange", to_str, "``bidExchange``.")
    ask_exchange = lazy_field("askExchange", to_str, "``askExchange``.")
    bid_change = lazy_field("bidChange", number_decimal, "``bidChange``.")
    ask_change = lazy_field("askChange", number_decimal, "``askChange``.")

    @lazy
    def mid_price(self) -> Decimal | None:
        """``midPrice`` when sent, else the midpoint of bid and ask when both are known."""
        mid = number_decimal(self.data.get("midPrice"))
        if mid is None and self.bid_price is not None and self.ask_price is not None:
            mid = (self.bid_price + self.ask_price) / 2
        return mid

    @lazy
    def spread(self) -> Decimal | None:
        """``spread`` when sent, else ask minus bid when both are known."""
        value = number_decimal(self.data.get("spread"))
        if value is None and self.bid_price is not None and self.ask_price is not None:
            value = self.ask_price - self.bid_price
        return value

    quote_timestamp = lazy_field(
        "quoteTimestamp", to_time, "``quoteTimestamp`` (exchange time) as aware UTC."
    )

    quote_time: ClassVar[renamed[datetime | None]] = renamed("quote_timestamp")

    def merged(self, newer: QuoteUpdate) -> QuoteUpdate:
        """``newer`` with the fields it did not send taken from ``self`` (partial updates)."""
        if newer.data.keys() >= self.data.keys():
            return newer
        return QuoteUpdate(newer.symbol, {**self.data, **newer.data}, newer.timestamp_ms)


def price_converter(
    name: str,
    cls: type[LazyWire],
    fields: tuple[str, str],
    wire: tuple[str, str],
    within: str | None = None,
) -> Callable[[list[Any]], None]:
    """A function (called ``name``, as profiles show it) that converts the bid and ask prices
    (the lazy ``fields`` of ``cls``, read from the ``wire`` keys of ``data``, or of
    ``data[within]``) of the messages of one frame or socket read, in one batch.

    The prices of nearly every quote are read, so the decoders convert them per batch rather
    than per field, with :func:`~aries_async.models._values.numbers_decimals` (one call in C
    for the batch instead of a Python call per price). The Decimals are the ones a lazy read
    gives, stored in the instance dict where a read finds them. Other fields, and prices that
    are not floats, are still converted on first read; so is every price of a batch that
    holds an inf or a nan.
    """
    bid_name, ask_name = fields
    bid_key, ask_key = wire

    def convert(messages: list[Any]) -> None:
        floats: list[float] = []
        states: list[dict[str, Any]] = []
        for message in messages:
            if type(message) is cls:
                data: Any = message.data
                if within is not None:
                    data = data.get(within)
                    if type(data) is not dict:
                        continue
                bid = data.get(bid_key)
                ask = data.get(ask_key)
                if type(bid) is float and type(ask) is float:
                    floats.append(bid)
                    floats.append(ask)
                    states.append(message.__dict__)
        if not states:
            return
        values = numbers_decimals(floats)
        if values is None:
            return
        prices = iter(values)
        # two values per message, bid then ask (zip's strict= keyword costs more than the loop)
        for state, bid_value, ask_value in zip(states, prices, prices):  # noqa: B905
            state[bid_name] = bid_value
            state[ask_name] = ask_value

    convert.__name__ = convert.__qualname__ = name
    convert.__code__ = convert.__code__.replace(co_name=name, co_qualname=name)  # for profilers
    return convert


convert_quote_prices = price_converter(
    "convert_quote_prices", QuoteUpdate, ("bid_price", "ask_price"), ("bidPrice", "askPrice")
)
"""Converts the bid and ask prices of the :class:`QuoteUpdate` of one frame or socket read in
one batch (see :func:`price_converter`)."""


@attrs.frozen(slots=False, repr=False)
class TradeUpdate(LazyWire):
    """A last-trade update for one symbol (indices send only the price fields).

    Attributes:
        symbol: the ticker.
        data: the wire ``data`` object, unchanged.
        timestamp_ms: the envelope's ``timestamp`` as sent (the raw wire value, Unix ms),
            when sent; :attr:`timestamp` is the same instant as aware UTC.

    ``trade_time``, ``trade_seq``, ``net_change`` and ``total_volume``, the previous
    release's names of :attr:`trade_timestamp`, :attr:`trade_sequence`, :attr:`change` and
    :attr:`volume` (named as a quote's change from the previous close and session volume
    are), still read, with a :class:`DeprecationWarning`.
    """

    last_price = lazy_field(
        "lastPrice", number_decimal, "``lastPrice`` (falls back to ``price``).", fallback="price"
    )
    price = lazy_field(
        "price",
        number_decimal,
        "``price`` of this trade (falls back to ``lastPrice``).",
        fallback="lastPrice",
    )
    size = lazy_field("size", number_decimal, "``size``.")
    volume = lazy_field(
        "totalVolume", number_decimal, "``totalVolume``: the session's volume so far."
    )
    tick_volume = lazy_field("tickVolume", number_decimal, "``tickVolume``.")
    open_price = lazy_field("openPrice", number_decimal, "``openPrice``.")
    high_price = lazy_field("highPrice", number_decimal, "``highPrice``.")
    low_price = lazy_field("lowPrice", number_decimal, "``lowPrice``.")
    change = lazy_field("netChange", number_decimal, "``netChange``: from the previous close.")
    previous_close_price = lazy_field(
        "previousClosePrice", number_decimal, "``previousClosePrice``."
    )
    tick = lazy_field("tick", to_str, "``tick`` (``+``, ``-``, ``=``).")
    trade_sequence = lazy_field("tradeSeq", to_int, "``tradeSeq`` (exchange sequence).")
    trade_exchange = lazy_field("tradeExchange", to_str, "``tradeExchange``.")
    trade_timestamp = lazy_field(
        "tradeTimestamp", to_time, "``tradeTimestamp`` (exchange time) as aware UTC."
    )

    trade_seq: ClassVar[renamed[int | None]] = renamed("trade_sequence")
    trade_time: ClassVar[renamed[datetime | None]] = renamed("trade_timestamp")
    net_change: ClassVar[renamed[Decimal | None]] = renamed("change")
    total_volume: ClassVar[renamed[Decimal | None]] = renamed("volume")

    def merged(self, newer: TradeUpdate) -> TradeUpdate:
        """``newer`` with the fields it did not send taken from ``self``."""
        if newer.data.keys() >= self.data.keys():
            return newer
        return TradeUpdate(newer.symbol, {**self.data, **newer.data}, newer.timestamp_ms)


@attrs.frozen(slots=False, repr=False)
class TimeAndSalesUpdate(LazyWire):
    """One time-and-sales print (the wire sends every value as a string).

    ``trade_time`` and ``trade_seq``, the previous release's names of :attr:`trade_timestamp`
    and :attr:`trade_sequence`, still read, with a :class:`DeprecationWarning`.
    """

    price = lazy_field("price", number_decimal, "``price``.")
    size = lazy_field("size", number_decimal, "``size``.")
    tick = lazy_field("tick", to_str, "``tick``.")
    trade_sequence = lazy_field("tradeSeq", to_int, "``tradeSeq`` (exchange sequence).")
    trade_exchange = lazy_field("tradeExchange", to_str, "``tradeExchange``.")
    trade_timestamp = lazy_field(
        "tradeTimestamp", to_time, "``tradeTimestamp`` (exchange time) as aware UTC."
    )

    trade_seq: ClassVar[renamed[int | None]] = renamed("trade_sequence")
    trade_time: ClassVar[renamed[datetime | None]] = renamed("trade_timestamp")


@attrs.frozen(kw_only=True)
class BookLevel:
    """One ``orderBook`` row ``askSize:price:bidSize``."""

    price: Decimal
    ask_size: Decimal
    bid_size: Decimal


@attrs.frozen(kw_only=True)
class ExchangeQuote:
    """One ``quotes`` row ``exchange:askPrice:askSize:bidPrice:bidSize``."""

    exchange: str
    ask_price: Decimal | None
    ask_size: Decimal | None
    bid_price: Decimal | None
    bid_size: Decimal | None


def _rows(value: Any) -> list[list[str]]:
    if not isinstance(value, list):
        return []
    return [str(row).split(":") for row in value if isinstance(row, str)]


@attrs.frozen(slots=False, repr=False)
class Level2Update(LazyWire):
    """A level 2 (order book) update. Level 2 has no snapshot on subscribe (websocket.md 3.6).

    Rows that do not have the documented colon-separated shape are skipped.
    """

    @lazy
    def order_book(self) -> tuple[BookLevel, ...]:
        """``orderBook`` rows, parsed."""
        out: list[BookLevel] = []
        for row in _rows(self.data.get("orderBook")):
            if len(row) != 3:
                continue
            price, ask, bid = number_decimal(row[1]), number_decimal(row[0]), number_decimal(row[2])
            if price is None or ask is None or bid is None:
                continue
            out.append(BookLevel(price=price, ask_size=ask, bid_size=bid))
        return tuple(out)

    @lazy
    def quotes(self) -> tuple[ExchangeQuote, ...]:
        """``quotes`` rows (per-exchange touch), parsed."""
        out: list[ExchangeQuote] = []
        for row in _rows(self.data.get("quotes")):
            if len(row) != 5:
                continue
            out.append(
                ExchangeQuote(
                    exchange=row[0],
                    ask_price=number_decimal(row[1]),
                    ask_size=number_decimal(row[2]),
                    bid_price=number_decimal(row[3]),
                    bid_size=number_decimal(row[4]),
                )
            )
        return tuple(out)


@attrs.frozen(slots=False, repr=False)
class GreeksUpdate(LazyWire):
    """Option greeks for one OSI symbol (key names beyond the five greeks are [UNKNOWN])."""

    delta = lazy_field("delta", number_decimal, "``delta``.")
    gamma = lazy_field("gamma", number_decimal, "``gamma``.")
    theta = lazy_field("theta", number_decimal, "``theta``.")
    vega = lazy_field("vega", number_decimal, "``vega``.")
    rho = lazy_field("rho", number_decimal, "``rho``.")
    implied_volatility = lazy_field(
        "impliedVolatility",
        number_decimal,
        "``impliedVolatility`` (also read from ``iv``).",
        fallback="iv",
    )


@attrs.frozen(slots=True, weakref_slot=False, repr=False)
class MarketStatusUpdate(Wire):
    """The ``marketStatus`` push: once after auth, then whenever a field changes.

    Venue maps are open (``exchanges``, ``currencies``, ``indices_groups`` keep unknown keys).
    Its ``repr`` shows the envelope time and what the push says (``market``, the session
    flags, the non-empty venue maps, ``server_time``), as a market-data update's does.
    """

    data: Mapping[str, Any] = attrs.field(repr=False)
    timestamp_ms: int | None = attrs.field(default=None, repr=False)
    symbol: str = attrs.field(default="", repr=False)

    @property
    def market(self) -> str | None:
        """``market`` (``open``, ``closed``...)."""
        return to_str(self.data.get("market"))

    @property
    def is_open(self) -> bool:
        """Whether ``market`` says ``open``."""
        return (self.market or "").lower() == "open"

    @property
    def early_hours(self) -> bool:
        """``earlyHours``."""
        return bool(self.data.get("earlyHours"))

    @property
    def after_hours(self) -> bool:
        """``afterHours``."""
        return bool(self.data.get("afterHours"))

    @property
    def exchanges(self) -> Mapping[str, str]:
        """``exchanges``: venue -> status."""
        return self._venues("exchanges")

    @property
    def currencies(self) -> Mapping[str, str]:
        """``currencies``: market (``crypto``, ``fx``...) -> status."""
        return self._venues("currencies")

    @property
    def indices_groups(self) -> Mapping[str, str]:
        """``indicesGroups``: index family (``s_and_p``, ``dow_jones``...) -> status."""
        return self._venues("indicesGroups")

    @property
    def server_time(self) -> datetime | None:
        """``serverTime``."""
        return to_time(self.data.get("serverTime"))

    def _venues(self, key: str) -> Mapping[str, str]:
        value = self.data.get(key)
        return {str(k): str(v) for k, v in value.items()} if isinstance(value, dict) else {}

    def __repr__(self) -> str:
        parts = [f"symbol={self.symbol!r}"] if self.symbol else []
        shown = {
            "timestamp": self.timestamp,
            "market": self.market,
            "early_hours": self.early_hours,
            "after_hours": self.after_hours,
            "exchanges": self.exchanges or None,
            "currencies": self.currencies or None,
            "indices_groups": self.indices_groups or None,
            "server_time": self.server_time,
        }
        parts += [f"{name}={value!r}" for name, value in shown.items() if value is not None]
        return f"MarketStatusUpdate({', '.join(parts)})"


MarketDataUpdate = QuoteUpdate | TradeUpdate | TimeAndSalesUpdate | Level2Update | GreeksUpdate
"""A per-symbol market-data update."""


MarketEvent = (
    QuoteUpdate
    | TradeUpdate
    | TimeAndSalesUpdate
    | Level2Update
    | GreeksUpdate
    | MarketStatusUpdate
    | StatusEvent
    | ServerErrorMessage
    | UnknownEvent
)
"""Everything :meth:`MarketStream.events() <aries_async.streaming.market.MarketStream.events>`
can yield."""
