"""Frames from the socket to the stream without a task wake-up for each one.

websockets queues every message it receives for ``recv()``, and the task awaiting ``recv()``
is woken once per message. A busy market stream receives tens of thousands of frames a second,
and that wake-up costs about as much as decoding a small frame. :class:`FrameSocket` collects
the complete messages that one socket read brings instead (websockets parses them in
``data_received``) and hands them to its :class:`Inbox` together, when the read is parsed:
the frames of one read are decoded and routed in one go, a consumer is woken once for all of
them, and an update reaches it one event-loop turn sooner.

The connection reads through the inbox: until the stream is served, frames queue in it (the
authentication awaits :meth:`Inbox.get`); :meth:`Inbox.serve` then hands the queued frames, and
every later batch as it arrives, to a callback, always as a list in the order received. A
connection from an opener that does not build a :class:`FrameSocket` is fed by a task that
awaits ``recv()`` (:func:`pump`): same frames, same order, same callback, one frame a list.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from typing import Any

from websockets.asyncio.client import ClientConnection
from websockets.exceptions import ConnectionClosed
from websockets.frames import Frame, Opcode

from aries_async.streaming._parking import Parking

__all__ = ["FrameSocket", "Inbox", "SocketLost", "pump"]

_TEXT, _BINARY, _CONT = Opcode.TEXT, Opcode.BINARY, Opcode.CONT


class SocketLost(Exception):
    """The socket closed while a frame was awaited."""


FramesCallback = Callable[[list[bytes]], None]
"""What a served :class:`Inbox` calls with the frames that arrived, in order (never empty)."""


class Inbox(Parking):
    """The received frames of one socket, in order: queued until :meth:`serve`, then handed
    to its callback as they arrive, the frames of one socket read in one list."""

    __slots__ = ("_frames", "_on_frames", "_on_lost", "closed")

    def __init__(self) -> None:
        super().__init__()
        self._frames: deque[bytes] = deque()
        self._on_frames: FramesCallback | None = None
        self._on_lost: Callable[[], None] | None = None
        self.closed = False

    def put(self, frame: bytes) -> None:
        """A complete message arrived (called by :func:`pump`, or by the socket outside a
        read)."""
        self.put_many([frame])

    def put_many(self, frames: list[bytes]) -> None:
        """The complete messages of one socket read arrived, in order (called by the socket;
        ``frames`` is the inbox's from then on)."""
        on_frames = self._on_frames
        if on_frames is not None:
            on_frames(frames)
            return
        self._frames.extend(frames)
        self._wake()

    def lost(self) -> None:
        """The socket closed: no more frames (idempotent)."""
        if self.closed:
            return
        self.closed = True
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
        self._on_frames = _drop
        self._on_lost = None


def _drop(frames: list[bytes]) -> None:
    """What a stopped inbox does with frames."""


class FrameSocket(ClientConnection):
    """websockets' client connection, putting the complete text and binary messages of each
    socket read into :attr:`inbox`, together, as soon as the read is parsed, instead of
    queueing them for ``recv()`` (which is not used). Pings, pongs and the closing handshake
    are websockets' as usual."""

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
        self.inbox.lost()


async def pump(ws: ClientConnection, inbox: Inbox) -> None:
    """Feed ``inbox`` from ``ws.recv()`` until the socket closes (for other openers' sockets)."""
    try:
        while True:
            inbox.put(await ws.recv(decode=False))
    except ConnectionClosed:
        pass
    finally:
        inbox.lost()
