"""The day's P&L as the simulator keeps it: the start-of-day figures stand all day, and a
day's change of ``balance`` (``balance - sodTtlEquity``) is its ``dayTotalPnl``
(:mod:`aries_async.sim.option_fills`), whatever is traded of a position carried overnight.

Raw REST calls on the simulation account, each answer checked against the API description
and the official ``finance-dev`` model (:func:`spec_check.check_answer`).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from sim_http import SimApi
from spec_check import check_answer

from aries_async.sim import Simulator

ACCOUNT = "TEST-SIM-001"
D = Decimal


@pytest.fixture
def sim_seed() -> int:
    return 3


async def _place(api: SimApi, symbol: str, side: str, qty: int) -> None:
    order = {
        "tradingAccountId": ACCOUNT,
        "symbol": symbol,
        "side": side,
        "type": "MARKET",
        "qty": str(qty),
        "timeInForce": "DAY",
    }
    status, body = await api.call("POST", "/v1/orders", json=order)
    check_answer("placeOrder", status, body)
    assert body["success"], body


async def _balance(api: SimApi) -> dict[str, Any]:
    status, body = await api.call("GET", f"/v2/accounts/{ACCOUNT}/balance")
    check_answer("getAccountBalance", status, body)
    assert D(body["balance"]) - D(body["sodTtlEquity"]) == D(body["dayTotalPnl"]), body
    return dict(body)


def _next_day(api: SimApi, sim: Simulator) -> None:
    sim.advance(24 * 3600)  # the next trading day, 10:00 New York
    api.headers = {"Authorization": sim.issue_token().authorization}


@pytest.mark.parametrize(
    "trades",
    [
        [("SELL", 100)],
        [("SELL", 100), ("BUY", 100)],
        [("SELL", 40), ("BUY", 70), ("SELL", 80)],
        [("SELL_SHORT", 150)],
        [("SELL_SHORT", 150), ("BUY_TO_COVER", 50)],
    ],
)
async def test_a_carried_position_traded_today_keeps_the_start_of_day(
    api: SimApi, sim: Simulator, trades: list[tuple[str, int]]
) -> None:
    await _place(api, "AAPL", "BUY", 100)
    _next_day(api, sim)
    start = await _balance(api)
    assert D(start["sodPositionsMarketValue"]) > 0
    for side, qty in trades:
        await _place(api, "AAPL", side, qty)
        sim.advance(600)
        now = await _balance(api)
        for field in ("sodTtlEquity", "sodPositionsMarketValue", "startOfDayCash"):
            assert now[field] == start[field], (field, side)
