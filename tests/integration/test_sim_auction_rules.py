"""What an ``AT_THE_OPENING`` or ``AT_THE_CLOSE`` order may be: the spec names the two times
in force (rest.md 6.1) and finance-dev says they "execute at the official market open (close)
price", nothing more. The simulator takes the US exchanges' rules as the likeliest reading,
each with a switch for a server that does otherwise:

* a cut-off: an order for the closing auction is taken until 10 minutes before the close
  (15:50 New York), one for the opening auction until 2 minutes before the open (09:28);
  later, before its auction, it is refused as a broker refuses it (a refusing
  acknowledgement, or a 400 with ``rejections_as_http``). ``faults.late_auction_orders``
  (``--late-auction-orders``): taken until the auction itself, and it joins it;
* no cancel past the cut-off: the order stays in its auction, the cancel refused as one of an
  ended order is. ``faults.late_auction_cancels`` (``--late-auction-cancels``): cancelled
  until the auction;
* an auction order is a market or a limit one: a ``STOP`` or ``STOP_LIMIT`` for an auction
  is a 400 (``INVALID_FIELD``, ``timeInForce``). ``faults.auction_stops``
  (``--auction-stops``): taken, the auction's price triggering its stop.

A simulator that took a closing order at 15:59 into the close passed a bot's test whose order
the real market refuses; the client reads each answer as the refusal it is.

The simulator starts on Thursday 2026-01-15 10:00 New York, the market open.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from typing import NamedTuple

import pytest
from auction_days import (
    ACCOUNT,
    WEEK,
    minute_sim,  # noqa: F401  (the fixture sim: a step a minute)
    move_to,
    new_york,
    order_now,
)
from sim_http import SimApi

from aries_async.client import AriesClient
from aries_async.errors import OrderRejectedError, OrderRejectedHTTPError
from aries_async.models.order_requests import CancelRequest
from aries_async.models.orders import OrderAck, OrderRequest, OrderStatus
from aries_async.sim import ManualClock, Simulator
from aries_async.sim.clock import NEW_YORK


def order(
    tif: str, type: str = "MARKET", stop: Decimal | None = None, limit: Decimal | None = None
) -> OrderRequest:
    return OrderRequest(
        account_id=ACCOUNT,
        symbol="KO",
        side="BUY",
        type=type,
        quantity=10,
        price=limit,
        stop_price=stop,
        time_in_force=tif,
    )


class Cutoff(NamedTuple):
    """An auction's time in force, a time its orders are still taken, the first time they are
    not (day, hour, minute in New York), and the auction's time."""

    tif: str
    taken: tuple[int, int, int]
    late: tuple[int, int, int]
    auction: float


CUTOFFS = [
    pytest.param(Cutoff("AT_THE_CLOSE", (15, 15, 49), (15, 15, 50), new_york(15, 16)), id="close"),
    pytest.param(
        Cutoff("AT_THE_OPENING", (16, 9, 27), (16, 9, 28), new_york(16, 9, 30)), id="opening"
    ),
]


@pytest.mark.parametrize("cut", CUTOFFS)
async def test_an_auction_order_after_its_cutoff_is_refused(
    sim: Simulator, aries: AriesClient, cut: Cutoff
) -> None:
    move_to(sim, new_york(*cut.taken))
    early = await aries.orders.place(order(cut.tif))
    assert early.success and early.status == OrderStatus.NEW, early
    move_to(sim, new_york(*cut.late))
    refused = await aries.orders.place(order(cut.tif))
    assert not refused.success and refused.status == OrderStatus.REJECTED, refused
    assert "cut-off" in (refused.ord_rej_reason or ""), refused
    sim.state.rejections_as_http = True
    with pytest.raises(OrderRejectedHTTPError) as caught:
        await aries.orders.place(order(cut.tif))
    assert isinstance(caught.value, OrderRejectedError) and "cut-off" in str(caught.value)
    move_to(sim, cut.auction + 60)
    assert (await order_now(aries, early)).ord_status == OrderStatus.FILLED


@pytest.mark.parametrize("cut", CUTOFFS)
async def test_a_late_auction_order_joins_it_where_the_server_takes_it(
    sim: Simulator, aries: AriesClient, cut: Cutoff
) -> None:
    sim.faults.late_auction_orders = True
    move_to(sim, cut.auction - 30)
    ack = await aries.orders.place(order(cut.tif))
    assert ack.success and ack.status == OrderStatus.NEW, ack
    move_to(sim, cut.auction + 60)
    filled = await order_now(aries, ack)
    assert filled.ord_status == OrderStatus.FILLED, filled
    assert filled.updated_at == datetime.fromtimestamp(cut.auction, NEW_YORK)


@pytest.mark.parametrize("tif", ["AT_THE_CLOSE", "AT_THE_OPENING"])
@pytest.mark.parametrize("type", ["STOP", "STOP_LIMIT"])
async def test_a_stop_order_for_an_auction_is_a_400(
    sim: Simulator, aries: AriesClient, tif: str, type: str
) -> None:
    last = sim.feed.quote("KO").last_price
    request = order(tif, type, stop=last + 1, limit=last + 2 if type == "STOP_LIMIT" else None)
    with pytest.raises(OrderRejectedHTTPError) as caught:
        await aries.orders.place(request)
    assert (caught.value.status, caught.value.code) == (400, "INVALID_FIELD")
    assert all(o.time_in_force != tif for o in sim.state.orders[ACCOUNT])  # nothing booked


async def test_a_stop_for_the_close_is_triggered_by_its_price_where_the_server_takes_it(
    sim: Simulator, aries: AriesClient
) -> None:
    sim.faults.auction_stops = True
    last = sim.feed.quote("KO").last_price
    ack = await aries.orders.place(order("AT_THE_CLOSE", "STOP", stop=last / 2))
    assert ack.success and ack.status == OrderStatus.NEW, ack
    move_to(sim, new_york(15, 16, 1))
    filled = await order_now(aries, ack)
    assert filled.ord_status == OrderStatus.FILLED, filled  # the close is above half the price


def _cancel(ack: OrderAck) -> CancelRequest:
    assert ack.cl_ord_id is not None, ack
    return CancelRequest(orig_cl_ord_id=ack.cl_ord_id, account_id=ACCOUNT, symbol="KO", side="BUY")


def _cancel_body(ack: OrderAck) -> dict[str, str]:
    assert ack.cl_ord_id is not None, ack
    return {
        "tradingAccountId": ACCOUNT,
        "origClOrdId": ack.cl_ord_id,
        "symbol": "KO",
        "side": "BUY",
    }


@pytest.mark.parametrize("cut", CUTOFFS)
async def test_an_auction_order_is_not_cancelled_after_its_cutoff(
    sim: Simulator, aries: AriesClient, api: SimApi, cut: Cutoff
) -> None:
    """The US exchanges take no cancel of an opening or closing auction order after its
    cut-off (found a defect: the simulator cancelled one a minute before its auction)."""
    move_to(sim, new_york(*cut.taken))
    kept = await aries.orders.place(order(cut.tif))
    dropped = await aries.orders.place(order(cut.tif))
    assert (await aries.orders.cancel(_cancel(dropped))).success  # before the cut-off
    move_to(sim, new_york(*cut.late))
    refused = await aries.orders.cancel(_cancel(kept))
    assert not refused.success and refused.status == OrderStatus.REJECTED, refused
    assert "cut-off" in (refused.text or ""), refused
    sim.state.rejections_as_http = True
    status, answer = await api.call("POST", "/v1/orders/cancel", json=_cancel_body(kept))
    assert status == 400 and answer["error"]["code"] == "CANCEL_REJECTED", answer
    assert "cut-off" in answer["error"]["message"], answer
    assert (await order_now(aries, kept)).ord_status == OrderStatus.NEW  # still in the auction
    move_to(sim, cut.auction + 60)
    assert (await order_now(aries, kept)).ord_status == OrderStatus.FILLED
    assert (await order_now(aries, dropped)).ord_status == OrderStatus.CANCELED


@pytest.mark.parametrize("cut", CUTOFFS)
async def test_an_auction_order_is_cancelled_until_its_auction_where_the_server_allows_it(
    sim: Simulator, aries: AriesClient, cut: Cutoff
) -> None:
    sim.faults.late_auction_cancels = True
    move_to(sim, new_york(*cut.taken))
    ack = await aries.orders.place(order(cut.tif))
    move_to(sim, cut.auction - 30)
    assert (await aries.orders.cancel(_cancel(ack))).success
    move_to(sim, cut.auction + 60)
    assert (await order_now(aries, ack)).ord_status == OrderStatus.CANCELED


async def test_on_an_early_close_the_closing_auction_and_its_cutoff_come_earlier() -> None:
    """Friday 2026-11-27, the day after Thanksgiving, closes at 13:00: the closing auction is
    then, and its cut-off 12:50, for placing and for cancelling."""

    def at(hour: int, minute: int) -> float:
        return datetime(2026, 11, 27, hour, minute, tzinfo=NEW_YORK).timestamp()

    async with (
        Simulator(
            clock=ManualClock(at(12, 40)), tick_interval=None, token_ttl=WEEK, step_seconds=60.0
        ) as sim,
        AriesClient(sim.client_config(), token=sim.issue_token()) as aries,
    ):
        move_to(sim, at(12, 49))
        taken = await aries.orders.place(order("AT_THE_CLOSE"))
        dropped = await aries.orders.place(order("AT_THE_CLOSE"))
        assert taken.success and taken.status == OrderStatus.NEW, taken
        assert (await aries.orders.cancel(_cancel(dropped))).success
        move_to(sim, at(12, 50))
        refused = await aries.orders.place(order("AT_THE_CLOSE"))
        assert not refused.success and refused.status == OrderStatus.REJECTED, refused
        assert "until 12:50 New York" in (refused.ord_rej_reason or ""), refused
        move_to(sim, at(12, 55))
        kept = await aries.orders.cancel(_cancel(taken))
        assert not kept.success and "12:50" in (kept.text or ""), kept
        move_to(sim, at(12, 59))
        assert (await order_now(aries, taken)).ord_status == OrderStatus.NEW  # not before 13:00
        move_to(sim, at(13, 1))
        filled = await order_now(aries, taken)
        assert filled.ord_status == OrderStatus.FILLED, filled
        assert filled.updated_at == datetime.fromtimestamp(at(13, 0), NEW_YORK)
        day = datetime.fromtimestamp(at(9, 0), NEW_YORK)
        bars = await aries.market.bars("KO", "D", day - timedelta(days=1), day + timedelta(days=1))
        (bar,) = [b for b in bars if b.timestamp.date() == day.date()]
        assert filled.average_price == bar.close  # the early close's official price
