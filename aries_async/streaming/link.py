"""One authenticated socket of a :class:`~aries_async.streaming.connection.Connection`, from
the replayed subscriptions to its end: it decodes and delivers the frames of each socket read,
runs the keep-alive, and carries out what the
:class:`~aries_async.streaming.protocol.session.Session` decides about the control messages
(re-authenticate and then send the subscriptions again, end the connection)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from websockets.asyncio.client import ClientConnection
from websockets.exceptions import ConnectionClosed

from aries_async.streaming._tasks import Spawn, finished_within
from aries_async.streaming.protocol import Decoder, Heartbeat, HeartbeatAction, IdFactory, Session
from aries_async.streaming.protocol.frames import encode_ping
from aries_async.streaming.protocol.session import (
    SPECIAL_TYPES,
    Action,
    Deliver,
    End,
    FetchToken,
    Opened,
    Reauthenticated,
)
from aries_async.streaming.socket import Inbox, SocketLost

__all__ = ["Link", "LinkFatal", "TokenSource", "authenticate", "deliverer", "last_words"]

log = logging.getLogger("aries_async.streaming")

TokenSource = Callable[[], Awaitable[str]]
"""A token for a re-authentication; raises :class:`LinkFatal` when the grant is gone."""


class LinkFatal(Exception):
    """Raised by a :data:`TokenSource`: the stream cannot go on with ``error``."""

    def __init__(self, error: BaseException) -> None:
        super().__init__(str(error))
        self.error = error


async def authenticate(
    ws: ClientConnection,
    inbox: Inbox,
    token: str,
    *,
    session: Session,
    decoder: Decoder,
    monotonic: Callable[[], float],
    sleep: Callable[[float], Awaitable[Any]],
    on_message: Callable[[Any], None],
) -> End | None:
    """Authenticate a new socket with ``token``: None once the server accepted it, else how
    the connection ends (no answer within ``auth_timeout``, on ``monotonic`` and ``sleep``'s
    time, ends it too). Data that comes first goes to ``on_message``. A socket the server
    closed before the request went out ends the connection with what the server said before
    it closed, when that says why (``authTimeout``)."""
    unsent: Exception | None = None
    try:
        decoder.sent = token  # the lines a warning quotes never show it
        await ws.send(session.connect(token, monotonic()).frame)
    except (ConnectionClosed, OSError) as exc:
        # A server whose deadline passed before a slow client sent its request says so, then
        # closes: the frames that came before the close are still to be read.
        unsent = exc
    try:
        while True:
            received = asyncio.ensure_future(inbox.get())
            try:
                if not await finished_within(received, session.time_left(monotonic()), sleep):
                    return session.timed_out()
            finally:
                received.cancel()  # when it is not done: the inbox keeps the frame
            frame = received.result()
            for action in session.receive(decoder.feed(frame)):
                if type(action) is Deliver:
                    for message in action.messages:
                        on_message(message)
                elif type(action) is End:
                    return action
                elif type(action) is Opened:
                    return None  # after the whole frame: the rest of it is data
    except (TimeoutError, ConnectionClosed, SocketLost, OSError) as exc:
        return End(f"authentication did not complete: {type(unsent or exc).__name__}")


async def last_words(inbox: Inbox, session: Session, decoder: Decoder) -> End | None:
    """How the server ended an open connection whose socket closed before the subscriptions
    were all sent: what it said before its close, read to the end of the socket's frames
    (an ``authExpired`` right after ``authSuccess``: the token is then told refused, as on a
    live socket); None when it said nothing that ends it. Data among them is not delivered:
    its subscriptions are asked again on the next socket."""
    try:
        while True:
            for action in session.receive(decoder.feed(await inbox.get())):
                if type(action) is End:
                    return action
    except SocketLost:
        return None


def deliverer(handler: Any) -> Callable[[list[Any]], None]:
    """How the data messages of one read reach ``handler``: its ``on_messages`` when it has
    one, else ``on_message`` for each."""
    batch: Callable[[list[Any]], None] | None = getattr(handler, "on_messages", None)
    if batch is not None:
        return batch
    one = handler.on_message

    def each(messages: list[Any]) -> None:
        for message in messages:
            one(message)

    return each


class Link:
    """The life of one authenticated socket; :meth:`run` returns how it ended.

    Args:
        ws, inbox: the socket and its received frames.
        session: the stream's authentication state machine.
        decoder, ids: the stream's decoder and correlation ids.
        heartbeat: the keep-alive schedule of this socket.
        deliver: hands the data messages of one read on, in order.
        on_data: called once, when a message of ``data_types`` (any, when None) is delivered.
        on_reauth: called when the server accepted a re-authentication.
        resubscribe: the frames that send the subscriptions again after it.
        sending: held while they are computed and sent (the connection's sends take it too).
        awaited: what the server owes in answer to the subscriptions just sent (see
            :meth:`_expect`), None when nothing; asked when the socket opens and after each
            resubscription.
        answer_timeout: seconds the answers of ``awaited`` may take.
        token: see :data:`TokenSource`.
        monotonic, sleep: time, as the connection was given it.
        spawn: starts a child task owned by this socket's task group.
        name: for logs.
    """

    def __init__(
        self,
        ws: ClientConnection,
        inbox: Inbox,
        *,
        session: Session,
        decoder: Decoder,
        ids: IdFactory,
        heartbeat: Heartbeat,
        deliver: Callable[[list[Any]], None],
        data_types: frozenset[type[Any]] | None,
        on_data: Callable[[], None],
        on_reauth: Callable[[], None],
        resubscribe: Callable[[], list[str]],
        sending: asyncio.Lock,
        awaited: Callable[[], asyncio.Future[None] | None],
        answer_timeout: float,
        token: TokenSource,
        monotonic: Callable[[], float],
        sleep: Callable[[float], Awaitable[Any]],
        spawn: Spawn,
        name: str,
    ) -> None:
        self._ws = ws
        self._inbox = inbox
        self._session = session
        self._decoder = decoder
        self._ids = ids
        self._heartbeat = heartbeat
        self._handed_on = deliver
        self._data_types = data_types
        self._on_data = on_data
        self._on_reauth = on_reauth
        self._resubscribe = resubscribe
        self._sending = sending
        self._awaited = awaited
        self._answer_timeout = answer_timeout
        self._token = token
        self._monotonic = monotonic
        self._sleep = sleep
        self._spawn = spawn
        self._name = name
        self._ended: asyncio.Future[End | None] = asyncio.get_running_loop().create_future()
        self._reauth_answer: asyncio.Future[None] | None = None

    async def run(self) -> End:
        """Serve the socket until it closes or the session (or the keep-alive) ends it."""
        self._spawn(self._keepalive(), "keepalive")
        self._expect_answers()
        self._inbox.serve(self._reader(), self._lost)
        end = await self._ended
        return end or End(f"server closed the connection ({self._inbox.close_code})")

    def _expect_answers(self) -> None:
        answered = self._awaited()
        if answered is not None:
            self._spawn(self._expect(answered, self._answer_timeout), "answers")

    async def _expect(self, answered: asyncio.Future[None], timeout: float) -> None:
        """End the connection when ``answered`` (the answers to the subscriptions sent on
        opening or after a re-authentication: an account's snapshot) is not done within
        ``timeout``: a lost answer is asked for again on a new socket. A future cancelled
        meanwhile was superseded by a later one."""
        if not await finished_within(answered, timeout, self._sleep):
            reason = f"no snapshot for the subscriptions within {timeout:g} s"
            log.warning("%s stream: %s; reconnecting", self._name, reason)
            self._finish(End(reason))

    def _finish(self, end: End) -> None:
        if not self._ended.done():
            self._ended.set_result(end)
        self._inbox.stop()  # the connection ends here: the frames after this are not read

    def _lost(self) -> None:
        if not self._ended.done():
            self._ended.set_result(None)

    def _reader(self) -> Callable[[list[bytes]], None]:
        """The inbox callback: decode and deliver the frames of one socket read."""
        feed = self._decoder.feed_many
        handed_on = self._handed_on
        data_types = self._data_types
        deliver = handed_on

        def watching(messages: list[Any]) -> None:
            # Until the connection has delivered data; then ``deliver`` is ``handed_on`` itself.
            nonlocal deliver
            handed_on(messages)
            if data_types is None or not data_types.isdisjoint(map(type, messages)):
                self._on_data()
                deliver = handed_on

        deliver = watching
        heartbeat = self._heartbeat
        monotonic = self._monotonic
        special = SPECIAL_TYPES

        def on_frames(frames: list[bytes]) -> None:
            heartbeat.last_received = monotonic()
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
                for action in self._session.receive(messages):
                    self._act(action, deliver)
            except Exception as exc:  # a bug of ours or of a handler: run() raises it
                if not self._ended.done():
                    self._ended.set_exception(exc)
                self._inbox.stop()

        return on_frames

    def _act(self, action: Action, deliver: Callable[[list[Any]], None]) -> None:
        if type(action) is Deliver:
            deliver(action.messages)
        elif type(action) is FetchToken:
            self._spawn(self._reauthenticate(), "reauth")
        elif type(action) is Reauthenticated:
            answer = self._reauth_answer
            if answer is not None and not answer.done():
                answer.set_result(None)  # ends the wait of _reauthenticate
            self._on_reauth()
        elif type(action) is End:
            self._finish(action)

    async def _keepalive(self) -> None:
        heartbeat = self._heartbeat
        while True:
            now = self._monotonic()
            action = heartbeat.check(now)
            if action is HeartbeatAction.DEAD:
                log.warning("%s stream is stale: %s; reconnecting", self._name, heartbeat.reason)
                self._finish(End(heartbeat.reason))
                return
            if action is HeartbeatAction.PING:
                heartbeat.ping_sent(now)
                try:
                    await self._ws.send(encode_ping(self._ids("ping")))
                except ConnectionClosed:
                    return
            await self._sleep(heartbeat.next_check(self._monotonic()))

    async def _reauthenticate(self) -> None:
        try:
            token = await self._token()
        except LinkFatal as fatal:
            self._finish(self._session.token_failed(fatal.error))
            return
        except Exception as exc:
            log.warning("%s re-auth token failed: %s; reconnecting", self._name, type(exc).__name__)
            self._finish(self._session.token_failed())
            return
        session = self._session
        request = session.reauthenticate(token, self._monotonic())
        if request is None:
            return
        self._decoder.sent = token
        self._reauth_answer = answered = asyncio.get_running_loop().create_future()
        with contextlib.suppress(ConnectionClosed):
            await self._ws.send(request.frame)
        if not await finished_within(answered, session.time_left(self._monotonic()), self._sleep):
            end = session.reauth_timed_out()
            if end is not None:
                self._finish(end)
            return
        await self._send_subscriptions()

    async def _send_subscriptions(self) -> None:
        """The server accepted the re-authentication: send the subscriptions again, as a new
        socket does. Whether a server keeps a socket's subscriptions across a
        re-authentication is UNKNOWN (websocket.md 2.4): one that drops them would send
        nothing more for them on a socket that stays up; one that keeps them answers a
        repeated subscribe as any. The frames are computed and sent under the connection's
        send lock: they say what is wanted now, and a subscribe or an unsubscribe of the
        user's goes out before them or after them all, never between two of them."""
        async with self._sending:
            if self._ended.done():
                return  # the connection ends: the next one sends them
            try:
                for frame in self._resubscribe():
                    await self._ws.send(frame)
            except ConnectionClosed:
                return  # the socket is gone: the reader ends the connection
        self._expect_answers()
