"""Orders that outlive their session end as ``EXPIRED`` in the simulator, as a client sees them:
on the account stream (``wait_for_order`` ends on it) and in REST's today's orders and history.

The simulator starts on Thursday 2026-01-15 10:00 New York, the market open; Monday
2026-01-19 is a holiday (Martin Luther King, Jr. Day).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from decimal import Decimal

import pytest
from stream_helpers import drained, until

from aries_async.client import AriesClient
from aries_async.models.orders import Order, OrderAck, OrderRequest, OrderStatus
from aries_async.sim import ManualClock, Simulator
from aries_async.sim.clock import NEW_YORK
from aries_async.streaming import AccountStream

ACCOUNT = "TEST-ACCOUNT-001"
WEEK = 7 * 86400.0


def new_york(day: int, hour: int, minute: int = 0) -> float:
    """Unix seconds of January ``day``, 2026 at ``hour:minute`` in New York."""
    return datetime(2026, 1, day, hour, minute, tzinfo=NEW_YORK).timestamp()


@pytest.fixture
def step_seconds() -> float:
    """Seconds between two steps of the price walk."""
    return 60.0


@pytest.fixture
async def sim(step_seconds: float) -> AsyncIterator[Simulator]:
    """Tokens and socket sessions outlive the days the tests move through."""
    async with Simulator(
        seed=0, clock=ManualClock(), tick_interval=None, token_ttl=WEEK, step_seconds=step_seconds
    ) as s:
        s.settings.ws_session_ttl = WEEK
        yield s


@pytest.fixture
async def stream(aries: AriesClient) -> AsyncIterator[AccountStream]:
    async with aries.account_stream(ACCOUNT) as s:
        await until(lambda: s.snapshot is not None)
        yield s


def buy(time_in_force: str = "DAY", quantity: int = 1, price: Decimal = Decimal(1)) -> OrderRequest:
    """A limit buy of KO; by default one share far under the market (it never fills)."""
    return OrderRequest(
        account_id=ACCOUNT,
        symbol="KO",
        side="BUY",
        type="LIMIT",
        quantity=quantity,
        price=price,
        time_in_force=time_in_force,
    )


def move_to(sim: Simulator, when: float) -> None:
    """Run the simulator's clock, feed and matching up to ``when``."""
    sim.advance(when - sim.clock.now())


async def today(aries: AriesClient, ack: OrderAck) -> Order:
    """The order as REST's today's orders list it."""
    return next(o for o in await aries.orders.active(ACCOUNT) if o.cl_ord_id == ack.cl_ord_id)


async def in_history(aries: AriesClient, ack: OrderAck, sim: Simulator) -> Order:
    """The order as REST's order history lists it."""
    end = datetime.fromtimestamp(sim.clock.now(), NEW_YORK)
    found = aries.orders.history(ACCOUNT, end - timedelta(days=7), end)
    return next(iter([o async for o in found if o.cl_ord_id == ack.cl_ord_id]))


def assert_expired(order: Order, cum_qty: Decimal = Decimal(0)) -> None:
    assert order.ord_status == OrderStatus.EXPIRED
    assert order.ord_status.is_terminal
    assert order.leaves_quantity == 0
    assert order.cumulative_quantity == cum_qty
    assert order.text


async def test_a_day_order_placed_in_the_session_expires_at_its_close(
    sim: Simulator, aries: AriesClient, stream: AccountStream
) -> None:
    events = stream.order_events()
    ack = await aries.orders.place(buy())
    waiter = asyncio.create_task(stream.wait_for_order(ack, OrderStatus.FILLED))
    move_to(sim, new_york(15, 15, 59))
    assert (await today(aries, ack)).ord_status == OrderStatus.NEW
    assert not waiter.done()
    move_to(sim, new_york(15, 16, 1))
    order = await asyncio.wait_for(waiter, 5)
    assert_expired(order)
    assert order.updated_at == datetime.fromtimestamp(new_york(15, 16), NEW_YORK)
    await until(lambda: events.pending >= 2)
    told = [e.order for e in drained(events)]
    assert [o.ord_status for o in told] == [OrderStatus.NEW, OrderStatus.EXPIRED]
    assert_expired(told[-1])
    assert_expired(await today(aries, ack))
    assert_expired(await in_history(aries, ack, sim))


async def test_a_gtc_order_works_on_past_the_close(
    sim: Simulator, aries: AriesClient, stream: AccountStream
) -> None:
    gtc = await aries.orders.place(buy("GTC"))
    day = await aries.orders.place(buy("DAY"))
    move_to(sim, new_york(16, 17))
    assert (await today(aries, gtc)).ord_status == OrderStatus.NEW
    assert (await in_history(aries, day, sim)).ord_status == OrderStatus.EXPIRED
    assert gtc.cl_ord_id is not None
    assert stream.orders[gtc.cl_ord_id].ord_status == OrderStatus.NEW


@pytest.mark.parametrize(
    ("placed", "still_working", "expired"),
    [
        pytest.param(new_york(15, 17), new_york(16, 15, 59), new_york(16, 16), id="evening"),
        pytest.param(new_york(16, 3), new_york(16, 15, 59), new_york(16, 16), id="night"),
        pytest.param(new_york(16, 16), new_york(20, 15, 59), new_york(20, 16), id="at-close"),
        pytest.param(new_york(17, 11), new_york(20, 15, 59), new_york(20, 16), id="holiday"),
    ],
)
async def test_a_day_order_placed_out_of_session_expires_at_the_next_close(
    sim: Simulator,
    aries: AriesClient,
    stream: AccountStream,
    placed: float,
    still_working: float,
    expired: float,
) -> None:
    """Placed after the close, at night, or on a weekend before a holiday Monday: the order
    belongs to the next trading session."""
    move_to(sim, placed)
    ack = await aries.orders.place(buy())
    waiter = asyncio.create_task(stream.wait_for_order(ack, OrderStatus.FILLED))
    move_to(sim, still_working)
    assert (await today(aries, ack)).ord_status == OrderStatus.NEW
    await asyncio.sleep(0)
    assert not waiter.done()
    move_to(sim, expired)
    assert_expired(await asyncio.wait_for(waiter, 5))
    assert_expired(await today(aries, ack))


@pytest.mark.parametrize("step_seconds", [8 * 3600.0])
async def test_a_partially_filled_day_order_expires_keeping_its_fills(
    sim: Simulator, aries: AriesClient, stream: AccountStream
) -> None:
    """The buy fills the touch's size at acceptance; the walk's next step, at 18:00, would fill
    the rest at a price well under the limit, but it comes after the close."""
    quote = sim.feed.quote("KO")
    ack = await aries.orders.place(buy(quantity=quote.ask_size + 50, price=quote.ask_price + 10))
    filled = Decimal(quote.ask_size)
    partial = await stream.wait_for_order(ack, OrderStatus.PARTIALLY_FILLED, timeout=5)
    assert partial.cumulative_quantity == filled
    move_to(sim, new_york(15, 19))  # past the step at 18:00
    order = await stream.wait_for_order(ack, OrderStatus.FILLED, timeout=5)
    assert_expired(order, filled)
    assert order.average_price == quote.ask_price
    assert_expired(await today(aries, ack), filled)
    positions = {p.symbol: p for p in await aries.accounts.positions(ACCOUNT)}
    assert positions["KO"].quantity == filled


async def test_a_rest_read_sees_the_expiry_once_the_clock_passed_the_close(
    sim: Simulator, aries: AriesClient
) -> None:
    """Moving the manual clock alone (no ``sim.advance``): the next request catches up."""
    ack = await aries.orders.place(buy())
    assert isinstance(sim.clock, ManualClock)
    sim.clock.set(new_york(15, 16, 30))
    assert_expired(await today(aries, ack))


async def test_an_expired_order_can_no_longer_be_canceled_or_replaced(
    sim: Simulator, aries: AriesClient
) -> None:
    ack = await aries.orders.place(buy())
    move_to(sim, new_york(15, 16, 1))
    body = {"tradingAccountId": ACCOUNT, "origClOrdId": ack.cl_ord_id, "symbol": "KO"}
    answer = sim.state.cancel({**body, "side": "BUY"})
    assert answer["success"] is False and "EXPIRED" in answer["text"]
    assert sim.state.replace({**body, "qty": "2"})["success"] is False


@pytest.mark.parametrize(
    ("time_in_force", "placed", "working_until", "ends_at"),
    [
        pytest.param("AT_THE_CLOSE", new_york(15, 10), new_york(15, 15, 59), new_york(15, 16)),
        pytest.param("EXTENDED_HOURS", new_york(15, 10), new_york(15, 19, 59), new_york(15, 20)),
        pytest.param("AT_THE_OPENING", new_york(15, 10), new_york(16, 9, 29), new_york(16, 9, 30)),
        pytest.param("AT_THE_OPENING", new_york(16, 8), new_york(16, 9, 29), new_york(16, 9, 30)),
    ],
)
async def test_the_session_bound_times_in_force_expire_at_their_session_end(
    sim: Simulator,
    aries: AriesClient,
    time_in_force: str,
    placed: float,
    working_until: float,
    ends_at: float,
) -> None:
    move_to(sim, placed)
    ack = await aries.orders.place(buy(time_in_force))
    move_to(sim, working_until)
    assert (await today(aries, ack)).ord_status == OrderStatus.NEW
    move_to(sim, ends_at)
    order = await today(aries, ack)
    assert_expired(order)
    assert order.updated_at == datetime.fromtimestamp(ends_at, NEW_YORK)


async def test_a_day_option_order_expires_too(sim: Simulator, aries: AriesClient) -> None:
    """A ``DAY`` option order that never became marketable ends at the close."""
    ack = sim.state.place(
        {
            "tradingAccountId": ACCOUNT,
            "symbol": "AAPL260220C00250000",
            "side": "BUY",
            "type": "LIMIT",
            "qty": "1",
            "price": "0.05",
            "timeInForce": "DAY",
        }
    )
    move_to(sim, new_york(15, 16))
    order = next(o for o in await aries.orders.active(ACCOUNT) if o.cl_ord_id == ack["clOrdId"])
    assert_expired(order)
