"""Points the REST spec leaves UNCERTAIN (or shows in conflicting forms), read by the client in
each form the simulator can give: an empty active-order list as ``null`` or ``[]``, an order
rejection as an HTTP 400, a cancel acknowledgement with a new ``clOrdId`` or the same one, and
the market status ``timestamp`` in seconds or milliseconds.

(The rejection in a 200, with or without ``success: false``, is in ``test_order_outcomes.py``;
the quote items' ``n``/``s`` in ``test_market_friction.py``; ``Retry-After`` forms in
``test_client_faults.py``.)"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from aries_async import AriesClient
from aries_async.errors import BadRequestError
from aries_async.models.orders import CancelRequest, OrderRequest
from aries_async.sim import ManualClock, Simulator

ACCOUNT = "TEST-ACCOUNT-001"


def limit_buy(symbol: str = "KO") -> OrderRequest:
    return OrderRequest(
        account_id=ACCOUNT, symbol=symbol, side="BUY", type="LIMIT", quantity=1, price="1.00"
    )


@pytest.mark.parametrize("null", [True, False], ids=["null", "empty-list"])
async def test_no_active_orders_is_an_empty_list_whether_null_or_empty(null: bool) -> None:
    async with Simulator(clock=ManualClock(), tick_interval=None) as sim:
        sim.faults.null_active_orders = null
        async with AriesClient(sim.client_config(), token=sim.issue_token()) as client:
            for order in sim.state.active_orders(ACCOUNT):
                order.status = "CANCELED"
                order.updated_at = sim.state.midnight_ny() - 60
            assert sim.state.active_orders(ACCOUNT) == []
            assert await client.orders.active(ACCOUNT) == []
            ack = await client.orders.place(limit_buy())
            assert [o.cl_ord_id for o in await client.orders.active(ACCOUNT)] == [ack.cl_ord_id]


async def test_a_rejection_answered_400_is_raised_and_the_order_not_placed() -> None:
    async with (
        Simulator(rejections_as_http=True, clock=ManualClock(), tick_interval=None) as sim,
        AriesClient(sim.client_config(), token=sim.issue_token(), clock=sim.clock.now) as client,
    ):
        with pytest.raises(BadRequestError) as info:  # not an unknown outcome
            await client.orders.place(limit_buy("NOSUCH").with_client_id("refused"))
        assert info.value.code == "ORDER_REJECTED"
        assert sim.state.find_by_client_id("refused") == []
        assert await client.orders.find_by_client_id(ACCOUNT, "refused") is None


@pytest.mark.parametrize("new_id", [True, False], ids=["new-id", "same-id"])
async def test_a_cancel_ack_with_a_new_or_the_same_id_is_accepted(new_id: bool) -> None:
    async with (
        Simulator(cancel_assigns_new_id=new_id, clock=ManualClock(), tick_interval=None) as sim,
        AriesClient(sim.client_config(), token=sim.issue_token()) as client,
    ):
        placed = await client.orders.place(limit_buy())
        assert placed.cl_ord_id
        cancel = CancelRequest(
            orig_cl_ord_id=placed.cl_ord_id, account_id=ACCOUNT, symbol="KO", side="BUY"
        )
        ack = await client.orders.cancel(cancel)
        assert ack.accepted and ack.orig_cl_ord_id == placed.cl_ord_id
        assert (ack.cl_ord_id != placed.cl_ord_id) is new_id
        (order,) = [
            o for o in await client.orders.active(ACCOUNT) if o.cl_ord_id == placed.cl_ord_id
        ]
        assert order.ord_status == "CANCELED"


@pytest.mark.parametrize("millis", [False, True], ids=["seconds", "milliseconds"])
async def test_the_market_status_time_is_read_in_seconds_or_milliseconds(millis: bool) -> None:
    async with (
        Simulator(clock=ManualClock(), tick_interval=None) as sim,
        AriesClient(sim.client_config(), token=sim.issue_token()) as client,
    ):
        sim.faults.market_status_timestamp_ms = millis
        status = await client.market.status()
        assert status.timestamp == datetime.fromtimestamp(int(sim.clock.now()), UTC)
