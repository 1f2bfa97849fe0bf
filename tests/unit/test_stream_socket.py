"""FrameSocket, the recv() reader and the Inbox: frames reach the stream in order, whole, queued
or handed over, the frames of one socket read together, whichever way the socket is read."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

import pytest
from websockets.asyncio.client import connect
from websockets.asyncio.server import ServerConnection, serve

from aries_async.streaming.socket import FrameSocket, Inbox, SocketLost, pump

READERS = pytest.mark.parametrize("reader", ["frame-socket", "recv"])


@contextlib.asynccontextmanager
async def reading(port: int, reader: str) -> AsyncIterator[Inbox]:
    """The inbox of a socket to ``port``, fed by a FrameSocket or by pump() over recv()."""
    if reader == "frame-socket":
        ws = await connect(f"ws://127.0.0.1:{port}", create_connection=FrameSocket)
        assert isinstance(ws, FrameSocket)
        yield ws.inbox
    else:
        ws = await connect(f"ws://127.0.0.1:{port}")
        inbox = Inbox()
        async with asyncio.TaskGroup() as tasks:
            tasks.create_task(pump(ws, inbox))
            yield inbox
    await ws.close()


@READERS
async def test_queued_then_served_frames_keep_their_order_and_fragments_are_joined(
    reader: str,
) -> None:
    async def send(ws: ServerConnection) -> None:
        await ws.send("one")
        await ws.send(["fr", "ag", "ment"])  # one text message in three frames
        await ws.send(b"\x00two")
        await ws.ping()
        await ws.send("three")
        await ws.close()

    async with serve(send, "127.0.0.1", 0) as server:
        port = next(iter(server.sockets)).getsockname()[1]
        async with reading(port, reader) as inbox:
            queued = [await inbox.get()]
            served: list[bytes] = []
            lost = asyncio.Event()
            inbox.serve(served.extend, lost.set)
            async with asyncio.timeout(5):
                await lost.wait()
    assert queued + served == [b"one", b"fragment", b"\x00two", b"three"]
    assert inbox.close_code == 1000


async def test_a_stopped_inbox_drops_the_rest_and_every_later_frame() -> None:
    inbox = Inbox()
    for frame in (b"a", b"b", b"c"):
        inbox.put(frame)
    seen: list[bytes] = []
    lost: list[bool] = []

    def take(frames: list[bytes]) -> None:
        for frame in frames:
            seen.append(frame)
            if frame == b"b":
                inbox.stop()  # as the connection does when a frame ends it
                return

    inbox.serve(take, lambda: lost.append(True))
    for frame in (b"d", b"e"):
        inbox.put(frame)  # a busy stream keeps sending until the socket is closed
    inbox.lost()
    assert seen == [b"a", b"b"]
    assert lost == []  # the connection already knows it is done
    with pytest.raises(SocketLost):  # nothing was kept
        await inbox.get()


async def test_a_socket_lost_before_serving_is_reported_at_once_and_get_raises() -> None:
    inbox = Inbox()
    inbox.put(b"last")
    inbox.lost()
    inbox.lost()  # idempotent
    assert await inbox.get() == b"last"
    with pytest.raises(SocketLost):
        await inbox.get()
    told: list[str] = []
    inbox.serve(lambda frames: told.append("frames"), lambda: told.append("lost"))
    assert told == ["lost"]


async def test_a_waiting_get_wakes_for_a_frame_and_for_the_loss() -> None:
    inbox = Inbox()
    waiting = asyncio.ensure_future(inbox.get())
    await asyncio.sleep(0)
    inbox.put(b"x")
    assert await waiting == b"x"
    waiting = asyncio.ensure_future(inbox.get())
    await asyncio.sleep(0)
    inbox.lost()
    with pytest.raises(SocketLost):
        await waiting


@READERS
async def test_the_frames_of_one_read_arrive_as_one_list(reader: str) -> None:
    burst = [f"frame {i}" for i in range(50)]
    release = asyncio.Event()

    async def send(ws: ServerConnection) -> None:
        await ws.send("hello")
        await release.wait()
        # all in one write: the client's socket read gets many frames at once
        ws.protocol.send_text(b"first")
        for text in burst[1:]:
            ws.protocol.send_text(text.encode())
        ws.send_data()
        await ws.close()

    async with serve(send, "127.0.0.1", 0) as server:
        port = next(iter(server.sockets)).getsockname()[1]
        async with reading(port, reader) as inbox:
            assert await inbox.get() == b"hello"
            batches: list[list[bytes]] = []
            lost = asyncio.Event()
            inbox.serve(batches.append, lost.set)
            release.set()
            async with asyncio.timeout(5):
                await lost.wait()
    frames = [frame for batch in batches for frame in batch]
    assert frames == [b"first", *(text.encode() for text in burst[1:])]
    assert len(batches) < len(frames)  # whole reads, not one call per frame
    assert all(batches)


async def test_frames_put_in_one_run_are_served_together_and_before_the_loss() -> None:
    inbox = Inbox()
    inbox.put(b"a")
    inbox.put(b"b")
    assert await inbox.get() == b"a"
    batches: list[list[bytes]] = []
    told: list[str] = []
    inbox.serve(batches.append, lambda: told.append(f"lost after {len(batches)}"))
    assert batches == [[b"b"]]  # the queued ones at once
    for frame in (b"c", b"d", b"e"):
        inbox.put(frame)  # as the reader does with the frames of one socket read
    assert batches == [[b"b"]]  # handed on when the reader has taken the whole read
    await asyncio.sleep(0)
    assert batches == [[b"b"], [b"c", b"d", b"e"]]
    inbox.put(b"f")
    inbox.lost(1001)
    assert batches[-1] == [b"f"]  # what was taken comes before the loss
    assert told == ["lost after 3"]
    assert inbox.close_code == 1001
