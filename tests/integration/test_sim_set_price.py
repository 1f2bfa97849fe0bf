"""``Feed.set_price()`` moves a price *now*, as the simulator stands at the clock's time: the
README and its docstring promise that working orders match the move at once, as a step of
the walk. So when the clock has passed a trading day's open since the simulator last caught
up (a test that moved its ``ManualClock`` itself, a wall clock between two ticks), the move
first starts that day on the books, as ``advance()`` and any request do, and what it fills
is the new day's.

A simulator that moved the price on the books of the day before booked a fill of day two in
day one, then started day two with it (start-of-day cash already spent, nothing bought
today): a bot checking its day's trading passed against books the real API never shows.

The simulator starts on Thursday 2026-01-15 10:00 New York; raw REST calls on the simulation
account (which holds nothing at the start), each answer checked against the API description.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime
from decimal import Decimal
from typing import Any

import pytest
from sim_http import SimApi
from spec_check import check_answer

from aries_async.sim import ManualClock, Simulator
from aries_async.sim.clock import NEW_YORK

ACCOUNT = "TEST-SIM-001"
D = Decimal


@pytest.fixture
async def sim() -> AsyncIterator[Simulator]:
    """A step a minute: the day the test crosses is quickly walked."""
    async with Simulator(seed=0, clock=ManualClock(), tick_interval=None, step_seconds=60.0) as s:
        yield s


async def _get(api: SimApi, operation: str, path: str) -> Any:
    status, body = await api.call("GET", path)
    check_answer(operation, status, body)
    return body


async def test_a_move_after_an_open_the_books_have_not_seen_is_that_days(
    api: SimApi, sim: Simulator
) -> None:
    quote = sim.feed.quote("AAPL")
    limit = quote.bid_price - D(20)  # rests until the test moves the price
    order = {
        "tradingAccountId": ACCOUNT,
        "symbol": "AAPL",
        "side": "BUY",
        "type": "LIMIT",
        "qty": "10",
        "price": str(limit),
        "timeInForce": "GTC",
    }
    status, ack = await api.call("POST", "/v1/orders", json=order)
    check_answer("placeOrder", status, ack)
    assert ack["success"] and ack["status"] == "NEW", ack
    before = await _get(api, "getAccountBalance", f"/v2/accounts/{ACCOUNT}/balance")
    assert isinstance(sim.clock, ManualClock)
    friday = datetime(2026, 1, 16, 11, tzinfo=NEW_YORK).timestamp()
    sim.clock.advance(friday - sim.clock.now())  # the clock alone: nothing has ticked
    sim.feed.set_price("AAPL", limit - D(1))

    api.headers = {"Authorization": sim.issue_token().authorization}  # an hour's has lapsed
    orders = await _get(api, "listActiveOrders", f"/v2/accounts/{ACCOUNT}/orders")
    (filled,) = [o for o in orders["orders"] or [] if o["clOrdId"] == ack["clOrdId"]]
    assert filled["ordStatus"] == "FILLED", filled
    assert datetime.fromisoformat(filled["updatedAt"]).timestamp() == friday
    balance = await _get(api, "getAccountBalance", f"/v2/accounts/{ACCOUNT}/balance")
    assert balance["startOfDayCash"] == before["cashBalance"], balance  # the fill is Friday's
    assert D(balance["valueBought"]) == 10 * D(filled["avgPrice"]), balance
    assert D(balance["cashBalance"]) < D(balance["startOfDayCash"]), balance
