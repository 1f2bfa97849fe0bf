"""A waiter's order of a status the client does not know that the server no longer lists,
looked up again on a timer while the account stream is connected (not at reconnects), against
the simulator on virtual time: ``faults.order_status_text_reads`` makes its lookups find it
still so a number of times, then in its real status."""

from __future__ import annotations

import asyncio
import contextlib
import itertools
from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest
from stream_helpers import (
    CountingLookup,
    GatedTokens,
    cancel_resting,
    drained,
    next_gap,
    read_through,
    resting_order,
    until,
)

from aries_async.client import AriesClient
from aries_async.models.events import OrderEvent
from aries_async.models.orders import OrderStatus
from aries_async.sim import Simulator
from aries_async.sim.ws import WsHub
from aries_async.streaming import AccountStream, StreamConfig

ACCOUNT = "TEST-ACCOUNT-001"
FAST = StreamConfig(backoff_initial=0.0, backoff_jitter=0.0)
ACTIVE = ("GET", "/v2/accounts/{id}/orders")  # a lookup's read: the active and today's orders

pytestmark = pytest.mark.usefixtures("loop_clock")  # the lookups' timer on virtual time


@pytest.fixture
def sim_seed() -> int:
    return 9


@contextlib.asynccontextmanager
async def voided(
    sim: Simulator, aries: AriesClient
) -> AsyncIterator[tuple[AccountStream, Any, str, CountingLookup, GatedTokens]]:
    """A stream (no jitter in its waits) with an order lookup, its order consumer (drained),
    and the id of an order cancelled under a status the client does not know
    (``SIM_VOIDED``), which resync snapshots no longer list; the lookup and the stream's
    tokens."""
    sim.faults.order_status_text = {"CANCELED": "SIM_VOIDED"}
    sim.faults.snapshot_working_orders_only = True
    lookup = CountingLookup(aries.orders.reconcile)
    tokens = GatedTokens(sim)
    stream = AccountStream(
        sim.accounts_ws_url,
        tokens,
        ACCOUNT,
        config=FAST,
        reconcile=lookup,
        rand=lambda: 0.0,
    )
    async with stream:
        events = stream.order_events()
        await until(lambda: stream.snapshot is not None)
        cl_ord_id = resting_order(sim, ACCOUNT)
        cancel_resting(sim, ACCOUNT, cl_ord_id)
        await until(lambda: cl_ord_id in stream.orders and events.pending == 2)
        drained(events)
        yield stream, events, cl_ord_id, lookup, tokens


def lookups_at(lookup: CountingLookup, clock: Callable[[], float]) -> list[float]:
    """Wraps ``lookup`` to note the loop time of each call; returns the list it fills."""
    times: list[float] = []
    inner = lookup.lookup

    async def noted(account_id: str, orders: Any) -> Any:
        times.append(clock())
        return await inner(account_id, orders)

    lookup.lookup = noted
    return times


async def test_a_held_order_found_unchanged_is_looked_up_again_on_a_timer(
    sim: Simulator, hub: WsHub, aries: AriesClient, loop_clock: Callable[[], float]
) -> None:
    """Its lookups find it still in a status the client does not know, then cancelled: the
    waiter gets the real status with no reconnect, from lookups 1 s, then 2 s after the one
    before (the reconnect backoff's doubling), and consumers are told once."""
    async with voided(sim, aries) as (stream, events, cl_ord_id, lookup, _):
        times = lookups_at(lookup, loop_clock)
        waiter = asyncio.create_task(stream.wait_for_order(cl_ord_id, OrderStatus.FILLED))
        await read_through(stream, hub)
        sim.faults.order_status_text_reads = 2  # found still so twice, then CANCELED
        await next_gap(stream, hub)  # the resync's lookup: the first of the two
        reconnects = stream.reconnects
        assert cl_ord_id in stream.orders and not waiter.done()
        order = await asyncio.wait_for(waiter, 600)
        assert order.ord_status is OrderStatus.CANCELED
        assert stream.reconnects == reconnects  # no reconnect needed
        assert lookup.asked == [[cl_ord_id]] * 3
        assert [round(b - a, 1) for a, b in itertools.pairwise(times)] == [1.0, 2.0]
        told = [(type(e), e.order.ord_status) for e in drained(events)]
        assert told == [(OrderEvent, OrderStatus.CANCELED)]


async def test_a_taken_back_order_is_not_looked_up_again_at_the_next_resync(
    sim: Simulator, hub: WsHub, aries: AriesClient, loop_clock: Callable[[], float]
) -> None:
    """An order that left the stream (the resync's lookup found it still so), which a waiter
    started afterwards found over REST and took back: the next resync asks the server nothing
    of it (the waiter's lookup has just told its state); the timer's next lookup, 1 s after
    the waiter's, finds it cancelled."""
    async with voided(sim, aries) as (stream, events, cl_ord_id, lookup, _):
        await next_gap(stream, hub)
        assert cl_ord_id not in stream.orders and lookup.asked == [[cl_ord_id]]
        times = lookups_at(lookup, loop_clock)
        waiter = asyncio.create_task(stream.wait_for_order(cl_ord_id, OrderStatus.FILLED))
        await until(lambda: cl_ord_id in stream.orders)  # taken back
        await read_through(stream, hub)
        asked = sim.requests[ACTIVE]
        await next_gap(stream, hub)
        await read_through(stream, hub)
        assert sim.requests[ACTIVE] == asked and lookup.asked == [[cl_ord_id]] * 2
        assert not waiter.done()
        sim.faults.order_status_text_reads = 0
        order = await asyncio.wait_for(waiter, 600)
        assert order.ord_status is OrderStatus.CANCELED
        assert lookup.asked == [[cl_ord_id]] * 3
        assert round(times[1] - times[0], 1) == 1.0
        assert sim.requests[ACTIVE] == asked + 1
        told = [(type(e), e.order.ord_status) for e in drained(events)]
        assert told == [(OrderEvent, OrderStatus.CANCELED)]  # found changed: told once


async def test_a_slow_lookup_is_not_overlapped_by_the_next(
    sim: Simulator, hub: WsHub, aries: AriesClient, loop_clock: Callable[[], float]
) -> None:
    """Each lookup of the order takes 5 s, longer than the first waits: the next one starts
    only after it (one at a time per order), its wait counted from then."""
    async with voided(sim, aries) as (stream, _events, cl_ord_id, lookup, _):
        waiter = asyncio.create_task(stream.wait_for_order(cl_ord_id, OrderStatus.FILLED))
        await read_through(stream, hub)
        sim.faults.order_status_text_reads = 3
        await next_gap(stream, hub)
        sim.faults.route_latency["GET /v2/accounts/{id}/orders"] = 5.0
        spans: list[tuple[float, float]] = []
        inner = lookup.lookup

        async def timed(account_id: str, orders: Any) -> Any:
            start = loop_clock()
            try:
                return await inner(account_id, orders)
            finally:
                spans.append((start, loop_clock()))

        lookup.lookup = timed
        order = await asyncio.wait_for(waiter, 600)
        assert order.ord_status is OrderStatus.CANCELED
        assert len(spans) == 3  # found still so twice more, then cancelled
        gaps = [round(b[0] - a[1], 1) for a, b in itertools.pairwise(spans)]
        assert gaps == [2.0, 4.0]  # after each lookup ended, its wait


async def test_no_lookup_again_while_disconnected_one_due_made_once_reconnected(
    sim: Simulator, hub: WsHub, aries: AriesClient, loop_clock: Callable[[], float]
) -> None:
    """The stream down for a minute (its reconnect held back): the order's timer looks
    nothing up meanwhile; back, the lookup that fell due is made at once, and finds the
    order cancelled."""
    async with voided(sim, aries) as (stream, _events, cl_ord_id, lookup, tokens):
        waiter = asyncio.create_task(stream.wait_for_order(cl_ord_id, OrderStatus.FILLED))
        await read_through(stream, hub)
        sim.faults.order_status_text_reads = 1
        await next_gap(stream, hub)
        assert lookup.asked == [[cl_ord_id]]
        tokens.gate.clear()
        assert hub.drop("accounts") == 1
        await until(lambda: not stream.connected)
        await asyncio.sleep(60)
        assert lookup.asked == [[cl_ord_id]] and not waiter.done()
        back = loop_clock()
        tokens.gate.set()
        order = await asyncio.wait_for(waiter, 600)
        assert order.ord_status is OrderStatus.CANCELED
        assert lookup.asked == [[cl_ord_id]] * 2
        assert loop_clock() - back < 0.5  # at once, not a backoff later
