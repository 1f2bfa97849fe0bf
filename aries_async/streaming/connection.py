"""A reconnecting, re-authenticating websocket connection (the I/O layer of the streams).

:class:`Connection` owns one supervisor task. Every other task is a child of a
:class:`asyncio.TaskGroup`: the supervisor's (tasks a stream face starts with
:meth:`Connection.spawn`) or one per socket (the reader, the keep-alive, a re-auth); each is
cancelled and awaited when its socket or the stream ends, and :meth:`Connection.close` cancels
and awaits the supervisor. The protocol decisions are not made here: authentication, control
messages and re-authentication are the :class:`~aries_async.streaming.protocol.session.Session`
state machine's, keep-alive and backoff the :mod:`~aries_async.streaming.protocol.heartbeat`
ones'; this module carries out what they decide. Each attempt:

1. takes a fresh token from the provider (an :class:`~aries_async.errors.AuthError` from the
   provider, such as a revoked grant, is fatal, and so is a
   :class:`~aries_async.errors.ClientClosedError`: the client that renews the tokens was
   closed, the stream ends with :class:`~aries_async.errors.StreamClosedError`);
2. opens the socket and sends ``POST /auth``; waits for ``authSuccess``. A refusal invalidates
   the token (when an invalidator was given) and retries at once with a fresh one; the third
   refusal in a row is fatal (:class:`~aries_async.errors.StreamAuthError`, see
   :data:`~aries_async.streaming.protocol.session.FATAL_REFUSALS`). An ``authTimeout`` (the
   server's deadline passed) is no refusal: the token is kept, the backoff follows;
3. asks the handler for the frames that replay every desired subscription and sends them;
   what the handler awaits in answer (the account snapshots) must come within
   ``request_timeout``, or the connection ends and a new socket asks again;
4. decodes the frames of each socket read together (as bytes: no UTF-8 decode before the JSON
   parser; see :mod:`~aries_async.streaming.socket`) and hands their data messages to the
   handler in one call (``on_messages``, else ``on_message`` per message), while the
   keep-alive task pings and runs the staleness watchdog. ``refreshAuth`` re-authenticates on
   the live socket with a token other than the socket's own when one can be had (see
   :mod:`~aries_async.streaming.credentials`; a refusal of it ends the connection and counts
   as in 2; no answer within ``auth_timeout`` ends it, the token kept, and the backoff
   follows); once it is accepted, the handler's ``on_reauth`` frames send every desired
   subscription again, their answers awaited as in 3 (a server may drop a socket's
   subscriptions when it re-authenticates: websocket.md 2.4 leaves it UNKNOWN);
   ``authExpired`` or ``authRequired`` ends it, its token invalidated (the next takes another).

A replay (3, and after a re-authentication) is computed and sent under a lock that each
:meth:`Connection.send` (a user's subscribe or unsubscribe) takes too: a send may wait for the
write buffer to drain, and a user's frame between a replay's frames would be undone on the server
by a later one, computed before it.

Every reconnect waits for the backoff (exponential, with jitter, up to its cap), reset only by a
*healthy* connection: one that delivered data (of the handler's ``data_types``) and stayed up for
:attr:`StreamConfig.healthy_after`, or stayed up for ``backoff_reset_after``; a server that ends
every connection soon, data or not, is retried ever more slowly. The retries without a wait are
those with a fresh token after a refusal. :attr:`StreamConfig.max_attempts` bounds the unhealthy
attempts in a row (verdicts of :class:`~aries_async.streaming.reconnects.Reconnects`).
Each outage (a :class:`~aries_async.streaming.reconnects.Gap`: one ``StreamDisconnected``, one
``StreamConnected``; its attempts logged at INFO) and each accepted re-authentication reach
the handler as a :data:`~aries_async.models.events.StatusEvent` stamped on both clocks;
the stream's end at WARNING, the record's ``aries_stream_error`` the error it ends with (also
raised to its user: a command line that prints that error can leave the record out).

A socket is closed with websockets' closing handshake (a peer that does not answer is cut after
:attr:`StreamConfig.close_timeout`); a cancelled :meth:`Connection.start` closes the connection
before it returns. websockets' logger shows our ``POST /auth`` frames by their size only (at DEBUG
it logs every frame, and those carry the access token).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random as _random
import time
from collections.abc import Awaitable, Callable, Coroutine
from datetime import UTC, datetime
from typing import Any

from websockets.asyncio.client import ClientConnection
from websockets.asyncio.client import connect as ws_connect
from websockets.exceptions import ConnectionClosed, WebSocketException

from aries_async._closing import cancel_and_wait
from aries_async.errors import StreamClosedError, StreamError
from aries_async.models.events import (
    StatusEvent,
    StreamConnected,
    StreamDisconnected,
    StreamReauthenticated,
)
from aries_async.streaming._tasks import Spawn, task_group
from aries_async.streaming.config import StreamConfig
from aries_async.streaming.credentials import Credentials
from aries_async.streaming.failures import stopped_by_bug, token_failure
from aries_async.streaming.handler import (
    ConnectionHandler,
    Connector,
    TokenInvalidator,
    TokenProvider,
    TokenRenewer,
)
from aries_async.streaming.link import Link, LinkFatal, authenticate, deliverer, last_words
from aries_async.streaming.protocol import Decoder, Heartbeat, IdFactory, Session
from aries_async.streaming.protocol.session import End
from aries_async.streaming.reconnects import Gap, Reconnects, connect_failure
from aries_async.streaming.socket import ABNORMAL_CLOSURE, FrameSocket, Inbox, open_socket, pump

__all__ = [
    "Connection",
    "ConnectionHandler",
    "Connector",
    "TokenInvalidator",
    "TokenProvider",
    "TokenRenewer",
]

log = logging.getLogger("aries_async.streaming")


class Connection:
    """One logical stream connection that survives socket failures.

    Args:
        url: the ``ws://`` / ``wss://`` URL.
        token_provider: async callable returning an access token.
        handler: the stream face.
        config: timeouts, keep-alive, backoff.
        invalidate_token: async callable told about a refused token (optional).
        renew_token: async callable asked on ``refreshAuth`` for a token other than the
            socket's own (optional; see :data:`TokenRenewer`).
        sleep: ``asyncio.sleep``-compatible; backoff and keep-alive waits use it.
        monotonic: monotonic seconds; heartbeat, backoff reset and the status events' ``at``.
        wall_clock: Unix seconds; the status events' ``timestamp``.
        rand: uniform [0, 1) source for jitter.
        connect: a ``websockets.asyncio.client.connect``-like opener (:data:`Connector`).
        name: used in logs and task names.
        decoder: turns frames into messages (default: the market and account one).
    """

    def __init__(
        self,
        url: str,
        token_provider: TokenProvider,
        handler: ConnectionHandler,
        *,
        config: StreamConfig | None = None,
        invalidate_token: TokenInvalidator | None = None,
        renew_token: TokenRenewer | None = None,
        sleep: Callable[[float], Awaitable[Any]] = asyncio.sleep,
        monotonic: Callable[[], float] = time.monotonic,
        wall_clock: Callable[[], float] = time.time,
        rand: Callable[[], float] = _random.random,
        connect: Connector | None = None,
        name: str = "stream",
        decoder: Decoder | None = None,
    ) -> None:
        self.url = url
        self.config = cfg = config or StreamConfig()
        self.decoder = decoder or Decoder()
        self.ids = IdFactory()
        self.session = Session(
            self.ids, auth_timeout=cfg.auth_timeout, quotes_sent=self.decoder.quotes_sent
        )
        self._credentials = Credentials(
            token_provider, invalidate_token, renew_token, name, self.decoder.unquoted
        )
        self._handler = handler
        self._sleep = sleep
        self._monotonic = monotonic
        self._wall_clock = wall_clock
        self._rand = rand
        self._connect: Connector = connect or ws_connect
        self._name = name
        self._reconnects = Reconnects(cfg, name, url)
        self._gap = Gap()
        self._ws: ClientConnection | None = None
        self._sending = asyncio.Lock()  # a replay's frames, or one frame of the face's
        self._task: asyncio.Task[None] | None = None
        self._spawn: Spawn | None = None
        self._first_attempt = asyncio.Event()
        self._first_error: BaseException | None = None
        self._data_types: frozenset[type[Any]] | None = getattr(handler, "data_types", None)
        self._delivered = False  # the current connection handed on data (it is healthy)
        self._closing = False
        self._ended = False
        self.attempts: int = 0
        self.connections: int = 0

    # -- lifecycle ------------------------------------------------------------------------------

    @property
    def connected(self) -> bool:
        """Whether a socket is authenticated and subscriptions were replayed."""
        return self._ws is not None

    @property
    def reauths(self) -> int:
        """Re-authentications on a live socket that succeeded."""
        return self.session.reauths

    async def start(self) -> None:
        """Start the supervisor and wait for the first attempt's outcome.

        Returns once connected, or after a first *recoverable* failure (it retries behind).

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
        try:
            if task is not None and not task.done():
                await cancel_and_wait(task)  # an interrupt of the caller is not swallowed
        finally:
            self._end(None)

    def spawn(self, coro: Coroutine[Any, Any, None], what: str) -> asyncio.Task[None] | None:
        """Run ``coro`` as a child of the connection (cancelled and awaited when the stream
        ends); None, and ``coro`` closed, once the stream has ended."""
        if self._spawn is None:
            coro.close()
            return None
        return self._spawn(coro, what)

    def _end(self, error: BaseException | None) -> None:
        if self._ended:
            return
        self._ended = True
        self._handler.on_end(error)

    async def send(self, frame: str, record: Callable[[], object] | None = None) -> bool:
        """Send on the live socket, after a replay being sent (see the module docstring);
        False when there is no socket (the replay will cover it, and ``record``, which makes
        the frame's request await its answer, is not called: it was never sent)."""
        async with self._sending:
            ws = self._ws  # read under the lock: the socket may go while a replay is sent
            if ws is None:
                return False
            if record is not None:
                record()  # before the write: its answer may be read while the send waits
            try:
                await ws.send(frame)
            except ConnectionClosed:
                return False
        return True

    # -- supervisor -----------------------------------------------------------------------------

    async def _run(self) -> None:
        try:
            async with task_group(f"aries-{self._name}") as spawn:
                self._spawn = spawn
                await self._supervise()
        except Exception as exc:
            # A bug: end the consumers with it rather than leave them waiting.
            self._fail(stopped_by_bug(self._name, exc, self.decoder.unquoted))
        finally:
            self._spawn = None
            self._first_attempt.set()

    async def _supervise(self) -> None:
        while not self._closing:
            self.attempts += 1
            self._delivered = False
            end = await self._attempt()
            if end.fatal is not None:
                self._fail(end.fatal)
                return
            now = self._monotonic()
            delay = self._reconnects.after(end, now, healthy=self._delivered, rand=self._rand)
            if isinstance(delay, StreamClosedError):
                self._fail(delay, end.reason)
                return
            log.info(
                "%s stream disconnected (%s); retrying in %.2f s", self._name, end.reason, delay
            )
            if self._gap.failed(now):  # one event per outage, not per attempt
                self._publish(
                    StreamDisconnected, now, reason=end.reason, will_reconnect=True, retry_in=delay
                )
            if self._reconnects.settles_entry(end):
                self._first_attempt.set()
            # At no delay too: a token source failing without awaiting would else retry in
            # a loop that never lets the program's other tasks run.
            await self._sleep(delay)

    def _fail(self, error: BaseException, reason: str | None = None) -> None:
        log.warning("%s stream failed: %s", self._name, error, extra={"aries_stream_error": error})
        reason = reason or str(error)
        self._publish(StreamDisconnected, reason=reason, will_reconnect=False, retry_in=None)
        if not self._first_attempt.is_set() and not self.connections:
            self._first_error = error
        self._end(error)

    async def _attempt(self) -> End:
        """One connection, and how it ended."""
        try:
            token = await self._credentials.for_socket()
        except LinkFatal as fatal:
            return End(str(fatal.error), fatal=fatal.error)
        except Exception as exc:  # a transient failure of the token source
            return token_failure(exc, self.decoder.unquoted)
        try:
            ws = await open_socket(self._connect, self.url, self.config)
        except (TimeoutError, OSError, WebSocketException) as exc:
            return connect_failure(exc)
        try:
            async with task_group(f"aries-{self._name}") as spawn:
                if isinstance(ws, FrameSocket):
                    inbox = ws.inbox
                else:
                    inbox = Inbox()
                    spawn(pump(ws, inbox), "receive")
                end = await authenticate(
                    ws,
                    inbox,
                    token,
                    session=self.session,
                    decoder=self.decoder,
                    monotonic=self._monotonic,
                    sleep=self._sleep,
                    on_message=self._handler.on_message,
                )
                if end is None:
                    end = await self._serve(ws, inbox, spawn)
        finally:
            self._ws = None
            self.session.disconnected()
            self._handler.on_close()
            with contextlib.suppress(Exception):
                await ws.close()
        if end.invalidate:
            await self._credentials.refused()  # a re-authentication's token, when refused
        return end

    async def _serve(self, ws: ClientConnection, inbox: Inbox, spawn: Spawn) -> End:
        now = self._monotonic()
        self._ws = ws
        try:
            async with self._sending:
                for frame in self._handler.on_open(self):
                    await ws.send(frame)
        except ConnectionClosed as exc:
            code = exc.rcvd.code if exc.rcvd else ABNORMAL_CLOSURE
            said = await last_words(inbox, self.session, self.decoder)
            return said or End(f"connection lost while subscribing ({code})")
        self.connections += 1
        self._reconnects.connected(now)
        up = self._monotonic()
        self._publish(StreamConnected, up, **self._gap.closed(self.attempts, self.connections, up))
        self._first_attempt.set()
        link = Link(
            ws,
            inbox,
            session=self.session,
            decoder=self.decoder,
            ids=self.ids,
            heartbeat=Heartbeat.from_config(self.config, now),
            deliver=deliverer(self._handler),
            data_types=self._data_types,
            on_data=self._healthy,
            on_reauth=self._reauthenticated,
            resubscribe=lambda: self._handler.on_reauth(self),
            sending=self._sending,
            awaited=getattr(self._handler, "awaited_answers", _nothing_awaited),
            answer_timeout=self.config.request_timeout,
            token=self._credentials.for_reauth,
            monotonic=self._monotonic,
            sleep=self._sleep,
            spawn=spawn,
            name=self._name,
        )
        return await link.run()

    def _healthy(self) -> None:
        self._delivered = True

    def _reauthenticated(self) -> None:
        log.info("%s stream re-authenticated on the live socket", self._name)
        self._publish(StreamReauthenticated)

    def _publish(self, event: type[StatusEvent], at: float | None = None, **fields: Any) -> None:
        """Hand the handler a status event, stamped on both clocks: ``at`` (monotonic, now
        unless given) and ``timestamp`` (the wall clock now, aware UTC)."""
        stamp = datetime.fromtimestamp(self._wall_clock(), UTC)
        at = self._monotonic() if at is None else at
        self._handler.on_status(event(at=at, timestamp=stamp, **fields))


def _nothing_awaited() -> None:
    """What a handler without ``awaited_answers`` awaits: nothing."""
