"""AccountStream against the simulator: snapshot, typed events, wait_for_order, resync, bounds."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from decimal import Decimal

import pytest

from aries_async.errors import StreamOverflowError
from aries_async.models.events import (
    AccountSnapshot,
    BalanceEvent,
    OrderEvent,
    PositionEvent,
    StreamConnected,
    StreamDisconnected,
)
from aries_async.models.orders import OrderStatus
from aries_async.sim import ManualClock, Simulator
from aries_async.sim.ws import WsHub, hub_of
from aries_async.streaming import AccountStream, StreamConfig

ACCOUNT = "TEST-ACCOUNT-001"
FAST = StreamConfig(backoff_initial=0.0, backoff_jitter=0.0)


async def until(predicate: Callable[[], bool], timeout: float = 5.0) -> None:
    async with asyncio.timeout(timeout):
        while not predicate():  # noqa: ASYNC110 - polling socket-driven state
            await asyncio.sleep(0.002)


@pytest.fixture
async def sim() -> AsyncIterator[Simulator]:
    async with Simulator(seed=9, clock=ManualClock(), tick_interval=None) as s:
        yield s


@pytest.fixture
def hub(sim: Simulator) -> WsHub:
    return hub_of(sim.app)


def make_stream(sim: Simulator, config: StreamConfig = FAST) -> AccountStream:
    token = sim.issue_token().access_token

    async def provider() -> str:
        return token

    return AccountStream(sim.accounts_ws_url, provider, ACCOUNT, config=config)


def place(sim: Simulator, **fields: str) -> str:
    body = {"tradingAccountId": ACCOUNT, "timeInForce": "DAY", **fields}
    ack = sim.state.place(body)
    assert ack["success"] is True
    return str(ack["clOrdId"])


async def test_snapshot_then_typed_events_and_wait_for_fill(sim: Simulator) -> None:
    async with make_stream(sim) as stream:
        events = stream.events()
        await until(lambda: stream.snapshot is not None)
        first = await anext(events)
        assert isinstance(first, AccountSnapshot)
        assert not first.resync
        assert first.balance.cash_balance is not None
        cl_ord_id = place(sim, symbol="KO", side="BUY", type="MARKET", qty="10")
        order = await stream.wait_for_order(cl_ord_id, OrderStatus.FILLED, timeout=5)
        assert order.ord_status == OrderStatus.FILLED
        assert order.cum_qty == Decimal(10)
        await until(lambda: events.pending >= 4)
        kinds = [type(events.get_nowait()) for _ in range(events.pending)]
        assert kinds[:2] == [OrderEvent, OrderEvent]
        assert PositionEvent in kinds
        assert BalanceEvent in kinds
        assert stream.positions["KO"].quantity == Decimal(10)


async def test_wait_for_order_returns_terminal_rejections(sim: Simulator) -> None:
    async with make_stream(sim) as stream:
        cl_ord_id = place(sim, symbol="KO", side="BUY", type="LIMIT", qty="1", price="1.00")
        sim.state.cancel(
            {
                "tradingAccountId": ACCOUNT,
                "origClOrdId": cl_ord_id,
                "symbol": "KO",
                "side": "BUY",
                "qty": "1",
            }
        )
        order = await stream.wait_for_order(cl_ord_id, "FILLED", timeout=5)
        assert order.ord_status is not None
        assert order.ord_status.is_terminal


async def test_reconnect_resyncs_from_a_fresh_snapshot(sim: Simulator, hub: WsHub) -> None:
    async with make_stream(sim) as stream:
        events = stream.events()
        await until(lambda: stream.snapshot is not None)
        working = place(sim, symbol="KO", side="BUY", type="LIMIT", qty="1", price="1.00")
        await until(lambda: working in stream.orders)
        hub.drop("accounts")
        await until(
            lambda: (
                stream.reconnects == 1 and stream.snapshot is not None and stream.snapshot.resync
            )
        )
        await until(lambda: events.pending >= 1)
        seen = [events.get_nowait() for _ in range(events.pending)]
        kinds = [type(e) for e in seen]
        assert StreamDisconnected in kinds
        assert StreamConnected in kinds
        resync = [e for e in seen if isinstance(e, AccountSnapshot)][-1]
        assert resync.resync
        assert working in {o.cl_ord_id for o in resync.orders}


async def test_account_consumer_overflow_is_a_typed_error(sim: Simulator) -> None:
    async with make_stream(sim) as stream:
        small = stream.order_events(buffer=3)
        await until(lambda: stream.snapshot is not None)
        for _ in range(4):
            place(sim, symbol="KO", side="BUY", type="LIMIT", qty="1", price="1.00")
        await until(lambda: len(stream.orders) >= 4)
        got = [await anext(small) for _ in range(3)]
        assert all(isinstance(e, OrderEvent) for e in got)
        with pytest.raises(StreamOverflowError):
            await anext(small)


async def test_refresh_auth_is_counted_as_a_reauth(sim: Simulator, hub: WsHub) -> None:
    async with make_stream(sim) as stream:
        await until(lambda: stream.snapshot is not None)
        assert stream.reauths == 0
        assert hub.refresh_auth("accounts") == 1
        await until(lambda: stream.reauths == 1)
        assert stream.reconnects == 0
