"""The simulator's firehose mode: the requested count of well-formed quote lines, as framed."""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any

import orjson
import pytest
from websockets.asyncio.client import ClientConnection, connect

from aries_async.sim import ManualClock, Simulator
from aries_async.sim.feed import Firehose
from aries_async.sim.ws import hub_of


async def _auth_and_subscribe(
    ws: ClientConnection, token: str, symbols: list[str], batch: int
) -> None:
    auth = {
        "type": "request",
        "id": "auth-1",
        "payload": {"method": "POST", "path": "/auth", "body": {"token": token}},
    }
    await ws.send(orjson.dumps(auth).decode())
    while True:
        lines = [orjson.loads(line) for line in str(await ws.recv()).splitlines()]
        if any(m.get("payload", {}).get("action") == "authSuccess" for m in lines):
            break
    for start in range(0, len(symbols), batch):
        items = [{"symbol": s, "quoteFields": "*"} for s in symbols[start : start + batch]]
        await ws.send(orjson.dumps({"type": "subscribe", "id": f"s{start}", "payload": items}))


async def _quotes(ws: ClientConnection, count: int) -> tuple[list[dict[str, Any]], list[int]]:
    quotes: list[dict[str, Any]] = []
    frame_sizes: list[int] = []
    async with asyncio.timeout(10):
        while len(quotes) < count:
            frame = str(await ws.recv())
            lines = [orjson.loads(line) for line in frame.split("\n")]
            found = [m for m in lines if m.get("payload", {}).get("type") == "quote"]
            if found:
                frame_sizes.append(len(found))
            quotes.extend(found)
    return quotes, frame_sizes


@pytest.mark.parametrize(("symbols", "per_frame", "count"), [(7, 3, 50), (1200, 20, 4010)])
async def test_firehose_sends_exactly_count_wellformed_quotes(
    symbols: int, per_frame: int, count: int
) -> None:
    firehose = Firehose(symbols=symbols, lines_per_frame=per_frame, count=count)
    async with Simulator(clock=ManualClock(), tick_interval=None, firehose=firehose) as sim:
        hub = hub_of(sim.app)
        token = sim.issue_token().access_token
        async with connect(sim.market_ws_url, compression=None) as ws:
            await _auth_and_subscribe(ws, token, firehose.names(), batch=500)
            quotes, sizes = await _quotes(ws, count)
            # Nothing beyond the count: a ping is answered next, with no quote in between.
            await ws.send(orjson.dumps({"type": "ping", "id": "p1"}).decode())
            async with asyncio.timeout(5):
                while True:
                    tail = [orjson.loads(x) for x in str(await ws.recv()).split("\n")]
                    assert all(m.get("payload", {}).get("type") != "quote" for m in tail)
                    if any(m.get("type") == "pong" for m in tail):
                        break
        await asyncio.sleep(0)
    assert len(quotes) == count
    assert hub.firehose_lines == count and hub.firehose_runs == 1
    assert all(size <= per_frame for size in sizes) and max(sizes) == per_frame
    names = set(firehose.names())
    for message in quotes:
        payload = message["payload"]
        assert message["type"] == "event" and payload["action"] == "update"
        assert payload["symbol"] in names
        data = payload["data"]
        assert data["askPrice"] > data["bidPrice"] > 0
        assert isinstance(data["quoteTimestamp"], int)
    # Cycles over every symbol in order.
    assert [m["payload"]["symbol"] for m in quotes[:symbols]] == firehose.names()


async def test_firehose_waits_for_every_symbol_and_duration_stops_it() -> None:
    firehose = Firehose(symbols=4, lines_per_frame=2, duration=0.05)
    async with Simulator(clock=ManualClock(), tick_interval=None, firehose=firehose) as sim:
        hub = hub_of(sim.app)
        token = sim.issue_token().access_token
        # The client stops reading mid-stream: do not wait for a closing handshake.
        async with connect(sim.market_ws_url, compression=None, close_timeout=0.1) as ws:
            await _auth_and_subscribe(ws, token, firehose.names()[:3], batch=10)
            await ws.send(orjson.dumps({"type": "ping", "id": "p1"}).decode())
            async with asyncio.timeout(5):
                while "pong" not in str(await ws.recv()):
                    pass
            assert hub.firehose_lines == 0  # three of four symbols: not started
            await _auth_and_subscribe(ws, token, firehose.names()[3:], batch=10)
            async with asyncio.timeout(10):
                while hub.firehose_runs == 0:  # a run ends only by its duration (no count)
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(ws.recv(), 0.01)
    assert hub.firehose_runs == 1
    assert hub.firehose_lines > 0


def test_firehose_settings_are_validated() -> None:
    with pytest.raises(ValueError, match="lines_per_frame"):
        Firehose(lines_per_frame=0)
    with pytest.raises(ValueError, match="duration"):
        Firehose(duration=0)
