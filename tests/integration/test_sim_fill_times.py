"""A fill during ``sim.advance()`` happens at the feed step that filled it: the order's
``updatedAt`` (on the account socket and in REST) and the position's ``createdAt`` say that
step's time, not the end of the advance."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from sim_http import SimApi
from spec_check import check_answer

from aries_async.sim import AccountEvent, QuoteSnapshot, Simulator

ACCOUNT = "TEST-SIM-001"


@pytest.fixture
def sim_seed() -> int:
    return 3


def _stamp(seconds: float) -> str:
    """Unix seconds as the simulator writes times."""
    return datetime.fromtimestamp(seconds, UTC).isoformat(timespec="milliseconds")[:-6] + "Z"


async def test_a_fill_is_stamped_with_the_step_that_filled_it(api: SimApi, sim: Simulator) -> None:
    steps: list[float] = []
    fills: list[str] = []

    def on_step(snap: QuoteSnapshot) -> None:
        if snap.symbol == "PFE":
            steps.append(snap.time)

    def on_event(event: AccountEvent) -> None:
        if event.name == "account.order" and event.data["ordStatus"] == "FILLED":
            fills.append(event.data["updatedAt"])

    sim.feed.listen(on_step)
    sim.state.listen(ACCOUNT, on_event)
    bid = Decimal(str(sim.feed.quote("PFE").bid))
    order = {
        "tradingAccountId": ACCOUNT,
        "symbol": "PFE",
        "side": "BUY",
        "type": "LIMIT",
        "qty": "10",
        "price": str(bid - 1),
        "timeInForce": "DAY",
    }
    status, ack = await api.call("POST", "/v1/orders", json=order)
    check_answer("placeOrder", status, ack)
    sim.advance(6 * 3600 + 1)  # past the close
    assert len(fills) == 1, fills
    stamped = fills[0]
    # A step of the walk before the close (the matcher hears each step before this test does).
    assert stamped in {_stamp(t) for t in steps}, stamped
    assert stamped < _stamp(sim.clock.now() - 60), stamped
    api.headers = {"Authorization": sim.issue_token().authorization}  # an hour's has lapsed
    status, body = await api.call("GET", f"/v2/accounts/{ACCOUNT}/orders")
    check_answer("listActiveOrders", status, body)
    assert next(o for o in body["orders"] if o["clOrdId"] == ack["clOrdId"])["updatedAt"] == stamped
    status, body = await api.call("GET", f"/v1/accounts/{ACCOUNT}/positions")
    check_answer("getAccountPositions", status, body)
    assert next(p for p in body["positions"] if p["symbol"] == "PFE")["createdAt"] == stamped
