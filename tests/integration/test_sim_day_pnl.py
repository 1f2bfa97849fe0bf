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


def _advance(api: SimApi, sim: Simulator, seconds: float) -> None:
    sim.advance(seconds)
    api.headers = {"Authorization": sim.issue_token().authorization}  # an hour's has lapsed


@pytest.mark.parametrize(
    "trades",
    [
        [("SELL", 100)],
        [("SELL", 100), ("BUY", 100)],
        [("SELL", 40), ("BUY", 70), ("SELL", 80)],
        [("SELL", 100), ("SELL_SHORT", 50)],
        [("SELL", 100), ("SELL_SHORT", 50), ("BUY_TO_COVER", 20)],
    ],
)
async def test_a_carried_position_traded_today_keeps_the_start_of_day(
    api: SimApi, sim: Simulator, trades: list[tuple[str, int]]
) -> None:
    await _place(api, "AAPL", "BUY", 100)
    _advance(api, sim, 24 * 3600)  # the next trading day, 10:00
    start = await _balance(api)
    assert D(start["sodPositionsMarketValue"]) > 0
    for side, qty in trades:
        await _place(api, "AAPL", side, qty)
        sim.advance(600)
        now = await _balance(api)
        for field in ("sodTtlEquity", "sodPositionsMarketValue", "startOfDayCash"):
            assert now[field] == start[field], (field, side)


async def test_an_option_carried_overnight_is_valued_against_its_last_close(
    api: SimApi, sim: Simulator
) -> None:
    """A contract's previous close is what it was quoted at the previous session's close, so
    a position carried overnight makes today what the contract moved since then."""
    contract = "AAPL260320C00225000"
    await _place(api, contract, "BUY", 10)
    _advance(api, sim, 6 * 3600)  # the close, 16:00 New York

    async def quote() -> dict[str, Any]:
        status, body = await api.call(
            "GET", "/v1/marketdata/options/details", params={"symbols": contract}
        )
        check_answer("getOptionDetails", status, body)
        return dict(next(q for q in body["data"] if q["symbol"] == contract))

    at_close = (await quote())["lastPrice"]
    _advance(api, sim, 24 * 3600)  # the next trading day, 10:00
    start = await _balance(api)
    for _ in range(3):
        now = await quote()
        assert D(str(now["closePrice"])) == D(str(at_close)), (now, at_close)
        status, body = await api.call("GET", f"/v1/accounts/{ACCOUNT}/positions")
        check_answer("getAccountPositions", status, body)
        held = next(p for p in body["positions"] if p["symbol"] == contract)
        moved = (D(held["price"]) - D(str(at_close))) * 10 * 100
        assert D(held["todayPl"]) == moved, (held, at_close)
        assert (await _balance(api))["sodTtlEquity"] == start["sodTtlEquity"]
        _advance(api, sim, 1800)
