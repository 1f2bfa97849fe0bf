"""The replays of the market and charts streams: every desired subscription sent again on a new
socket (a reconnect) and on the live socket after a re-authentication.

A replay of several frames may yield to the event loop between them: websockets' ``send``
waits while the socket's write buffer is full. A user's subscribe or unsubscribe issued then
must not land between the replay's frames, or a later frame of the replay, computed before
the user's call, would undo it on the server. The tests' socket (:class:`Congestion`) fills
up on demand: armed, it makes itself paused (``pause_writing``, what asyncio's transport
calls when its buffer passes the high-water mark) as the server's ``authSuccess`` arrives, so
the replay's first frame is written and the rest wait for ``resume_writing``. What the server
keeps is read from what it sends on the next step of its walk.

Time never passes for real: the simulator runs on a ManualClock, the streams' keep-alive and
backoff on :class:`FakeTime`; the only waits are for socket traffic, each bounded.
"""

from __future__ import annotations

import asyncio
from typing import Any

import orjson
import pytest
from stream_helpers import FakeTime, Tokens, answered, make_stream, take, until
from websockets.asyncio.client import ClientConnection
from websockets.asyncio.client import connect as ws_connect

from aries_async.models.events import StreamConnected
from aries_async.sim import Simulator
from aries_async.sim.ws import WsHub
from aries_async.streaming import StreamConfig
from aries_async.streaming.socket import FrameSocket

STEP = 0.5
"""One step of the simulator's walk (its ``step_seconds``)."""
SYMBOLS = ["AAPL", "MSFT", "NVDA", "TSLA"]
CONFIG = StreamConfig(backoff_initial=0.0, backoff_jitter=0.0, subscribe_batch=1)
"""One market symbol a frame, as the charts socket sends them: a replay of several frames."""


@pytest.fixture
def sim_seed() -> int:
    """A walk in which each of :data:`SYMBOLS` moves on every step."""
    return 4


class Congestion:
    """The opener of the streams' sockets, whose write buffer fills when told."""

    def __init__(self) -> None:
        self.armed = False
        self.paused: FrameSocket | None = None
        self.reads: list[bytes] = []

    async def connect(self, url: str, **kwargs: Any) -> ClientConnection:
        congestion = self

        class Congested(FrameSocket):
            def data_received(self, data: bytes) -> None:
                super().data_received(data)
                congestion.reads.append(data)
                if congestion.armed and b'"authSuccess"' in data:
                    congestion.armed = False
                    congestion.paused = self
                    self.pause_writing()  # the frames sent from now on wait for the drain

        return await ws_connect(url, **{**kwargs, "create_connection": Congested})

    def resume(self) -> None:
        """The write buffer drained: the frames waiting go out."""
        assert self.paused is not None
        self.paused.resume_writing()
        self.paused = None

    def sent_since(self, mark: int) -> list[tuple[str, str]]:
        """(``quote`` or ``trade``, symbol) of every update read since ``mark`` reads."""
        updates = []
        for data in self.reads[mark:]:
            for line in data.splitlines():
                try:  # a frame's first line follows the frame's header
                    message = orjson.loads(line[line.find(b'{"type"') :])
                except orjson.JSONDecodeError:
                    continue  # the round trip's malformed line
                payload = message.get("payload")
                if not isinstance(payload, dict) or not isinstance(payload.get("data"), dict):
                    continue
                kind = payload.get("type") or ("quote" if "v" in payload["data"] else "trade")
                updates.append((kind, payload["symbol"]))
        return sorted(updates)


def make(kind: str, sim: Simulator, fake_time: FakeTime, congestion: Congestion) -> Any:
    tokens = Tokens(sim)
    tokens.fresh_each_call = True  # a re-authentication renews the token
    return make_stream(kind, sim, fake_time, CONFIG, tokens, connect=congestion.connect)


async def replay_held(hub: WsHub, kind: str, replay: str, congestion: Congestion) -> None:
    """Start a replay (``reconnect`` or ``reauth``) and return once the server has read its
    first frame, the others held back by the full write buffer."""
    asked = hub.subscribes
    congestion.armed = True
    if replay == "reconnect":
        assert hub.drop(kind) == 1
    else:
        assert hub.refresh_auth(kind) == 1
    await until(lambda: hub.subscribes == asked + 1)
    assert congestion.paused is not None


async def server_sends(
    sim: Simulator, hub: WsHub, kind: str, stream: Any, congestion: Congestion
) -> list[tuple[str, str]]:
    """What the server sends on the next step of its walk, once it has read everything."""
    await answered(hub, kind, stream, hub.subscribes)
    mark = len(congestion.reads)
    sim.advance(STEP)
    await answered(hub, kind, stream, hub.subscribes)
    return congestion.sent_since(mark)


@pytest.mark.parametrize("replay", ["reconnect", "reauth"])
@pytest.mark.parametrize("kind", ["market", "charts"])
async def test_a_symbol_dropped_during_a_replay_stays_dropped_on_the_server(
    kind: str, replay: str, sim: Simulator, hub: WsHub, fake_time: FakeTime
) -> None:
    """The user drops the replay's last symbol after its first frame went out: the server
    sends nothing more of it."""
    congestion = Congestion()
    stream = make(kind, sim, fake_time, congestion)
    status = stream.status()
    async with stream:
        assert [type(e) for e in await take(status, 1)] == [StreamConnected]
        await stream.subscribe(SYMBOLS, channels=["quotes"])
        await until(lambda: stream.acknowledged == set(SYMBOLS))
        await replay_held(hub, kind, replay, congestion)
        dropping = asyncio.create_task(stream.unsubscribe("TSLA"))
        await until(lambda: "TSLA" not in stream.subscriptions)
        congestion.resume()
        await dropping
        await until(lambda: stream.acknowledged == {"AAPL", "MSFT", "NVDA"})
        quotes = [("quote", symbol) for symbol in ["AAPL", "MSFT", "NVDA"]]
        assert await server_sends(sim, hub, kind, stream, congestion) == quotes
        assert stream.reconnects == (replay == "reconnect")
        assert stream.reauths == (replay == "reauth")


@pytest.mark.parametrize("replay", ["reconnect", "reauth"])
async def test_a_channel_added_during_a_replay_stays_added_on_the_server(
    replay: str, sim: Simulator, hub: WsHub, fake_time: FakeTime
) -> None:
    """The user adds trades to the replay's last symbol after its first frame went out: the
    server sends them (the replay's frame for it asked for its quotes alone)."""
    congestion = Congestion()
    stream = make("market", sim, fake_time, congestion)
    status = stream.status()
    async with stream:
        assert [type(e) for e in await take(status, 1)] == [StreamConnected]
        await stream.subscribe(SYMBOLS, channels=["quotes"])
        await until(lambda: stream.acknowledged == set(SYMBOLS))
        await replay_held(hub, "market", replay, congestion)
        adding = asyncio.create_task(stream.subscribe("TSLA", channels=["trades"]))
        await until(lambda: len(stream.subscriptions["TSLA"].channels) == 2)
        congestion.resume()
        await adding
        await until(lambda: stream.acknowledged == set(SYMBOLS) and not stream.awaiting)
        expected = sorted([("quote", symbol) for symbol in SYMBOLS] + [("trade", "TSLA")])
        assert await server_sends(sim, hub, "market", stream, congestion) == expected
