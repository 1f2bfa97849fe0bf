"""The simulator account socket's ``pnl``, ``watchlist`` and ``news`` topics and ``account.info``
(websocket.md 4.2-4.3), kept by :class:`AccountTopics` (``hub_of(app).topics``).

``pnl`` (``params: {accountId, interval?, startTime?}``): the account's day P&L (the balance's
``dayTotalPnl``: open positions at the current prices plus today's realized P&L), sampled on
every feed step of a symbol the account holds and on every change of the account, as candles
of the interval (aligned on the Unix epoch; ``1mo`` and ``1y`` count 30 and 365 days). The
subscribe is answered with the candles since ``startTime`` (default: the current one), then
the current candle on every sample. Samples are kept per account across sockets, so a
resubscribe after a reconnect from the last candle seen gets what it missed of them.

``watchlist`` (no params): the changes :meth:`AccountTopics.watchlist_changed` reports (a test,
and later the REST watchlist routes, call it). ``news`` (``params: {symbols?, topics?}``): the
items :meth:`AccountTopics.news` publishes, filtered by symbols and topics (lists; anything
else is refused). ``account.info``: sent on :meth:`AccountTopics.account_info` to sockets
subscribed to that account.

The payloads are UNKNOWN; ``faults.ws_topic_shape`` picks the variant (:data:`TOPIC_SHAPES`):

- ``"sdk"`` (default, as the SDK's models read them): a ``pnl`` candle object
  ``{accountId, interval, time (RFC 3339), open, high, low, close}`` with decimal strings;
  ``watchlist`` and ``news`` data a list of objects;
- ``"object"``: every topic's ``data`` one object;
- ``"list"``: every ``data`` a list; candles ``{t (epoch ms), o, h, l, c}`` with numbers and
  ``accountId``/``interval`` beside ``data``;
- ``"legacy"``: as ``"sdk"`` under the older topic names ``accUpdates``, ``pnlCandle``,
  ``watchlistUpdates`` (the ``account`` snapshot and events too).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import attrs

from aries_async.sim.records import AccountEvent, AccountNotFoundError, rfc3339
from aries_async.sim.ws_session import ms

if TYPE_CHECKING:
    from aries_async.sim.feed import QuoteSnapshot
    from aries_async.sim.ws import WsHub
    from aries_async.sim.ws_session import Session

__all__ = [
    "INTERVALS",
    "MAX_SAMPLES",
    "TOPIC_SHAPES",
    "AccountTopics",
    "TopicSubscriptions",
    "wire_topic",
]

TOPIC_SHAPES = ("sdk", "object", "list", "legacy")
"""``faults.ws_topic_shape`` values."""

INTERVALS: dict[str, float] = {
    "15s": 15,
    "1m": 60,
    "5m": 300,
    "15m": 900,
    "1h": 3600,
    "4h": 14400,
    "1d": 86400,
    "1w": 604800,
    "1mo": 30 * 86400,
    "1y": 365 * 86400,
}
"""P&L intervals in seconds: the current docs' and the older page's (websocket.md 10.8)."""

MAX_SAMPLES = 100_000
"""P&L samples kept per account (the oldest go first)."""

_LEGACY = {"account": "accUpdates", "pnl": "pnlCandle", "watchlist": "watchlistUpdates"}


def wire_topic(shape: str, topic: str) -> str:
    """The topic's name on the wire under ``shape``."""
    return _LEGACY.get(topic, topic) if shape == "legacy" else topic


@attrs.define
class _Pnl:
    interval: str
    seconds: float


@attrs.define
class TopicSubscriptions:
    """One socket's ``pnl``, ``watchlist`` and ``news`` subscriptions."""

    pnl: dict[str, _Pnl] = attrs.Factory(dict)
    listeners: dict[str, Callable[[], None]] = attrs.Factory(dict)
    watched: set[str] = attrs.Factory(set)
    watchlist: bool = False
    news: tuple[frozenset[str], frozenset[str]] | None = None


class AccountTopics:
    """The topics' state: P&L samples per account and the sockets subscribed."""

    def __init__(self, hub: WsHub) -> None:
        self.hub = hub
        self.samples: dict[str, list[tuple[float, Decimal]]] = {}
        self._news_ids = itertools.count(1)

    def _shape(self) -> str:
        return self.hub.ctx.faults.ws_topic_shape

    def _sessions(self) -> list[Session]:
        return [s for s in self.hub.sessions if s.kind == "accounts" and not s.closed]

    # -- subscribe / unsubscribe ----------------------------------------------------------------

    def subscribe(
        self, session: Session, subs: TopicSubscriptions, topic: str, params: dict[str, Any]
    ) -> str | None:
        """Subscribe ``session`` to ``pnl``, ``watchlist`` or ``news``; the error text of a
        refusal, else None (the caller acks, then :meth:`after_subscribe` sends the first
        data)."""
        if topic == "watchlist":
            subs.watchlist = True
            return None
        if topic == "news":
            symbols, topics = params.get("symbols"), params.get("topics")
            for name, value in (("symbols", symbols), ("topics", topics)):
                if value is not None and not isinstance(value, list):
                    return f"{name} must be a list"
            subs.news = (
                frozenset(str(s).upper() for s in symbols or ()),
                frozenset(str(t).lower() for t in topics or ()),
            )
            return None
        account_id = params.get("accountId")
        if not isinstance(account_id, str) or not account_id:
            return "accountId is required"
        interval = str(params.get("interval") or "1m")
        if interval not in INTERVALS:
            return f"unsupported interval {interval!r}"
        start = params.get("startTime")
        if start is not None and _parse_time(start) is None:
            return "startTime must be an RFC 3339 time with an offset"
        try:
            self.hub.ctx.state.account(account_id)
        except AccountNotFoundError:
            return "account not found"
        subs.pnl[account_id] = _Pnl(interval, INTERVALS[interval])
        if account_id not in subs.listeners:
            subs.listeners[account_id] = self.hub.ctx.state.listen(
                account_id, lambda event: self._on_account(session, subs, event)
            )
        self._watch_positions(session, subs)
        return None

    def after_subscribe(
        self, session: Session, subs: TopicSubscriptions, topic: str, params: dict[str, Any]
    ) -> None:
        """What follows the ack: a ``pnl`` subscription's candles since ``startTime``."""
        if topic != "pnl":
            return
        account_id = params["accountId"]
        sub = subs.pnl[account_id]
        self.sample(account_id)
        since = _parse_time(params.get("startTime"))
        if since is None:
            since = self.hub.ctx.clock.now()
        start = since - since % sub.seconds
        for candle in self.candles(account_id, sub.seconds, start):
            self._send_candle(session, account_id, sub, candle)

    def unsubscribe(
        self, session: Session, subs: TopicSubscriptions, topic: str, params: Any
    ) -> None:
        """Drop a topic (``pnl`` of one account, or of all without ``accountId``)."""
        if topic == "watchlist":
            subs.watchlist = False
        elif topic == "news":
            subs.news = None
        elif topic == "pnl":
            account_id = params.get("accountId") if isinstance(params, dict) else None
            for account in [account_id] if account_id else list(subs.pnl):
                subs.pnl.pop(str(account), None)
                remove = subs.listeners.pop(str(account), None)
                if remove is not None:
                    remove()
            self._watch_positions(session, subs)

    def release(self, session: Session, subs: TopicSubscriptions) -> None:
        """The socket is gone."""
        for remove in subs.listeners.values():
            remove()
        subs.listeners.clear()
        subs.pnl.clear()
        self._watch_positions(session, subs)

    # -- P&L ----------------------------------------------------------------------------------

    def sample(self, account_id: str, when: float | None = None) -> Decimal:
        """Record the account's day P&L at ``when`` (a feed step's time; default: now)."""
        value = Decimal(self.hub.ctx.state.balance_wire(account_id)["dayTotalPnl"])
        now = self.hub.ctx.clock.now() if when is None else when
        samples = self.samples.setdefault(account_id, [])
        samples.append((max(now, samples[-1][0]) if samples else now, value))
        if len(samples) > MAX_SAMPLES:
            del samples[: len(samples) - MAX_SAMPLES]
        return value

    def candles(
        self, account_id: str, seconds: float, since: float
    ) -> list[tuple[float, Decimal, Decimal, Decimal, Decimal]]:
        """``(start, open, high, low, close)`` of every interval since ``since`` with samples."""
        out: list[tuple[float, Decimal, Decimal, Decimal, Decimal]] = []
        for when, value in self.samples.get(account_id, ()):
            if when < since:
                continue
            start = when - when % seconds
            if out and out[-1][0] == start:
                _, o, h, low, _ = out[-1]
                out[-1] = (start, o, max(h, value), min(low, value), value)
            else:
                out.append((start, value, value, value, value))
        return out

    def on_step(self, session: Session, subs: TopicSubscriptions, snap: QuoteSnapshot) -> None:
        """A feed step: a new candle for each P&L subscription whose account holds it."""
        positions = self.hub.ctx.state.positions
        for account_id, sub in subs.pnl.items():
            held = positions.get(account_id, {}).get(snap.symbol)
            if held is not None and held.quantity:
                self._push_current(session, account_id, sub, snap.time)

    def _on_account(self, session: Session, subs: TopicSubscriptions, event: AccountEvent) -> None:
        sub = subs.pnl.get(event.account_id)
        if sub is None:
            return
        if event.name == "account.position":
            self._watch_positions(session, subs)
        self._push_current(session, event.account_id, sub, event.time)

    def _push_current(self, session: Session, account_id: str, sub: _Pnl, when: float) -> None:
        self.sample(account_id, when)
        now = self.samples[account_id][-1][0]
        current = self.candles(account_id, sub.seconds, now - now % sub.seconds)
        if current:
            self._send_candle(session, account_id, sub, current[-1])

    def _watch_positions(self, session: Session, subs: TopicSubscriptions) -> None:
        positions = self.hub.ctx.state.positions
        wanted = {
            symbol
            for account_id in subs.pnl
            for symbol, pos in positions.get(account_id, {}).items()
            if pos.quantity and self.hub.ctx.feed.has(symbol)
        }
        for symbol in wanted - subs.watched:
            self.hub.watch(session, symbol)
        for symbol in subs.watched - wanted:
            self.hub.unwatch(session, symbol)
        subs.watched = wanted

    def _send_candle(
        self,
        session: Session,
        account_id: str,
        sub: _Pnl,
        candle: tuple[float, Decimal, Decimal, Decimal, Decimal],
    ) -> None:
        start, o, h, low, c = candle
        shape = self._shape()
        if shape == "list":
            data = [{"t": ms(start), "o": float(o), "h": float(h), "l": float(low), "c": float(c)}]
            session.event(
                {"topic": "pnl", "accountId": account_id, "interval": sub.interval, "data": data}
            )
            return
        session.event(
            {
                "topic": wire_topic(shape, "pnl"),
                "data": {
                    "accountId": account_id,
                    "interval": sub.interval,
                    "time": rfc3339(start),
                    "open": str(o),
                    "high": str(h),
                    "low": str(low),
                    "close": str(c),
                },
            }
        )

    # -- watchlists, news, account info ---------------------------------------------------------

    def _send(self, session: Session, topic: str, item: dict[str, Any]) -> None:
        shape = self._shape()
        data: Any = item if shape == "object" else [item]
        session.event({"topic": wire_topic(shape, topic), "data": data})

    def watchlist_changed(self, account_id: str, payload: dict[str, Any]) -> int:
        """Push a watchlist change (``payload``: the watchlist, e.g. ``{id, name, symbols,
        action}``) to every account socket subscribed to ``watchlist``; returns how many."""
        item = {"accountId": account_id, **payload}
        sessions = [s for s in self._sessions() if _subs(s).watchlist]
        for session in sessions:
            self._send(session, "watchlist", item)
        return len(sessions)

    def news(
        self,
        headline: str,
        *,
        symbols: list[str] | tuple[str, ...] = (),
        topics: list[str] | tuple[str, ...] = (),
        **extra: Any,
    ) -> dict[str, Any]:
        """Publish a news item to the sockets subscribed to ``news`` whose filter it passes
        (no filter, or a symbol or topic in common); returns the item."""
        item = {
            "id": f"news-{next(self._news_ids)}",
            "headline": headline,
            "symbols": [s.upper() for s in symbols],
            "topics": list(topics),
            "publishedAt": rfc3339(self.hub.ctx.clock.now()),
            "source": "Aries Simulator Wire",
            **extra,
        }
        wanted_symbols = set(item["symbols"])
        wanted_topics = {t.lower() for t in topics}
        for session in self._sessions():
            news = _subs(session).news
            if news is None:
                continue
            by_symbol, by_topic = news
            if (by_symbol or by_topic) and not (
                by_symbol & wanted_symbols or by_topic & wanted_topics
            ):
                continue
            self._send(session, "news", item)
        return item

    def account_info(self, account_id: str, data: dict[str, Any] | None = None) -> int:
        """Send ``account.info`` (``data``, default the account's details) to every socket
        subscribed to the account; returns how many."""
        acct = self.hub.ctx.state.account(account_id)
        body = data if data is not None else {"accountId": account_id, **acct.wire()}
        count = 0
        for session in self._sessions():
            if account_id in getattr(session, "account_listeners", {}):
                session.event(
                    {
                        "topic": wire_topic(self._shape(), "account"),
                        "name": "account.info",
                        "data": body,
                    }
                )
                count += 1
        return count


def _subs(session: Session) -> TopicSubscriptions:
    subs = getattr(session, "topics", None)
    return subs if isinstance(subs, TopicSubscriptions) else TopicSubscriptions()


def _parse_time(value: Any) -> float | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed.timestamp() if parsed.tzinfo is not None else None
