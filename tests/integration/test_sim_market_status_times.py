"""The market socket's ``marketStatus`` during ``sim.advance()``: a change the advance crosses
is sent as of the moment it happened (``serverTime`` and the envelope's ``timestamp``), in
time order among the quote updates of the steps around it, as fills are stamped with the step
that filled them; an advance across several changes sends each. Raw sockets: what the server
sends, not what the client makes of it."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import aiohttp
from stream_helpers import Reader, raw_auth, until_pong

from aries_async.sim import ManualClock, Simulator
from aries_async.sim.ws import hub_of

CLOSE = datetime(2026, 1, 15, 21, 0, tzinfo=UTC)  # Thursday 16:00 New York


def _wire_time(at: datetime) -> str:
    return at.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _ms(at: datetime) -> int:
    return round(at.timestamp() * 1000)


def _is_status(message: dict[str, Any]) -> bool:
    return (message.get("payload") or {}).get("type") == "marketStatus"


async def _after(reader: Reader, ws: aiohttp.ClientWebSocketResponse) -> list[dict[str, Any]]:
    """Everything the socket was sent up to now: the messages before the answer to a ping."""
    await ws.send_str(json.dumps({"type": "ping", "id": "p1"}))
    return await until_pong(reader)


def _statuses(heard: list[dict[str, Any]]) -> list[tuple[str, bool, bool, str, int]]:
    return [
        (
            m["payload"]["data"]["market"],
            m["payload"]["data"]["earlyHours"],
            m["payload"]["data"]["afterHours"],
            m["payload"]["data"]["serverTime"],
            m["payload"]["timestamp"],
        )
        for m in heard
        if _is_status(m)
    ]


async def test_the_close_inside_an_advance_is_sent_as_of_the_close(
    http: aiohttp.ClientSession,
) -> None:
    start = CLOSE - timedelta(minutes=1)
    clock = ManualClock(start=start.timestamp())
    async with (
        Simulator(clock=clock, tick_interval=None) as sim,
        http.ws_connect(sim.market_ws_url) as ws,
    ):
        reader = await raw_auth(ws, sim)
        first = await reader.next(_is_status)
        assert first["payload"]["data"]["serverTime"] == _wire_time(start)
        subscribe = {"type": "subscribe", "id": "s1", "payload": [{"symbol": "AAPL"}]}
        await ws.send_str(json.dumps(subscribe))
        await reader.next(lambda m: m.get("type") == "subscribed")  # the server has it
        sim.advance(120)  # to 16:01
        hub_of(sim.app).check_deadlines()
        heard = await _after(reader, ws)
    assert _statuses(heard) == [("closed", False, True, _wire_time(CLOSE), _ms(CLOSE))]
    stamps = [
        (m["payload"]["timestamp"], m["payload"]["type"])
        for m in heard
        if m.get("type") == "event" and m["payload"].get("action") == "update"
    ]
    assert [at for at, _ in stamps] == sorted(at for at, _ in stamps)  # in time order
    kinds = [kind for _, kind in stamps]
    at = kinds.index("marketStatus")
    assert "quote" in kinds[:at] and "quote" in kinds[at + 1 :]  # steps on both sides


async def test_each_change_an_advance_crosses_is_sent_at_its_own_time(
    http: aiohttp.ClientSession,
) -> None:
    day = 24 * 3600
    async with (
        Simulator(clock=ManualClock(), tick_interval=None, token_ttl=2 * day) as sim,
        http.ws_connect(sim.market_ws_url) as ws,
    ):
        sim.settings.ws_session_ttl = 2 * day  # the socket outlives the advance
        reader = await raw_auth(ws, sim)
        first = await reader.next(_is_status)
        assert first["payload"]["data"]["market"] == "open"  # Thursday 10:00 New York
        sim.advance(day)  # to Friday 10:00
        hub_of(sim.app).check_deadlines()
        heard = await _after(reader, ws)
    friday = CLOSE + timedelta(days=1)
    changes = [
        ("closed", False, True, CLOSE),  # the close: after hours
        ("closed", False, False, CLOSE + timedelta(hours=4)),  # 20:00: closed
        ("closed", True, False, friday - timedelta(hours=12)),  # 04:00: pre-market
        ("open", False, False, friday - timedelta(hours=6, minutes=30)),  # 09:30: the open
    ]
    assert _statuses(heard) == [
        (market, early, after, _wire_time(at), _ms(at)) for market, early, after, at in changes
    ]
