"""Simulator websockets: ``/v1/market/ws``, ``/v1/accounts/ws`` and ``/v1/charts/ws``
(websocket.md sections 2-5); the market socket also at its older path, ``/v1/marketdata/ws``
(websocket.md section 1 and 10.9: older pages name it).

All speak the envelope protocol: ``POST /auth`` request first (``body.token``, any method
casing, optional ``body.action``), ``authSuccess`` with ``expiresIn`` (ms), ping/pong echoing the
id, ``refreshAuth`` ``ws_refresh_warning`` seconds before the session ends and ``authExpired`` +
close at the end. The session ends at the earlier of ``ws_session_ttl`` after auth and the
token's expiry; re-auth on the live socket renews it (a re-auth that does not move the end,
the same token sent again, is not warned again) and keeps the socket's subscriptions
(``faults.ws_reauth_drops_subscriptions``: drops them). A revoked token ends its sessions with
``authExpired``. Accounts sockets that do not authenticate within ``ws_auth_timeout`` get
``authTimeout`` and are closed (market and charts sockets too, after
``faults.ws_auth_deadline``). Outgoing messages are NDJSON: everything pending is sent in one
frame (up to :data:`MAX_LINES_PER_FRAME` lines). The protocol is in
:mod:`~aries_async.sim.ws_session`, the sessions in :mod:`~aries_async.sim.ws_market`,
:mod:`~aries_async.sim.ws_charts` and :mod:`~aries_async.sim.ws_account`; this module holds the
hub.

Market: ``marketStatus`` push after auth, and again when it changes, as of the moment it
changed (:mod:`~aries_async.sim.ws_status`: a session change as the feed steps or the deadline
checks reach it, other changes at the deadline checks); subscribe with an array of per-symbol
objects (``quoteFields``/``tradeFields`` string or list, ``"*"``, both omitted = all quote and
trade fields, ``level2``, ``timeAndSales``, ``greeksFields`` for OSI option symbols); a snapshot
(quote, trade, greeks) on subscribe, never for level 2; then ``quote``, ``trade``, ``level2``,
``timeAndSales`` and ``greeks`` updates on every feed step. Unknown symbols get an
``action: "error"`` event with the subscribe id. Acks ``{"type": "subscribed", "id"}`` (or the
``response`` form of ``faults.ws_ack_type``) to subscribes and unsubscribes alike when
``ws_send_acks`` and not ``faults.ws_market_unacknowledged``.

Accounts: ``subscribe {topic: "account", params: {accountId}}`` -> ack, snapshot event
(``payload.topic = "account"``, ``data = {account, positions, ordersV2}``, ``id`` = the
subscribe id), then ``account.order`` / ``account.position`` / ``account.balance`` events;
``pnl``, ``watchlist`` and ``news`` (:attr:`WsHub.topics`, :mod:`~aries_async.sim.ws_topics`).
Market sockets answer requests (:mod:`~aries_async.sim.ws_requests`).

Charts: see :mod:`~aries_async.sim.ws_charts` (quotes and trades in TradingView naming, the
spec's open points as switches).

Firehose (:attr:`WsHub.firehose`, a :class:`~aries_async.sim.feed.Firehose`, also
``Simulator(firehose=...)``): a market or charts socket that has subscribed to all the
firehose's synthetic symbols gets precomputed quote frames (in its socket's form) back to back
(its own task, writing straight to the socket, yielding to the event loop every
:data:`FIREHOSE_YIELD_EVERY` frames) until the firehose's count or duration is reached.
:attr:`WsHub.firehose_lines` counts the lines sent, :attr:`WsHub.firehose_runs` the completed
runs.

Faults (``ctx.faults``, read on every send): ``ws_drop_after`` closes a socket abruptly once it
has sent that many lines (the next ``ws_drop_after_count`` sockets only, when set);
``ws_malformed_every`` appends a malformed line to every Nth frame; ``ws_stall`` sends nothing
and answers no ping while set. Read at each socket's first
``authSuccess``: ``ws_expire_after_auth`` follows it with that action and a close;
``ws_close_after_accept`` with a close.

Tests drive time through :class:`WsHub` (``hub_of(sim.app)``): :meth:`WsHub.check_deadlines`
runs the session timers against the simulator clock at once (a background poll also does it
every :data:`POLL_INTERVAL` seconds while a socket is open), :meth:`WsHub.refresh_auth`,
:meth:`WsHub.expire`, :meth:`WsHub.drop`, :meth:`WsHub.inject` trigger events on demand.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from typing import Any

from aiohttp import WSMsgType, web

from aries_async._closing import cancel_and_wait
from aries_async.sim.context import SimContext
from aries_async.sim.feed import Firehose, QuoteSnapshot
from aries_async.sim.watchlists import WatchlistChange
from aries_async.sim.ws_account import AccountSession
from aries_async.sim.ws_charts import ChartSession
from aries_async.sim.ws_market import MarketSession
from aries_async.sim.ws_session import (
    FIREHOSE_YIELD_EVERY,
    MAX_LINES_PER_FRAME,
    MAX_PENDING_LINES,
    Session,
)
from aries_async.sim.ws_status import StatusChanges, status_data
from aries_async.sim.ws_topics import AccountTopics

__all__ = [
    "FIREHOSE_YIELD_EVERY",
    "HUB_KEY",
    "MARKET_WS_PATHS",
    "MAX_LINES_PER_FRAME",
    "MAX_PENDING_LINES",
    "POLL_INTERVAL",
    "WS_PATHS",
    "WsHub",
    "hub_of",
    "setup",
]

log = logging.getLogger(__name__)

POLL_INTERVAL = 0.05
"""Seconds between background checks of session deadlines (real time)."""


class WsHub:
    """Every open simulator websocket, the feed fan-out and on-demand triggers for tests."""

    def __init__(self, ctx: SimContext) -> None:
        self.ctx = ctx
        self.sessions: set[Session] = set()
        self._by_symbol: dict[str, set[Session]] = {}
        self._remove_listener: Callable[[], None] | None = None
        self._poller: asyncio.Task[None] | None = None
        self.connections = {"market": 0, "accounts": 0, "charts": 0}
        self.on_open: Callable[[str, int], None] | None = None
        """Called as each websocket opens, before its first message is read, with its kind
        (``"market"``, ``"accounts"``, ``"charts"``) and how many of that kind opened so far
        (1 for the first): a test changes the server for the next connection there (its
        faults, its books), with no race against the client's reconnect."""
        self._firehose: Firehose | None = None
        self._firehose_frames: dict[str, list[tuple[bytes, int]]] = {}
        self.firehose_names: frozenset[str] = frozenset()
        self.firehose_lines = 0
        self.firehose_runs = 0
        self.requests = 0
        """Requests (other than ``POST /auth``) the market sockets received."""
        self.subscribes = 0
        """``subscribe`` messages the authenticated sockets received (of every kind)."""
        self.auth_requests = 0
        """``POST /auth`` requests the sockets received (of every kind), answered or not."""
        self.unsubscribes = 0
        """``unsubscribe`` messages the authenticated sockets received (of every kind)."""
        self.topics = AccountTopics(self)
        """The account socket's ``pnl``/``watchlist``/``news`` topics and their test hooks."""
        self._status_changes = StatusChanges(ctx.clock.now())

    # -- firehose -----------------------------------------------------------------------------

    @property
    def firehose(self) -> Firehose | None:
        """The market socket's throughput mode (None: off). Setting it applies to sockets
        that complete their firehose subscription afterwards."""
        return self._firehose

    @firehose.setter
    def firehose(self, value: Firehose | None) -> None:
        self._firehose = value
        self._firehose_frames = {}
        self.firehose_names = frozenset(value.names()) if value is not None else frozenset()

    def firehose_frames(self, socket: str = "market") -> list[tuple[bytes, int]]:
        """The precomputed firehose frames of ``socket`` (``market`` or ``charts``; built once
        per :attr:`firehose` setting)."""
        if self._firehose is None:
            return []
        frames = self._firehose_frames.get(socket)
        if frames is None:
            frames = self._firehose_frames[socket] = self._firehose.frames(socket)
        return frames

    # -- feed ---------------------------------------------------------------------------------

    def watch(self, session: Session, symbol: str) -> None:
        """Send the session the steps of ``symbol`` (and keep the feed stepping it)."""
        if self._remove_listener is None:
            self._remove_listener = self.ctx.feed.listen(self._on_step)
        sessions = self._by_symbol.setdefault(symbol, set())
        if session not in sessions:
            sessions.add(session)
            self.ctx.feed.watch(symbol)

    def unwatch(self, session: Session, symbol: str) -> None:
        """Stop sending the session the steps of ``symbol``."""
        sessions = self._by_symbol.get(symbol)
        if sessions and session in sessions:
            sessions.discard(session)
            self.ctx.feed.unwatch(symbol)
            if not sessions:
                del self._by_symbol[symbol]

    def _on_step(self, snap: QuoteSnapshot) -> None:
        if snap.time >= self._status_changes.next:  # the session changed before this step
            self._send_status_changes(snap.time)
        for session in list(self._by_symbol.get(snap.symbol, ())):
            session.on_step(snap)

    def status(self, at: float | None = None) -> dict[str, Any]:
        """The ``marketStatus`` data object (websocket.md 3.2) at the time ``at`` (default:
        the clock's)."""
        return status_data(self.ctx, at)

    def _send_status_changes(self, upto: float) -> None:
        """Send the market sockets each session change up to ``upto``, as of its time."""
        for at in self._status_changes.due(upto):
            status = self.status(at)
            for session in self._select("market"):
                if isinstance(session, MarketSession) and session.status_sent is not None:
                    session.push_status(status, at)

    # -- triggers for tests -------------------------------------------------------------------

    def _select(self, kind: str | None) -> list[Session]:
        return [s for s in self.sessions if not s.closed and (kind is None or s.kind == kind)]

    def check_deadlines(self) -> None:
        """Run session timers against the simulator clock now (auth timeout, refresh, expiry,
        revoked tokens) and push a changed market status to the market sockets."""
        now = self.ctx.clock.now()
        settings = self.ctx.settings
        self._send_status_changes(now)  # those the feed steps did not reach, at their times
        status: dict[str, Any] | None = None
        for session in self._select(None):
            if session.closing:
                continue
            session.held.run(now)  # faults.ws_subscribe_delay
            if isinstance(session, MarketSession) and session.status_sent is not None:
                status = status or self.status()
                session.push_status(status)
            grant = session.grant
            if grant is None:
                # The accounts socket's deadline is documented; the others' is a fault.
                deadline = (
                    settings.ws_auth_timeout
                    if session.kind == "accounts"
                    else self.ctx.faults.ws_auth_deadline
                )
                if deadline is not None and now - session.opened_at >= deadline:
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

    def held(self, kind: str | None = None) -> int:
        """(Un)subscribes the sockets (of ``kind``) read and hold (``ws_subscribe_delay``)."""
        return sum(len(session.held) for session in self._select(kind))

    def open_sessions(self, kind: str | None = None) -> int:
        """Sockets currently open (of ``kind``)."""
        return len(self._select(kind))

    # -- aiohttp ------------------------------------------------------------------------------

    async def market(self, request: web.Request) -> web.StreamResponse:
        """Serve ``/v1/market/ws``."""
        return await self._serve(request, "market")

    async def accounts(self, request: web.Request) -> web.StreamResponse:
        """Serve ``/v1/accounts/ws``."""
        return await self._serve(request, "accounts")

    async def charts(self, request: web.Request) -> web.StreamResponse:
        """Serve ``/v1/charts/ws``."""
        return await self._serve(request, "charts")

    async def _serve(self, request: web.Request, kind: str) -> web.StreamResponse:
        ws = web.WebSocketResponse(autoping=True, max_msg_size=16 * 1024 * 1024)
        await ws.prepare(request)
        self.connections[kind] += 1
        if self.on_open is not None:
            self.on_open(kind, self.connections[kind])
        session: Session = _SESSIONS[kind](self, ws, request)
        self.sessions.add(session)
        if self._poller is None or self._poller.done():  # it ends with the last socket
            self._poller = asyncio.create_task(self._poll(), name="aries-sim-ws-poll")
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
        while self.sessions:  # an idle simulator does not wake
            await asyncio.sleep(POLL_INTERVAL)
            try:
                self.check_deadlines()
            except Exception:  # a bug here must not stop the simulator
                log.exception("websocket deadline check failed")

    async def on_shutdown(self, app: web.Application) -> None:
        """Stop the poll and drop every socket."""
        if self._poller is not None:
            poller, self._poller = self._poller, None
            await cancel_and_wait(poller)  # an interrupt of the caller is not swallowed
        for session in list(self.sessions):
            session.abort()
        if self._remove_listener is not None:
            self._remove_listener()
            self._remove_listener = None


_SESSIONS: dict[str, type[Session]] = {
    "market": MarketSession,
    "accounts": AccountSession,
    "charts": ChartSession,
}

MARKET_WS_PATHS = ("/v1/market/ws", "/v1/marketdata/ws")
"""The paths of the market socket: the current one and the older one (websocket.md 10.9); a
socket is the same at either (counted as ``market`` in :attr:`WsHub.connections`)."""

WS_PATHS = frozenset((*MARKET_WS_PATHS, "/v1/accounts/ws", "/v1/charts/ws"))
"""Every websocket path the simulator serves."""

HUB_KEY: web.AppKey[WsHub] = web.AppKey("aries_sim_ws_hub", WsHub)
"""``app[HUB_KEY]`` is the :class:`WsHub` of a simulator app."""


def hub_of(app: web.Application) -> WsHub:
    """The websocket hub of a simulator app (``hub_of(sim.app)``)."""
    return app[HUB_KEY]


def setup(app: web.Application, ctx: SimContext) -> None:
    """Register ``/v1/market/ws`` (also at ``/v1/marketdata/ws``), ``/v1/accounts/ws`` and
    ``/v1/charts/ws`` on ``app``; watchlist changes made over REST go to the account sockets'
    ``watchlist`` topic."""
    hub = WsHub(ctx)
    app[HUB_KEY] = hub
    for path in MARKET_WS_PATHS:
        app.router.add_get(path, hub.market)
    app.router.add_get("/v1/accounts/ws", hub.accounts)
    app.router.add_get("/v1/charts/ws", hub.charts)
    app.on_shutdown.append(hub.on_shutdown)

    def push_watchlist(change: WatchlistChange) -> None:
        # Watchlists belong to the user, the socket's topic to an account: the first one.
        account = next(iter(ctx.state.accounts), "")
        hub.topics.watchlist_changed(account, {**change.watchlist, "action": change.kind})

    ctx.state.watchlists.subscribe(push_watchlist)
