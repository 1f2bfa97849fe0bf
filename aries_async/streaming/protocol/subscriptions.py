"""What a stream wants (desired) versus what the server confirmed on the current connection
(acknowledged): market subscriptions per symbol and account topics. What one symbol's market
subscription is (its channels and wire form) is :mod:`.market_subscription`."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, Generic, TypeVar

import attrs
import orjson

from aries_async.streaming.protocol.market_subscription import (
    Channel,
    MarketSubscription,
    channel_of,
    looks_like_osi,
    normalize_symbol,
)

__all__ = [
    "AccountSubscriptions",
    "Channel",
    "MarketSubscription",
    "MarketSubscriptions",
    "SymbolSubscriptions",
    "channel_of",
    "looks_like_osi",
    "normalize_symbol",
]


S = TypeVar("S")


_UNSUB_KEYS = {
    Channel.QUOTES: "quote",
    Channel.TRADES: "trade",
    Channel.LEVEL2: "level2",
    Channel.TIME_AND_SALES: "timeAndSales",
    Channel.GREEKS: "greeks",
}


class SymbolSubscriptions(Generic[S]):
    """Desired subscriptions by symbol and which symbols the current connection acknowledged
    (the bookkeeping the market and chart streams share).

    The desired set survives reconnects; the acknowledged set is cleared by :meth:`reset`
    when a connection ends. The refused symbols (with the server's reason) are kept until a
    later request of the symbol is acknowledged or the symbol is no longer desired: a replay
    after a reconnect is refused again or acknowledged.

    A subscribe request waits for its answer (an acknowledgement or a refusal, matched by its
    id) until the connection ends, but only while it is the latest request of its symbol (and
    ``kind``, the charts socket's ``payload.type``): a newer request for the symbol supersedes
    it, and unsubscribing the symbol forgets it. What waits is so bounded by the desired
    symbols, however long a socket lives and whether or not its server answers; an answer to
    a superseded request is not ours, since only the latest request says what is wanted now.
    A refusal that names some of a request's symbols answers for those only: the request
    waits on for the others.
    """

    def __init__(self) -> None:
        self.desired: dict[str, S] = {}
        self.acknowledged: set[str] = set()
        self.refusals: dict[str, str] = {}  # desired symbol -> the server's reason
        # request id -> (kind, the symbols it is still the latest request of, in order)
        self._pending: dict[str, tuple[str, dict[str, None]]] = {}
        # symbol -> kind -> id of its latest request awaiting an answer
        self._latest: dict[str, dict[str, str]] = {}

    @property
    def in_flight(self) -> dict[str, tuple[str, ...]]:
        """The requests awaiting an answer on this connection: id -> the symbols each still
        answers for."""
        return {rid: tuple(symbols) for rid, (_, symbols) in self._pending.items()}

    def wants(self, symbol: str, channel: Channel | None = None) -> bool:
        """Whether ``symbol`` is desired (on ``channel``, when given)."""
        current: Any = self.desired.get(symbol)
        return current is not None and (channel is None or channel in current.channels)

    def sent(self, request_id: str, symbols: Iterable[str], kind: str = "") -> None:
        """Remember that ``request_id`` subscribed ``symbols`` (``kind`` of them)."""
        self._answered(request_id)  # an id used again now names this request only
        carried = dict.fromkeys(symbols)
        for symbol in carried:
            latest = self._latest.setdefault(symbol, {})
            previous = latest.get(kind)
            if previous is not None:
                self._supersede(previous, symbol)
            latest[kind] = request_id
        if carried:
            self._pending[request_id] = (kind, carried)

    def _supersede(self, request_id: str, symbol: str) -> None:
        _, symbols = self._pending[request_id]
        del symbols[symbol]
        if not symbols:
            del self._pending[request_id]

    def _answered(self, request_id: str | None) -> tuple[str | None, tuple[str, ...]]:
        """Forget an answered request: its kind (None when it was not ours) and symbols."""
        entry = self._pending.pop(request_id or "", None)
        if entry is None:
            return None, ()
        kind, symbols = entry
        for symbol in symbols:
            self._not_latest(symbol, kind)
        return kind, tuple(symbols)

    def _not_latest(self, symbol: str, kind: str) -> None:
        latest = self._latest[symbol]
        del latest[kind]
        if not latest:
            del self._latest[symbol]

    def acknowledge(self, request_id: str | None) -> bool:
        """Mark a request as confirmed; returns whether the id was ours."""
        kind, symbols = self._answered(request_id)
        for symbol in symbols:
            if symbol in self.desired:
                self.acknowledged.add(symbol)
                self.refusals.pop(symbol, None)
        return kind is not None

    def reject(
        self, request_id: str | None, reason: str, symbols: Iterable[str] | None = None
    ) -> tuple[str, ...]:
        """The server refused a request for ``reason``; returns the symbols refused (they
        stay desired, and :attr:`refusals` names them).

        Args:
            request_id: the id the refusal answers.
            reason: the server's text.
            symbols: the symbols the refusal names (a partial refusal): only those of the
                request are refused, and the request still waits for its answer about the
                others (an acknowledgement of the same id acknowledges them). None or empty:
                the whole request is refused.
        """
        named = {normalize_symbol(s) for s in symbols or () if isinstance(s, str) and s.strip()}
        entry = self._pending.get(request_id or "")
        if not named or entry is None:
            refused = self._answered(request_id)[1]
        else:
            kind, carried = entry
            refused = tuple(s for s in carried if s in named)
            for symbol in refused:
                self._not_latest(symbol, kind)
                self._supersede(request_id or "", symbol)
        self.note_refused(refused, reason)
        return refused

    def note_refused(self, symbols: Iterable[str], reason: str) -> None:
        """Record that the server refused ``symbols`` (those still desired) for ``reason``."""
        self.refusals.update((s, reason) for s in symbols if s in self.desired)

    def discard(self, symbol: str) -> None:
        """``symbol`` is no longer desired: forget it, its acknowledgement and its requests."""
        self.desired.pop(symbol, None)
        self.acknowledged.discard(symbol)
        self.refusals.pop(symbol, None)
        for request_id in self._latest.pop(symbol, {}).values():
            self._supersede(request_id, symbol)

    def reset(self) -> None:
        """The connection ended: nothing is acknowledged any more."""
        self.acknowledged.clear()
        self._pending.clear()
        self._latest.clear()


class MarketSubscriptions(SymbolSubscriptions[MarketSubscription]):
    """Desired market subscriptions and which of them the current connection acknowledged.

    The desired set survives reconnects (:meth:`replay`); the acknowledged set is cleared by
    :meth:`reset` when a connection ends.
    """

    def add(self, subscription: MarketSubscription) -> MarketSubscription:
        """Merge ``subscription`` into the desired set; returns what to send for the symbol."""
        current = self.desired.get(subscription.symbol)
        merged = subscription if current is None else current.merge(subscription)
        self.desired[subscription.symbol] = merged
        return merged

    def remove(
        self, symbol: str, channels: Iterable[Channel | str] | None = None
    ) -> str | dict[str, Any] | None:
        """Drop a whole symbol (``channels`` None) or some channels of it.

        Returns:
            The unsubscribe item to send, or None when nothing was subscribed.
        """
        current = self.desired.get(symbol)
        if current is None:
            return None
        if channels is None:
            self.discard(symbol)
            return symbol
        drop = frozenset(channel_of(c) for c in channels) & current.channels
        if not drop:
            return None
        left = current.channels - drop
        if not left:
            self.discard(symbol)
            return symbol
        self.desired[symbol] = attrs.evolve(current, channels=left)
        item: dict[str, Any] = {"symbol": symbol}
        for channel in drop:
            item[_UNSUB_KEYS[channel]] = True
        return item

    def replay(self) -> list[dict[str, Any]]:
        """Subscribe items for everything desired (after a reconnect)."""
        return [sub.to_wire() for sub in self.desired.values()]


class AccountSubscriptions:
    """Desired account-socket topics, keyed ``topic:params``."""

    def __init__(self) -> None:
        self.desired: dict[str, tuple[str, dict[str, Any]]] = {}

    @staticmethod
    def key(topic: str, params: Mapping[str, Any] | None) -> str:
        """``topic:{sorted params}``."""
        return topic + ":" + orjson.dumps(dict(params or {}), option=orjson.OPT_SORT_KEYS).decode()

    def add(self, topic: str, params: Mapping[str, Any] | None = None) -> bool:
        """Add a topic; returns False when it was already desired."""
        key = self.key(topic, params)
        if key in self.desired:
            return False
        self.desired[key] = (topic, dict(params or {}))
        return True

    def remove(self, topic: str, params: Mapping[str, Any] | None = None) -> bool:
        """Remove exactly this topic+params; returns whether it was desired."""
        return self.desired.pop(self.key(topic, params), None) is not None

    def replay(self) -> list[tuple[str, dict[str, Any]]]:
        """Everything desired, to re-send after a reconnect."""
        return list(self.desired.values())
