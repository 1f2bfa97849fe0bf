"""What a market subscription of one symbol is, without the books that track it: the
channels of a symbol, the symbol's normal form and the per-symbol subscribe object
(:class:`MarketSubscription`) with its wire form."""

from __future__ import annotations

import enum
from collections.abc import Iterable
from typing import Any

import attrs

from aries_async._validate import (
    one_or_more,
    refuse_option_ticker,
    require_symbol,
    require_text,
    stored_symbol,
)
from aries_async.errors import ValidationError

__all__ = [
    "Channel",
    "MarketSubscription",
    "channel_of",
    "error_channels",
    "looks_like_osi",
    "normalize_symbol",
    "says_already_subscribed",
    "stored_symbol",
]


def normalize_symbol(value: object, field: str = "symbol") -> str:
    """A stream symbol as the server names it: stripped and upper-cased, as the REST calls
    send theirs (``"aapl"`` is ``"AAPL"``).

    Raises:
        ValidationError: ``value`` is not a string with more than white space in it.
    """
    return stored_symbol(require_text(value, field))


class Channel(str, enum.Enum):
    """Market-data channels of one symbol."""

    QUOTES = "quotes"
    TRADES = "trades"
    LEVEL2 = "level2"
    TIME_AND_SALES = "timeAndSales"
    GREEKS = "greeks"


def channel_of(value: Channel | str) -> Channel:
    """``Channel(value)``, or a :class:`~aries_async.errors.ValidationError` naming the channels."""
    try:
        return Channel(value)
    except ValueError:
        known = ", ".join(c.value for c in Channel)
        raise ValidationError(
            f"unknown channel {value!r} (one of {known})", field="channels"
        ) from None


_CHANNEL_NAMES = {"quote": "quotes", "trade": "trades"}
"""Channel names an error may give in the singular (as an unsubscribe item's keys do)."""


def error_channels(channels: Iterable[object] | None) -> set[str]:
    """The wire channels an error's ``channels`` name (in the plural: ``quote`` is
    ``quotes``)."""
    return {_CHANNEL_NAMES.get(c, c) for c in channels or () if isinstance(c, str)}


def says_already_subscribed(reason: str) -> bool:
    """Whether an ``error``'s text says its request is subscribed already ("already
    subscribed: AAPL"; no text is documented), as a server that keeps the subscriptions
    across a re-authentication may answer their replay: nothing is refused."""
    text = reason.casefold()
    return "already" in text and "subscri" in text


def _fields(value: Iterable[str] | str | None, field: str) -> frozenset[str]:
    if value is None:
        return frozenset({"*"})
    found = frozenset(one_or_more(value, field, str))
    return found or frozenset({"*"})


def _merge_fields(a: frozenset[str], b: frozenset[str]) -> frozenset[str]:
    return frozenset({"*"}) if "*" in a or "*" in b else a | b


def _wire_fields(fields: frozenset[str]) -> list[str]:
    return ["*"] if "*" in fields else sorted(fields)


@attrs.frozen(kw_only=True)
class MarketSubscription:
    """What we want for one symbol.

    Attributes:
        symbol: ticker, index or OSI option symbol.
        channels: the channels wanted.
        option: send ``symbolType: "option"`` (needed for OSI symbols and greeks).
        quote_fields, trade_fields, time_and_sales_fields, greeks_fields: field selections
            (``{"*"}`` = all).
    """

    symbol: str
    channels: frozenset[Channel]
    option: bool = False
    quote_fields: frozenset[str] = frozenset({"*"})
    trade_fields: frozenset[str] = frozenset({"*"})
    time_and_sales_fields: frozenset[str] = frozenset({"*"})
    greeks_fields: frozenset[str] = frozenset({"*"})

    @classmethod
    def build(
        cls,
        symbol: str,
        channels: Iterable[Channel | str] = (Channel.QUOTES, Channel.TRADES),
        *,
        option: bool | None = None,
        quote_fields: Iterable[str] | str | None = None,
        trade_fields: Iterable[str] | str | None = None,
        time_and_sales_fields: Iterable[str] | str | None = None,
        greeks_fields: Iterable[str] | str | None = None,
    ) -> MarketSubscription:
        """Normalise user input (``None`` fields mean all; OSI symbols are options).

        Raises:
            ValidationError: a malformed symbol (the rule of the REST market calls and the
                CLI: ``require_symbol``), an option's ``O:`` ticker (the socket wants its OSI
                symbol: ``refuse_option_ticker``), no channel, or an unknown channel.
        """
        symbol = refuse_option_ticker(require_symbol(symbol))
        chans = frozenset(channel_of(c) for c in one_or_more(channels, "channels"))
        if not chans:
            raise ValidationError("at least one channel is needed", field="channels")
        is_option = option if option is not None else looks_like_osi(symbol)
        return cls(
            symbol=symbol,
            channels=chans,
            option=is_option or Channel.GREEKS in chans,
            quote_fields=_fields(quote_fields, "quote_fields"),
            trade_fields=_fields(trade_fields, "trade_fields"),
            time_and_sales_fields=_fields(time_and_sales_fields, "time_and_sales_fields"),
            greeks_fields=_fields(greeks_fields, "greeks_fields"),
        )

    def merge(self, other: MarketSubscription) -> MarketSubscription:
        """The union of two subscriptions of the same symbol."""
        return MarketSubscription(
            symbol=self.symbol,
            channels=self.channels | other.channels,
            option=self.option or other.option,
            quote_fields=_merge_fields(self.quote_fields, other.quote_fields),
            trade_fields=_merge_fields(self.trade_fields, other.trade_fields),
            time_and_sales_fields=_merge_fields(
                self.time_and_sales_fields, other.time_and_sales_fields
            ),
            greeks_fields=_merge_fields(self.greeks_fields, other.greeks_fields),
        )

    def to_wire(self) -> dict[str, Any]:
        """The per-symbol subscribe object; field lists are always explicit."""
        item: dict[str, Any] = {"symbol": self.symbol}
        if self.option:
            item["symbolType"] = "option"
        if Channel.QUOTES in self.channels:
            item["quoteFields"] = _wire_fields(self.quote_fields)
        if Channel.TRADES in self.channels:
            item["tradeFields"] = _wire_fields(self.trade_fields)
        if Channel.LEVEL2 in self.channels:
            item["level2"] = True
        if Channel.TIME_AND_SALES in self.channels:
            item["timeAndSales"] = True
            item["timeAndSalesFields"] = _wire_fields(self.time_and_sales_fields)
        if Channel.GREEKS in self.channels:
            item["greeksFields"] = _wire_fields(self.greeks_fields)
        return item


def looks_like_osi(symbol: str) -> bool:
    """Whether ``symbol`` has the shape of an OSI option symbol (``AAPL240119C00150000``)."""
    return len(symbol) >= 16 and symbol[-9] in "CP" and symbol[-8:].isdigit()
