"""An option position held to its expiration ends at the close of its last trading day:
settled in cash at its intrinsic value at the underlying's close (nothing out of the money),
a long position receiving it and a short one paying it (:mod:`aries_async.sim.settlement`).
From that close the contract is quoted nowhere: the details, the contract snapshot, the chart
quotes and both sockets answer it as a contract the server does not have.

The simulator starts on Thursday 2026-01-15 10:00 New York; the contracts expire on Friday
2026-01-16 (the Monday after is a holiday). Raw REST calls on the simulation account, each
answer checked against the API description and the official ``finance-dev`` model.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import aiohttp
import pytest
from sim_http import SimApi
from spec_check import check_answer
from stream_helpers import Reader, action, raw_auth, until_pong

from aries_async.sim import AccountEvent, ManualClock, Simulator

ACCOUNT = "TEST-SIM-001"
D = Decimal


async def _place(api: SimApi, symbol: str, side: str) -> None:
    order = {
        "tradingAccountId": ACCOUNT,
        "symbol": symbol,
        "side": side,
        "type": "MARKET",
        "qty": "1",
        "timeInForce": "DAY",
    }
    status, body = await api.call("POST", "/v1/orders", json=order)
    check_answer("placeOrder", status, body)
    assert body["success"] and body["status"] == "NEW", body


async def _book(api: SimApi) -> tuple[dict[str, Any], dict[str, Any]]:
    status, balance = await api.call("GET", f"/v2/accounts/{ACCOUNT}/balance")
    check_answer("getAccountBalance", status, balance)
    day = D(balance["balance"]) - D(balance["sodTtlEquity"])
    assert day == D(balance["dayTotalPnl"]), balance
    status, body = await api.call("GET", f"/v1/accounts/{ACCOUNT}/positions")
    check_answer("getAccountPositions", status, body)
    return balance, {p["symbol"]: p for p in body["positions"]}


@pytest.mark.parametrize("hours", [31, 5 * 24])  # Friday 17:00; Tuesday 10:00
async def test_an_expired_contract_is_settled_at_its_intrinsic_value(
    api: SimApi, sim: Simulator, hours: int
) -> None:
    strike = round(sim.feed.quote("AAPL").last)
    contracts = {
        f"AAPL260116C{strike * 1000:08d}": ("BUY", 1),
        f"AAPL260116P{strike * 1000:08d}": ("BUY", 1),
        f"AAPL260116C{(strike + 5) * 1000:08d}": ("SELL", -1),
    }
    for symbol, (side, _) in contracts.items():
        await _place(api, symbol, side)
    before, held = await _book(api)
    assert set(held) >= set(contracts)
    events: list[AccountEvent] = []
    sim.state.listen(ACCOUNT, events.append)

    sim.advance(hours * 3600)
    api.headers = {"Authorization": sim.issue_token().authorization}
    after, held = await _book(api)
    assert not set(held) & set(contracts), held
    friday = int(datetime(2026, 1, 16, tzinfo=UTC).timestamp())
    (bar,) = sim.feed.bars("AAPL", ("day", 1), friday, friday)
    close = D(str(bar.close))
    owed = D(0)
    for symbol, (_, quantity) in contracts.items():
        call, at = symbol[10] == "C", D(int(symbol[11:])) / 1000
        owed += quantity * max(D(0), close - at if call else at - close) * 100
    assert D(after["cashBalance"]) - D(before["cashBalance"]) == owed, (close, owed)
    ended = [e.data for e in events if e.name == "account.position"]
    assert {p["symbol"] for p in ended if p["quantity"] == "0"} == set(contracts)
    assert all(p["createdAt"] < "2026-01-16T21:00:00.001Z" for p in ended)


async def test_an_expired_contract_is_quoted_as_no_option(api: SimApi, sim: Simulator) -> None:
    # As the chain of its expiry (404) and an order for it (refused) say: it is no longer
    # listed, so the details answer it as a symbol the server does not have.
    strike = round(sim.feed.quote("AAPL").last) * 1000
    ended, friday = f"AAPL260109C{strike:08d}", f"AAPL260116C{strike:08d}"

    async def details() -> dict[str, Any]:
        status, body = await api.call(
            "GET", "/v1/marketdata/options/details", params={"symbols": f"{ended},{friday}"}
        )
        check_answer("getOptionDetails", status, body)
        assert status == 200
        answer: dict[str, Any] = body
        return answer

    body = await details()
    assert [item["symbol"] for item in body["data"]] == [friday]
    assert body["errors"] == [{"symbol": ended, "error": "option not found"}]

    sim.advance(30 * 3600)  # Friday 16:00: the Friday contract's last close
    api.headers = {"Authorization": sim.issue_token().authorization}
    body = await details()
    assert body["data"] == []
    assert body["errors"] == [
        {"symbol": symbol, "error": "option not found"} for symbol in (ended, friday)
    ]


# -- quotes of an expired contract: answered as the details answer it, as none the server has


def _contracts(sim: Simulator) -> tuple[str, str]:
    """A contract that expired the Friday before the simulator's start, and one of its
    first Friday (2026-01-16), at AAPL's strike nearest its price."""
    strike = round(sim.feed.quote("AAPL").last) * 1000
    return f"AAPL260109C{strike:08d}", f"AAPL260116C{strike:08d}"


async def test_the_contract_snapshot_of_an_expired_contract_is_not_found(
    api: SimApi, sim: Simulator
) -> None:
    ended, friday = _contracts(sim)

    async def snapshot(symbol: str) -> tuple[int, Any]:
        return await api.call("GET", f"/v1/options/snapshot/AAPL/O:{symbol}")

    status, body = await snapshot(friday)
    check_answer("getOptionContractSnapshot", status, body)
    assert body["results"]["details"]["ticker"] == f"O:{friday}"
    unlisted = await snapshot(ended)
    sim.advance(30 * 3600)  # Friday 16:00: the Friday contract's last close
    api.headers = {"Authorization": sim.issue_token().authorization}
    for status, body in (unlisted, await snapshot(friday)):
        assert status == 404, body
        error = body["error"]
        assert (error["type"], error["code"]) == ("NOT_FOUND", "OPTION_NOT_FOUND"), body
        assert "option not found" in error["message"]


async def test_chart_quotes_answer_an_expired_contract_as_an_unknown_symbol(
    api: SimApi, sim: Simulator
) -> None:
    ended, friday = _contracts(sim)

    async def quotes() -> dict[str, dict[str, Any]]:
        status, body = await api.call(
            "GET", "/v1/chart/quotes", params={"symbols": f"{ended},{friday}"}
        )
        assert status == 200, body
        return {item["n"]: item for item in body["d"]}

    def unknown(symbol: str) -> dict[str, Any]:
        return {"n": symbol, "s": "error", "errmsg": f"unknown symbol {symbol}", "v": {}}

    answer = await quotes()
    assert answer[ended] == unknown(ended)
    assert answer[friday]["s"] == "ok" and answer[friday]["v"]["lp"] > 0
    sim.advance(30 * 3600)
    api.headers = {"Authorization": sim.issue_token().authorization}
    answer = await quotes()
    assert (answer[ended], answer[friday]) == (unknown(ended), unknown(friday))


def _updates(heard: list[dict[str, Any]], symbol: str) -> list[int]:
    """The times of the updates of ``symbol`` (an envelope's ``timestamp``, in ms)."""
    return [
        m["payload"]["timestamp"]
        for m in heard
        if m.get("type") == "event"
        and m["payload"].get("symbol") == symbol
        and "timestamp" in m["payload"]
    ]


async def _heard(reader: Reader, ws: aiohttp.ClientWebSocketResponse) -> list[dict[str, Any]]:
    """Everything the socket was sent up to now: the messages before the answer to a ping."""
    await ws.send_str(json.dumps({"type": "ping", "id": "p1"}))
    return await until_pong(reader)


@pytest.fixture
async def closing() -> AsyncIterator[Simulator]:
    """A simulator a minute before the Friday contracts' last close (15:59 New York)."""
    start = datetime(2026, 1, 16, 20, 59, tzinfo=UTC).timestamp()
    async with Simulator(clock=ManualClock(start=start), tick_interval=None) as simulator:
        yield simulator


async def test_the_market_socket_refuses_an_expired_contract_and_stops_at_the_close(
    closing: Simulator, http: aiohttp.ClientSession
) -> None:
    sim = closing
    ended, friday = _contracts(sim)
    close = round(datetime(2026, 1, 16, 21, tzinfo=UTC).timestamp() * 1000)
    async with http.ws_connect(sim.market_ws_url) as ws:
        reader = await raw_auth(ws, sim)
        asked = [{"symbol": s, "greeksFields": "*"} for s in (ended, friday)] + [{"symbol": "AAPL"}]
        await ws.send_str(json.dumps({"type": "subscribe", "id": "s1", "payload": asked}))
        refused = await reader.next(action("error"))
        assert refused["payload"]["symbols"] == [ended], refused
        sim.advance(120)  # to 16:01
        heard = await _heard(reader, ws)
    quoted = _updates(heard, friday)
    assert quoted and max(quoted) < close  # quoted up to its last close, not after
    assert max(_updates(heard, "AAPL")) > close  # its underlying goes on
    assert not _updates(heard, ended)


async def test_the_charts_socket_stops_quoting_a_contract_at_its_close(
    closing: Simulator, http: aiohttp.ClientSession
) -> None:
    sim = closing
    sim.faults.charts_envelope = "typed"  # updates with their time
    _, friday = _contracts(sim)
    close = round(datetime(2026, 1, 16, 21, tzinfo=UTC).timestamp() * 1000)
    async with http.ws_connect(sim.charts_ws_url) as ws:
        reader = await raw_auth(ws, sim)
        for symbol in (friday, "AAPL"):
            subscribe = {"type": "quotes", "symbol": symbol}
            await ws.send_str(json.dumps({"type": "subscribe", "id": symbol, "payload": subscribe}))
        await reader.next(lambda m: m.get("id") == "AAPL")  # the server has both
        sim.advance(120)
        heard = await _heard(reader, ws)
    quoted = _updates(heard, friday)
    assert quoted and max(quoted) < close
    assert max(_updates(heard, "AAPL")) > close
