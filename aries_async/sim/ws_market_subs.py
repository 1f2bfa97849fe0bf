"""What one market subscription of a simulated socket is: the channels and fields a
subscribe item asks of a symbol (:class:`MarketSub`), how its fields select from the feed's
data, and the unsubscribe items' keys. Used by :mod:`aries_async.sim.ws_market`."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from aries_async.sim.walk import QuoteSnapshot

__all__ = [
    "SLOTS",
    "UNSUB_KEYS",
    "MarketSub",
    "option_values",
    "osi_root",
    "requested_fields",
    "select_fields",
]


def requested_fields(value: Any) -> frozenset[str] | None:
    """None: not requested; ``{"*"}``: all."""
    if value is None:
        return None
    if isinstance(value, str):
        return frozenset({value})
    if isinstance(value, list):
        return frozenset(str(v) for v in value) or frozenset({"*"})
    return None


def select_fields(data: dict[str, Any], fields: frozenset[str]) -> dict[str, Any]:
    """The items of ``data`` that ``fields`` asks for (all, for ``{"*"}``)."""
    if "*" in fields:
        return data
    return {k: v for k, v in data.items() if k in fields}


def osi_root(symbol: str) -> tuple[str, bool, float] | None:
    """An OSI option symbol's underlying, whether it is a call, and its strike; None for
    any other symbol."""
    if len(symbol) < 16 or symbol[-9] not in "CP" or not symbol[-8:].isdigit():
        return None
    return symbol[:-15], symbol[-9] == "C", int(symbol[-8:]) / 1000


def option_values(priced: dict[str, Any], snap: QuoteSnapshot) -> tuple[dict[str, Any], ...]:
    """The market ``quote`` and ``trade`` data of an option contract at one step of its
    underlying: prices as the option details route gives them (``priced``, from
    :func:`~aries_async.sim.routes_options.option_quote`), sizes and volume in contracts
    (a hundredth of the underlying's, as the charts socket counts them), times the step's."""
    last, close = priced["lastPrice"], priced["closePrice"]
    stamp = int(snap.time * 1000)
    quote = {
        "instrumentType": "o",
        "bidPrice": priced["bidPrice"],
        "bidSize": max(1, snap.bid_size // 100),
        "askPrice": priced["askPrice"],
        "askSize": max(1, snap.ask_size // 100),
        "midPrice": priced["midPrice"],
        "spread": round(priced["askPrice"] - priced["bidPrice"], 4),
        "quoteTimestamp": stamp,
    }
    trade = {
        "instrumentType": "o",
        "lastPrice": last,
        "price": last,
        "size": max(1, snap.last_size // 100),
        "totalVolume": snap.volume // 100,
        "netChange": round(last - close, 2),
        "previousClosePrice": close,
        "tradeSeq": snap.seq,
        "tradeExchange": "OPRA",
        "tradeTimestamp": stamp,
    }
    return quote, trade


SLOTS = {
    "quotes": "quote",
    "trades": "trade",
    "level2": "level2",
    "timeAndSales": "tas",
    "greeks": "greeks",
}
"""A channel's name -> the :class:`MarketSub` slot that holds it."""
UNSUB_KEYS = {
    "quote": "quotes",
    "trade": "trades",
    "level2": "level2",
    "timeAndSales": "timeAndSales",
    "greeks": "greeks",
}
"""An unsubscribe item's key -> the channel it drops."""


class MarketSub:
    """One symbol's subscription on a socket: the fields of each channel it asks for (None:
    not asked; ``{"*"}``: all), level 2, and the option it is, if one."""

    __slots__ = ("greeks", "level2", "option", "quote", "symbol", "tas", "trade")

    def __init__(self, symbol: str) -> None:
        self.symbol = symbol
        self.quote: frozenset[str] | None = None
        self.trade: frozenset[str] | None = None
        self.tas: frozenset[str] | None = None
        self.level2 = False
        self.greeks: frozenset[str] | None = None
        self.option: tuple[str, bool, float] | None = None

    def channels(self) -> set[str]:
        """The channels this subscription asks for."""
        return {name for name, slot in SLOTS.items() if getattr(self, slot) not in (None, False)}
