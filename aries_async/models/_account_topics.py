"""The account socket's ``pnl``, ``watchlist`` and ``news`` topics and ``account.info``
(websocket.md sections 4.2-4.3).

The spec leaves these payloads UNKNOWN beyond their envelope: a P&L candle per interval, the
documented intervals, the legacy topic names. So each event types what is known (the
envelope, the account, the interval, a candle's time and open/high/low/close, a watchlist's
name and symbols, a news item's headline and symbols) and keeps the wire object as an open
mapping (``raw``) for the rest. ``data`` may be one object or a list of them (the SDK models
both); either way an event carries a tuple. Values are read tolerantly: numbers or decimal
strings become :class:`~decimal.Decimal`, epoch milliseconds or RFC 3339 become aware UTC
datetimes, and a field that is missing or unreadable is ``None``.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping, Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any

import attrs

from aries_async._validate import stored_symbol
from aries_async.models._summary import items_repr
from aries_async.models._values import number_decimal
from aries_async.models._wire import Timestamped, to_int, to_str, to_time

__all__ = [
    "AccountInfoEvent",
    "NewsEvent",
    "NewsItem",
    "PnlCandle",
    "PnlEvent",
    "PnlInterval",
    "WatchlistEvent",
    "WatchlistState",
]


class PnlInterval(str, enum.Enum):
    """P&L candle intervals: those of the current docs and the SDK (``15s`` to ``1mo``), and
    the three only an older docs page lists (``4h``, ``1w``, ``1y``; websocket.md 10.8)."""

    S15 = "15s"
    M1 = "1m"
    M5 = "5m"
    M15 = "15m"
    H1 = "1h"
    D1 = "1d"
    MO1 = "1mo"
    H4 = "4h"
    W1 = "1w"
    Y1 = "1y"


def _first(data: Mapping[str, Any], *keys: str) -> Any:
    for key in keys:
        value = data.get(key)
        if value is not None and value != "":
            return value
    return None


def _objects(data: Any) -> tuple[Mapping[str, Any], ...]:
    """``data`` as a tuple of objects: one object, or the objects of a list."""
    if isinstance(data, Mapping):
        return (data,)
    if isinstance(data, Sequence) and not isinstance(data, (str, bytes)):
        return tuple(item for item in data if isinstance(item, Mapping))
    return ()


def _symbols(value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        return tuple(stored_symbol(s) for s in value.split(",") if s.strip())
    if isinstance(value, Sequence):
        out = []
        for item in value:
            symbol = item.get("symbol") if isinstance(item, Mapping) else item
            if isinstance(symbol, str) and symbol.strip():
                out.append(stored_symbol(symbol))
        return tuple(out)
    return ()


@attrs.frozen(kw_only=True)
class PnlCandle:
    """One P&L candle: the account's P&L over one interval.

    Attributes:
        timestamp: the start of the interval (``time``, ``t``, ``startTime`` or
            ``timestamp``), as a :class:`~aries_async.models.Bar`'s is named.
        open, high, low, close: P&L values (``open``/``o``... ; ``close`` also ``pnl``).
        raw: the wire object.
    """

    timestamp: datetime | None = None
    open: Decimal | None = None
    high: Decimal | None = None
    low: Decimal | None = None
    close: Decimal | None = None
    raw: Mapping[str, Any] = attrs.field(factory=dict, repr=False, eq=False)

    @classmethod
    def from_wire(cls, data: Mapping[str, Any]) -> PnlCandle:
        """Read a candle tolerantly (unknown fields stay in ``raw``)."""
        return cls(
            timestamp=to_time(_first(data, "time", "t", "startTime", "timestamp")),
            open=number_decimal(_first(data, "open", "o")),
            high=number_decimal(_first(data, "high", "h")),
            low=number_decimal(_first(data, "low", "l")),
            close=number_decimal(_first(data, "close", "c", "pnl")),
            raw=data,
        )


@attrs.frozen(kw_only=True)
class PnlEvent(Timestamped):
    """``pnl`` (legacy ``pnlCandle``): P&L candles of an account.

    Attributes:
        account_id: the account (from the payload or the candles), when sent.
        interval: the candle interval, when sent (a :class:`PnlInterval` value or another).
        candles: the candles of the message, oldest first as sent; a candle whose ``time``
            was seen before is an update of that candle.
        topic: the topic name as the server sent it.
        timestamp_ms: the envelope's ``timestamp`` as sent (the raw wire value, Unix epoch
            milliseconds), when sent; :attr:`timestamp` is the same instant as aware UTC.
        raw: the wire ``data``.
    """

    account_id: str | None = None
    interval: str | None = None
    candles: tuple[PnlCandle, ...] = attrs.field(default=(), repr=items_repr)
    topic: str = "pnl"
    timestamp_ms: int | None = attrs.field(default=None, eq=False)
    raw: Any = attrs.field(default=None, repr=False, eq=False)

    @property
    def candle(self) -> PnlCandle | None:
        """The latest candle of the message."""
        return self.candles[-1] if self.candles else None

    @classmethod
    def from_wire(cls, payload: Mapping[str, Any], data: Any, topic: str) -> PnlEvent:
        """Read the ``data`` (one candle, a list of candles, or ``{candles: [...]}``)."""
        outer = data if isinstance(data, Mapping) else {}
        items = _objects(outer.get("candles", data))
        first = items[0] if items else {}
        account = _first(payload, "accountId") or _first(outer, "accountId")
        interval = _first(payload, "interval") or _first(outer, "interval")
        return cls(
            account_id=to_str(account or _first(first, "accountId")),
            interval=to_str(interval or _first(first, "interval")),
            candles=tuple(PnlCandle.from_wire(item) for item in items),
            topic=topic,
            timestamp_ms=_stamp(payload),
            raw=data,
        )


@attrs.frozen(kw_only=True)
class WatchlistState:
    """One watchlist as a ``watchlist`` event tells it (not ``Watchlist``: that is the REST
    model :class:`aries_async.models.generated.watchlists.Watchlist`).

    Attributes:
        id: its id (``id`` or ``watchlistId``), an ``int`` as the REST model's
            :attr:`~aries_async.models.generated.watchlists.Watchlist.id` is, so that the two
            compare equal: a number sent as a string (``"4"``) is read as one. None when not
            sent, or when it is not a whole number (``"w1"``): such an id can name no
            watchlist of the REST API, whose ids are integers; the wire value stays in
            ``raw``.
        name: its name, when sent.
        symbols: its symbols (upper case), from a list of strings or of ``{symbol}`` objects.
        raw: the wire object.
    """

    id: int | None = None
    name: str | None = None
    symbols: tuple[str, ...] = attrs.field(default=(), repr=items_repr)
    raw: Mapping[str, Any] = attrs.field(factory=dict, repr=False, eq=False)

    @classmethod
    def from_wire(cls, data: Mapping[str, Any]) -> WatchlistState:
        """Read a watchlist tolerantly."""
        return cls(
            id=to_int(_first(data, "id", "watchlistId")),
            name=to_str(_first(data, "name", "title")),
            symbols=_symbols(_first(data, "symbols", "items", "tickers")),
            raw=data,
        )


@attrs.frozen(kw_only=True)
class WatchlistEvent(Timestamped):
    """``watchlist`` (legacy ``watchlistUpdates``): watchlists changed.

    Attributes:
        watchlists: the watchlists the message carries (one or several).
        action: what happened (``created``, ``updated``, ``deleted``...), when sent.
        account_id: the account, when sent.
        topic, timestamp_ms, timestamp, raw: as for :class:`PnlEvent`.
    """

    watchlists: tuple[WatchlistState, ...] = attrs.field(default=(), repr=items_repr)
    action: str | None = None
    account_id: str | None = None
    topic: str = "watchlist"
    timestamp_ms: int | None = attrs.field(default=None, eq=False)
    raw: Any = attrs.field(default=None, repr=False, eq=False)

    @classmethod
    def from_wire(cls, payload: Mapping[str, Any], data: Any, topic: str) -> WatchlistEvent:
        """Read the ``data`` (one watchlist, a list, or ``{watchlists: [...]}``)."""
        outer = data if isinstance(data, Mapping) else {}
        items = _objects(outer.get("watchlists", data))
        first = items[0] if items else {}
        return cls(
            watchlists=tuple(WatchlistState.from_wire(item) for item in items),
            action=to_str(_first(payload, "action", "event") or _first(first, "action", "event")),
            account_id=to_str(_first(payload, "accountId") or _first(first, "accountId")),
            topic=topic,
            timestamp_ms=_stamp(payload),
            raw=data,
        )


@attrs.frozen(kw_only=True)
class NewsItem:
    """One news item.

    Attributes:
        id: its id, when sent.
        headline: ``headline`` or ``title``.
        symbols: the symbols it concerns (``symbols`` or ``tickers``).
        published_at: ``publishedAt``, ``time`` or ``timestamp``.
        source, url, summary: when sent.
        raw: the wire object.
    """

    id: str | None = None
    headline: str | None = None
    symbols: tuple[str, ...] = ()
    published_at: datetime | None = None
    source: str | None = None
    url: str | None = None
    summary: str | None = None
    raw: Mapping[str, Any] = attrs.field(factory=dict, repr=False, eq=False)

    @classmethod
    def from_wire(cls, data: Mapping[str, Any]) -> NewsItem:
        """Read a news item tolerantly."""
        return cls(
            id=to_str(_first(data, "id", "newsId")),
            headline=to_str(_first(data, "headline", "title")),
            symbols=_symbols(_first(data, "symbols", "tickers", "symbol")),
            published_at=to_time(_first(data, "publishedAt", "published", "time", "timestamp")),
            source=to_str(_first(data, "source", "publisher")),
            url=to_str(_first(data, "url", "link")),
            summary=to_str(_first(data, "summary", "teaser", "body")),
            raw=data,
        )


@attrs.frozen(kw_only=True)
class NewsEvent(Timestamped):
    """``news``: news items (one or several).

    Attributes:
        items: the news items of the message.
        topic, timestamp_ms, timestamp, raw: as for :class:`PnlEvent`.
    """

    items: tuple[NewsItem, ...] = attrs.field(default=(), repr=items_repr)
    topic: str = "news"
    timestamp_ms: int | None = attrs.field(default=None, eq=False)
    raw: Any = attrs.field(default=None, repr=False, eq=False)

    @classmethod
    def from_wire(cls, payload: Mapping[str, Any], data: Any, topic: str) -> NewsEvent:
        """Read the ``data`` (one item, a list, or ``{items: [...]}``)."""
        outer = data if isinstance(data, Mapping) else {}
        items = _objects(outer.get("items", outer.get("news", data)))
        return cls(
            items=tuple(NewsItem.from_wire(item) for item in items),
            topic=topic,
            timestamp_ms=_stamp(payload),
            raw=data,
        )


@attrs.frozen(kw_only=True)
class AccountInfoEvent(Timestamped):
    """``account.info``: the account's details changed (its schema is UNKNOWN).

    Attributes:
        account_id: ``accountId`` of the data, when sent.
        data: the wire object, unchanged.
        timestamp_ms, timestamp: as for :class:`PnlEvent`.
    """

    account_id: str | None = None
    data: Mapping[str, Any] = attrs.field(factory=dict)
    timestamp_ms: int | None = attrs.field(default=None, eq=False)


def _stamp(payload: Mapping[str, Any]) -> int | None:
    stamp = payload.get("timestamp")
    return stamp if type(stamp) is int else None
