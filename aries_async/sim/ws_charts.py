"""The simulator's charts websocket session (``/v1/charts/ws``, websocket.md section 5).

``subscribe {type: "quotes"|"trades", symbol, symbolType?}`` (one symbol per message as the
official SDK sends it; a ``payload`` array of such objects or a ``symbols`` list is accepted
too) -> an acknowledgement, a quote at once (``quotes``), then a quote and/or a last trade on
every feed step of the symbol. OSI option symbols of optionable symbols are priced from their
underlying (Black-Scholes, as the option REST routes), up to their contract's last close. Any
other symbol (an unknown ticker, the ``O:`` ticker of a contract list, an OSI symbol whose
expiry is no date or whose contract stopped trading) is refused with
``{"error": "invalid symbol"}`` and the socket goes on, as the market socket refuses one.
``unsubscribe {type, symbol}`` drops that type (without ``type``: the symbol).

Events, TradingView field naming: quote ``{"s": "ok", "n": symbol, "v": {"lp", "ch", "chp",
"bid", "ask", "open_price", "high_price", "low_price", "prev_close_price", "volume",
"exchange", "short_name"}}``, trade ``{"s": "ok", "t", "lp", "v"}``.

What the spec leaves open is switchable (``ctx.faults``, see :class:`~aries_async.sim.faults.
Faults`): ``charts_trades`` (``"separate"``: a ``trades`` subscription; ``"with_quotes"``:
``trades`` is refused and a quotes subscription sends the trades too), ``charts_envelope``
(``"plain"``: ``payload {symbol, data}``; ``"typed"``: ``payload {action: "update", type:
"quote"|"trade", symbol, data, timestamp}`` with an RFC 3339 envelope ``timestamp``),
``charts_trade_time`` (``"s"``, ``"ms"``, ``"iso"``), ``charts_numbers`` (``"number"`` or
``"string"``) and ``charts_ack`` (``"subscribed"``, ``"response"``, ``"none"``; no
acknowledgement at all while ``SimSettings.ws_send_acks`` is False, as on every socket). The
websocket faults (drops, stalls, malformed lines, binary frames, pongs without id, expiry,
``ws_refused_channels``, ``ws_already_subscribed``, ``ws_counting_subscriptions``: a count per
symbol and ``payload.type``) apply as on the other sockets, and
``ws_market_repeat_every`` / ``ws_market_stale_every`` as on the market socket (a quote or
trade sent again, verbatim or late: see :mod:`~aries_async.sim.ws_repeats`), and so do
``ws_market_partial`` (a quote's ``v`` carries only the fields that changed since the symbol's
previous quote, a trade keeps ``s`` and ``t`` and carries ``lp`` / ``v`` only when they changed;
the quote on subscribe stays whole: see :mod:`~aries_async.sim.ws_partial`), ``ws_symbol_case``
(the spelling of ``payload.symbol`` and of a quote's ``n``) and
``ws_unsubscribes_unacknowledged``.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from aries_async.sim.routes_options import option_chart_values, option_quote
from aries_async.sim.walk import QuoteSnapshot
from aries_async.sim.ws_counts import SubscriptionCounts
from aries_async.sim.ws_partial import ChangedFields
from aries_async.sim.ws_repeats import UpdateRepeats
from aries_async.sim.ws_session import Session, ms
from aries_async.sim.ws_values import update_symbol

__all__ = ["ChartSession"]

_QUOTES, _TRADES = "quotes", "trades"
_TYPES = {"quote": _QUOTES, "quotes": _QUOTES, "trade": _TRADES, "trades": _TRADES}
_KINDS = {_QUOTES: "quote", _TRADES: "trade"}  # the update kind of each subscription type


def _iso(seconds: float) -> str:
    return (
        datetime.fromtimestamp(seconds, UTC)
        .isoformat(timespec="milliseconds")
        .replace("+00:00", "Z")
    )


def _strings(values: dict[str, Any]) -> dict[str, Any]:
    return {k: str(v) if isinstance(v, (int, float)) else v for k, v in values.items()}


class _ChartSub:
    __slots__ = ("asked", "option", "symbol", "types", "watched")

    def __init__(self, symbol: str, watched: str, option: bool) -> None:
        self.symbol = symbol
        self.asked = symbol  # as the latest subscribe spelled it
        self.watched = watched
        self.option = option
        self.types: set[str] = set()


class ChartSession(Session):
    """A ``/v1/charts/ws`` socket: TradingView-style quotes and last trades."""

    kind = "charts"
    scopes = ("market:information",)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.subs: dict[str, _ChartSub] = {}
        self._by_watched: dict[str, set[str]] = {}
        self.repeats = UpdateRepeats()
        self.changes = ChangedFields()  # faults.ws_market_partial
        self.counts = SubscriptionCounts()  # faults.ws_counting_subscriptions

    # -- requests -----------------------------------------------------------------------------

    def subscribe(self, payload: Any, request_id: str | None) -> None:
        """Subscribe to symbols; a quote of each follows the acknowledgement."""
        faults = self.hub.ctx.faults
        fresh: list[_ChartSub] = []
        held: list[str] = []  # asked as the socket holds them (faults.ws_already_subscribed)
        items = _items(payload)
        for item in items:
            kind = _TYPES.get(str(item.get("type") or _QUOTES).lower())
            symbol = item.get("symbol")
            if kind is None or (kind == _TRADES and faults.charts_trades == "with_quotes"):
                self._error(f"unsupported subscription type {item.get('type')!r}", request_id)
                return
            if not isinstance(symbol, str) or not symbol.strip():
                self._error("symbol is required", request_id)
                return
            asked = symbol.strip()  # as the subscribe spells it (faults.ws_symbol_case)
            symbol = asked.upper()
            if self.firehose_symbol(symbol):
                continue
            if faults.ws_already_subscribed and kind in getattr(self.subs.get(symbol), "types", ()):
                held.append(symbol)
                continue
            sub = self.subs.get(symbol) or self._new_sub(symbol)
            if sub is None:
                self._error("invalid symbol", request_id)
                return
            if self.refuse_channels(symbol, {kind}, request_id):
                if not sub.types:
                    self._drop(sub)
                continue  # the rest of the request goes on, as on the market socket
            if kind == _QUOTES and kind not in sub.types:
                fresh.append(sub)
            sub.types.add(kind)
            sub.asked = asked
            if faults.ws_counting_subscriptions:
                self.counts.add(symbol, {kind})
        self.channel_refusals.request(request_id)
        if held:  # the generic error of websocket.md 2.6: no symbols, no channels
            self._error("already subscribed: " + ", ".join(held), request_id)
        if len(held) < len(items):
            self.ack(request_id)
        self.maybe_start_firehose()
        for sub in fresh:  # the quote on subscribe
            self._send(sub, self.hub.ctx.feed.quote(sub.watched), snapshot=True)

    def _new_sub(self, symbol: str) -> _ChartSub | None:
        """A new subscription of ``symbol``, watching its underlying for an option; None when
        the socket does not know it. The socket takes OSI symbols (websocket.md section 5):
        the ``O:`` ticker of a contract list is not one, as on the market socket."""
        option = option_quote(self.hub.ctx, symbol) is not None  # None for an O: ticker
        watched = symbol[:-15] if option else symbol
        if not option and not self.hub.ctx.feed.has(symbol):
            return None
        sub = self.subs[symbol] = _ChartSub(symbol, watched, option)
        watchers = self._by_watched.setdefault(watched, set())
        if not watchers:
            self.hub.watch(self, watched)
        watchers.add(symbol)
        return sub

    def unsubscribe(self, payload: Any, request_id: str | None) -> None:
        """Drop a type of a symbol (all of it without ``type``)."""
        for item in _items(payload):
            symbol = str(item.get("symbol") or "").strip().upper()
            sub = self.subs.get(symbol)
            if sub is None:
                continue
            kind = _TYPES.get(str(item.get("type") or "").lower())
            faults = self.hub.ctx.faults
            if kind is None or faults.charts_trades == "with_quotes":
                # with_quotes: the quotes subscription carries everything
                named = set(sub.types)
            else:
                named = {kind}
            if faults.ws_counting_subscriptions:
                named = self.counts.remove(symbol, named)  # those no longer counted
            sub.types -= named
            if not sub.types:
                self._drop(sub)
            else:  # a kind subscribed again starts whole (faults.ws_market_partial)
                self.changes.forget(symbol, tuple(_KINDS[name] for name in named))
        if not self.hub.ctx.faults.ws_unsubscribes_unacknowledged:
            self.ack(request_id)

    def _drop(self, sub: _ChartSub) -> None:
        del self.subs[sub.symbol]
        self.changes.forget(sub.symbol)
        watchers = self._by_watched.get(sub.watched, set())
        watchers.discard(sub.symbol)
        if not watchers:
            self._by_watched.pop(sub.watched, None)
            self.hub.unwatch(self, sub.watched)

    def _error(self, text: str, request_id: str | None) -> None:
        self.refuse({"error": text}, request_id)

    def ack_type(self) -> str:
        """``faults.charts_ack`` (``SimSettings.ws_send_acks`` False still silences it)."""
        return self.hub.ctx.faults.charts_ack

    # -- events -------------------------------------------------------------------------------

    def on_step(self, snap: QuoteSnapshot) -> None:
        """A feed step of a watched symbol: send what its subscriptions ask for."""
        for symbol in sorted(self._by_watched.get(snap.symbol, ())):
            self._send(self.subs[symbol], snap, snapshot=False)

    def _send(self, sub: _ChartSub, snap: QuoteSnapshot, *, snapshot: bool) -> None:
        faults = self.hub.ctx.faults
        priced = self._values(sub, snap)
        if priced is None:
            return  # a contract past its last close: no longer quoted
        quote, trade = priced
        shown = update_symbol(sub.symbol, sub.asked, faults)
        if _QUOTES in sub.types:
            values = self._changed("quote", sub.symbol, quote, snapshot)
            if values is not None:
                data = {"s": "ok", "n": shown, "v": values}
                self._event(sub.symbol, "quote", data, snap, shown)
        trades = _TRADES in sub.types or (
            faults.charts_trades == "with_quotes" and _QUOTES in sub.types
        )
        if trades and not snapshot and snap.last_size:
            when: Any = {"s": int(snap.time), "ms": ms(snap.time)}.get(faults.charts_trade_time)
            trade = {"t": _iso(snap.time) if when is None else when, **trade}
            changed = self._changed("trade", sub.symbol, trade, False)
            if changed is not None:  # ``t`` always: a typeless event is told a trade by it
                data = {"s": "ok", "t": trade["t"], **changed}
                self._event(sub.symbol, "trade", data, snap, shown)

    def _changed(
        self, kind: str, symbol: str, data: dict[str, Any], snapshot: bool
    ) -> dict[str, Any] | None:
        """What of ``data`` the update of ``kind`` carries: all of it, or with
        ``faults.ws_market_partial`` what changed (None: nothing did, nothing is sent)."""
        if not self.hub.ctx.faults.ws_market_partial:
            return data
        return self.changes.changed(kind, symbol, data, snapshot=snapshot)

    def _values(
        self, sub: _ChartSub, snap: QuoteSnapshot
    ) -> tuple[dict[str, Any], dict[str, Any]] | None:
        priced = (
            option_quote(self.hub.ctx, sub.symbol, snap.last, snap.time) if sub.option else None
        )
        if sub.option and priced is None:
            return None
        if priced is not None:
            quote = option_chart_values(priced, snap.volume // 100)
            trade = {"lp": priced["lastPrice"], "v": max(1, snap.last_size // 100)}
        else:
            info = self.hub.ctx.feed.info(sub.watched)
            quote = snap.chart_quote_data(info.exchange, sub.symbol)
            trade = {"lp": snap.last, "v": snap.last_size}
        if self.hub.ctx.faults.charts_numbers == "string":
            return _strings(quote), _strings(trade)
        return quote, trade

    def _event(
        self, symbol: str, kind: str, data: dict[str, Any], snap: QuoteSnapshot, shown: str
    ) -> None:
        """Push an update of ``symbol`` (named ``shown`` on the wire), and its repeats."""
        faults = self.hub.ctx.faults
        message = self._message(shown, kind, data, snap)
        self.push(message)
        for again in self.repeats.after(faults, kind, symbol, message):
            self.push(again)

    def _message(
        self, symbol: str, kind: str, data: dict[str, Any], snap: QuoteSnapshot
    ) -> dict[str, Any]:
        if self.hub.ctx.faults.charts_envelope == "typed":
            payload = {
                "action": "update",
                "type": kind,
                "symbol": symbol,
                "data": data,
                "timestamp": ms(snap.time),
            }
            return {"type": "event", "timestamp": _iso(snap.time), "payload": payload}
        return {"type": "event", "payload": {"symbol": symbol, "data": data}}

    def drop_subscriptions(self) -> None:
        """Unwatch every symbol and forget its subscriptions."""
        super().drop_subscriptions()
        self.counts.clear()
        self.changes.sent.clear()
        for watched in self._by_watched:
            self.hub.unwatch(self, watched)
        self._by_watched.clear()
        self.subs.clear()


def _items(payload: Any) -> list[dict[str, Any]]:
    """The per-symbol objects of a (un)subscribe: one object, a list, or ``symbols``."""
    if isinstance(payload, list):
        return [item for item in payload if isinstance(item, dict)]
    if not isinstance(payload, dict):
        return [{}]
    symbols = payload.get("symbols")
    if isinstance(symbols, list):
        return [{**payload, "symbol": symbol} for symbol in symbols]
    return [payload]
