"""Subscriptions across a re-authentication on the live socket (``refreshAuth``).

websocket.md 2.4 leaves UNKNOWN whether a server keeps a socket's subscriptions when the client
re-authenticates on it. The simulator keeps them by default and drops them with
``faults.ws_reauth_drops_subscriptions``.

Time never passes for real: the simulator runs on a ManualClock (``sim.advance(STEP)`` is one
step of its walk). The only waits are for socket traffic, each bounded by a timeout.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import orjson
import pytest
from websockets.asyncio.client import connect as ws_connect

from aries_async.sim import ManualClock, Simulator

ACCOUNT = "TEST-ACCOUNT-001"
KINDS = ("market", "charts", "accounts")
STEP = 0.5
"""One step of the simulator's walk (its ``step_seconds``)."""


@pytest.fixture
async def sim() -> AsyncIterator[Simulator]:
    async with Simulator(seed=4, clock=ManualClock(), tick_interval=None) as s:
        yield s


def place(sim: Simulator) -> str:
    """A resting order (a limit far below the market): its clOrdId."""
    body = {"tradingAccountId": ACCOUNT, "timeInForce": "DAY", "symbol": "KO", "side": "BUY"}
    ack = sim.state.place({**body, "type": "LIMIT", "price": "1.00", "qty": "1"})
    assert ack["success"] is True
    return str(ack["clOrdId"])


# -- the simulator's switch -------------------------------------------------------------------

SUBSCRIBE = {
    "market": [{"symbol": "AAPL", "quoteFields": "*"}],
    "charts": {"type": "quotes", "symbol": "AAPL"},
    "accounts": {"topic": "account", "params": {"accountId": ACCOUNT}},
}


def _auth(sim: Simulator, request_id: str) -> bytes:
    token = sim.issue_token().access_token
    payload = {"method": "POST", "path": "/auth", "body": {"token": token}}
    return orjson.dumps({"type": "request", "id": request_id, "payload": payload})


async def _until_answer(ws: Any, request_id: str) -> list[dict[str, Any]]:
    """The messages the socket sends, up to the one that answers ``request_id``."""
    messages: list[dict[str, Any]] = []
    while True:
        for line in (await asyncio.wait_for(ws.recv(), 5)).splitlines():
            message = orjson.loads(line)
            messages.append(message)
            payload = message.get("payload")
            answer = payload.get("id") if isinstance(payload, dict) else None
            if request_id in (message.get("id"), answer):
                return messages


def _is_data(kind: str, message: dict[str, Any]) -> bool:
    payload = message.get("payload") or {}
    if kind == "market":
        return payload.get("type") == "quote"
    if kind == "charts":
        return payload.get("symbol") == "AAPL"
    return payload.get("name") == "account.order"


async def _data_after_a_change(sim: Simulator, kind: str, ws: Any, ping: str) -> bool:
    """Whether a price step (an order, on the account socket) reaches the socket, before the
    pong of a ping sent after it."""
    if kind == "accounts":
        place(sim)
    else:
        sim.advance(STEP)
    await ws.send(orjson.dumps({"type": "ping", "id": ping}))
    return any(_is_data(kind, m) for m in await _until_answer(ws, ping))


@pytest.mark.parametrize("drops", [False, True])
@pytest.mark.parametrize("kind", KINDS)
async def test_the_switch_drops_the_subscriptions_of_a_reauthenticated_socket(
    kind: str, drops: bool, sim: Simulator
) -> None:
    """Off, a socket's subscriptions outlive its re-authentication; on, they are gone, the
    socket stays open and authenticated, and a subscribe brings them back."""
    sim.faults.ws_reauth_drops_subscriptions = drops
    url = {"market": sim.market_ws_url, "charts": sim.charts_ws_url}.get(kind)
    subscribe = {"type": "subscribe", "id": "s1", "payload": SUBSCRIBE[kind]}
    async with ws_connect(url or sim.accounts_ws_url) as ws:
        await ws.send(_auth(sim, "a1"))
        await _until_answer(ws, "a1")
        await ws.send(orjson.dumps(subscribe))
        await _until_answer(ws, "s1")
        assert await _data_after_a_change(sim, kind, ws, "p1")
        await ws.send(_auth(sim, "a2"))
        answer = (await _until_answer(ws, "a2"))[-1]
        assert answer["payload"]["action"] == "authSuccess"
        assert await _data_after_a_change(sim, kind, ws, "p2") is not drops
        await ws.send(orjson.dumps({**subscribe, "id": "s2"}))
        await _until_answer(ws, "s2")
        assert await _data_after_a_change(sim, kind, ws, "p3")
