"""The account stream's bounded memory against the simulator: every working order kept, only
the latest terminal ones (``StreamConfig.terminal_orders_kept``), a forgotten order looked up
over REST by ``wait_for_order`` and not told again by a resync."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from decimal import Decimal
from typing import Any

import pytest
from stream_helpers import CountingLookup, GatedTokens, until

from aries_async.client import AriesClient
from aries_async.config import RetryPolicy
from aries_async.models.events import OrderEvent
from aries_async.models.orders import OrderStatus
from aries_async.sim import ManualClock, Simulator
from aries_async.sim.ws import WsHub
from aries_async.streaming import AccountStream, StreamConfig

ACCOUNT = "TEST-ACCOUNT-001"
KEPT = 3
BOUNDED = StreamConfig(backoff_initial=0.0, backoff_jitter=0.0, terminal_orders_kept=KEPT)
ACTIVE = ("GET", "/v2/accounts/{id}/orders")


@pytest.fixture
async def sim() -> AsyncIterator[Simulator]:
    async with Simulator(seed=9, clock=ManualClock(), tick_interval=None) as s:
        yield s


@pytest.fixture
async def client(sim: Simulator) -> AsyncIterator[AriesClient]:
    config = sim.client_config(retry=RetryPolicy(max_attempts=1))
    async with AriesClient(config, token=sim.issue_token()) as c:
        yield c


def bounded_stream(sim: Simulator, tokens: GatedTokens, lookup: CountingLookup) -> AccountStream:
    return AccountStream(sim.accounts_ws_url, tokens, ACCOUNT, config=BOUNDED, reconcile=lookup)


def place(sim: Simulator, **fields: str) -> str:
    ack = sim.state.place({"tradingAccountId": ACCOUNT, "timeInForce": "DAY", **fields})
    assert ack["success"] is True
    return str(ack["clOrdId"])


def resting(sim: Simulator) -> str:
    return place(sim, symbol="KO", side="BUY", type="LIMIT", qty="1", price="1.00")


def make_marketable(sim: Simulator, *cl_ord_ids: str) -> None:
    """Resting buys made marketable, filled by one matching pass (in the order placed)."""
    for cl_ord_id in cl_ord_ids:
        sim.state.order(ACCOUNT, cl_ord_id).price = Decimal(100_000)
    sim.state.match()
    assert all(sim.state.order(ACCOUNT, c).status == "FILLED" for c in cl_ord_ids)


async def fill_many(sim: Simulator, stream: AccountStream, count: int) -> list[str]:
    """``count`` market orders, each filled a second after the one before, all seen by the
    stream: their ids, oldest first."""
    filled = []
    for _ in range(count):
        sim.advance(1)
        filled.append(place(sim, symbol="KO", side="BUY", type="MARKET", qty="1"))
        await until(lambda: filled[-1] in stream.orders and stream.orders[filled[-1]].is_terminal)
    return filled


def drain(consumer: Any) -> list[Any]:
    return [consumer.get_nowait() for _ in range(consumer.pending)]


def terminal(stream: AccountStream) -> set[str]:
    return {c for c, o in stream.orders.items() if o.is_terminal}


async def test_every_working_order_is_kept_and_only_the_latest_terminal_ones(
    sim: Simulator, client: AriesClient
) -> None:
    async with bounded_stream(
        sim, GatedTokens(sim), CountingLookup(client.orders.reconcile)
    ) as stream:
        await until(lambda: stream.snapshot is not None)
        working = [resting(sim), resting(sim)]
        filled = await fill_many(sim, stream, 8)
        working.append(resting(sim))
        await until(lambda: working[-1] in stream.orders)
        assert set(working) <= set(stream.orders)
        assert all(not stream.orders[c].is_terminal for c in working)
        assert terminal(stream) == set(filled[-KEPT:])
        assert len(stream.orders) == len(working) + KEPT


async def test_wait_for_a_forgotten_order_looks_it_up_and_does_not_tell_it_again(
    sim: Simulator, client: AriesClient
) -> None:
    lookup = CountingLookup(client.orders.reconcile)
    async with bounded_stream(sim, GatedTokens(sim), lookup) as stream:
        events = stream.order_events()
        await until(lambda: stream.snapshot is not None)
        filled = await fill_many(sim, stream, 5)
        drain(events)
        looked_up = sim.requests[ACTIVE]
        order = await stream.wait_for_order(filled[0], OrderStatus.FILLED, timeout=5)
        assert order.cl_ord_id == filled[0] and order.ord_status == OrderStatus.FILLED
        assert order.cumulative_quantity == Decimal(1)
        assert lookup.asked == [[filled[0]]] and sim.requests[ACTIVE] == looked_up + 1
        assert events.pending == 0  # its consumers heard of it when it filled
        assert terminal(stream) == set(filled[-KEPT:])


async def test_an_order_waited_for_is_kept_while_a_burst_of_fills_passes_the_bound(
    sim: Simulator, client: AriesClient
) -> None:
    """The waiter found its order over REST (its events were lost) and follows it on the
    stream; the order fills first in a burst of more fills than the bound: the waiter still
    sees the fill, without looking the order up again."""
    lookup = CountingLookup(client.orders.reconcile)
    async with bounded_stream(sim, GatedTokens(sim), lookup) as stream:
        await until(lambda: stream.snapshot is not None)
        sim.faults.ws_stall = True  # what the server sends now is lost
        waited = resting(sim)
        sim.faults.ws_stall = False
        others = [resting(sim) for _ in range(KEPT + 1)]
        await until(lambda: others[-1] in stream.orders)
        waiter = asyncio.ensure_future(stream.wait_for_order(waited, OrderStatus.FILLED))
        await until(lambda: waited in stream.orders)
        assert lookup.asked == [[waited]] and not waiter.done()
        make_marketable(sim, waited, *others)
        order = await asyncio.wait_for(waiter, 5)
        assert order.ord_status == OrderStatus.FILLED
        assert lookup.asked == [[waited]]
        assert terminal(stream) == set(others[-KEPT:])  # released: forgotten now


async def drop_and_hold(stream: AccountStream, hub: WsHub, tokens: GatedTokens) -> None:
    """Kill the socket and keep the stream from reconnecting until ``tokens.gate`` opens."""
    tokens.gate.clear()
    calls = tokens.calls
    assert hub.drop("accounts") == 1
    await until(lambda: tokens.calls == calls + 1 and not stream.connected)


@pytest.mark.parametrize("working_only", [False, True], ids=["terminal-listed", "working-only"])
async def test_a_resync_after_orders_were_forgotten_tells_only_what_changed(
    sim: Simulator, hub: WsHub, client: AriesClient, working_only: bool
) -> None:
    """Whether the resync snapshot lists today's terminal orders (the forgotten ones too)
    or working ones only (the one filled while down vanishes and is looked up), the
    consumers hear of the orders that changed while the stream was down, and of no other."""
    sim.faults.snapshot_working_orders_only = working_only
    tokens = GatedTokens(sim)
    lookup = CountingLookup(client.orders.reconcile)
    async with bounded_stream(sim, tokens, lookup) as stream:
        events = stream.order_events()
        await until(lambda: stream.snapshot is not None)
        working, filled_while_down = resting(sim), resting(sim)
        filled = await fill_many(sim, stream, 6)
        await until(lambda: filled_while_down in stream.orders)
        drain(events)
        snapshot = stream.snapshot
        await drop_and_hold(stream, hub, tokens)
        sim.advance(1)
        make_marketable(sim, filled_while_down)
        sim.advance(1)
        placed_while_down = place(sim, symbol="KO", side="BUY", type="MARKET", qty="1")
        tokens.gate.set()
        await until(lambda: stream.snapshot is not snapshot and stream.reconciling == 0)
        await until(lambda: filled_while_down in terminal(stream))
        told = drain(events)
        assert all(type(e) is OrderEvent and e.resync for e in told)
        expected = {filled_while_down} if working_only else {filled_while_down, placed_while_down}
        assert {e.order.cl_ord_id for e in told} == expected
        assert len(told) == len(expected)
        assert lookup.asked == ([[filled_while_down]] if working_only else [])
        assert working in stream.orders and not stream.orders[working].is_terminal
        learnt = [*filled, filled_while_down, *([] if working_only else [placed_while_down])]
        assert terminal(stream) == set(learnt[-KEPT:])
