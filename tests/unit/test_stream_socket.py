"""FrameSocket and Inbox: frames reach the stream in order, whole, queued or handed over, the
frames of one socket read together."""

from __future__ import annotations

import asyncio

import pytest
from websockets.asyncio.client import connect
from websockets.asyncio.server import ServerConnection, serve

from aries_async.streaming.socket import FrameSocket, Inbox, SocketLost


async def test_queued_then_served_frames_keep_their_order_and_fragments_are_joined() -> None:
    async def send(ws: ServerConnection) -> None:
        await ws.send("one")
        await ws.send(["fr", "ag", "ment"])  # one text message in three frames
        await ws.send(b"\x00two")
        await ws.ping()
        await ws.send("three")
        await ws.close()

    async with serve(send, "127.0.0.1", 0) as server:
        port = next(iter(server.sockets)).getsockname()[1]
        ws = await connect(f"ws://127.0.0.1:{port}", create_connection=FrameSocket)
        assert isinstance(ws, FrameSocket)
        inbox = ws.inbox
        queued = [await inbox.get()]
        served: list[bytes] = []
        lost = asyncio.Event()
        inbox.serve(served.extend, lost.set)
        async with asyncio.timeout(5):
            await lost.wait()
        await ws.close()
    assert queued + served == [b"one", b"fragment", b"\x00two", b"three"]
    assert ws.protocol.close_code == 1000


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


async def test_the_frames_of_one_read_arrive_as_one_list() -> None:
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
        ws = await connect(f"ws://127.0.0.1:{port}", create_connection=FrameSocket)
        assert isinstance(ws, FrameSocket)
        assert await ws.inbox.get() == b"hello"
        batches: list[list[bytes]] = []
        lost = asyncio.Event()
        ws.inbox.serve(batches.append, lost.set)
        release.set()
        async with asyncio.timeout(5):
            await lost.wait()
        await ws.close()
    frames = [frame for batch in batches for frame in batch]
    assert frames == [b"first", *(text.encode() for text in burst[1:])]
    assert len(batches) < len(frames)  # whole reads, not one call per frame
    assert all(batches)


async def test_frames_put_together_while_queued_are_served_in_order() -> None:
    inbox = Inbox()
    inbox.put(b"a")
    inbox.put_many([b"b", b"c"])
    assert await inbox.get() == b"a"
    batches: list[list[bytes]] = []
    inbox.serve(batches.append, lambda: None)
    inbox.put_many([b"d", b"e"])
    inbox.put(b"f")
    assert batches == [[b"b", b"c"], [b"d", b"e"], [b"f"]]
