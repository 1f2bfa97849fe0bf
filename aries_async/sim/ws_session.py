"""What the simulator's websockets share: the envelope protocol.

``POST /auth`` request first (``body.token``, any method casing, optional ``body.action``),
``authSuccess`` with ``expiresIn`` (ms), ping/pong echoing the id (``faults.ws_pong_without_id``:
no id), (un)subscribe acknowledgements in the form :meth:`Session.ack_type` says; outgoing
messages are queued and written as NDJSON, several lines a frame (up to
:data:`MAX_LINES_PER_FRAME`; binary frames with ``faults.ws_binary_frames``), with the ``ws_*``
faults applied on the way out. :class:`Session` is the base of
:class:`~aries_async.sim.ws_market.MarketSession`,
:class:`~aries_async.sim.ws_account.AccountSession` and
:class:`~aries_async.sim.ws_charts.ChartSession`.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
from typing import TYPE_CHECKING, Any, ClassVar

import orjson
from aiohttp import WSMsgType, web

from aries_async.sim.auth import AccessGrant, TokenProblem
from aries_async.sim.ws_delays import HeldSubscriptions
from aries_async.sim.ws_refusals import ChannelRefusals
from aries_async.sim.ws_values import long_numbers

if TYPE_CHECKING:
    from aries_async.sim.feed import Firehose, QuoteSnapshot
    from aries_async.sim.ws import WsHub

__all__ = [
    "ACK_TYPES",
    "FIREHOSE_YIELD_EVERY",
    "MAX_LINES_PER_FRAME",
    "MAX_PENDING_LINES",
    "Session",
    "ms",
]

log = logging.getLogger("aries_async.sim.ws")

MAX_LINES_PER_FRAME = 200
"""Most NDJSON lines in one outgoing frame."""

MAX_PENDING_LINES = 200_000
"""A client this far behind is disconnected (as a real server would)."""

FIREHOSE_YIELD_EVERY = 8
"""The firehose lets other tasks run (pings, subscribes) after this many frames."""

ACK_TYPES = ("subscribed", "response")
"""``faults.ws_ack_type`` values."""


def ms(seconds: float) -> int:
    """Seconds as whole milliseconds (the wire's timestamps)."""
    return int(seconds * 1000)


class Session:
    """One open websocket: its queue, writer, authentication and timers.

    Subclasses set :attr:`kind` and :attr:`scopes` and implement :meth:`subscribe` and
    :meth:`unsubscribe`.
    """

    kind: ClassVar[str]
    """``market``, ``accounts`` or ``charts``."""
    scopes: ClassVar[tuple[str, ...]]
    """Token scopes that open this socket (any one suffices)."""

    def __init__(self, hub: WsHub, ws: web.WebSocketResponse, request: web.Request) -> None:
        self.hub = hub
        self.ws = ws
        self.request = request
        self.pending: list[str] = []
        self.wake = asyncio.Event()
        self.lines_sent = 0
        self.frames_sent = 0
        self.grant: AccessGrant | None = None
        self.expires_at = math.inf
        self.warned = False
        self.opened_at = hub.ctx.clock.now()
        self.closing = False
        self.closed = False
        # Set by the ws_expire_after_auth / ws_close_after_accept faults: once what is pending
        # went out, send this action (if any) in a frame of its own, then close.
        self.end_after_flush: str | None = None
        self.firehose_subs: set[str] = set()
        self.firehose_task: asyncio.Task[None] | None = None
        self.held = HeldSubscriptions()  # faults.ws_subscribe_delay
        self.channel_refusals = ChannelRefusals(self)  # faults.ws_refused_channels

    # -- output -------------------------------------------------------------------------------

    def push(self, message: dict[str, Any]) -> None:
        """Queue a message for the writer."""
        if self.closed or self.hub.ctx.faults.ws_stall:
            return
        self.pending.append(orjson.dumps(long_numbers(message, self.hub.ctx.faults)).decode())
        if len(self.pending) > MAX_PENDING_LINES:
            log.warning("websocket client too far behind (a long advance()?); dropping it")
            self.abort()
            return
        self.wake.set()

    def event(self, payload: dict[str, Any], request_id: str | None = None) -> None:
        """Queue an ``event`` envelope (stamped with the clock's time unless it has one)."""
        payload.setdefault("timestamp", ms(self.hub.ctx.clock.now()))
        message: dict[str, Any] = {"type": "event", "payload": payload}
        if request_id is not None:
            message["id"] = request_id
        self.push(message)

    def abort(self) -> None:
        """Close the socket without a closing handshake."""
        self.closed = True
        transport = self.request.transport
        if transport is not None:
            transport.abort()
        self.wake.set()

    def close_after_flush(self) -> None:
        """Close the socket once what is queued went out."""
        self.closing = True
        self.wake.set()

    async def writer(self) -> None:
        """Send queued lines in frames of up to :data:`MAX_LINES_PER_FRAME`, applying the faults."""
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
                limit = faults.drop_limit()
                if limit is not None and self.lines_sent + len(batch) >= limit:
                    faults.note_drop()  # before the send's await: no other socket takes it
                    batch = batch[: max(0, limit - self.lines_sent)]
                    if batch:
                        await self._send_frame("\n".join(batch))
                    self.lines_sent += len(batch)
                    log.info("ws_drop_after: dropping a websocket after %d lines", limit)
                    self.abort()
                    return
                self.frames_sent += 1
                every = faults.ws_malformed_every
                if every and self.frames_sent % every == 0:
                    batch = [*batch, '{"type":"event","payload":{"action":"upd']
                try:
                    await self._send_frame("\n".join(batch))
                except (ConnectionError, RuntimeError):
                    self.abort()
                    return
                self.lines_sent += len(batch)
            if self.end_after_flush is not None and not self.pending and not self.closed:
                if self.end_after_flush:
                    with contextlib.suppress(ConnectionError, RuntimeError):
                        message = {"type": "event", "payload": {"action": self.end_after_flush}}
                        await self._send_frame(orjson.dumps(message).decode())
                self.end_after_flush = None
                self.closing = True
            if self.closing and not self.pending:
                with contextlib.suppress(Exception):
                    await self.ws.close()
                self.closed = True
                return

    async def _send_frame(self, frame: str) -> None:
        """Send one frame: text, or its UTF-8 bytes with ``faults.ws_binary_frames``."""
        if self.hub.ctx.faults.ws_binary_frames:
            await self.ws.send_bytes(frame.encode())
        else:
            await self.ws.send_str(frame)

    # -- firehose -----------------------------------------------------------------------------

    def firehose_symbol(self, symbol: str) -> bool:
        """Whether ``symbol`` is one of the firehose's (then it is noted as subscribed)."""
        if symbol not in self.hub.firehose_names:
            return False
        self.firehose_subs.add(symbol)
        return True

    def maybe_start_firehose(self) -> None:
        """Start the firehose once every one of its symbols is subscribed."""
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
        """Send the precomputed frames (this socket's form) back to back, in a task of their
        own writing straight to the socket and yielding to the event loop every
        :data:`FIREHOSE_YIELD_EVERY` frames, until the count or duration is reached."""
        frames = self.hub.firehose_frames(self.kind)
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

    # -- input ------------------------------------------------------------------------------

    def handle(self, line: str) -> None:
        """Act on one line the client sent."""
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
            faults = self.hub.ctx.faults
            if not faults.ws_stall:
                echo = request_id and not faults.ws_pong_without_id
                self.push({"type": "pong", "id": request_id} if echo else {"type": "pong"})
            return
        if kind == "request" and isinstance(payload, dict):
            if str(payload.get("path", "")).rstrip("/") == "/auth" and (
                str(payload.get("method", "")).upper() == "POST"
            ):
                self.hub.auth_requests += 1
                if not self.hub.ctx.faults.ws_auth_unanswered:
                    self.authenticate(payload.get("body"), request_id)
                return
            if self.grant is None:
                self.auth_required()
                return
            self.on_request(payload, request_id)
            return
        if kind in ("subscribe", "unsubscribe"):
            if self.grant is None:
                self.auth_required()
                return
            self.held.act(self, kind == "subscribe", payload, request_id)
            return
        self.refuse({"error": f"unknown message type {kind!r}"}, request_id)

    def auth_required(self) -> None:
        """Tell the client to authenticate first."""
        self.event({"action": "authRequired", "error": "authentication required"})

    def authenticate(self, body: Any, request_id: str | None) -> None:
        """``POST /auth``: check the token, start or renew the session (a renewal drops the
        subscriptions with ``faults.ws_reauth_drops_subscriptions``)."""
        token = body.get("token") if isinstance(body, dict) else None
        if not isinstance(token, str) or not token:
            self.refuse_auth("token is required", request_id)
            return
        result = self.hub.ctx.authenticate(token, self.scopes)
        if isinstance(result, TokenProblem):
            echo = f" (token={token})" if self.hub.ctx.faults.token_echo else ""
            self.refuse_auth("authentication failed" + echo, request_id)
            return
        first = self.grant is None
        self.grant = result
        if not first and self.hub.ctx.faults.ws_reauth_drops_subscriptions:
            self.drop_subscriptions()
        now = self.hub.ctx.clock.now()
        settings = self.hub.ctx.settings
        expires_at = min(now + settings.ws_session_ttl, result.expires_at)
        if first or expires_at > self.expires_at:
            # Warned once per end: a re-auth that does not move the end (the same token
            # again) is not warned again, or a client would be asked without pause.
            self.warned = False
        self.expires_at = expires_at
        expires_in = {"expiresIn": max(0, ms(self.expires_at - now))}
        success = {"action": "authSuccess", "data": expires_in}
        self._answer_with_id(success, request_id, self.hub.ctx.faults.ws_auth_success_id)
        if first:
            self.on_first_auth()
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

    def refuse_auth(self, error: str, request_id: str | None) -> None:
        """The ``error`` that refuses ``POST /auth``, its id where ``ws_auth_error_id`` says."""
        refusal = {"action": "error", "error": error}
        self._answer_with_id(refusal, request_id, self.hub.ctx.faults.ws_auth_error_id)

    def _answer_with_id(self, payload: dict[str, Any], request_id: str | None, place: str) -> None:
        """Send an answer to a request with its id where ``place`` says: ``payload.id``
        (``"payload"``), the envelope's ``id`` (``"envelope"``), ``"both"`` or nowhere."""
        if place in ("payload", "both"):
            payload["id"] = request_id
        self.event(payload, request_id if place in ("envelope", "both") else None)

    def refuse(self, payload: dict[str, Any], request_id: str | None) -> None:
        """Send the ``error`` (``payload`` beside its ``action``) that refuses a request, the
        id where ``faults.ws_error_id`` says."""
        self._answer_with_id(
            {"action": "error", **payload}, request_id, self.hub.ctx.faults.ws_error_id
        )

    def ack(self, request_id: str | None) -> None:
        """Acknowledge a (un)subscribe in the form :meth:`ack_type` says, unless
        ``SimSettings.ws_send_acks`` is False (no acknowledgement on any socket)."""
        kind = self.ack_type()
        if not self.hub.ctx.settings.ws_send_acks or request_id is None or kind == "none":
            return
        if kind == "response":
            self.push({"type": "response", "id": request_id, "payload": {"status": 200}})
        else:
            self.push({"type": "subscribed", "id": request_id})

    def ack_type(self) -> str:
        """How (un)subscribes are acknowledged: ``"subscribed"``, ``"response"`` or ``"none"``
        (``faults.ws_ack_type`` here; the market and charts sockets have switches of their
        own)."""
        return self.hub.ctx.faults.ws_ack_type

    def refuse_channels(
        self, symbol: str, asked: set[str], request_id: str | None
    ) -> frozenset[str]:
        """The channels of ``asked`` that ``faults.ws_refused_channels`` refuses for ``symbol``,
        refused with an error (see :mod:`~aries_async.sim.ws_refusals`)."""
        return self.channel_refusals.refuse(symbol, asked, request_id)

    def on_first_auth(self) -> None:
        """Called once, after the first ``authSuccess`` was queued."""

    def on_request(self, payload: dict[str, Any], request_id: str | None) -> None:
        """A ``request`` (other than ``POST /auth``) of an authenticated client."""
        self.refuse({"error": "unsupported request"}, request_id)

    def on_step(self, snap: QuoteSnapshot) -> None:
        """A feed step of a symbol the session watches (:meth:`WsHub.watch`)."""

    def subscribe(self, payload: Any, request_id: str | None) -> None:
        """A ``subscribe`` message of an authenticated client."""
        raise NotImplementedError

    def unsubscribe(self, payload: Any, request_id: str | None) -> None:
        """An ``unsubscribe`` message of an authenticated client."""
        raise NotImplementedError

    def drop_subscriptions(self) -> None:
        """Forget every subscription of the socket (its sockets' modules forget theirs)."""
        self.firehose_subs.clear()

    def release(self) -> None:
        """The socket is gone: stop everything that feeds it."""
        self.closed = True
        self.held.clear()
        self.drop_subscriptions()
