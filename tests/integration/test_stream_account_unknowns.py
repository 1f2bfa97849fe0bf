"""The account stream's orders it cannot place, against the simulator: an ``ordStatus`` the
client does not know (``faults.order_status_text``), and orders of unknown state after gaps,
bounded by ``StreamConfig.unknown_orders_kept``."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from decimal import Decimal
from typing import Any

import attrs
import pytest
from stream_helpers import (
    CountingLookup,
    GatedTokens,
    cancel_resting,
    next_gap,
    read_through,
    resting_order,
    until,
)

from aries_async.client import AriesClient
from aries_async.errors import OrderStateUnknownError
from aries_async.models.events import OrderEvent
from aries_async.models.orders import OrderStatus
from aries_async.sim import ServerErrorFault, Simulator
from aries_async.sim.cli import add_arguments, build_simulator
from aries_async.sim.ws import WsHub
from aries_async.streaming import AccountStream, OrderLookup, StreamConfig
from aries_async.streaming.accounts import OrderStateUnknown

ACCOUNT = "TEST-ACCOUNT-001"
ORDER_LOOKUP = "GET /v2/accounts/{id}/orders"  # the active orders: a lookup's first read
FAST = StreamConfig(backoff_initial=0.0, backoff_jitter=0.0)


@pytest.fixture
def sim_seed() -> int:
    return 9


def stream_on(
    sim: Simulator, tokens: GatedTokens, lookup: OrderLookup | None, config: StreamConfig = FAST
) -> AccountStream:
    return AccountStream(sim.accounts_ws_url, tokens, ACCOUNT, config=config, reconcile=lookup)


def resting(sim: Simulator) -> str:
    return resting_order(sim, ACCOUNT)


def cancel(sim: Simulator, cl_ord_id: str) -> None:
    cancel_resting(sim, ACCOUNT, cl_ord_id)


def drain(consumer: Any) -> list[Any]:
    return [consumer.get_nowait() for _ in range(consumer.pending)]


async def round_trip(stream: AccountStream, hub: WsHub) -> None:
    await read_through(stream, hub)


async def voided_on(sim: Simulator, stream: AccountStream, events: Any) -> str:
    """A resting order cancelled, once the stream has its snapshot; its id, once the stream
    told both its events (``events``: an order consumer)."""
    await until(lambda: stream.snapshot is not None)
    voided = resting(sim)
    cancel(sim, voided)
    await until(lambda: voided in stream.orders and events.pending == 2)
    return voided


@contextlib.asynccontextmanager
async def voided_unlisted(
    sim: Simulator, aries: AriesClient
) -> AsyncIterator[tuple[AccountStream, Any, str, CountingLookup]]:
    """A stream with an order lookup, its order consumer, and the id of an order cancelled
    under a status the client does not know (``SIM_VOIDED``), which resync snapshots no
    longer list; and the lookup."""
    sim.faults.order_status_text = {"CANCELED": "SIM_VOIDED"}
    sim.faults.snapshot_working_orders_only = True
    lookup = CountingLookup(aries.orders.reconcile)
    async with stream_on(sim, GatedTokens(sim), lookup) as stream:
        events = stream.order_events()
        yield stream, events, await voided_on(sim, stream, events), lookup


# -- an ordStatus the client does not know --------------------------------------------------


async def test_an_order_of_a_status_unknown_to_the_client_leaves_once_no_longer_listed(
    sim: Simulator, hub: WsHub, aries: AriesClient
) -> None:
    """Cancelled under a status name newer than the client: kept while the server lists it,
    looked up once when a resync snapshot no longer does, then gone, not reported unknown
    and not looked up again at every later gap."""
    async with voided_unlisted(sim, aries) as (stream, events, voided, lookup):
        status = stream.orders[voided].ord_status
        assert status == "SIM_VOIDED" and status is not None and not status.is_known
        assert not stream.orders[voided].is_terminal
        await next_gap(stream, hub)
        assert lookup.asked == [[voided]]  # it may have become something the client knows
        assert voided not in stream.orders
        assert voided not in stream.account(ACCOUNT).mirror.unknown
        await next_gap(stream, hub)
        assert lookup.asked == [[voided]]
        assert [type(e) for e in drain(events)] == [OrderEvent, OrderEvent]  # the live ones


@pytest.mark.usefixtures("loop_clock")  # its lookups again are on a timer: virtual time
async def test_a_waiter_keeps_an_order_of_a_status_unknown_to_the_client_told_once(
    sim: Simulator, hub: WsHub, aries: AriesClient
) -> None:
    """A waiter holds an order of a status the client does not know, which the server no
    longer lists: it stays in the stream's orders while the waiter waits, is looked up again
    on a timer (its state may move on; see ``test_stream_account_relooks``), not at each
    resync, and told only when it changed; once the waiter is done it leaves, and is looked up
    no more."""
    async with voided_unlisted(sim, aries) as (stream, events, voided, lookup):
        drain(events)
        waiter = asyncio.create_task(stream.wait_for_order(voided, OrderStatus.FILLED))
        await round_trip(stream, hub)
        for _ in range(3):  # the first resync looks it up; the others do not
            await next_gap(stream, hub)
            await until(lambda: voided in stream.orders)
            await round_trip(stream, hub)
            assert lookup.asked == [[voided]]
        await until(lambda: len(lookup.asked) == 3, timeout=10)  # about 1 s, then 2 s on
        await round_trip(stream, hub)
        assert [(type(e), e.order.cl_ord_id) for e in drain(events)] == []
        assert not waiter.done()
        waiter.cancel()
        with pytest.raises(asyncio.CancelledError):
            await waiter
        assert voided not in stream.orders  # no longer listed, and no longer waited for
        await asyncio.sleep(120)
        await next_gap(stream, hub)
        assert lookup.asked == [[voided]] * 3 and drain(events) == []


async def test_a_status_unknown_to_the_client_is_not_taken_for_an_end_by_a_waiter(
    sim: Simulator, hub: WsHub
) -> None:
    sim.faults.order_status_text = {"NEW": "SIM_HELD"}
    async with stream_on(sim, GatedTokens(sim), None) as stream:
        await until(lambda: stream.snapshot is not None)
        held = resting(sim)
        waiter = asyncio.create_task(stream.wait_for_order(held, OrderStatus.FILLED))
        await until(lambda: held in stream.orders)
        await round_trip(stream, hub)
        assert stream.orders[held].ord_status == "SIM_HELD"
        assert not waiter.done()
        cancel(sim, held)  # a status the client knows: the order ends
        order = await asyncio.wait_for(waiter, 5)
        assert order.ord_status is OrderStatus.CANCELED


async def test_a_printed_account_shows_orders_of_unknown_status_apart(
    sim: Simulator, hub: WsHub
) -> None:
    """An order of a status the client does not know is neither working nor terminal: the
    account's repr counts it apart."""
    sim.faults.order_status_text = {"CANCELED": "SIM_VOIDED"}
    async with stream_on(sim, GatedTokens(sim), None) as stream:
        events = stream.order_events()
        voided = await voided_on(sim, stream, events)
        placed = [resting(sim), resting(sim)]
        await until(lambda: set(placed) <= set(stream.orders))
        book = stream.account(ACCOUNT)
        orders = book.orders.values()
        working = [o for o in orders if o.ord_status is not None and o.ord_status.is_known]
        working = [o for o in working if not o.is_terminal]
        assert voided in book.orders and len(working) >= 2
        assert book.balance is not None
        assert repr(book) == (
            f"AccountBook({ACCOUNT!r}, {len(orders)} orders ({len(working)} working, 1 of "
            f"unknown status), {len(book.positions)} positions, cash "
            f"{book.balance.cash_balance})"
        )


@pytest.mark.parametrize("waited", [False, True])
async def test_without_a_lookup_it_is_reported_once_and_leaves(
    sim: Simulator, hub: WsHub, waited: bool
) -> None:
    """No lookup to ask: reported once and gone at the resync that no longer lists it; a
    waiter's order stays until its waiter, told at once (it would never hear of the order
    again), is done."""
    sim.faults.order_status_text = {"CANCELED": "SIM_VOIDED"}
    sim.faults.snapshot_working_orders_only = True
    async with stream_on(sim, GatedTokens(sim), None) as stream:
        events = stream.order_events()
        voided = await voided_on(sim, stream, events)
        drain(events)
        if waited:
            waiter = asyncio.create_task(stream.wait_for_order(voided, OrderStatus.FILLED))
            await round_trip(stream, hub)
        await next_gap(stream, hub)
        if waited:
            with pytest.raises(OrderStateUnknownError, match="no order lookup configured"):
                await asyncio.wait_for(waiter, 5)
        said = drain(events)
        assert [(type(e), e.order.cl_ord_id) for e in said] == [(OrderStateUnknown, voided)]
        assert voided not in stream.orders
        assert stream.account(ACCOUNT).mirror.unknown == {}
        await next_gap(stream, hub)
        assert drain(events) == []


def test_the_order_status_text_switch_is_a_cli_flag() -> None:
    parser = argparse.ArgumentParser()
    add_arguments(parser)
    sim = build_simulator(parser.parse_args(["--order-status-text", "canceled=SIM_VOIDED"]))
    assert sim.faults.order_status_text == {"CANCELED": "SIM_VOIDED"}
    voided = resting(sim)
    cancel(sim, voided)  # the books go on as before
    (listed,) = [o for o in sim.state.snapshot(ACCOUNT)["ordersV2"] if o["clOrdId"] == voided]
    assert listed["ordStatus"] == "SIM_VOIDED"
    assert not sim.state.order(ACCOUNT, voided).working
    with pytest.raises(SystemExit):
        parser.parse_args(["--order-status-text", "CANCELED"])


def test_the_order_status_text_reads_switch_is_a_cli_flag() -> None:
    """REST reads say the text in as many answers as the switch says, then the status; the
    account socket's snapshot goes on saying it."""
    parser = argparse.ArgumentParser()
    add_arguments(parser)
    flags = ["--order-status-text", "CANCELED=SIM_VOIDED", "--order-status-text-reads", "1"]
    sim = build_simulator(parser.parse_args(flags))
    assert sim.faults.order_status_text_reads == 1
    voided = resting(sim)
    cancel(sim, voided)
    order = sim.state.order(ACCOUNT, voided)
    said = [sim.state.orders_read([order])[0]["ordStatus"] for _ in range(3)]
    assert said == ["SIM_VOIDED", "CANCELED", "CANCELED"]
    (listed,) = [o for o in sim.state.snapshot(ACCOUNT)["ordersV2"] if o["clOrdId"] == voided]
    assert listed["ordStatus"] == "SIM_VOIDED"


# -- orders of unknown state ----------------------------------------------------------------


async def test_orders_of_unknown_state_are_bounded_and_each_one_dropped_is_logged(
    sim: Simulator, hub: WsHub, caplog: pytest.LogCaptureFixture
) -> None:
    """Working orders filled while the stream was down, never resolved (no lookup): the
    stream keeps the latest two, drops the first with a warning, and looks up none of it."""
    sim.faults.snapshot_working_orders_only = True
    tokens = GatedTokens(sim)
    config = attrs.evolve(FAST, unknown_orders_kept=2)
    async with stream_on(sim, tokens, None, config) as stream:
        events = stream.order_events()
        mirror = stream.account(ACCOUNT).mirror
        await until(lambda: stream.snapshot is not None)
        lost: list[str] = []
        with caplog.at_level(logging.WARNING, logger="aries_async.streaming"):
            for _ in range(3):
                lost.append(resting(sim))
                await until(lambda: lost[-1] in stream.orders)
                tokens.gate.clear()
                assert hub.drop("accounts") == 1
                await until(lambda: not stream.connected)
                sim.state.order(ACCOUNT, lost[-1]).price = Decimal(100_000)
                sim.state.match()  # filled while the stream is down
                tokens.gate.set()
                await until(lambda: lost[-1] in mirror.unknown)
        assert list(mirror.unknown) == lost[1:]
        assert lost[0] not in stream.orders and set(lost[1:]) <= set(stream.orders)
        said = [r.getMessage() for r in caplog.records]
        dropped = [message for message in said if "unknown_orders_kept" in message]
        assert len(dropped) == 1 and lost[0] in dropped[0] and ACCOUNT in dropped[0]
        unknown = [e for e in drain(events) if isinstance(e, OrderStateUnknown)]
        assert [e.order.cl_ord_id for e in unknown] == lost  # each told once


@pytest.mark.usefixtures("loop_clock")  # its lookups again are on a timer: virtual time
async def test_a_waiter_started_after_an_order_of_unknown_status_left_does_not_tell_it_again(
    sim: Simulator, hub: WsHub, aries: AriesClient
) -> None:
    """An order of a status the client does not know left the stream's orders (a resync no
    longer listed it, the lookup found it unchanged); a waiter started afterwards looks it up
    and follows it as a waiter started before would have, but its consumers, told of it
    already, are not told again; a change found later is told once."""
    async with voided_unlisted(sim, aries) as (stream, events, voided, lookup):
        await next_gap(stream, hub)
        assert voided not in stream.orders and lookup.asked == [[voided]]
        assert [type(e) for e in drain(events)] == [OrderEvent, OrderEvent]  # the live ones
        waiter = asyncio.create_task(stream.wait_for_order(voided, OrderStatus.FILLED))
        await until(lambda: len(lookup.asked) == 2)
        await until(lambda: voided in stream.orders)
        await round_trip(stream, hub)
        assert drain(events) == []
        assert not waiter.done()  # not an end the client knows: it waits on, as before
        await until(lambda: len(lookup.asked) == 3)  # looked up again, found unchanged
        await round_trip(stream, hub)
        assert drain(events) == []
        sim.faults.order_status_text = {"CANCELED": "SIM_PURGED"}
        await until(lambda: len(lookup.asked) == 4)  # found changed: told once
        await round_trip(stream, hub)
        told = [(type(e), e.order.cl_ord_id, e.order.ord_status) for e in drain(events)]
        assert told == [(OrderEvent, voided, "SIM_PURGED")]
        assert not waiter.done()
        waiter.cancel()
        with pytest.raises(asyncio.CancelledError):
            await waiter
        assert voided not in stream.orders


@pytest.mark.usefixtures("loop_clock")  # the lookup's retries back off on virtual time
async def test_a_failed_lookup_of_a_held_order_of_unknown_status_says_so_to_its_waiter(
    sim: Simulator, hub: WsHub, aries: AriesClient
) -> None:
    """A waiter holds an order of a status the client does not know when a resync no longer
    lists it and its lookup fails: the waiter raises at once that the lookup failed while the
    stream held the order, with the order as held, and looks nothing up itself; consumers
    are told once that its state is unknown, and it leaves once the waiter is done."""
    async with voided_unlisted(sim, aries) as (stream, events, voided, lookup):
        drain(events)
        held = stream.orders[voided]
        waiter = asyncio.create_task(stream.wait_for_order(voided, OrderStatus.FILLED))
        await round_trip(stream, hub)
        sim.faults.server_errors[ORDER_LOOKUP] = ServerErrorFault(count=None)
        reconnects = stream.reconnects
        assert hub.drop("accounts") == 1
        await until(lambda: stream.reconnects > reconnects, timeout=60)
        with pytest.raises(OrderStateUnknownError) as raised:
            await asyncio.wait_for(waiter, 600)  # the retries' backoff, on virtual time
        assert stream.reconciling == 0
        said = str(raised.value)
        assert "lookup failed" in said and "SIM_VOIDED" in said and "holds" in said
        assert raised.value.last_known == held
        assert lookup.asked == [[voided]] * 3  # the stream's lookup, tried three times
        told = [(type(e), e.order.cl_ord_id) for e in drain(events)]
        assert told == [(OrderStateUnknown, voided)]
        assert voided not in stream.orders


@pytest.mark.usefixtures("loop_clock")  # the lookup's retries back off on virtual time
async def test_a_waiter_whose_lookup_of_an_order_let_go_fails_is_told_what_the_stream_saw(
    sim: Simulator, hub: WsHub, aries: AriesClient
) -> None:
    """A waiter started after an order of a status the client does not know left the stream:
    its lookup failing, it raises with the order as the stream last told it, not as an order
    the stream never saw; nothing is told to consumers."""
    async with voided_unlisted(sim, aries) as (stream, events, voided, lookup):
        told = stream.orders[voided]
        await next_gap(stream, hub)
        assert voided not in stream.orders
        drain(events)
        sim.faults.server_errors[ORDER_LOOKUP] = ServerErrorFault(count=None)
        with pytest.raises(OrderStateUnknownError) as raised:
            await stream.wait_for_order(voided, OrderStatus.FILLED, timeout=600)
        said = str(raised.value)
        assert "left the account stream in status SIM_VOIDED" in said
        assert "looking it up failed" in said
        assert raised.value.last_known == told
        assert lookup.asked == [[voided]] * 2 and drain(events) == []
