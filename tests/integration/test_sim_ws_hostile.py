"""No subscribe or unsubscribe payload ends a session of the simulator's sockets: an unknown
or malformed symbol is refused (``invalid symbol``, as websocket.md 2.6 shows the server's
errors), malformed parameters are refused or ignored, and the socket goes on. Raw sockets:
what the server does, not what the client would have let through."""

from __future__ import annotations

import json
from typing import Any

import aiohttp
import pytest
from stream_helpers import Reader, action, raw_auth, until_pong

from aries_async import AriesClient
from aries_async.sim import Simulator
from aries_async.sim.ws import WsHub

_TICKER = "O:AAPL261211C00190000"
"""An option ticker as contract lists spell it (``O:`` + OSI): the sockets want the OSI."""
_NO_SUCH_DAY = "AAPL261399C00190000"
"""An OSI-shaped symbol of an optionable underlying whose expiry is no date (month 13)."""

_HOSTILE: dict[str, list[tuple[str, Any]]] = {
    "charts": [
        ("subscribe", {"type": "quotes", "symbol": _TICKER}),
        ("subscribe", {"type": "trades", "symbol": _TICKER, "symbolType": "option"}),
        ("subscribe", {"type": "quotes", "symbol": _NO_SUCH_DAY}),
        ("subscribe", {"type": "quotes", "symbol": "O:NOPE"}),
        ("subscribe", {"type": "quotes", "symbols": [_TICKER, 5, None]}),
        ("subscribe", [{"type": "quotes", "symbol": "O:KO"}, 7, "AAPL"]),
        ("subscribe", "AAPL"),
        ("unsubscribe", {"type": ["quotes"], "symbol": {"a": 1}}),
        ("unsubscribe", [None, 5, {"symbol": _TICKER}]),
    ],
    "market": [
        ("subscribe", [{"symbol": _TICKER, "greeksFields": ["delta"]}]),
        ("subscribe", [{"symbol": _NO_SUCH_DAY, "greeksFields": ["delta"], "level2": True}]),
        ("subscribe", [{"symbol": "AAPL", "quoteFields": {"a": 1}, "timeAndSalesFields": 3}]),
        ("subscribe", [5, None, {"symbol": 7}]),
        ("unsubscribe", [5, None, {"symbol": 7}, _TICKER, {"symbol": _TICKER, "quote": True}]),
    ],
    "accounts": [
        ("subscribe", {"topic": "news", "params": {"symbols": 5, "topics": 7}}),
        ("subscribe", {"topic": "news", "params": {"symbols": [_TICKER], "topics": None}}),
        ("subscribe", {"topic": "pnl", "params": {"accountId": 5, "startTime": 3}}),
        ("subscribe", {"topic": "account", "params": {"accountId": ["x"]}}),
        ("subscribe", {"topic": 5}),
        ("unsubscribe", {"topic": "pnl", "params": {"accountId": ["x"]}}),
        ("unsubscribe", {"topic": ["account"], "params": 5}),
    ],
}


def _url(sim: Simulator, kind: str) -> str:
    return {
        "market": sim.market_ws_url,
        "charts": sim.charts_ws_url,
        "accounts": sim.accounts_ws_url,
    }[kind]


async def _send(reader: Reader, request: str, request_id: str, payload: Any) -> None:
    message = {"type": request, "id": request_id, "payload": payload}
    await reader.ws.send_str(json.dumps(message))


async def _alive(reader: Reader, ping_id: str) -> list[dict[str, Any]]:
    """What the socket said until it answered a ping (it is still serving)."""
    await reader.ws.send_str(json.dumps({"type": "ping", "id": ping_id}))
    return await until_pong(reader)


@pytest.mark.parametrize("counting", [False, True], ids=["plain", "counting"])
@pytest.mark.parametrize("kind", sorted(_HOSTILE))
async def test_no_payload_ends_a_session(
    kind: str, counting: bool, sim: Simulator, hub: WsHub, http: aiohttp.ClientSession
) -> None:
    sim.faults.ws_counting_subscriptions = counting  # unsubscribes go another way then
    async with http.ws_connect(_url(sim, kind)) as ws:
        reader = await raw_auth(ws, sim)
        for number, (request, payload) in enumerate(_HOSTILE[kind]):
            await _send(reader, request, f"r{number}", payload)
            await _alive(reader, f"p{number}")
            assert not ws.closed and hub.open_sessions(kind) == 1, (request, payload)
        assert hub.connections[kind] == 1  # nothing dropped and came back


async def test_the_charts_socket_refuses_an_option_ticker_and_serves_the_others(
    sim: Simulator, http: aiohttp.ClientSession, aries: AriesClient
) -> None:
    """The ``O:`` ticker of a contract list is not a symbol of the charts socket, which wants
    OSI symbols (websocket.md section 5): refused as any unknown symbol, and the socket goes
    on serving what it could subscribe."""
    expiry = (await aries.market.option_expirations("AAPL"))[0]
    chain = await aries.market.option_chain("AAPL", expiry)
    ticker = chain.calls[0].symbol
    assert ticker is not None and ticker.startswith("O:")
    async with http.ws_connect(sim.charts_ws_url) as ws:
        reader = await raw_auth(ws, sim)
        await _send(reader, "subscribe", "s1", {"type": "quotes", "symbol": ticker})
        error = await reader.next(action("error"))
        assert error["payload"]["error"] == "invalid symbol"
        await _send(reader, "subscribe", "s2", {"type": "quotes", "symbol": "AAPL"})
        sim.advance(0.5)
        quoted = [
            m["payload"]["symbol"] for m in await _alive(reader, "p1") if m["type"] == "event"
        ]
        assert "AAPL" in quoted and ticker not in quoted
