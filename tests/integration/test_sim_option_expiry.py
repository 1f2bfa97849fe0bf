"""An option position held to its expiration ends at the close of its last trading day:
settled in cash at its intrinsic value at the underlying's close (nothing out of the money),
a long position receiving it and a short one paying it (:mod:`aries_async.sim.settlement`).

The simulator starts on Thursday 2026-01-15 10:00 New York; the contracts expire on Friday
2026-01-16 (the Monday after is a holiday). Raw REST calls on the simulation account, each
answer checked against the API description and the official ``finance-dev`` model.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest
from sim_http import SimApi
from spec_check import check_answer

from aries_async.sim import AccountEvent, Simulator

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
