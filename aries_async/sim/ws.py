"""Simulator websockets: ``/v1/market/ws`` and ``/v1/accounts/ws`` (websocket.md sections 2-4).

Both speak the envelope protocol: ``POST /auth`` request first (``body.token``, any method
casing, optional ``body.action``), ``authSuccess`` with ``expiresIn`` (ms), ping/pong echoing the
id, ``refreshAuth`` ``ws_refresh_warning`` seconds before the session ends and ``authExpired`` +
close at the end. The session ends at the earlier of ``ws_session_ttl`` after auth and the
token's expiry; re-auth on the live socket renews it. A revoked token ends its sessions with
``authExpired``. Accounts sockets that do not authenticate within ``ws_auth_timeout`` get
``authTimeout`` and are closed. Outgoing messages are NDJSON: everything pending is sent in one
frame (up to :data:`MAX_LINES_PER_FRAME` lines).

Market: ``marketStatus`` push after auth; subscribe with an array of per-symbol objects
(``quoteFields``/``tradeFields`` string or list, ``"*"``, both omitted = all quote and trade
fields, ``level2``, ``timeAndSales``, ``greeksFields`` for OSI option symbols); a snapshot
(quote, trade, greeks) on subscribe, never for level 2; then ``quote``, ``trade``, ``level2``,
``timeAndSales`` and ``greeks`` updates on every feed step. Unknown symbols get an
``action: "error"`` event with the subscribe id. Acks ``{"type": "subscribed", "id"}`` when
``ws_send_acks``.

Accounts: ``subscribe {topic: "account", params: {accountId}}`` -> ack, snapshot event
(``payload.topic = "account"``, ``data = {account, positions, ordersV2}``, ``id`` = the
subscribe id), then ``account.order`` / ``account.position`` / ``account.balance`` events.

Firehose (:attr:`WsHub.firehose`, a :class:`~aries_async.sim.feed.Firehose`, also
``Simulator(firehose=...)``): a market socket that has subscribed to all the firehose's
synthetic symbols gets precomputed quote frames back to back (its own task, writing straight to
the socket, yielding to the event loop every :data:`FIREHOSE_YIELD_EVERY` frames) until the
firehose's count or duration is reached. :attr:`WsHub.firehose_lines` counts the lines sent,
:attr:`WsHub.firehose_runs` the completed runs.

Faults (``ctx.faults``, read on every send): ``ws_drop_after`` closes a socket abruptly once it
has sent that many lines; ``ws_malformed_every`` appends a malformed line to every Nth frame;
``ws_stall`` sends nothing and answers no ping while set. Read at each socket's first
``authSuccess``: ``ws_expire_after_auth`` follows it with that action and a close;
``ws_close_after_accept`` with a close.

Tests drive time through :class:`WsHub` (``hub_of(sim.app)``): :meth:`WsHub.check_deadlines`
runs the session timers against the simulator clock at once (a background poll also does it
every :data:`POLL_INTERVAL` seconds), :meth:`WsHub.refresh_auth`, :meth:`WsHub.expire`,
:meth:`WsHub.drop`, :meth:`WsHub.inject` trigger events on demand.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import orjson
from aiohttp import WSMsgType, web

from aries_async.sim.auth import AccessGrant, TokenProblem
from aries_async.sim.context import SimContext
from aries_async.sim.feed import Firehose, QuoteSnapshot
from aries_async.sim.state import AccountEvent, AccountNotFoundError

__all__ = [
    "FIREHOSE_YIELD_EVERY",
    "HUB_KEY",
    "MAX_LINES_PER_FRAME",
    "POLL_INTERVAL",
    "WsHub",
    "hub_of",
    "setup",
]

log = logging.getLogger(__name__)

MAX_LINES_PER_FRAME = 200
"""Most NDJSON lines in one outgoing frame."""

POLL_INTERVAL = 0.05
"""Seconds between background checks of session deadlines (real time)."""

FIREHOSE_YIELD_EVERY = 8
"""The firehose lets other tasks run (pings, subscribes) after this many frames."""

MAX_PENDING_LINES = 200_000
"""A client this far behind is disconnected (as a real server would)."""

_MARKET_SCOPES = ("market:information",)
_ACCOUNT_SCOPES = ("account:information", "order:information", "position:information")


def _ms(seconds: float) -> int:
    return int(seconds * 1000)


def _fields(value: Any) -> frozenset[str] | None:
    """None: not requested; ``{"*"}``: all."""
    if value is None:
        return None
    if isinstance(value, str):
        return frozenset({value})
    if isinstance(value, list):
        return frozenset(str(v) for v in value) or frozenset({"*"})
    return None


def _select(data: dict[str, Any], fields: frozenset[str]) -> dict[str, Any]:
    if "*" in fields:
        return data
    return {k: v for k, v in data.items() if k in fields}


def _osi_root(symbol: str) -> tuple[str, bool, float] | None:
    if len(symbol) < 16 or symbol[-9] not in "CP" or not symbol[-8:].isdigit():
        return None
    return symbol[:-15], symbol[-9] == "C", int(symbol[-8:]) / 1000


class _MarketSub:
    __slots__ = ("greeks", "level2", "option", "quote", "symbol", "tas", "trade")

    def __init__(self, symbol: str) -> None:
        self.symbol = symbol
        self.quote: frozenset[str] | None = None
        self.trade: frozenset[str] | None = None
        self.tas: frozenset[str] | None = None
        self.level2 = False
        self.greeks: frozenset[str] | None = None
        self.option: tuple[str, bool, float] | None = None


class _Session:
    def __init__(self, hub: WsHub, ws: web.WebSocketResponse, request: web.Request, kind: str):
        self.hub = hub
        self.ws = ws
        self.request = request
        self.kind = kind
        self.pending: list[str] = []
        self.wake = asyncio.Event()
        self.lines_sent = 0
        self.frames_sent = 0
        self.grant: AccessGrant | None = None
        self.expires_at = math.inf
        self.warned = False
        self.opened_at = hub.ctx.clock.now()
        self.market: dict[str, _MarketSub] = {}  # by the watched (underlying) symbol
        self.options: dict[str, list[_MarketSub]] = {}
        self.account_listeners: dict[str, Callable[[], None]] = {}
        self.firehose_subs: set[str] = set()
        self.firehose_task: asyncio.Task[None] | None = None
        self.closing = False
        self.closed = False
        # Set by the ws_expire_after_auth / ws_close_after_accept faults: once what is pending
        # went out, send this action (if any) in a frame of its own, then close.
        self.end_after_flush: str | None = None

    # -- output -------------------------------------------------------------------------------

    def push(self, message: dict[str, Any]) -> None:
        if self.closed or self.hub.ctx.faults.ws_stall:
            return
        self.pending.append(orjson.dumps(message).decode())
        if len(self.pending) > MAX_PENDING_LINES:
            log.warning("websocket client too slow; dropping it")
            self.abort()
            return
        self.wake.set()

    def event(self, payload: dict[str, Any], request_id: str | None = None) -> None:
        payload.setdefault("timestamp", _ms(self.hub.ctx.clock.now()))
        message: dict[str, Any] = {"type": "event", "payload": payload}
        if request_id is not None:
            message["id"] = request_id
        self.push(message)

    def abort(self) -> None:
        self.closed = True
        transport = self.request.transport
        if transport is not None:
            transport.abort()
        self.wake.set()

    def close_after_flush(self) -> None:
        self.closing = True
        self.wake.set()

    async def writer(self) -> None:
        faults = self.hub.ctx.faults
        while not self.closed:
            await self.wake.wait()
            self.wake.clear()
            while self.pending and not self.closed:
                if faults.ws_stall:
                    self.pending.clear()
                    break
                batch = self.pending[:MAX_LINES_PER_FRAME]
                del self.pending[:MAX_LINES_PER_FRAME]
                limit = faults.ws_drop_after
                if limit is not None and self.lines_sent + len(batch) >= limit:
                    batch = batch[: max(0, limit - self.lines_sent)]
                    if batch:
                        await self.ws.send_str("\n".join(batch))
                    self.lines_sent += len(batch)
                    log.info("ws_drop_after: dropping a websocket after %d lines", limit)
                    self.abort()
                    return
                self.frames_sent += 1
                every = faults.ws_malformed_every
                if every and self.frames_sent % every == 0:
                    batch = [*batch, '{"type":"event","payload":{"action":"upd']
                try:
                    await self.ws.send_str("\n".join(batch))
                except (ConnectionError, RuntimeError):
                    self.abort()
                    return
                self.lines_sent += len(batch)
            if self.end_after_flush is not None and not self.pending and not self.closed:
                if self.end_after_flush:
                    with contextlib.suppress(ConnectionError, RuntimeError):
                        message = {"type": "event", "payload": {"action": self.end_after_flush}}
                        await self.ws.send_str(orjson.dumps(message).decode())
                self.end_after_flush = None
                self.closing = True
            if self.closing and not self.pending:
                with contextlib.suppress(Exception):
                    await self.ws.close()
                self.closed = True
                return

    # -- input --------------------------------------------------------------------------------

    def handle(self, line: str) -> None:
        try:
            message = orjson.loads(line)
        except orjson.JSONDecodeError:
            self.event({"action": "error", "error": "invalid JSON"})
            return
        if not isinstance(message, dict):
            self.event({"action": "error", "error": "message must be a JSON object"})
            return
        kind = message.get("type")
        request_id = message.get("id")
        request_id = None if request_id is None else str(request_id)
        payload = message.get("payload")
        if kind == "ping":
            if not self.hub.ctx.faults.ws_stall:
                self.push({"type": "pong", "id": request_id} if request_id else {"type": "pong"})
            return
        if kind == "request" and isinstance(payload, dict):
            if str(payload.get("path", "")).rstrip("/") == "/auth" and (
                str(payload.get("method", "")).upper() == "POST"
            ):
                self.authenticate(payload.get("body"), request_id)
                return
            if self.grant is None:
                self.auth_required()
                return
            self.event({"action": "error", "error": "unsupported request", "id": request_id})
            return
        if kind in ("subscribe", "unsubscribe"):
            if self.grant is None:
                self.auth_required()
                return
            if self.kind == "market":
                if kind == "subscribe":
                    self.market_subscribe(payload, request_id)
                else:
                    self.market_unsubscribe(payload, request_id)
            elif kind == "subscribe":
                self.account_subscribe(payload, request_id)
            else:
                self.account_unsubscribe(payload, request_id)
            return
        self.event({"action": "error", "error": f"unknown message type {kind!r}", "id": request_id})

    def auth_required(self) -> None:
        self.event({"action": "authRequired", "error": "authentication required"})

    def authenticate(self, body: Any, request_id: str | None) -> None:
        token = body.get("token") if isinstance(body, dict) else None
        if not isinstance(token, str) or not token:
            self.event({"action": "error", "error": "token is required", "id": request_id})
            return
        scopes = _MARKET_SCOPES if self.kind == "market" else _ACCOUNT_SCOPES
        result = self.hub.ctx.authenticate(token, scopes)
        if isinstance(result, TokenProblem):
            self.event({"action": "error", "error": "authentication failed", "id": request_id})
            return
        first = self.grant is None
        self.grant = result
        now = self.hub.ctx.clock.now()
        settings = self.hub.ctx.settings
        self.expires_at = min(now + settings.ws_session_ttl, result.expires_at)
        self.warned = False
        self.event(
            {
                "action": "authSuccess",
                "id": request_id,
                "data": {"expiresIn": max(0, _ms(self.expires_at - now))},
            }
        )
        if first and self.kind == "market":
            self.event({"action": "update", "type": "marketStatus", "data": self.hub.status()})
        faults = self.hub.ctx.faults
        # A stalled socket dropped the authSuccess: an expiry after it would read as the
        # answer to the authentication.
        if (
            first
            and not faults.ws_stall
            and (faults.ws_expire_after_auth or faults.ws_close_after_accept)
        ):
            self.end_after_flush = faults.ws_expire_after_auth or ""
            self.wake.set()

    def ack(self, request_id: str | None) -> None:
        if self.hub.ctx.settings.ws_send_acks and request_id is not None:
            self.push({"type": "subscribed", "id": request_id})

    # -- market -------------------------------------------------------------------------------

    def market_subscribe(self, payload: Any, request_id: str | None) -> None:
        if not isinstance(payload, list):
            payload = [payload] if isinstance(payload, dict) else []
        feed = self.hub.ctx.feed
        bad: list[str] = []
        fresh: list[_MarketSub] = []
        for item in payload:
            if not isinstance(item, dict) or not isinstance(item.get("symbol"), str):
                bad.append(str(item))
                continue
            symbol = item["symbol"].upper()
            if symbol in self.hub.firehose_names:
                self.firehose_subs.add(symbol)
                continue
            option = _osi_root(symbol)
            watched = option[0] if option else symbol
            if not feed.has(watched):
                bad.append(symbol)
                continue
            sub = _MarketSub(symbol)
            sub.option = option
            quote, trade = _fields(item.get("quoteFields")), _fields(item.get("tradeFields"))
            sub.level2 = bool(item.get("level2"))
            sub.tas = (
                _fields(item.get("timeAndSalesFields")) or frozenset({"*"})
                if item.get("timeAndSales")
                else None
            )
            sub.greeks = _fields(item.get("greeksFields")) if option else None
            legacy = _fields(item.get("fields"))
            if quote is None and trade is None and legacy is not None:
                quote = trade = legacy
            if quote is None and trade is None and not (sub.level2 or sub.tas or sub.greeks):
                quote = trade = frozenset({"*"})
            sub.quote, sub.trade = quote, trade
            self._add_market(watched, sub)
            fresh.append(sub)
        if bad:
            self.event(
                {"action": "error", "error": "invalid symbol", "id": request_id, "symbols": bad}
            )
        self.ack(request_id)
        self._maybe_start_firehose()
        for sub in fresh:  # the snapshot on subscribe (never level 2 or time and sales)
            watched = sub.option[0] if sub.option else sub.symbol
            snap = feed.quote(watched)
            self.send_step(sub, snap, snapshot=True)

    def _add_market(self, watched: str, sub: _MarketSub) -> None:
        if sub.option is not None:
            subs = self.options.setdefault(watched, [])
            subs[:] = [s for s in subs if s.symbol != sub.symbol] + [sub]
            if watched not in self.market:
                self.hub.watch(self, watched)
            return
        if sub.symbol not in self.market and sub.symbol not in self.options:
            self.hub.watch(self, sub.symbol)
        self.market[sub.symbol] = sub

    def market_unsubscribe(self, payload: Any, request_id: str | None) -> None:
        items = payload if isinstance(payload, list) else [payload]
        for item in items:
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
        self.ack(request_id)

    def _drop_symbol(self, symbol: str) -> None:
        self.firehose_subs.discard(symbol)
        option = _osi_root(symbol)
        watched = option[0] if option else symbol
        if option:
            subs = self.options.get(watched, [])
            subs[:] = [s for s in subs if s.symbol != symbol]
            if not subs:
                self.options.pop(watched, None)
        else:
            self.market.pop(symbol, None)
        if watched not in self.market and watched not in self.options:
            self.hub.unwatch(self, watched)

    # -- firehose -----------------------------------------------------------------------------

    def _maybe_start_firehose(self) -> None:
        firehose = self.hub.firehose
        if (
            firehose is None
            or self.firehose_task is not None
            or len(self.firehose_subs) < len(self.hub.firehose_names)
        ):
            return
        self.firehose_task = asyncio.create_task(
            self.run_firehose(firehose), name="aries-sim-ws-firehose"
        )

    async def run_firehose(self, firehose: Firehose) -> None:
        """Send the precomputed frames back to back until the count or duration is reached."""
        frames = self.hub.firehose_frames()
        loop = asyncio.get_running_loop()
        deadline = math.inf if firehose.duration is None else loop.time() + firehose.duration
        remaining = math.inf if firehose.count is None else firehose.count
        send = self.ws.send_frame
        text = WSMsgType.TEXT
        position = 0
        total = len(frames)
        sent_here = 0
        try:
            while not self.closed and remaining > 0:
                frame, lines = frames[position]
                position = position + 1 if position + 1 < total else 0
                if lines > remaining:
                    lines = int(remaining)
                    frame = b"\n".join(frame.split(b"\n")[:lines])
                await send(frame, text)
                remaining -= lines
                sent_here += 1
                self.hub.firehose_lines += lines
                self.lines_sent += lines
                if sent_here % FIREHOSE_YIELD_EVERY == 0:
                    await asyncio.sleep(0)
                    if loop.time() >= deadline:
                        break
        except (ConnectionError, RuntimeError):
            self.abort()
            return
        self.hub.firehose_runs += 1

    def on_step(self, snap: QuoteSnapshot) -> None:
        sub = self.market.get(snap.symbol)
        if sub is not None:
            self.send_step(sub, snap, snapshot=False)
        for option_sub in self.options.get(snap.symbol, ()):
            self.send_step(option_sub, snap, snapshot=False)

    def send_step(self, sub: _MarketSub, snap: QuoteSnapshot, *, snapshot: bool) -> None:
        stamp = _ms(snap.time)
        symbol = sub.symbol
        if sub.option is not None:
            if sub.greeks is not None:
                data = _select(_greeks(snap.last, sub.option), sub.greeks)
                self.event(
                    {
                        "action": "update",
                        "type": "greeks",
                        "symbol": symbol,
                        "data": data,
                        "timestamp": stamp,
                    }
                )
            return
        if sub.quote is not None:
            self.event(
                {
                    "action": "update",
                    "type": "quote",
                    "symbol": symbol,
                    "data": _select(snap.quote_data(), sub.quote),
                    "timestamp": stamp,
                }
            )
        if sub.trade is not None:
            self.event(
                {
                    "action": "update",
                    "type": "trade",
                    "symbol": symbol,
                    "data": _select(snap.trade_data(), sub.trade),
                    "timestamp": stamp,
                }
            )
        if snapshot:
            return
        if sub.level2:
            data = {
                "orderBook": [f"{snap.ask_size}:{snap.ask}:0", f"0:{snap.bid}:{snap.bid_size}"],
                "quotes": [f"NSDQ:{snap.ask}:{snap.ask_size}:{snap.bid}:{snap.bid_size}"],
            }
            self.event(
                {
                    "action": "update",
                    "type": "level2",
                    "symbol": symbol,
                    "data": data,
                    "timestamp": stamp,
                }
            )
        if sub.tas is not None and snap.last_size:
            data = {
                "symbol": symbol,
                "price": f"{snap.last}",
                "size": str(snap.last_size),
                "tick": snap.tick,
                "tradeSeq": str(snap.seq),
                "tradeExchange": "NSDQ",
                "tradeTimestamp": str(stamp),
            }
            self.event(
                {
                    "action": "update",
                    "type": "timeAndSales",
                    "symbol": symbol,
                    "data": _select(data, sub.tas),
                    "timestamp": stamp,
                }
            )

    # -- accounts -----------------------------------------------------------------------------

    def account_subscribe(self, payload: Any, request_id: str | None) -> None:
        if not isinstance(payload, dict):
            self.event({"action": "error", "error": "payload must be an object", "id": request_id})
            return
        topic = payload.get("topic")
        params = payload.get("params") if isinstance(payload.get("params"), dict) else {}
        if topic != "account":
            self.ack(request_id)  # pnl, watchlist, news: accepted, nothing simulated
            return
        account_id = params.get("accountId") if isinstance(params, dict) else None
        if not isinstance(account_id, str) or not account_id:
            self.event({"action": "error", "error": "accountId is required", "id": request_id})
            return
        state = self.hub.ctx.state
        try:
            snapshot = state.snapshot(account_id)
        except AccountNotFoundError:
            self.event({"action": "error", "error": "account not found", "id": request_id})
            return
        if account_id not in self.account_listeners:
            self.account_listeners[account_id] = state.listen(account_id, self.on_account_event)
        self.ack(request_id)
        self.event({"topic": "account", "data": snapshot}, request_id)

    def account_unsubscribe(self, payload: Any, request_id: str | None) -> None:
        params = payload.get("params") if isinstance(payload, dict) else None
        account_id = params.get("accountId") if isinstance(params, dict) else None
        remove = self.account_listeners.pop(str(account_id), None)
        if remove is not None:
            remove()
        self.ack(request_id)

    def on_account_event(self, event: AccountEvent) -> None:
        self.event(
            {
                "topic": "account",
                "name": event.name,
                "data": event.data,
                "timestamp": _ms(event.time),
            }
        )

    def release(self) -> None:
        self.closed = True  # also stops the firehose at its next frame
        for remove in self.account_listeners.values():
            remove()
        self.account_listeners.clear()
        for watched in set(self.market) | set(self.options):
            self.hub.unwatch(self, watched)
        self.market.clear()
        self.options.clear()


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


class WsHub:
    """Every open simulator websocket, the feed fan-out and on-demand triggers for tests."""

    def __init__(self, ctx: SimContext) -> None:
        self.ctx = ctx
        self.sessions: set[_Session] = set()
        self._by_symbol: dict[str, set[_Session]] = {}
        self._remove_listener: Callable[[], None] | None = None
        self._poller: asyncio.Task[None] | None = None
        self.connections = {"market": 0, "accounts": 0}
        self._firehose: Firehose | None = None
        self._firehose_frames: list[tuple[bytes, int]] | None = None
        self.firehose_names: frozenset[str] = frozenset()
        self.firehose_lines = 0
        self.firehose_runs = 0

    # -- firehose -----------------------------------------------------------------------------

    @property
    def firehose(self) -> Firehose | None:
        """The market socket's throughput mode (None: off). Setting it applies to sockets
        that complete their firehose subscription afterwards."""
        return self._firehose

    @firehose.setter
    def firehose(self, value: Firehose | None) -> None:
        self._firehose = value
        self._firehose_frames = None
        self.firehose_names = frozenset(value.names()) if value is not None else frozenset()

    def firehose_frames(self) -> list[tuple[bytes, int]]:
        """The precomputed firehose frames (built once per :attr:`firehose` setting)."""
        if self._firehose is None:
            return []
        if self._firehose_frames is None:
            self._firehose_frames = self._firehose.frames()
        return self._firehose_frames

    # -- feed ---------------------------------------------------------------------------------

    def watch(self, session: _Session, symbol: str) -> None:
        if self._remove_listener is None:
            self._remove_listener = self.ctx.feed.listen(self._on_step)
        sessions = self._by_symbol.setdefault(symbol, set())
        if session not in sessions:
            sessions.add(session)
            self.ctx.feed.watch(symbol)

    def unwatch(self, session: _Session, symbol: str) -> None:
        sessions = self._by_symbol.get(symbol)
        if sessions and session in sessions:
            sessions.discard(session)
            self.ctx.feed.unwatch(symbol)
            if not sessions:
                del self._by_symbol[symbol]

    def _on_step(self, snap: QuoteSnapshot) -> None:
        for session in list(self._by_symbol.get(snap.symbol, ())):
            session.on_step(snap)

    def status(self) -> dict[str, Any]:
        """The ``marketStatus`` data object (websocket.md 3.2) at the clock's time."""
        info = self.ctx.market_status()
        session = info.get("session")
        is_open = session == "regular"
        venue = "open" if is_open else "closed"
        now = self.ctx.clock.now()
        return {
            "afterHours": session == "after-hours",
            "currencies": {"crypto": "open", "fx": "open"},
            "earlyHours": session == "pre-market",
            "exchanges": {"nasdaq": venue, "nyse": venue, "otc": venue},
            "indicesGroups": {"dow_jones": venue, "nasdaq": venue, "s_and_p": venue},
            "market": venue,
            "serverTime": datetime.fromtimestamp(now, UTC)
            .isoformat(timespec="milliseconds")
            .replace("+00:00", "Z"),
        }

    # -- triggers for tests -------------------------------------------------------------------

    def _select(self, kind: str | None) -> list[_Session]:
        return [s for s in self.sessions if not s.closed and (kind is None or s.kind == kind)]

    def check_deadlines(self) -> None:
        """Run session timers against the simulator clock now (auth timeout, refresh, expiry,
        revoked tokens)."""
        now = self.ctx.clock.now()
        settings = self.ctx.settings
        for session in self._select(None):
            if session.closing:
                continue
            grant = session.grant
            if grant is None:
                if (
                    session.kind == "accounts"
                    and now - session.opened_at >= settings.ws_auth_timeout
                ):
                    session.event({"action": "authTimeout", "error": "authentication timeout"})
                    session.close_after_flush()
                continue
            if grant.revoked or now >= session.expires_at:
                session.event({"action": "authExpired"})
                session.close_after_flush()
            elif not session.warned and now >= session.expires_at - settings.ws_refresh_warning:
                session.warned = True
                session.event({"action": "refreshAuth"})

    def refresh_auth(self, kind: str | None = None) -> int:
        """Send ``refreshAuth`` to every authenticated socket (of ``kind``); returns the count."""
        sessions = [s for s in self._select(kind) if s.grant is not None]
        for session in sessions:
            session.warned = True
            session.event({"action": "refreshAuth"})
        return len(sessions)

    def expire(self, kind: str | None = None) -> int:
        """Send ``authExpired`` and close every authenticated socket (of ``kind``)."""
        sessions = [s for s in self._select(kind) if s.grant is not None]
        for session in sessions:
            session.event({"action": "authExpired"})
            session.close_after_flush()
        return len(sessions)

    def drop(self, kind: str | None = None) -> int:
        """Abort every socket (of ``kind``) without a closing handshake."""
        sessions = self._select(kind)
        for session in sessions:
            session.abort()
        return len(sessions)

    def inject(self, line: str, kind: str | None = None) -> int:
        """Send a raw line (malformed JSON, an unknown type...) to every socket (of ``kind``)."""
        sessions = self._select(kind)
        for session in sessions:
            if not self.ctx.faults.ws_stall:
                session.pending.append(line)
                session.wake.set()
        return len(sessions)

    def open_sessions(self, kind: str | None = None) -> int:
        """Sockets currently open (of ``kind``)."""
        return len(self._select(kind))

    # -- aiohttp ------------------------------------------------------------------------------

    async def market(self, request: web.Request) -> web.StreamResponse:
        return await self._serve(request, "market")

    async def accounts(self, request: web.Request) -> web.StreamResponse:
        return await self._serve(request, "accounts")

    async def _serve(self, request: web.Request, kind: str) -> web.StreamResponse:
        ws = web.WebSocketResponse(autoping=True, max_msg_size=16 * 1024 * 1024)
        await ws.prepare(request)
        self.connections[kind] += 1
        session = _Session(self, ws, request, kind)
        self.sessions.add(session)
        writer = asyncio.create_task(session.writer(), name=f"aries-sim-ws-{kind}-writer")
        try:
            async for msg in ws:
                if msg.type == WSMsgType.TEXT:
                    for line in msg.data.splitlines():
                        if line.strip():
                            session.handle(line)
                elif msg.type == WSMsgType.BINARY:
                    for line in msg.data.decode("utf-8", "replace").splitlines():
                        if line.strip():
                            session.handle(line)
                else:
                    break
                if session.closed:
                    break
        finally:
            session.release()
            self.sessions.discard(session)
            writer.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await writer
            firehose = session.firehose_task
            if firehose is not None:
                # Let it see the closed flag or the write error itself: cancelling it inside
                # aiohttp's drain leaves a "never retrieved" connection error behind.
                await asyncio.wait({firehose}, timeout=1.0)
                firehose.cancel()
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await firehose
        return ws

    async def _poll(self) -> None:
        while True:
            await asyncio.sleep(POLL_INTERVAL)
            try:
                self.check_deadlines()
            except Exception:  # a bug here must not stop the simulator
                log.exception("websocket deadline check failed")

    async def on_startup(self, app: web.Application) -> None:
        self._poller = asyncio.create_task(self._poll(), name="aries-sim-ws-poll")

    async def on_shutdown(self, app: web.Application) -> None:
        if self._poller is not None:
            self._poller.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._poller
            self._poller = None
        for session in list(self.sessions):
            session.abort()
        if self._remove_listener is not None:
            self._remove_listener()
            self._remove_listener = None


HUB_KEY: web.AppKey[WsHub] = web.AppKey("aries_sim_ws_hub", WsHub)
"""``app[HUB_KEY]`` is the :class:`WsHub` of a simulator app."""


def hub_of(app: web.Application) -> WsHub:
    """The websocket hub of a simulator app (``hub_of(sim.app)``)."""
    return app[HUB_KEY]


def setup(app: web.Application, ctx: SimContext) -> None:
    """Register ``/v1/market/ws`` and ``/v1/accounts/ws`` on ``app``."""
    hub = WsHub(ctx)
    app[HUB_KEY] = hub
    app.router.add_get("/v1/market/ws", hub.market)
    app.router.add_get("/v1/accounts/ws", hub.accounts)
    app.on_startup.append(hub.on_startup)
    app.on_shutdown.append(hub.on_shutdown)
