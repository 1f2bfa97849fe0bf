"""The simulator's market websocket session (``/v1/market/ws``, websocket.md section 3).

``marketStatus`` push after auth and again whenever it changes
(:meth:`MarketSession.push_status`, on the hub's deadline checks); subscribe with an array of
per-symbol objects (``quoteFields``, ``tradeFields``, legacy ``fields``, ``level2``,
``timeAndSales``, ``greeksFields`` for OSI option symbols); a snapshot of each symbol follows
the subscription, then updates on every feed step (an OSI option's quotes and trades priced
as the option details route prices it, ``instrumentType: "o"``, on its underlying's steps up
to its contract's last close; a contract past it is refused as an unknown symbol is);
a channel ``faults.ws_refused_channels`` refuses is left out, with an error naming it; with
``faults.ws_already_subscribed`` a symbol asked as the socket holds it already gets an
``already subscribed`` error instead; with
``faults.ws_counting_subscriptions`` each channel of a symbol is counted (see
:mod:`~aries_async.sim.ws_counts`) and an unsubscribe drops only the channels whose count
reaches zero. A
subscription to every synthetic symbol of the hub's firehose gets precomputed quote frames
back to back instead (see
:meth:`~aries_async.sim.ws_session.Session.run_firehose`). Numbers and exchange times are
written as :func:`~aries_async.sim.ws_values.market_values` says;
``faults.ws_market_repeat_every`` and ``ws_market_stale_every`` repeat quote and trade
updates, verbatim or late (an older ``timestamp`` after a newer one);
``faults.ws_symbol_case`` spells the updates' symbol, and
``faults.ws_unsubscribes_unacknowledged`` leaves the unsubscribes unacknowledged; with
``faults.ws_market_partial`` a quote or trade update carries only the fields that changed
since the previous one of its symbol (:mod:`~aries_async.sim.ws_partial`).
"""

from __future__ import annotations

import math
from typing import Any

from aries_async.sim.feed import QuoteSnapshot
from aries_async.sim.routes_options import option_quote
from aries_async.sim.ws_counts import SubscriptionCounts
from aries_async.sim.ws_market_subs import (
    SLOTS,
    UNSUB_KEYS,
    MarketSub,
    option_values,
    osi_root,
    requested_fields,
    select_fields,
)
from aries_async.sim.ws_partial import ChangedFields
from aries_async.sim.ws_repeats import UpdateRepeats
from aries_async.sim.ws_requests import answer_request
from aries_async.sim.ws_session import Session, ms
from aries_async.sim.ws_values import market_values, update_symbol, update_type

__all__ = ["MarketSession"]


def _status_key(status: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in status.items() if key != "serverTime"}


def _greeks(spot: float, option: tuple[str, bool, float]) -> dict[str, Any]:
    _, call, strike = option
    x = (spot - strike) / max(strike * 0.05, 0.01)
    d = 1 / (1 + math.exp(-max(-50.0, min(50.0, x))))
    delta = d if call else d - 1
    gamma = d * (1 - d) / max(strike * 0.05, 0.01)
    return {
        "delta": round(delta, 4),
        "gamma": round(gamma, 4),
        "theta": round(-0.05 - 0.02 * d, 4),
        "vega": round(0.2 * d * (1 - d) * 4, 4),
        "rho": round(0.05 * delta, 4),
        "impliedVolatility": 0.25,
    }


class MarketSession(Session):
    """A ``/v1/market/ws`` socket: quote, trade, level 2, time and sales and greeks updates."""

    kind = "market"
    scopes = ("market:information",)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.market: dict[str, MarketSub] = {}  # by the watched (underlying) symbol
        self.options: dict[str, list[MarketSub]] = {}
        self.status_sent: dict[str, Any] | None = None
        self.status_at = 0.0  # the time of status_sent
        self.repeats = UpdateRepeats()
        self.changes = ChangedFields()
        self.counts = SubscriptionCounts()  # faults.ws_counting_subscriptions
        self.asked: dict[str, str] = {}  # symbol -> as its latest subscribe spelled it

    def ack_type(self) -> str:
        """``"none"`` while ``faults.ws_market_unacknowledged`` is set, else as every socket."""
        return "none" if self.hub.ctx.faults.ws_market_unacknowledged else super().ack_type()

    def on_first_auth(self) -> None:
        self.push_status(self.hub.status())

    def push_status(self, status: dict[str, Any], at: float | None = None) -> None:
        """Send ``marketStatus``, the status as of the time ``at`` (default: now), unless only
        ``serverTime`` changed since the last one sent or that one is later (the socket
        opened after the change)."""
        at = self.hub.ctx.clock.now() if at is None else at
        if self.status_sent is not None and (
            at < self.status_at or _status_key(status) == _status_key(self.status_sent)
        ):
            return
        self.status_sent, self.status_at = status, at
        self.event(
            {"action": "update", "type": "marketStatus", "data": status, "timestamp": ms(at)}
        )

    def subscribe(self, payload: Any, request_id: str | None) -> None:
        """Subscribe to symbols; a snapshot of each follows the ack."""
        if not isinstance(payload, list):
            payload = [payload] if isinstance(payload, dict) else []
        feed = self.hub.ctx.feed
        bad: list[str] = []
        fresh: list[MarketSub] = []
        held: list[str] = []  # asked as the socket holds them (faults.ws_already_subscribed)
        for item in payload:
            if not isinstance(item, dict) or not isinstance(item.get("symbol"), str):
                bad.append(str(item))
                continue
            symbol = item["symbol"].upper()
            if self.firehose_symbol(symbol):
                continue
            option = osi_root(symbol)
            watched = option[0] if option else symbol
            # A contract past its last close is one the server does not have (option_quote).
            if not feed.has(watched) or (option and option_quote(self.hub.ctx, symbol) is None):
                bad.append(symbol)
                continue
            sub = MarketSub(symbol)
            sub.option = option
            quote = requested_fields(item.get("quoteFields"))
            trade = requested_fields(item.get("tradeFields"))
            sub.level2 = bool(item.get("level2"))
            sub.tas = (
                requested_fields(item.get("timeAndSalesFields")) or frozenset({"*"})
                if item.get("timeAndSales")
                else None
            )
            sub.greeks = requested_fields(item.get("greeksFields")) if option else None
            legacy = requested_fields(item.get("fields"))
            if quote is None and trade is None and legacy is not None:
                quote = trade = legacy
            if quote is None and trade is None and not (sub.level2 or sub.tas or sub.greeks):
                quote = trade = frozenset({"*"})
            sub.quote, sub.trade = quote, trade
            if self._holds(watched, sub):
                held.append(symbol)
                continue
            if self._refused_all(sub, request_id):
                continue  # the symbol's subscription stays as it was
            if self.hub.ctx.faults.ws_counting_subscriptions:
                self._count(watched, sub)
            self._add_market(watched, sub)
            self.asked[symbol] = item["symbol"]
            fresh.append(sub)
        self.channel_refusals.request(request_id)
        if bad:
            self.refuse({"error": "invalid symbol", "symbols": bad}, request_id)
        if held:  # the generic error of websocket.md 2.6: no symbols, no channels
            self.refuse({"error": "already subscribed: " + ", ".join(held)}, request_id)
        if len(held) < len(payload):
            self.ack(request_id)
        self.maybe_start_firehose()
        for sub in fresh:  # the snapshot on subscribe (never level 2 or time and sales)
            watched = sub.option[0] if sub.option else sub.symbol
            snap = feed.quote(watched)
            self.send_step(sub, snap, snapshot=True)

    def _held(self, watched: str, symbol: str) -> MarketSub | None:
        """The socket's subscription of ``symbol`` (watched as ``watched``), if any."""
        if watched == symbol:
            return self.market.get(symbol)
        return next((s for s in self.options.get(watched, ()) if s.symbol == symbol), None)

    def _count(self, watched: str, sub: MarketSub) -> None:
        """Count the channels ``sub`` asks for; it keeps those of the subscription it replaces
        that are still counted."""
        asked = sub.channels()
        self.counts.add(sub.symbol, asked)
        held = self._held(watched, sub.symbol)
        if held is not None:
            for name in self.counts.held(sub.symbol) - asked:
                setattr(sub, SLOTS[name], getattr(held, SLOTS[name]))

    def _uncounted(self, item: Any) -> Any:
        """The unsubscribe item that drops what ``item`` takes the last count off (None:
        nothing), on a counting socket."""
        symbol = (
            item
            if isinstance(item, str)
            else item.get("symbol")
            if isinstance(item, dict)
            else None
        )
        if not isinstance(symbol, str):
            return item  # dropped as a plain unsubscribe drops it: a malformed item is skipped
        symbol = symbol.upper()
        option = osi_root(symbol)
        sub = self._held(option[0] if option else symbol, symbol)
        if sub is None:
            return item
        if isinstance(item, str):
            named = sub.channels()
        else:
            named = {name for key, name in UNSUB_KEYS.items() if item.get(key)}
        dropped = self.counts.remove(symbol, named)
        keys = [key for key, name in UNSUB_KEYS.items() if name in dropped]
        return {"symbol": symbol, **dict.fromkeys(keys, True)} if keys else None

    def _holds(self, watched: str, sub: MarketSub) -> bool:
        """Whether ``faults.ws_already_subscribed`` is set and the socket holds ``sub`` as it
        is asked (same channels, same fields)."""
        if not self.hub.ctx.faults.ws_already_subscribed:
            return False
        held = self._held(watched, sub.symbol)
        return held is not None and all(
            getattr(held, name) == getattr(sub, name) for name in MarketSub.__slots__
        )

    def _refused_all(self, sub: MarketSub, request_id: str | None) -> bool:
        """Drop the channels of ``sub`` that ``faults.ws_refused_channels`` refuses (an error
        names them); True when it asked for nothing else."""
        asked = {
            "quotes": sub.quote is not None,
            "trades": sub.trade is not None,
            "level2": sub.level2,
            "timeAndSales": sub.tas is not None,
            "greeks": sub.greeks is not None,
        }
        wanted = {name for name, on in asked.items() if on}
        refused = self.refuse_channels(sub.symbol, wanted, request_id)
        if refused:
            sub.quote = None if "quotes" in refused else sub.quote
            sub.trade = None if "trades" in refused else sub.trade
            sub.level2 = sub.level2 and "level2" not in refused
            sub.tas = None if "timeAndSales" in refused else sub.tas
            sub.greeks = None if "greeks" in refused else sub.greeks
        return not wanted - refused

    def on_request(self, payload: dict[str, Any], request_id: str | None) -> None:
        """A socket request (expiry dates, contract symbols, equity snapshot)."""
        answer_request(self, payload, request_id)

    def _add_market(self, watched: str, sub: MarketSub) -> None:
        if sub.option is not None:
            subs = self.options.setdefault(watched, [])
            subs[:] = [s for s in subs if s.symbol != sub.symbol] + [sub]
            if watched not in self.market:
                self.hub.watch(self, watched)
            return
        if sub.symbol not in self.market and sub.symbol not in self.options:
            self.hub.watch(self, sub.symbol)
        self.market[sub.symbol] = sub

    def unsubscribe(self, payload: Any, request_id: str | None) -> None:
        """Drop symbols, or some of a symbol's channels."""
        items = payload if isinstance(payload, list) else [payload]
        counting = self.hub.ctx.faults.ws_counting_subscriptions
        for item in items:
            if counting and (item := self._uncounted(item)) is None:
                continue  # still counted: it stays subscribed
            if isinstance(item, str):
                self._drop_symbol(item.upper())
            elif isinstance(item, dict) and isinstance(item.get("symbol"), str):
                symbol = item["symbol"].upper()
                sub = self.market.get(symbol) or next(
                    (s for subs in self.options.values() for s in subs if s.symbol == symbol),
                    None,
                )
                if sub is None:
                    continue
                if item.get("quote"):
                    sub.quote = None
                if item.get("trade"):
                    sub.trade = None
                if item.get("level2"):
                    sub.level2 = False
                if item.get("timeAndSales"):
                    sub.tas = None
                if item.get("greeks"):
                    sub.greeks = None
                if not (sub.quote or sub.trade or sub.level2 or sub.tas or sub.greeks):
                    self._drop_symbol(symbol)
        if not self.hub.ctx.faults.ws_unsubscribes_unacknowledged:
            self.ack(request_id)

    def _drop_symbol(self, symbol: str) -> None:
        self.firehose_subs.discard(symbol)
        option = osi_root(symbol)
        watched = option[0] if option else symbol
        if option:
            subs = self.options.get(watched, [])
            subs[:] = [s for s in subs if s.symbol != symbol]
            if not subs:
                self.options.pop(watched, None)
        else:
            self.market.pop(symbol, None)
        self.changes.forget(symbol)
        self.asked.pop(symbol, None)
        if watched not in self.market and watched not in self.options:
            self.hub.unwatch(self, watched)

    def on_step(self, snap: QuoteSnapshot) -> None:
        """A feed step of a watched symbol: send what its subscriptions ask for."""
        sub = self.market.get(snap.symbol)
        if sub is not None:
            self.send_step(sub, snap, snapshot=False)
        for option_sub in self.options.get(snap.symbol, ()):
            self.send_step(option_sub, snap, snapshot=False)

    def send_step(self, sub: MarketSub, snap: QuoteSnapshot, *, snapshot: bool) -> None:
        """The updates of one subscription for one step (a snapshot: quote and trade only)."""
        stamp = ms(snap.time)
        symbol = sub.symbol
        if sub.option is not None:
            priced = option_quote(self.hub.ctx, symbol, snap.last, snap.time)
            if priced is None:
                return  # no contract the simulator lists (any more: past its close)
            if sub.greeks is not None:
                data = select_fields(_greeks(snap.last, sub.option), sub.greeks)
                self._update("greeks", symbol, data, stamp)
            quote, trade = option_values(priced, snap)
        else:
            quote, trade = snap.quote_data(), snap.trade_data()
        if sub.quote is not None:
            self._update("quote", symbol, select_fields(quote, sub.quote), stamp, snapshot=snapshot)
        if sub.trade is not None:
            self._update("trade", symbol, select_fields(trade, sub.trade), stamp, snapshot=snapshot)
        if snapshot or sub.option is not None:
            return  # level 2 and time and sales: stocks only here
        if sub.level2:
            data = {
                "orderBook": [f"{snap.ask_size}:{snap.ask}:0", f"0:{snap.bid}:{snap.bid_size}"],
                "quotes": [f"NSDQ:{snap.ask}:{snap.ask_size}:{snap.bid}:{snap.bid_size}"],
            }
            self._update("level2", symbol, data, stamp)
        if sub.tas is not None and snap.last_size:
            data = {
                "symbol": self._spelled(symbol),
                "price": f"{snap.last}",
                "size": str(snap.last_size),
                "tick": snap.tick,
                "tradeSeq": str(snap.seq),
                "tradeExchange": "NSDQ",
                "tradeTimestamp": str(stamp),
            }
            self._update("timeAndSales", symbol, select_fields(data, sub.tas), stamp)

    def _update(
        self, kind: str, symbol: str, data: Any, stamp: int, *, snapshot: bool = False
    ) -> None:
        """Push one ``update`` of ``kind`` for ``symbol``, stamped ``stamp`` (Unix ms); a quote
        or trade (whole when ``snapshot``) is partial, repeated, or followed by the one before
        it, as the faults say."""
        faults = self.hub.ctx.faults
        if faults.ws_market_partial and kind in ("quote", "trade"):
            data = self.changes.changed(kind, symbol, data, snapshot=snapshot)
            if data is None:
                return  # nothing changed: a server of partial updates has nothing to say
        if kind != "level2":
            data = market_values(data, faults)
        update = {
            "action": "update",
            "type": update_type(kind, faults),
            "symbol": self._spelled(symbol),
            "data": data,
            "timestamp": stamp,
        }
        if update["type"] is None:
            del update["type"]
        self.event(update)
        if kind in ("quote", "trade"):
            for again in self.repeats.after(faults, kind, symbol, update):
                self.event(again)

    def _spelled(self, symbol: str) -> str:
        """``symbol`` as the updates name it (``faults.ws_symbol_case``)."""
        return update_symbol(symbol, self.asked.get(symbol, symbol), self.hub.ctx.faults)

    def drop_subscriptions(self) -> None:
        """Unwatch every symbol and forget its subscriptions."""
        super().drop_subscriptions()
        self.counts.clear()
        for watched in set(self.market) | set(self.options):
            self.hub.unwatch(self, watched)
        self.market.clear()
        self.options.clear()
        self.changes.sent.clear()
        self.asked.clear()
