"""Frames from the socket to the stream through websockets' public API, one socket read at a
time.

A reader task (:func:`pump`) awaits ``ws.recv(decode=False)`` in a loop. websockets parses a
whole socket read before the reader runs, and ``recv()`` returns a queued message without
suspending, so the reader takes every message of a read in one run. The :class:`Inbox`
gathers them and hands them on together, from a callback scheduled when the first one
arrives: the frames of one read are decoded and routed in one go and a consumer is woken once
for all of them, instead of once a frame.

Until the stream is served, frames queue in the inbox (the authentication awaits
:meth:`Inbox.get`); :meth:`Inbox.serve` then hands the queued frames, and every later read
as it arrives, to a callback, always as a list in the order received.
"""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from collections.abc import Callable
from typing import Any

import orjson
from websockets.asyncio.client import ClientConnection
from websockets.exceptions import ConnectionClosed
from websockets.frames import Frame, Opcode

from aries_async.auth.tokens import quotes_secret
from aries_async.streaming._parking import Parking
from aries_async.streaming.config import StreamConfig
from aries_async.streaming.handler import Connector

__all__ = [
    "ABNORMAL_CLOSURE",
    "WS_LOG",
    "FrameSocket",
    "Inbox",
    "SocketLost",
    "open_socket",
    "pump",
]

ABNORMAL_CLOSURE = 1006
"""The close code of a socket that closed without a closing handshake (RFC 6455)."""


_TEXT, _BINARY, _CONT = Opcode.TEXT, Opcode.BINARY, Opcode.CONT


class SocketLost(Exception):
    """The socket closed while a frame was awaited."""


FramesCallback = Callable[[list[bytes]], None]
"""What a served :class:`Inbox` calls with the frames that arrived, in order (never empty)."""


class Inbox(Parking):
    """The received frames of one socket, in order: queued until :meth:`serve`, then handed
    to its callback as they arrive, the frames of one socket read in one list.

    Attributes:
        closed: the socket closed (no more frames).
        close_code: the code of the server's close frame (1006 without one).
    """

    __slots__ = ("_batch", "_frames", "_on_frames", "_on_lost", "close_code", "closed")

    def __init__(self) -> None:
        super().__init__()
        self._frames: deque[bytes] = deque()
        self._batch: list[bytes] | None = None  # the frames of the read being taken
        self._on_frames: FramesCallback | None = None
        self._on_lost: Callable[[], None] | None = None
        self.closed = False
        self.close_code = ABNORMAL_CLOSURE

    def put(self, frame: bytes) -> None:
        """A complete message arrived."""
        if self._on_frames is None:
            self._frames.append(frame)
            self._wake()
            return
        batch = self._batch
        if batch is None:
            # The reader takes the rest of this read before it next suspends; the callback
            # then runs with all of it.
            self._batch = [frame]
            asyncio.get_running_loop().call_soon(self._flush)
        else:
            batch.append(frame)

    def put_many(self, frames: list[bytes]) -> None:
        """The complete messages of one socket read, in order (from :class:`FrameSocket`;
        ``frames`` is the inbox's from then on)."""
        on_frames = self._on_frames
        if on_frames is not None:
            self._flush()  # what the reader took before, if anything
            on_frames(frames)
            return
        self._frames.extend(frames)
        self._wake()

    def _flush(self) -> None:
        batch = self._batch
        self._batch = None
        on_frames = self._on_frames
        if batch and on_frames is not None:
            on_frames(batch)

    def lost(self, close_code: int = ABNORMAL_CLOSURE) -> None:
        """The socket closed with ``close_code``: no more frames (idempotent). The frames
        taken before are handed on first."""
        if self.closed:
            return
        self.closed = True
        self.close_code = close_code
        self._flush()
        self._wake()
        if self._on_lost is not None:
            self._on_lost()

    async def get(self) -> bytes:
        """The next queued frame, waiting for one.

        Raises:
            SocketLost: the socket closed and no frame is left.
        """
        frames = self._frames
        while not frames:
            if self.closed:
                raise SocketLost
            await self._park()
        return frames.popleft()

    def serve(self, on_frames: FramesCallback, on_lost: Callable[[], None]) -> None:
        """From now on, hand the frames to ``on_frames`` (the queued ones first, at once, in one
        list) and tell ``on_lost`` when the socket closes (at once if it already has)."""
        self._on_frames = on_frames
        self._on_lost = on_lost
        if self._frames:
            queued = list(self._frames)
            self._frames.clear()
            on_frames(queued)
        if self.closed and self._on_lost is on_lost:  # on_frames may have stop()ped the inbox
            on_lost()

    def stop(self) -> None:
        """The connection is done with this socket: drop the frames still queued and every
        later one (until the socket is closed, a busy stream keeps sending)."""
        self._frames.clear()
        self._batch = None
        self._on_frames = _drop
        self._on_lost = None


def _drop(frames: list[bytes]) -> None:
    """What a stopped inbox does with frames."""


class FrameSocket(ClientConnection):
    """websockets' client connection, handing the complete text and binary messages of each
    socket read to :attr:`inbox` together, as soon as the read is parsed, instead of queueing
    them for ``recv()`` (which is then not used). Pings, pongs and the closing handshake are
    websockets' as usual.

    This is the one place that depends on websockets' internals (``process_event``, called for
    each parsed frame; ``data_received`` and ``connection_lost`` are asyncio's protocol hooks):
    it saves the reader task's wake-up on every socket read, which the public ``recv()`` path
    (:func:`pump`) pays, and keeps the end-to-end target at one line a frame (see
    ``docs/architecture.md``). The websockets major version it was tested with is pinned.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.inbox = Inbox()
        self._parts: list[bytes] | None = None  # a fragmented message so far
        self._batch: list[bytes] | None = None  # the messages of the read being parsed

    def data_received(self, data: bytes) -> None:
        batch: list[bytes] = []
        self._batch = batch
        try:
            super().data_received(data)  # parses the read: process_event() for each event
        finally:
            self._batch = None
            if batch:
                self.inbox.put_many(batch)

    def process_event(self, event: Any) -> None:
        if type(event) is not Frame:  # the handshake response
            super().process_event(event)
            return
        opcode = event.opcode
        if opcode is _TEXT or opcode is _BINARY:
            data = event.data
            if type(data) is not bytes:  # bytes(data) costs a type call even for bytes
                data = bytes(data)
            if event.fin:
                self._message(data)
            else:
                self._parts = [data]
        elif opcode is _CONT and self._parts is not None:
            self._parts.append(bytes(event.data))
            if event.fin:
                message = b"".join(self._parts)
                self._parts = None
                self._message(message)
        else:
            super().process_event(event)  # ping, pong, close

    def _message(self, message: bytes) -> None:
        batch = self._batch
        if batch is not None:
            batch.append(message)
        else:  # outside a read (websockets also parses when the peer ends the stream)
            self.inbox.put(message)

    def connection_lost(self, exc: Exception | None) -> None:
        super().connection_lost(exc)
        self.inbox.lost(self.close_code or ABNORMAL_CLOSURE)


class _FrameLog(logging.LoggerAdapter[logging.Logger]):
    """The logger our sockets give websockets: at DEBUG it logs every frame, and those of our
    ``POST /auth`` requests carry the access token; such a frame is logged by its size only,
    and so is a frame from the server about authentication (an error, ``authSuccess``...)
    that quotes one of the last tokens sent (a refusal saying which token it refuses).
    Nothing changes while DEBUG is off (websockets then formats no frame at all, and this
    logger sees none)."""

    def __init__(self, logger: logging.Logger) -> None:
        super().__init__(logger)
        # The tokens of the last auth requests logged (any socket's): a refusal answers one
        # of them within moments.
        self._sent: deque[str] = deque(maxlen=_REMEMBERED)

    def log(self, level: int, msg: object, *args: object, **kwargs: Any) -> None:
        if args:
            args = tuple(self._without_token(arg) for arg in args)
        super().log(level, msg, *args, **kwargs)

    def _without_token(self, arg: object) -> object:
        if not isinstance(arg, Frame):
            return arg
        if b'"token"' in arg.data:
            self._remember(bytes(arg.data))
            return (
                f"{arg.opcode.name} [a request carrying a token, {len(arg.data)} bytes, not shown]"
            )
        # Only the frames that may answer an auth request (an error, authSuccess...): the
        # data frames, most of them, are not looked through.
        if self._sent and (b"error" in arg.data or b"auth" in arg.data):
            text = bytes(arg.data).decode(errors="replace")
            if quotes_secret(text, self._sent):
                return (
                    f"{arg.opcode.name} [a frame quoting a token, {len(arg.data)} bytes, not shown]"
                )
        return arg

    def _remember(self, data: bytes) -> None:
        try:
            token = orjson.loads(data)["payload"]["body"]["token"]
        except (orjson.JSONDecodeError, KeyError, TypeError):
            return
        if isinstance(token, str) and token and token not in self._sent:
            self._sent.append(token)


_REMEMBERED = 8
"""How many of the last tokens sent the frame log looks for in the server's frames."""


WS_LOG = _FrameLog(logging.getLogger("websockets.client"))


async def pump(ws: ClientConnection, inbox: Inbox) -> None:
    """Feed ``inbox`` from ``ws.recv()`` until the socket closes."""
    code = ABNORMAL_CLOSURE
    try:
        while True:
            inbox.put(await ws.recv(decode=False))
    except ConnectionClosed as exc:
        if exc.rcvd is not None:
            code = exc.rcvd.code
    finally:
        inbox.lost(code)


async def open_socket(connect: Connector, url: str, config: StreamConfig) -> ClientConnection:
    """Open the websocket of one connection attempt with ``connect`` (websockets' ``connect``
    or a test's), with the streams' options: the config's timeouts and message size cap, no
    keep-alive of websockets' own (the heartbeat is ours), no compression, a
    :class:`FrameSocket` (its reads handed on whole) and :data:`WS_LOG` for its logs."""
    return await connect(
        url,
        open_timeout=config.open_timeout,
        close_timeout=config.close_timeout,
        ping_interval=None,
        max_size=config.max_message_size,
        compression=None,
        create_connection=FrameSocket,
        logger=WS_LOG,
    )
