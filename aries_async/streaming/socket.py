"""Frames from the socket to the stream without a task wake-up for each one.

websockets queues every message it receives for ``recv()``, and the task awaiting ``recv()``
is woken once per message. A busy market stream receives tens of thousands of frames a second,
and that wake-up costs about as much as decoding a small frame. :class:`FrameSocket` hands
each complete message to its :class:`Inbox` instead, while websockets parses the bytes that
arrived (in ``data_received``): every frame of one read is decoded and routed in one go, a
consumer is woken once for all of them, and an update reaches it one event-loop turn sooner.

The connection reads through the inbox: until the stream is served, frames queue in it (the
authentication awaits :meth:`Inbox.get`); :meth:`Inbox.serve` then hands the queued frames, and
every later one as it arrives, to a callback. A connection from an opener that does not build
a :class:`FrameSocket` is fed by a task that awaits ``recv()`` (:func:`pump`): same frames,
same order, same callbacks.
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


class Inbox(Parking):
    """The received frames of one socket, in order: queued until :meth:`serve`, then handed
    to its callback as they arrive."""

    __slots__ = ("_frames", "_on_frame", "_on_lost", "closed")

    def __init__(self) -> None:
        super().__init__()
        self._frames: deque[bytes] = deque()
        self._on_frame: Callable[[bytes], None] | None = None
        self._on_lost: Callable[[], None] | None = None
        self.closed = False

    def put(self, frame: bytes) -> None:
        """A complete message arrived (called by the socket, or by :func:`pump`)."""
        on_frame = self._on_frame
        if on_frame is not None:
            on_frame(frame)
            return
        self._frames.append(frame)
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

    def serve(self, on_frame: Callable[[bytes], None], on_lost: Callable[[], None]) -> None:
        """From now on, hand every frame to ``on_frame`` (the queued ones first, at once) and
        tell ``on_lost`` when the socket closes (at once if it already has)."""
        self._on_frame = on_frame
        self._on_lost = on_lost
        frames = self._frames
        while frames and self._on_frame is on_frame:  # on_frame may stop() the inbox
            on_frame(frames.popleft())
        if self.closed and self._on_lost is on_lost:
            on_lost()

    def stop(self) -> None:
        """The connection is done with this socket: drop the frames still queued and every
        later one (until the socket is closed, a busy stream keeps sending)."""
        self._frames.clear()
        self._on_frame = _drop
        self._on_lost = None


def _drop(frame: bytes) -> None:
    """What a stopped inbox does with a frame."""


class FrameSocket(ClientConnection):
    """websockets' client connection, putting each complete text or binary message into
    :attr:`inbox` as soon as it is parsed instead of queueing it for ``recv()`` (which is not
    used). Pings, pongs and the closing handshake are websockets' as usual."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.inbox = Inbox()
        self._parts: list[bytes] | None = None  # a fragmented message so far

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
                inbox = self.inbox
                on_frame = inbox._on_frame  # Inbox.put, inlined for a served stream
                if on_frame is not None:
                    on_frame(data)
                else:
                    inbox.put(data)
            else:
                self._parts = [data]
        elif opcode is _CONT and self._parts is not None:
            self._parts.append(bytes(event.data))
            if event.fin:
                message = b"".join(self._parts)
                self._parts = None
                self.inbox.put(message)
        else:
            super().process_event(event)  # ping, pong, close

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
