"""An ``advance()`` that crosses into the next trading day books what happened before that
day's open in the day before, then starts the new day on the books (start-of-day cash and
positions, day figures from zero), then goes on: one long advance leaves the books as the same
time reached in short steps does.

A simulator that started the new day first, then played the last day's steps into it, put a
fill of day one into day two's figures (its buy in ``valueBought``, its fee in
``dayRealizedPnl``, its shares as opened today rather than carried) and left day two's
start-of-day cash and positions without it: a bot checking its day's P&L passed against books
the real API never shows.

The simulator starts on Thursday 2026-01-15 10:00 New York; raw REST calls on the simulation
account (which holds nothing at the start), each answer checked against the API description.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

import pytest
from sim_http import SimApi
from spec_check import check_answer

from aries_async.sim import Simulator
from aries_async.sim.clock import NEW_YORK

ACCOUNT = "TEST-SIM-001"
D = Decimal
HOUR = 3600.0


async def _get(api: SimApi, operation: str, path: str) -> Any:
    status, body = await api.call("GET", path)
    check_answer(operation, status, body)
    return body


@pytest.mark.parametrize(
    "advances",
    [
        pytest.param([24 * HOUR], id="one-advance"),
        pytest.param([6 * HOUR + 60, 18 * HOUR - 60], id="across-the-close-first"),
    ],
)
async def test_a_fill_before_the_open_stays_in_its_own_day(
    api: SimApi, sim: Simulator, advances: list[float]
) -> None:
    quote = sim.feed.quote("AAPL")
    order = {
        "tradingAccountId": ACCOUNT,
        "symbol": "AAPL",
        "side": "BUY",
        "type": "LIMIT",
        "qty": "10",
        "price": str(quote.bid_price - D("0.5")),  # rests, and fills later that day
        "timeInForce": "DAY",
    }
    status, ack = await api.call("POST", "/v1/orders", json=order)
    check_answer("placeOrder", status, ack)
    assert ack["success"] and ack["status"] == "NEW", ack
    for seconds in advances:
        sim.advance(seconds)
    api.headers = {"Authorization": sim.issue_token().authorization}  # an hour's has lapsed
    history = await _get(
        api, "listOrderHistory", f"/v2/accounts/{ACCOUNT}/orders/history?from=2026-01-15T00:00:00Z"
    )
    (filled,) = [o for o in history["orders"] if o["clOrdId"] == ack["clOrdId"]]
    assert filled["ordStatus"] == "FILLED", filled
    when = datetime.fromisoformat(filled["updatedAt"]).astimezone(NEW_YORK)
    assert (when.day, when.hour < 16) == (15, True), when  # filled on day one

    balance = await _get(api, "getAccountBalance", f"/v2/accounts/{ACCOUNT}/balance")
    assert balance["startOfDayCash"] == balance["cashBalance"], balance  # nothing traded today
    for field in ("valueBought", "valueSold", "dayRealizedPnl"):
        assert D(balance[field]) == 0, (field, balance)
    assert D(balance["sodPositionsMarketValue"]) > 0, balance  # the shares carried in
    positions = await _get(api, "getAccountPositions", f"/v1/accounts/{ACCOUNT}/positions")
    (held,) = positions["positions"]
    assert D(held["todayRealizedPnL"]) == 0, held
    # Carried shares make the day's P&L against the previous close, which is day one's.
    last = sim.feed.quote("AAPL")
    expected = 10 * (last.last_price - last.previous_close_price)
    assert D(held["todayPl"]) == expected.quantize(D("0.01")), (held, expected)
