"""A reconnecting, re-authenticating websocket connection (the I/O layer of the streams).

:class:`Connection` owns exactly one supervisor task, and while a socket is up, one keep-alive
task and at most one re-auth task; all are cancelled and awaited by :meth:`Connection.close`.
Each attempt:

1. takes a fresh token from the provider (an :class:`~aries_async.errors.AuthError` from the
   provider, such as a revoked grant, is fatal);
2. opens the socket and sends ``POST /auth``; waits for ``authSuccess``. A refusal invalidates
   the token (when an invalidator was given) and retries once at once; a second refusal in a
   row is fatal (:class:`~aries_async.errors.StreamAuthError`);
3. asks the handler for the frames that replay every desired subscription and sends them;
4. decodes each frame as it arrives (as bytes: no UTF-8 decode before the JSON parser; from
   the socket's receiving callback, with no task woken per frame: see
   :mod:`~aries_async.streaming.socket`) with the
   :class:`~aries_async.streaming.protocol.Decoder`, and hands the data messages of each frame
   to the handler in one call (``on_messages``, else ``on_message`` per message), while the
   keep-alive task pings and runs the staleness watchdog. ``refreshAuth`` re-authenticates on
   the live socket with a new token; ``authExpired`` ends the connection (a reconnect follows).

Every reconnect waits for the backoff, which grows exponentially (with jitter) up to its cap and
is reset only by a *healthy* connection: one that delivered data (a message of the handler's
``data_types``, not an acknowledgement or a status push) or stayed up for
:attr:`StreamConfig.backoff_reset_after`. So a server that ends every connection right after
accepting it (``authExpired`` at once, a close) is retried ever more slowly, and one that drops a
busy stream now and then is rejoined quickly every time. The only retry without a wait is the one
with a fresh token after the server refused one (a second refusal in a row is fatal). Reconnects
go on forever unless :attr:`StreamConfig.max_attempts` (consecutive unhealthy attempts) says
otherwise. Each disconnect and reconnect reaches the handler as
:class:`~aries_async.models.events.StreamDisconnected` and
:class:`~aries_async.models.events.StreamConnected`.

A :meth:`Connection.start` that is cancelled (the caller's timeout, a cancelled task) closes the
connection before it returns: nothing it began goes on connecting. websockets is given a logger
that shows the frames of our ``POST /auth`` requests by their size only (at DEBUG it logs every
frame, and those carry the access token).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random as _random
import time
from collections.abc import Awaitable, Callable
from typing import Any, Protocol

from websockets.asyncio.client import ClientConnection
from websockets.asyncio.client import connect as ws_connect
from websockets.exceptions import ConnectionClosed, InvalidURI, WebSocketException
from websockets.frames import Frame

from aries_async.errors import AuthError, StreamAuthError, StreamClosedError, StreamError
from aries_async.models.events import (
    AuthExpired,
    AuthFailure,
    AuthSuccess,
    Pong,
    RefreshAuth,
    ServerErrorMessage,
    StreamConnected,
    StreamDisconnected,
)
from aries_async.streaming.config import StreamConfig
from aries_async.streaming.protocol import (
    Backoff,
    Decoder,
    Heartbeat,
    HeartbeatAction,
    IdFactory,
    encode_auth,
    encode_ping,
)
from aries_async.streaming.socket import FrameSocket, Inbox, SocketLost, pump

__all__ = [
    "Connection",
    "ConnectionHandler",
    "Connector",
    "TokenInvalidator",
    "TokenProvider",
]

log = logging.getLogger("aries_async.streaming")


class _FrameLog(logging.LoggerAdapter[logging.Logger]):
    """The logger our sockets give websockets: at DEBUG it logs every frame, and those of our
    ``POST /auth`` requests carry the access token; such a frame is logged by its size only.
    Nothing changes while DEBUG is off (websockets then formats no frame at all)."""

    def log(self, level: int, msg: object, *args: object, **kwargs: Any) -> None:
        if args:
            args = tuple(_without_token(arg) for arg in args)
        super().log(level, msg, *args, **kwargs)


def _without_token(arg: object) -> object:
    if isinstance(arg, Frame) and b'"token"' in arg.data:
        return f"{arg.opcode.name} [a request carrying a token, {len(arg.data)} bytes, not shown]"
    return arg


_WS_LOG = _FrameLog(logging.getLogger("websockets.client"))

TokenProvider = Callable[[], Awaitable[str]]
"""Returns a current access token (called before every connection attempt and re-auth)."""

TokenInvalidator = Callable[[str], Awaitable[None]]
"""Told which token the server refused, so the next provider call returns a fresh one."""

Connector = Callable[..., Awaitable[ClientConnection]]
"""``websockets.asyncio.client.connect``-compatible coroutine (tests may wrap it); it is given
``create_connection=FrameSocket``, and a socket of another class is read with ``recv()``."""


class ConnectionHandler(Protocol):
    """What a stream face implements to use a :class:`Connection`."""

    def on_open(self, connection: Connection) -> list[str]:
        """Authenticated: return the frames that replay the desired subscriptions."""
        ...

    def on_message(self, message: Any) -> None:
        """A decoded message that is not a connection control message."""
        ...

    # Optional: ``on_messages(messages: list[Any]) -> None`` takes the data messages of one
    # frame at once, in order (the connection prefers it to ``on_message`` when present).
    # Optional: ``data_types: frozenset[type]``, the messages that make a connection healthy
    # (see the module docstring); without it any message handed on does.

    def on_status(self, event: StreamConnected | StreamDisconnected) -> None:
        """The connection went up or down."""
        ...

    def on_close(self) -> None:
        """The current socket is gone (acknowledged subscriptions are void)."""
        ...

    def on_end(self, error: BaseException | None) -> None:
        """The stream is over: ``None`` for a normal close, else the fatal error."""
        ...


class _Fatal(Exception):
    def __init__(self, error: BaseException) -> None:
        super().__init__(str(error))
        self.error = error


class _AuthRefused(Exception):
    pass


_CONTROL = frozenset({Pong, AuthSuccess, AuthFailure, RefreshAuth, AuthExpired})
_SPECIAL = _CONTROL | {ServerErrorMessage}  # frames holding one of these take the slow path


class Connection:
    """One logical stream connection that survives socket failures.

    Args:
        url: the ``ws://`` / ``wss://`` URL.
        token_provider: async callable returning an access token.
        handler: the stream face.
        config: timeouts, keep-alive, backoff.
        invalidate_token: async callable told about a refused token (optional).
        sleep: ``asyncio.sleep``-compatible; backoff and keep-alive waits use it.
        clock: monotonic seconds; heartbeat and backoff reset use it.
        rand: uniform [0, 1) source for jitter.
        connect: ``websockets.asyncio.client.connect``-compatible opener (see
            :data:`Connector`).
        name: used in logs and task names.
    """

    def __init__(
        self,
        url: str,
        token_provider: TokenProvider,
        handler: ConnectionHandler,
        *,
        config: StreamConfig | None = None,
        invalidate_token: TokenInvalidator | None = None,
        sleep: Callable[[float], Awaitable[Any]] = asyncio.sleep,
        clock: Callable[[], float] = time.monotonic,
        rand: Callable[[], float] = _random.random,
        connect: Connector | None = None,
        name: str = "stream",
    ) -> None:
        self.url = url
        self.config = config or StreamConfig()
        self.decoder = Decoder()
        self.ids = IdFactory()
        self._provider = token_provider
        self._invalidate = invalidate_token
        self._handler = handler
        self._sleep = sleep
        self._clock = clock
        self._rand = rand
        self._connect: Connector = connect or ws_connect
        self._name = name
        cfg = self.config
        self._backoff = Backoff(
            initial=cfg.backoff_initial,
            maximum=cfg.backoff_max,
            multiplier=cfg.backoff_multiplier,
            jitter=cfg.backoff_jitter,
            reset_after=cfg.backoff_reset_after,
        )
        self._ws: ClientConnection | None = None
        self._task: asyncio.Task[None] | None = None
        self._children: set[asyncio.Task[None]] = set()
        self._first_attempt = asyncio.Event()
        self._first_error: BaseException | None = None
        self._data_types: frozenset[type[Any]] | None = getattr(handler, "data_types", None)
        self._delivered = False  # the current connection handed on data (it is healthy)
        self._closing = False
        self._ended = False
        self._had_connection = False
        self._refusals = 0
        self._dead_reason: str | None = None
        self._fatal: BaseException | None = None
        self._reauth_id: str | None = None
        self._heartbeat: Heartbeat | None = None
        self.attempts = 0
        self.connections = 0
        self.reauths = 0

    # -- lifecycle ------------------------------------------------------------------------------

    @property
    def connected(self) -> bool:
        """Whether a socket is authenticated and subscriptions were replayed."""
        return self._ws is not None

    async def start(self) -> None:
        """Start the supervisor and wait for the first attempt's outcome.

        Returns once connected, or after a first *recoverable* failure (it keeps retrying in
        the background; watch the status events).

        Raises:
            StreamAuthError: the credentials were refused or the grant is gone.
            StreamClosedError: the stream failed for good on its first attempt.
        """
        if self._task is not None:
            raise StreamError("stream already started")
        self._task = asyncio.create_task(self._run(), name=f"aries-{self._name}-supervisor")
        try:
            await self._first_attempt.wait()
        except asyncio.CancelledError:
            # The caller gave up on entering (a timeout, a cancelled task): nothing it started
            # may go on connecting behind its back.
            await self.close()
            raise
        if self._first_error is not None:
            error = self._first_error
            await self.close()
            raise error

    async def close(self) -> None:
        """Close the socket and stop every task (idempotent); ends consumers normally."""
        self._closing = True
        task = self._task
        if task is not None and not task.done():
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        await self._stop_children()
        self._end(None)

    def _end(self, error: BaseException | None) -> None:
        if self._ended:
            return
        self._ended = True
        self._handler.on_end(error)

    async def send(self, frame: str) -> bool:
        """Send on the live socket; False when there is none (the replay will cover it)."""
        ws = self._ws
        if ws is None:
            return False
        try:
            await ws.send(frame)
        except ConnectionClosed:
            return False
        return True

    # -- supervisor -----------------------------------------------------------------------------

    async def _run(self) -> None:
        failures = 0
        try:
            while not self._closing:
                self.attempts += 1
                self._delivered = False
                try:
                    reason, retry_now = await self._attempt()
                except _Fatal as fatal:
                    self._fail(fatal.error)
                    return
                except Exception as exc:
                    # A bug: end the consumers with it rather than leave them waiting.
                    log.exception("%s stream: unexpected error", self._name)
                    error = StreamClosedError(
                        f"{self._name} stream stopped by an unexpected error: "
                        f"{type(exc).__name__}: {exc}"
                    )
                    error.__cause__ = exc
                    self._fail(error)
                    return
                now = self._clock()
                healthy = self._backoff.disconnected(now, healthy=self._delivered)
                failures = 0 if healthy else failures + 1
                cfg = self.config
                if not cfg.reconnect or (
                    cfg.max_attempts is not None and failures >= cfg.max_attempts
                ):
                    why = reason if not cfg.reconnect else f"gave up after {failures} attempts"
                    self._fail(StreamClosedError(f"{self._name} stream closed: {why}"), reason)
                    return
                delay = 0.0 if retry_now else self._backoff.next_delay(self._rand())
                log.info(
                    "%s stream disconnected (%s); retrying in %.2f s", self._name, reason, delay
                )
                self._handler.on_status(
                    StreamDisconnected(reason=reason, will_reconnect=True, retry_in=delay, at=now)
                )
                if not retry_now:  # an immediate retry is still part of the first verdict
                    self._first_attempt.set()
                if delay > 0:
                    await self._sleep(delay)
        finally:
            self._first_attempt.set()

    def _fail(self, error: BaseException, reason: str | None = None) -> None:
        log.warning("%s stream failed: %s", self._name, error)
        self._handler.on_status(
            StreamDisconnected(
                reason=reason or str(error),
                will_reconnect=False,
                retry_in=None,
                at=self._clock(),
            )
        )
        if not self._first_attempt.is_set() and not self._had_connection:
            self._first_error = error
        self._end(error)

    async def _token(self) -> str:
        try:
            return await self._provider()
        except (AuthError, StreamAuthError) as exc:
            raise _Fatal(StreamAuthError(f"no usable credentials: {exc}")) from exc

    async def _attempt(self) -> tuple[str, bool]:
        """One connection; returns (reason it ended, retry at once)."""
        try:
            token = await self._token()
        except _Fatal:
            raise
        except Exception as exc:  # a transient failure of the token source
            return f"token provider failed: {type(exc).__name__}: {exc}", False
        cfg = self.config
        try:
            ws = await self._connect(
                self.url,
                open_timeout=cfg.open_timeout,
                close_timeout=cfg.close_timeout,
                ping_interval=None,
                max_size=cfg.max_message_size,
                compression=None,
                create_connection=FrameSocket,
                logger=_WS_LOG,
            )
        except InvalidURI as exc:
            raise _Fatal(StreamClosedError(f"invalid stream URL: {exc}")) from exc
        except (TimeoutError, OSError, WebSocketException) as exc:
            return f"connect failed: {type(exc).__name__}: {exc}", False
        self._dead_reason = None
        self._fatal = None
        if isinstance(ws, FrameSocket):
            inbox = ws.inbox
        else:
            inbox = Inbox()
            self._spawn(pump(ws, inbox), "receive")
        try:
            try:
                await self._authenticate(ws, inbox, token)
            except _AuthRefused as exc:
                self._refusals += 1
                if self._refusals >= 2:
                    raise _Fatal(
                        StreamAuthError(f"the server refused the credentials: {exc}")
                    ) from None
                if self._invalidate is not None:
                    await self._invalidate(token)
                return f"credentials refused ({exc}); retrying with a fresh token", True
            except (TimeoutError, ConnectionClosed, SocketLost, OSError) as exc:
                return f"authentication did not complete: {type(exc).__name__}", False
            self._refusals = 0
            return await self._serve(ws, inbox)
        finally:
            self._ws = None
            self._heartbeat = None
            await self._stop_children()
            self._handler.on_close()
            if self._closing:
                ws.transport.abort()
            else:
                with contextlib.suppress(Exception):
                    await ws.close()

    async def _authenticate(self, ws: ClientConnection, inbox: Inbox, token: str) -> None:
        auth_id = self.ids("auth")
        await ws.send(encode_auth(token, auth_id))
        deadline = self._clock() + self.config.auth_timeout
        while True:
            remaining = max(0.001, deadline - self._clock())
            frame = await asyncio.wait_for(inbox.get(), remaining)
            authenticated = False
            for message in self.decoder.feed(frame):
                kind = type(message)
                if kind is AuthSuccess:
                    if message.request_id in (None, auth_id):
                        authenticated = True  # keep going: the rest of the frame is data
                elif kind is AuthFailure or (
                    kind is ServerErrorMessage and message.request_id in (auth_id, None)
                ):
                    raise _AuthRefused(message.error)
                elif kind not in _CONTROL:
                    self._handler.on_message(message)
            if authenticated:
                return

    async def _serve(self, ws: ClientConnection, inbox: Inbox) -> tuple[str, bool]:
        now = self._clock()
        cfg = self.config
        heartbeat = Heartbeat(
            ping_interval=cfg.ping_interval,
            pong_timeout=cfg.pong_timeout,
            stale_after=cfg.stale_after,
            now=now,
        )
        self._heartbeat = heartbeat
        self._ws = ws
        frames = self._handler.on_open(self)
        try:
            for frame in frames:
                await ws.send(frame)
        except ConnectionClosed as exc:
            return (
                f"connection lost while subscribing ({exc.rcvd.code if exc.rcvd else 1006})",
                False,
            )
        self.connections += 1
        self._backoff.connected(now)
        self._handler.on_status(
            StreamConnected(attempt=self.attempts, reconnect=self._had_connection, at=now)
        )
        self._had_connection = True
        self._first_attempt.set()
        self._spawn(self._keepalive(ws, heartbeat), "keepalive")
        return await self._read(ws, inbox, heartbeat)

    def _deliver(self) -> Callable[[list[Any]], None]:
        batch: Callable[[list[Any]], None] | None = getattr(self._handler, "on_messages", None)
        if batch is not None:
            return batch
        one = self._handler.on_message

        def each(messages: list[Any]) -> None:
            for message in messages:
                one(message)

        return each

    async def _read(
        self, ws: ClientConnection, inbox: Inbox, heartbeat: Heartbeat
    ) -> tuple[str, bool]:
        """Decode and deliver the frames as they arrive (from the socket's receiving callback,
        those of one socket read together) until the socket closes or a control message ends
        the connection."""
        ended: asyncio.Future[tuple[str, bool] | None]
        ended = asyncio.get_running_loop().create_future()
        feed = self.decoder.feed_many
        handed_on = self._deliver()
        data_types = self._data_types
        deliver = handed_on

        def watching(messages: list[Any]) -> None:
            # Until the connection has delivered data; then ``deliver`` is ``handed_on`` itself.
            nonlocal deliver
            handed_on(messages)
            if data_types is None or not data_types.isdisjoint(map(type, messages)):
                self._delivered = True
                deliver = handed_on

        deliver = watching
        clock = self._clock
        special = _SPECIAL

        def on_frames(frames: list[bytes]) -> None:
            heartbeat.last_received = clock()
            try:
                messages = feed(frames)
                if len(messages) == 1:  # one update (a quiet stream's usual read)
                    if type(messages[0]) not in special:
                        deliver(messages)
                        return
                elif special.isdisjoint(map(type, messages)):
                    if messages:
                        deliver(messages)
                    return
                outcome = self._mixed(ws, messages, deliver)
                if outcome is None:
                    return
                ended.set_result(outcome)
            except Exception as exc:  # a bug of ours or of a handler: the reading task raises it
                ended.set_exception(exc)
            inbox.stop()  # the connection ends here: the frames after this message are not read

        def on_lost() -> None:
            if not ended.done():
                ended.set_result(None)

        inbox.serve(on_frames, on_lost)
        try:
            outcome = await ended
        finally:
            inbox.stop()
        if outcome is not None:
            return outcome
        if self._fatal is not None:
            raise _Fatal(self._fatal)
        code = ws.protocol.close_code or 1006
        return self._dead_reason or f"server closed the connection ({code})", False

    def _mixed(
        self, ws: ClientConnection, messages: list[Any], deliver: Callable[[list[Any]], None]
    ) -> tuple[str, bool] | None:
        """A frame holding a control message or an error: the data around them is delivered
        in the exact order; returns how the connection ends, when one of them ends it."""
        data: list[Any] = []
        for message in messages:
            if type(message) in _CONTROL:
                if data:
                    deliver(data)
                    data = []
                outcome = self._control(ws, message)
                if outcome is not None:
                    return outcome
            elif (
                type(message) is ServerErrorMessage
                and message.request_id is not None
                and message.request_id == self._reauth_id
            ):
                if data:
                    deliver(data)
                self._reauth_id = None
                self._refusals = 1
                log.warning("%s re-authentication refused: %s", self._name, message.error)
                return "re-authentication refused", False
            else:
                data.append(message)
        if data:
            deliver(data)
        return None

    def _control(self, ws: ClientConnection, message: Any) -> tuple[str, bool] | None:
        kind = type(message)
        if kind is Pong:
            return None
        if kind is AuthSuccess:
            if message.request_id is not None and message.request_id == self._reauth_id:
                self._reauth_id = None
                self.reauths += 1
                log.debug("%s re-authenticated", self._name)
            return None
        if kind is RefreshAuth:
            if self._reauth_id is None and not any(
                t.get_name().endswith("reauth") for t in self._children
            ):
                self._spawn(self._reauthenticate(ws), "reauth")
            return None
        if kind is AuthExpired:
            return "session expired (authExpired)", False
        if kind is AuthFailure:
            return f"server requires authentication ({message.action})", False
        return None

    # -- child tasks ----------------------------------------------------------------------------

    def _spawn(self, coro: Awaitable[None], what: str) -> None:
        task = asyncio.ensure_future(coro)
        task.set_name(f"aries-{self._name}-{what}")
        self._children.add(task)
        task.add_done_callback(self._children.discard)

    async def _stop_children(self) -> None:
        children = list(self._children)
        for task in children:
            task.cancel()
        for task in children:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        self._children.clear()

    async def _keepalive(self, ws: ClientConnection, heartbeat: Heartbeat) -> None:
        while True:
            now = self._clock()
            action = heartbeat.check(now)
            if action is HeartbeatAction.DEAD:
                self._dead_reason = heartbeat.reason
                log.warning("%s stream is stale: %s; reconnecting", self._name, heartbeat.reason)
                ws.transport.abort()
                return
            if action is HeartbeatAction.PING:
                heartbeat.ping_sent(now)
                try:
                    await ws.send(encode_ping(self.ids("ping")))
                except ConnectionClosed:
                    return
            await self._sleep(heartbeat.next_check(self._clock()))

    async def _reauthenticate(self, ws: ClientConnection) -> None:
        try:
            token = await self._token()
        except _Fatal as fatal:
            self._fatal = fatal.error
            ws.transport.abort()
            return
        except Exception as exc:
            log.warning("%s re-auth token failed: %s; reconnecting", self._name, type(exc).__name__)
            self._dead_reason = "re-authentication failed"
            ws.transport.abort()
            return
        request_id = self.ids("auth")
        self._reauth_id = request_id
        with contextlib.suppress(ConnectionClosed):
            await ws.send(encode_auth(token, request_id))
