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
from stream_helpers import FakeTime, Tokens, answered, drained, make_stream, take, until
from websockets.asyncio.client import ClientConnection
from websockets.asyncio.client import connect as ws_connect

from aries_async.models.events import ServerErrorMessage, StreamConnected
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

    def received(self, mark: int) -> list[dict[str, Any]]:
        """The payloads of the events read since ``mark`` reads."""
        payloads = []
        for data in self.reads[mark:]:
            for line in data.splitlines():
                start = line.find(b'{"type"')  # a frame's first line follows its header
                try:
                    message = orjson.loads(line[start:]) if start >= 0 else None
                except orjson.JSONDecodeError:
                    continue  # the round trip's malformed line
                if not isinstance(message, dict) or message.get("type") != "event":
                    continue
                if isinstance(message.get("payload"), dict):
                    payloads.append(message["payload"])
        return payloads

    def sent_since(self, mark: int) -> list[tuple[str, str]]:
        """(``quote`` or ``trade``, symbol) of every update read since ``mark`` reads."""
        updates = []
        for payload in self.received(mark):
            if isinstance(payload.get("data"), dict) and "symbol" in payload:
                kind = payload.get("type") or ("quote" if "v" in payload["data"] else "trade")
                updates.append((kind, payload["symbol"]))
        return sorted(updates)

    def refusals_since(self, mark: int) -> list[str]:
        """The texts of the errors read since ``mark`` reads."""
        return [p["error"] for p in self.received(mark) if p.get("action") == "error"]


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


# -- refusals: told once -----------------------------------------------------------------------

FRAMES = {"market": {"reauth": 2, "reconnect": 2}, "charts": {"reauth": 3, "reconnect": 4}}
"""Subscribe messages a replay of AAPL and MSFT, quotes and a second channel each, sends: MSFT's
refused channel is asked again on a new socket only (the charts socket takes one channel a
message)."""


@pytest.mark.parametrize("kind", ["market", "charts"])
async def test_a_refusal_is_told_once_and_asked_again_on_a_new_socket_only(
    kind: str, sim: Simulator, hub: WsHub, fake_time: FakeTime
) -> None:
    """A channel of MSFT that the user is not entitled to is refused, and told, once. A
    re-authentication's replay does not ask for it again (that socket refused it); a
    reconnect's does (a new socket may grant it), and its refusal, the same again, is not told;
    :attr:`refused_channels` names it all along. The user's own subscribe asks again and its
    answer is told, and a new socket that grants the channel ends the refusal."""
    channel = "level2" if kind == "market" else "trades"
    reason = f"not entitled to {channel}"
    sim.faults.ws_refused_channels = {"MSFT": frozenset({channel})}
    congestion = Congestion()
    stream = make(kind, sim, fake_time, congestion)
    async with stream:
        events = stream.events()
        await stream.subscribe(["AAPL", "MSFT"], channels=["quotes", channel])
        await until(lambda: bool(stream.refused) and not stream.awaiting)
        refused = {"MSFT": {channel: reason}}
        assert stream.refused_channels == refused

        def told() -> list[str]:
            return [e.error for e in drained(events) if type(e) is ServerErrorMessage]

        async def replay(how: str) -> list[str]:
            """A replay (``reauth`` or ``reconnect``): the refusals the server sent in answer."""
            asked, mark = hub.subscribes, len(congestion.reads)
            assert (hub.refresh_auth if how == "reauth" else hub.drop)(kind) == 1
            await answered(hub, kind, stream, asked + FRAMES[kind][how])
            return congestion.refusals_since(mark)

        assert told() == [reason]
        for how in ["reauth", "reconnect", "reauth", "reconnect"]:
            assert await replay(how) == ([reason] if how == "reconnect" else [])
            assert told() == [] and stream.refused_channels == refused
            assert not stream.awaiting
        await stream.subscribe("MSFT", channels=[channel])  # asked again, on this socket
        await until(lambda: not stream.awaiting)
        await answered(hub, kind, stream, hub.subscribes)
        assert told() == [reason] and stream.refused_channels == refused
        sim.faults.ws_refused_channels = {}  # entitled now
        assert await replay("reauth") == []  # this socket was not asked again
        assert told() == [] and stream.refused_channels == refused
        assert await replay("reconnect") == []  # a new one was, and granted it
        assert told() == [] and stream.refused_channels == {}
        assert stream.acknowledged == {"AAPL", "MSFT"} and not stream.awaiting
        assert stream.reauths == 3 and stream.reconnects == 3
