"""AccountStream against the simulator: snapshot, typed events, wait_for_order, resync, bounds,
and the REST reconcile of orders that finished while the stream was down."""

from __future__ import annotations

import asyncio
import contextlib
import traceback
from collections.abc import AsyncIterator, Sequence
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest
from stream_helpers import CountingLookup, FakeTime, GatedTokens, Tokens, next_gap, until

from aries_async.client import AriesClient
from aries_async.config import RetryPolicy
from aries_async.errors import (
    OrderRejectedError,
    StreamAuthError,
    StreamError,
    StreamOverflowError,
    ValidationError,
)
from aries_async.models.events import (
    AccountSnapshot,
    BalanceEvent,
    OrderEvent,
    PositionEvent,
    ServerErrorMessage,
    StreamConnected,
    StreamDisconnected,
)
from aries_async.models.orders import (
    CancelAck,
    Order,
    OrderAck,
    OrderRequest,
    OrderStatus,
    ReplaceRequest,
)
from aries_async.sim import ManualClock, ServerErrorFault, Simulator
from aries_async.sim.cli import add_arguments, build_simulator
from aries_async.sim.ws import WsHub
from aries_async.streaming import AccountStream, StreamConfig
from aries_async.streaming.accounts import (
    OrderLookup,
    OrderStateUnknown,
    OrderStateUnknownError,
)

ACCOUNT = "TEST-ACCOUNT-001"
FAST = StreamConfig(backoff_initial=0.0, backoff_jitter=0.0)


@pytest.fixture
async def sim() -> AsyncIterator[Simulator]:
    async with Simulator(seed=9, clock=ManualClock(), tick_interval=None) as s:
        yield s


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
        assert order.cumulative_quantity == Decimal(10)
        await until(lambda: events.pending >= 4)
        kinds = [type(events.get_nowait()) for _ in range(events.pending)]
        assert kinds[:2] == [OrderEvent, OrderEvent]
        assert PositionEvent in kinds
        assert BalanceEvent in kinds
        assert stream.positions["KO"].quantity == Decimal(10)


async def test_wait_for_order_returns_when_the_order_ends_another_way(sim: Simulator) -> None:
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
        # Waiting for a fill, it returns the cancellation: the order will never fill.
        order = await stream.wait_for_order(cl_ord_id, "FILLED", timeout=5)
        assert order.ord_status == OrderStatus.CANCELED


async def test_order_waiters_of_a_failed_stream_each_raise_with_their_own_traceback(
    sim: Simulator, hub: WsHub
) -> None:
    # Every waiter raises the stream's one error: each with the frames of its own raise, not
    # with those of every waiter that raised it before (its traceback grew each time).
    tokens = Tokens(sim)
    stream = AccountStream(
        sim.accounts_ws_url, tokens, ACCOUNT, config=FAST, invalidate_token=tokens.invalidate
    )
    async with stream:
        cl_ord_id = place(sim, symbol="KO", side="BUY", type="LIMIT", qty="1", price="1.00")
        await stream.wait_for_order(cl_ord_id, "NEW", timeout=5)
        tokens.grant_revoked = True
        sim.revoke_tokens()
        hub.check_deadlines()
        depths = []
        for _ in range(5):
            with pytest.raises(StreamAuthError) as raised:
                await stream.wait_for_order(cl_ord_id, "FILLED", timeout=5)
            depths.append(len(traceback.extract_tb(raised.value.__traceback__)))
        assert len(set(depths)) == 1, depths


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


async def test_a_resubscription_answered_by_no_snapshot_is_sent_again_on_a_new_socket(
    sim: Simulator, hub: WsHub, fake_time: FakeTime
) -> None:
    """An order placed while the socket was down, then the new socket's subscription answered
    by its events but not by the snapshot (lost at the server): without the snapshot nothing
    would ever tell the stream of that order. It waits ``request_timeout`` for it, then
    reconnects, and the next snapshot's resync tells."""
    tokens = GatedTokens(sim)
    config = StreamConfig(backoff_initial=0.0, backoff_jitter=0.0, request_timeout=10.0)
    stream = AccountStream(
        sim.accounts_ws_url,
        tokens,
        ACCOUNT,
        config=config,
        sleep=fake_time.sleep,
        monotonic=fake_time.clock,
    )
    async with stream:
        events = stream.events()
        await until(lambda: stream.snapshot is not None)
        drain(events)
        await drop_and_hold(stream, hub, tokens)
        missed = place(sim, symbol="KO", side="BUY", type="LIMIT", qty="1", price="1.00")
        sim.faults.ws_account_unanswered = True
        tokens.gate.set()
        await until(lambda: stream.connected)
        await until(lambda: 10.0 in fake_time.waiting())  # the wait for the snapshot began
        assert missed not in stream.orders
        sim.faults.ws_account_unanswered = False  # the next socket's snapshot comes
        fake_time.advance(10.0)  # request_timeout after the subscription was sent
        await until(lambda: missed in stream.orders)
        seen = drain(events)
        gone = [e for e in seen if isinstance(e, StreamDisconnected)]
        assert "snapshot" in gone[-1].reason and gone[-1].will_reconnect
        resynced = [e for e in seen if isinstance(e, OrderEvent)]
        assert [(e.order.cl_ord_id, e.resync) for e in resynced] == [(missed, True)]


async def test_a_refused_account_subscription_is_an_answer_and_keeps_the_socket(
    sim: Simulator, fake_time: FakeTime
) -> None:
    stream = AccountStream(
        sim.accounts_ws_url,
        GatedTokens(sim),
        [ACCOUNT, "NO-SUCH-ACCOUNT"],
        config=FAST,
        sleep=fake_time.sleep,
        monotonic=fake_time.clock,
    )
    async with stream:
        errors = stream.events()
        await until(lambda: stream.snapshot is not None and errors.pending >= 2)
        assert any(isinstance(e, ServerErrorMessage) for e in drain(errors))
        assert stream.refused == {"NO-SUCH-ACCOUNT": "account not found"}
        fake_time.advance(FAST.request_timeout)
        for _ in range(20):  # what the end of the socket would set off, without any I/O
            await asyncio.sleep(0)
        assert stream.connected and stream.reconnects == 0
        await stream.remove_account("NO-SUCH-ACCOUNT")
        assert stream.refused == {}


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


# -- orders that finish while the stream is down -------------------------------------------------

ACTIVE = ("GET", "/v2/accounts/{id}/orders")
HISTORY = ("GET", "/v2/accounts/{id}/orders/history")


@pytest.fixture
async def client(sim: Simulator) -> AsyncIterator[AriesClient]:
    config = sim.client_config(retry=RetryPolicy(max_attempts=1))
    async with AriesClient(config, token=sim.issue_token()) as c:
        yield c


def reconciling_stream(
    sim: Simulator, tokens: GatedTokens, lookup: OrderLookup | None, **kwargs: Any
) -> AccountStream:
    return AccountStream(
        sim.accounts_ws_url, tokens, ACCOUNT, config=FAST, reconcile=lookup, **kwargs
    )


def fill_now(sim: Simulator, cl_ord_id: str) -> None:
    """Make a resting limit buy marketable and run a matching pass: it fills at the ask."""
    sim.state.order(ACCOUNT, cl_ord_id).price = Decimal(100_000)
    sim.state.match()
    assert sim.state.order(ACCOUNT, cl_ord_id).status == "FILLED"


async def drop_and_hold(stream: AccountStream, hub: WsHub, tokens: GatedTokens) -> None:
    """Kill the socket and keep the stream from reconnecting until ``tokens.gate`` opens."""
    tokens.gate.clear()
    calls = tokens.calls
    assert hub.drop("accounts") == 1
    await until(lambda: tokens.calls == calls + 1 and not stream.connected)


def drain(consumer: Any) -> list[Any]:
    return [consumer.get_nowait() for _ in range(consumer.pending)]


async def fill_while_down(
    sim: Simulator, hub: WsHub, stream: AccountStream, tokens: GatedTokens, *drained: Any
) -> str:
    """A resting buy the stream has seen (``drained`` consumers emptied after that), filled
    while the socket is down; the stream reconnects once the caller opens ``tokens.gate``."""
    await until(lambda: stream.snapshot is not None)
    cl_ord_id = place(sim, symbol="KO", side="BUY", type="LIMIT", qty="2", price="1.00")
    await until(lambda: cl_ord_id in stream.orders)
    assert stream.orders[cl_ord_id].ord_status == OrderStatus.NEW
    for consumer in drained:
        drain(consumer)
    await drop_and_hold(stream, hub, tokens)
    fill_now(sim, cl_ord_id)
    return cl_ord_id


@contextlib.asynccontextmanager
async def failing_lookups(
    sim: Simulator, hub: WsHub, client: AriesClient, reconcile_attempts: int
) -> AsyncIterator[tuple[AccountStream, Any, CountingLookup, str]]:
    """A stream whose snapshots list working orders only, an order filled while it was down,
    and every order lookup over REST failing from then on: ``(stream, order_events(), the
    lookup, the order's clOrdId)``, the stream free to reconnect."""
    sim.faults.snapshot_working_orders_only = True
    tokens = GatedTokens(sim)
    lookup = CountingLookup(client.orders.reconcile, ACCOUNT)
    stream = reconciling_stream(sim, tokens, lookup, reconcile_attempts=reconcile_attempts)
    async with stream:
        orders = stream.order_events()
        cl_ord_id = await fill_while_down(sim, hub, stream, tokens, orders)
        sim.faults.server_errors["GET /v2/accounts/{id}/orders"] = ServerErrorFault(count=None)
        tokens.gate.set()
        yield stream, orders, lookup, cl_ord_id


def own_tasks() -> list[asyncio.Task[Any]]:
    return [
        t for t in asyncio.all_tasks() if t.get_name().startswith("aries-accounts") and not t.done()
    ]


async def test_order_filled_while_down_is_looked_up_once_after_the_changed_orders(
    sim: Simulator, hub: WsHub, client: AriesClient
) -> None:
    sim.faults.snapshot_working_orders_only = True
    tokens = GatedTokens(sim)
    lookup = CountingLookup(client.orders.reconcile, ACCOUNT)
    async with reconciling_stream(sim, tokens, lookup) as stream:
        events = stream.events()
        orders = stream.order_events()
        filled = await fill_while_down(sim, hub, stream, tokens, events, orders)
        newer = place(sim, symbol="KO", side="BUY", type="LIMIT", qty="1", price="1.00")
        tokens.gate.set()

        order = await stream.wait_for_order(filled, OrderStatus.FILLED, timeout=5)
        assert order.ord_status == OrderStatus.FILLED
        assert order.cumulative_quantity == Decimal(2)
        await until(lambda: stream.reconciling == 0 and events.pending >= 4)
        resync = stream.snapshot
        assert resync is not None and resync.resync
        assert filled not in {o.cl_ord_id for o in resync.orders}  # the switch is on
        seen = [
            e for e in drain(events) if not isinstance(e, (StreamConnected, StreamDisconnected))
        ]
        assert [type(e) for e in seen] == [AccountSnapshot, OrderEvent, OrderEvent]
        assert [e.order.cl_ord_id for e in seen[1:]] == [newer, filled]
        assert all(e.resync for e in seen)
        assert lookup.asked == [[filled]]
        assert sim.requests[ACTIVE] == 1
        assert sim.requests[HISTORY] == 0

        # Another gap: the order is terminal now, so nothing is looked up or repeated.
        assert hub.drop("accounts") == 1
        await until(lambda: stream.reconnects == 2 and stream.connected)
        await until(lambda: stream.snapshot is not None and stream.snapshot is not resync)
        fills = [e for e in drain(orders) if e.order.ord_status == OrderStatus.FILLED]
        assert len(fills) == 1
        assert type(fills[0]) is OrderEvent
        assert fills[0].resync
        assert lookup.asked == [[filled]]
    await asyncio.sleep(0)
    assert own_tasks() == []


async def test_without_the_switch_the_snapshot_tells_and_nothing_is_looked_up(
    sim: Simulator, hub: WsHub, client: AriesClient
) -> None:
    tokens = GatedTokens(sim)
    lookup = CountingLookup(client.orders.reconcile, ACCOUNT)
    async with reconciling_stream(sim, tokens, lookup) as stream:
        orders = stream.order_events()
        cl_ord_id = await fill_while_down(sim, hub, stream, tokens)
        tokens.gate.set()
        order = await stream.wait_for_order(cl_ord_id, OrderStatus.FILLED, timeout=5)
        assert order.ord_status == OrderStatus.FILLED
        resync = stream.snapshot
        assert resync is not None and resync.resync
        assert cl_ord_id in {o.cl_ord_id for o in resync.orders}
        fills = [e for e in drain(orders) if e.order.ord_status == OrderStatus.FILLED]
        assert [(type(e), e.resync) for e in fills] == [(OrderEvent, True)]
        assert stream.reconciling == 0
    assert lookup.asked == []
    assert sim.requests[ACTIVE] == 0
    assert sim.requests[HISTORY] == 0


async def test_a_failing_lookup_is_retried_then_reported_and_retried_after_the_next_gap(
    sim: Simulator, hub: WsHub, client: AriesClient
) -> None:
    async with failing_lookups(sim, hub, client, 2) as (stream, orders, lookup, cl_ord_id):
        with pytest.raises(OrderStateUnknownError) as info:
            await stream.wait_for_order(cl_ord_id, OrderStatus.FILLED, timeout=5)
        assert isinstance(info.value, StreamError)
        assert info.value.cl_ord_id == cl_ord_id
        assert info.value.last_known.ord_status == OrderStatus.NEW
        assert "unknown" in str(info.value)
        unknown = drain(orders)
        assert [type(e) for e in unknown] == [OrderStateUnknown]
        assert unknown[0].order.cl_ord_id == cl_ord_id
        assert unknown[0].resync
        assert "lookup failed" in unknown[0].reason
        assert "ServerError" in unknown[0].reason
        assert lookup.asked == [[cl_ord_id], [cl_ord_id]]  # reconcile_attempts
        assert sim.requests[ACTIVE] == 2

        # Another gap, still failing: looked up again, but consumers are not told twice.
        assert hub.drop("accounts") == 1
        await until(lambda: stream.reconnects == 2 and len(lookup.asked) == 4)
        with pytest.raises(OrderStateUnknownError):
            await stream.wait_for_order(cl_ord_id, OrderStatus.FILLED, timeout=5)
        assert drain(orders) == []

        # The server recovers; the next gap looks the order up again and resolves it.
        sim.faults.server_errors.clear()
        assert hub.drop("accounts") == 1
        await until(lambda: stream.reconnects == 3 and orders.pending >= 1)
        order = await stream.wait_for_order(cl_ord_id, OrderStatus.FILLED, timeout=5)
        assert order.ord_status == OrderStatus.FILLED
        assert [(type(e), e.order.ord_status) for e in drain(orders)] == [
            (OrderEvent, OrderStatus.FILLED)
        ]
        assert len(lookup.asked) == 5


async def test_an_unknown_order_is_looked_up_again_less_often_on_a_flapping_connection(
    sim: Simulator, hub: WsHub, client: AriesClient
) -> None:
    async with failing_lookups(sim, hub, client, 1) as (stream, orders, lookup, cl_ord_id):
        with pytest.raises(OrderStateUnknownError):
            await stream.wait_for_order(cl_ord_id, OrderStatus.FILLED, timeout=5)
        assert len(lookup.asked) == 1  # at the gap of the fill itself
        looked_up_at = [1]
        for gap in range(2, 11):
            await next_gap(stream, hub)
            if len(lookup.asked) > len(looked_up_at):
                looked_up_at.append(gap)
        # The next gap, then with 2, 4, 8... gaps in between (the lookup kept failing).
        assert looked_up_at == [1, 2, 3, 5, 9]
        assert [type(e) for e in drain(orders)] == [OrderStateUnknown]  # told once

        # Recovered: the order is found at the next lookup it is due for (gap 17).
        sim.faults.server_errors.clear()
        for _ in range(11, 18):
            await next_gap(stream, hub)
        assert stream.reconnects == 17
        order = await stream.wait_for_order(cl_ord_id, OrderStatus.FILLED, timeout=5)
        assert order.ord_status == OrderStatus.FILLED
        assert len(lookup.asked) == 6


async def test_an_order_the_lookup_does_not_find_is_reported_unknown(
    sim: Simulator, hub: WsHub
) -> None:
    sim.faults.snapshot_working_orders_only = True
    tokens = GatedTokens(sim)

    async def finds_nothing(account_id: str, orders: Sequence[Order]) -> list[Order]:
        return []

    async with reconciling_stream(sim, tokens, finds_nothing) as stream:
        orders = stream.order_events()
        cl_ord_id = await fill_while_down(sim, hub, stream, tokens, orders)
        tokens.gate.set()
        with pytest.raises(OrderStateUnknownError):
            await stream.wait_for_order(cl_ord_id, timeout=5)
        unknown = drain(orders)
        assert [type(e) for e in unknown] == [OrderStateUnknown]
        assert "did not find" in unknown[0].reason


async def test_without_a_lookup_the_gap_is_reported_once(sim: Simulator, hub: WsHub) -> None:
    sim.faults.snapshot_working_orders_only = True
    tokens = GatedTokens(sim)
    async with reconciling_stream(sim, tokens, None) as stream:
        orders = stream.order_events()
        cl_ord_id = await fill_while_down(sim, hub, stream, tokens, orders)
        tokens.gate.set()
        # The resync's report of the gap, however long a loaded machine takes to reconnect:
        # what the wait below is about, so that it is not raced against a clock.
        told = await anext(orders)
        assert (type(told), getattr(told, "reason", None)) == (
            OrderStateUnknown,
            "no order lookup configured",
        )
        with pytest.raises(OrderStateUnknownError) as info:
            await stream.wait_for_order(cl_ord_id, timeout=5)
        assert info.value.last_known.ord_status == OrderStatus.NEW
        assert drain(orders) == []  # told once
        first_resync = stream.snapshot
        assert hub.drop("accounts") == 1
        await until(lambda: stream.reconnects == 2 and stream.snapshot is not first_resync)
        assert orders.pending == 0  # not repeated after every reconnect
    assert sim.requests[ACTIVE] == 0


async def test_leaving_the_stream_cancels_and_awaits_a_pending_lookup(
    sim: Simulator, hub: WsHub
) -> None:
    sim.faults.snapshot_working_orders_only = True
    tokens = GatedTokens(sim)
    started = asyncio.Event()
    cancelled = asyncio.Event()

    async def hangs(account_id: str, orders: Sequence[Order]) -> list[Order]:
        started.set()
        try:
            await asyncio.Event().wait()
        except asyncio.CancelledError:
            cancelled.set()
            raise
        return []

    before = set(asyncio.all_tasks())
    async with reconciling_stream(sim, tokens, hangs) as stream:
        cl_ord_id = await fill_while_down(sim, hub, stream, tokens)
        tokens.gate.set()
        await asyncio.wait_for(started.wait(), 5)
        assert stream.reconciling == 1
        assert [t.get_name() for t in own_tasks() if "reconcile" in t.get_name()] == [
            "aries-accounts-reconcile"
        ]
        waiter = asyncio.ensure_future(stream.wait_for_order(cl_ord_id))
        await asyncio.sleep(0)  # the waiter runs up to its wait
        assert not waiter.done()  # waits for the lookup, does not give up early
    assert cancelled.is_set()
    assert own_tasks() == []
    new = [t.get_name() for t in asyncio.all_tasks() - before if not t.done()]
    assert not [n for n in new if n.startswith("aries-") and not n.startswith("aries-sim")]
    with pytest.raises(StreamError):
        await asyncio.wait_for(waiter, 5)


async def test_orders_reconcile_reads_active_then_history_for_older_orders() -> None:
    async with Simulator(seed=9, tick_interval=None) as sim:  # the wall clock, as in production
        config = sim.client_config(retry=RetryPolicy(max_attempts=1))
        async with AriesClient(config, token=sim.issue_token()) as client:
            today = place(sim, symbol="KO", side="BUY", type="LIMIT", qty="1", price="1.00")
            fill_now(sim, today)
            older = next(
                o
                for o in sim.state.orders[ACCOUNT]
                if not o.working and o.status != "SUPERSEDED" and o.cl_ord_id != today
                if o.cl_ord_id not in {a.cl_ord_id for a in sim.state.active_orders(ACCOUNT)}
            )
            created = datetime.fromtimestamp(older.created_at, UTC)
            asked = [
                Order(cl_ord_id=today, ord_status=OrderStatus.NEW),
                Order(cl_ord_id=older.cl_ord_id, ord_status=OrderStatus.NEW, created_at=created),
                Order(cl_ord_id="NO-SUCH-ORDER", ord_status=OrderStatus.NEW, created_at=created),
            ]
            found = {o.cl_ord_id: o for o in await client.orders.reconcile(ACCOUNT, asked)}
            assert set(found) == {today, older.cl_ord_id}
            assert found[today].ord_status == OrderStatus.FILLED
            assert found[older.cl_ord_id].ord_status == OrderStatus(older.status)
            assert sim.requests[ACTIVE] == 1
            assert sim.requests[HISTORY] >= 1

            history_before = sim.requests[HISTORY]
            assert await client.orders.reconcile(ACCOUNT, asked[:1]) == [found[today]]
            assert sim.requests[HISTORY] == history_before  # found in the active list
            assert sim.requests[ACTIVE] == 2
            assert await client.orders.reconcile(ACCOUNT, []) == []
            assert sim.requests[ACTIVE] == 2


async def test_orders_reconcile_lists_the_orders_changed_since_a_time_in_one_read(
    sim: Simulator, client: AriesClient
) -> None:
    older = place(sim, symbol="KO", side="BUY", type="MARKET", qty="1")
    sim.advance(10.0)
    newer = place(sim, symbol="KO", side="BUY", type="MARKET", qty="3")
    since = datetime.fromtimestamp(sim.state.order(ACCOUNT, newer).created_at, UTC)
    found = await client.orders.reconcile(ACCOUNT, [], changed_since=since)
    assert [o.cl_ord_id for o in found] == [newer]
    assert found[0].ord_status == OrderStatus.FILLED
    assert sim.requests[ACTIVE] == 1

    # One read answers both: the orders asked about, and those created since.
    asked = [Order(cl_ord_id=older, ord_status=OrderStatus.NEW)]
    found = await client.orders.reconcile(ACCOUNT, asked, changed_since=since)
    assert [o.cl_ord_id for o in found] == [older, newer]
    assert sim.requests[ACTIVE] == 2
    assert sim.requests[HISTORY] == 0
    with pytest.raises(ValidationError):
        await client.orders.reconcile(ACCOUNT, [], changed_since=since.replace(tzinfo=None))
    assert sim.requests[ACTIVE] == 2


def test_sim_flag_switches_the_snapshot_variant() -> None:
    import argparse

    parser = argparse.ArgumentParser()
    add_arguments(parser)
    on = build_simulator(parser.parse_args(["--snapshot-working-orders-only"]))
    off = build_simulator(parser.parse_args([]))
    assert on.faults.snapshot_working_orders_only is True
    assert off.faults.snapshot_working_orders_only is False
    assert on.state.faults is on.faults
    cl_ord_id = place(on, symbol="KO", side="BUY", type="MARKET", qty="1")
    assert on.state.order(ACCOUNT, cl_ord_id).status == "FILLED"
    assert cl_ord_id not in {o["clOrdId"] for o in on.state.snapshot(ACCOUNT)["ordersV2"]}
    on.faults.snapshot_working_orders_only = False
    assert cl_ord_id in {o["clOrdId"] for o in on.state.snapshot(ACCOUNT)["ordersV2"]}


async def test_client_account_stream_reconciles_by_default(
    sim: Simulator, hub: WsHub, client: AriesClient
) -> None:
    sim.faults.snapshot_working_orders_only = True
    async with client.account_stream(ACCOUNT, config=FAST) as stream:
        await until(lambda: stream.snapshot is not None)
        cl_ord_id = place(sim, symbol="KO", side="BUY", type="LIMIT", qty="2", price="1.00")
        await until(lambda: cl_ord_id in stream.orders)
        assert hub.drop("accounts") == 1
        fill_now(sim, cl_ord_id)  # no await in between: the fill happens while disconnected
        order = await stream.wait_for_order(cl_ord_id, OrderStatus.FILLED, timeout=5)
        assert order.cumulative_quantity == Decimal(2)
        assert stream.reconnects == 1
        snapshot = stream.snapshot
        assert snapshot is not None and snapshot.resync
        assert cl_ord_id not in {o.cl_ord_id for o in snapshot.orders}
        assert sim.requests[ACTIVE] == 1


async def test_wait_for_order_takes_the_acknowledgement_and_refuses_a_rejected_one(
    sim: Simulator, client: AriesClient
) -> None:
    async with client.account_stream(ACCOUNT, config=FAST) as stream:
        await until(lambda: stream.snapshot is not None)
        ack = await client.orders.place(
            OrderRequest(account_id=ACCOUNT, symbol="KO", side="BUY", type="MARKET", quantity=4)
        )
        order = await stream.wait_for_order(ack, OrderStatus.FILLED, timeout=5)
        assert order.cl_ord_id == ack.cl_ord_id and order.cumulative_quantity == Decimal(4)

        rejected = await client.orders.place(
            OrderRequest(account_id=ACCOUNT, symbol="NOSUCH", side="BUY", type="MARKET", quantity=1)
        )
        assert not rejected.accepted
        with pytest.raises(OrderRejectedError, match="unknown symbol NOSUCH") as info:
            await stream.wait_for_order(rejected)  # no timeout: it must not wait at all
        assert info.value.field == "order"  # still a ValidationError: nothing to wait for
        assert info.value.ack == rejected and "unknown symbol NOSUCH" in info.value.reason
        for bad in (OrderAck(success=True, status=OrderStatus.NEW), " "):
            with pytest.raises(ValidationError) as refused:
                await stream.wait_for_order(bad)
            assert not isinstance(refused.value, OrderRejectedError)  # no order at all


async def test_wait_for_order_takes_a_replacement_s_acknowledgement(
    sim: Simulator, client: AriesClient
) -> None:
    """The acknowledgement of a replace names the new order: waiting on it follows the
    replacement (the original ends REPLACED); a refused replace has nothing to wait for."""
    async with client.account_stream(ACCOUNT, config=FAST) as stream:
        await until(lambda: stream.snapshot is not None)
        resting = OrderRequest(
            account_id=ACCOUNT, symbol="KO", side="BUY", type="LIMIT", quantity=3, price=1
        )
        ack = await client.orders.place(resting)
        assert ack.cl_ord_id is not None
        change = ReplaceRequest(
            orig_cl_ord_id=ack.cl_ord_id, account_id=ACCOUNT, symbol="KO", price=Decimal("1.5")
        )
        replaced = await client.orders.replace(change)
        order = await stream.wait_for_order(replaced, OrderStatus.NEW, timeout=5)
        assert order.cl_ord_id == replaced.cl_ord_id != ack.cl_ord_id
        assert order.price == Decimal("1.5")
        again = await client.orders.replace(change)  # the original is no longer open
        assert not again.accepted
        with pytest.raises(OrderRejectedError, match="not open") as info:
            await stream.wait_for_order(again)
        assert info.value.ack == again
        with pytest.raises(
            ValidationError, match=r"an acknowledgement of place\(\) or replace\(\)"
        ):
            await stream.wait_for_order(CancelAck(success=True, cl_ord_id="X"))  # type: ignore[arg-type]


@pytest.mark.parametrize("status", ["CANCELLED", ["FILLED", "PARTIAL_FILL"], [7]])
async def test_wait_for_order_refuses_a_status_that_is_not_one(
    client: AriesClient, status: Any
) -> None:
    async with client.account_stream(ACCOUNT, config=FAST) as stream:
        await until(lambda: stream.snapshot is not None)
        resting = OrderRequest(  # a wait for it ends only by its status
            account_id=ACCOUNT, symbol="KO", side="BUY", type="LIMIT", quantity=1, price=1
        )
        ack = await client.orders.place(resting)
        with pytest.raises(ValidationError) as info:
            await stream.wait_for_order(ack, status, timeout=5)
        assert info.value.field == "status"


# -- orders the stream never saw -------------------------------------------------------------


@contextlib.asynccontextmanager
async def stream_after_a_fill(
    sim: Simulator, client: AriesClient
) -> AsyncIterator[tuple[AccountStream, OrderAck]]:
    """An order placed and filled over REST before the stream opened, whose snapshots list
    working orders only (so it never sees the order): ``(stream, the order's ack)``, the
    first snapshot in."""
    sim.faults.snapshot_working_orders_only = True
    ack = await client.orders.place(
        OrderRequest(account_id=ACCOUNT, symbol="KO", side="BUY", type="LIMIT", quantity=3, price=1)
    )
    assert ack.accepted and ack.cl_ord_id
    fill_now(sim, ack.cl_ord_id)
    sim.advance(1)
    async with client.account_stream(ACCOUNT, config=FAST) as stream:
        await until(lambda: stream.snapshot is not None)
        assert stream.snapshot is not None
        assert ack.cl_ord_id not in {o.cl_ord_id for o in stream.snapshot.orders}
        yield stream, ack


async def test_wait_for_an_order_that_finished_before_the_stream_opened_looks_it_up(
    sim: Simulator, client: AriesClient
) -> None:
    async with stream_after_a_fill(sim, client) as (stream, ack):
        looked_up = sim.requests[ACTIVE]
        order = await stream.wait_for_order(ack, OrderStatus.FILLED, timeout=5)
        assert order.ord_status == OrderStatus.FILLED and order.cumulative_quantity == Decimal(3)
        assert sim.requests[ACTIVE] == looked_up + 1
        # by its id too
        again = await stream.wait_for_order(ack.cl_ord_id or "", timeout=5)
        assert again.ord_status == OrderStatus.FILLED


async def test_wait_for_an_unseen_order_whose_lookup_fails_raises_state_unknown_promptly(
    sim: Simulator, client: AriesClient
) -> None:
    async with stream_after_a_fill(sim, client) as (stream, ack):
        sim.faults.server_errors["GET /v2/accounts/{id}/orders"] = ServerErrorFault(count=None)
        with pytest.raises(OrderStateUnknownError) as info:
            await stream.wait_for_order(ack, OrderStatus.FILLED, timeout=5)
        assert info.value.cl_ord_id == ack.cl_ord_id
        assert info.value.last_known.cl_ord_id == ack.cl_ord_id
        assert info.value.last_known.ord_status == ack.status  # what the ack said, no more
        assert "ServerError" in str(info.value)
        assert not info.value.not_found  # the lookup failed: the order may well exist
        assert stream.connected  # the stream itself is fine


async def test_wait_for_an_order_no_lookup_finds_says_not_found(client: AriesClient) -> None:
    async with client.account_stream(ACCOUNT, config=FAST) as stream:
        with pytest.raises(OrderStateUnknownError) as info:
            await stream.wait_for_order("NO-SUCH-ORDER", timeout=5)
        assert info.value.not_found and "did not find it" in str(info.value)


@pytest.mark.parametrize("followed", [[ACCOUNT], [ACCOUNT, "TEST-SIM-001"]])
async def test_wait_for_an_order_no_followed_account_has_names_them(
    client: AriesClient, followed: list[str]
) -> None:
    # The acknowledgement names no account: the lookup can only say where the order is not.
    elsewhere = OrderRequest(
        account_id="TEST-SIM-001", symbol="KO", side="BUY", type="LIMIT", quantity=1, price="1"
    )
    ack = await client.orders.place(elsewhere)
    order = ack if len(followed) == 1 else "NO-SUCH-ORDER"
    async with client.account_stream(*followed, config=FAST) as stream:
        await until(lambda: all(stream.account(a).snapshot is not None for a in followed))
        with pytest.raises(OrderStateUnknownError) as info:
            await stream.wait_for_order(order, timeout=5)
    message = str(info.value)
    assert info.value.not_found
    assert f"did not find it in the accounts the stream follows ({', '.join(followed)})" in message
    assert "add_account()" in message and "check the order history" in message


async def test_wait_for_an_order_nobody_knows_raises_state_unknown(sim: Simulator) -> None:
    asked: list[list[str | None]] = []

    async def finds_nothing(account_id: str, orders: Sequence[Order]) -> list[Order]:
        asked.append([o.cl_ord_id for o in orders])
        return []

    async with reconciling_stream(sim, GatedTokens(sim), finds_nothing) as stream:
        await until(lambda: stream.snapshot is not None)
        with pytest.raises(OrderStateUnknownError, match="did not find") as info:
            await stream.wait_for_order("NO-SUCH-ORDER", timeout=5)
    assert info.value.last_known.cl_ord_id == "NO-SUCH-ORDER"
    assert asked == [["NO-SUCH-ORDER"]]


async def test_an_order_whose_events_were_lost_is_told_once_the_wait_finds_it(
    sim: Simulator, client: AriesClient
) -> None:
    """The server lost an order's events on a live socket (nothing stale, no resync):
    ``wait_for_order`` finds it over REST, and the stream then holds and tells it, as a
    resync does, instead of keeping to itself an order its consumers never heard of."""
    async with client.account_stream(ACCOUNT, config=FAST) as stream:
        events = stream.order_events()
        await until(lambda: stream.snapshot is not None)
        sim.faults.ws_stall = True  # what the server sends now is lost
        cl_ord_id = place(sim, symbol="KO", side="BUY", type="LIMIT", qty="2", price="1.00")
        sim.faults.ws_stall = False
        waiter = asyncio.ensure_future(stream.wait_for_order(cl_ord_id, OrderStatus.FILLED))
        await until(lambda: cl_ord_id in stream.orders)
        told = drain(events)
        assert [(e.order.cl_ord_id, e.order.ord_status, e.resync) for e in told] == [
            (cl_ord_id, OrderStatus.NEW, True)
        ]
        assert not waiter.done()
        fill_now(sim, cl_ord_id)
        order = await asyncio.wait_for(waiter, 5)
        assert order.ord_status == OrderStatus.FILLED
        assert stream.reconnects == 0


async def test_an_unseen_order_found_working_is_then_followed_on_the_stream(
    sim: Simulator, client: AriesClient
) -> None:
    async with client.account_stream(ACCOUNT, config=FAST) as stream:
        await until(lambda: stream.snapshot is not None)
        cl_ord_id = place(sim, symbol="KO", side="BUY", type="LIMIT", qty="2", price="1.00")
        waiter = asyncio.ensure_future(stream.wait_for_order(cl_ord_id, timeout=5))
        await until(lambda: cl_ord_id in stream.orders)
        assert not waiter.done()  # found working (over REST or on the stream): still waiting
        fill_now(sim, cl_ord_id)
        order = await waiter
        assert order.ord_status == OrderStatus.FILLED


async def test_an_accounts_state_shows_what_it_holds_when_printed(sim: Simulator) -> None:
    stream = make_stream(sim)
    book = stream.account(ACCOUNT)
    assert repr(book) == f"AccountBook({ACCOUNT!r}, awaiting its snapshot)"  # not opened yet
    async with stream:
        await until(lambda: stream.snapshot is not None)
        cl_ord_id = place(sim, symbol="KO", side="BUY", type="LIMIT", qty="10", price="1.00")
        await stream.wait_for_order(cl_ord_id, OrderStatus.NEW, timeout=5)
        orders = book.orders
        working = sum(1 for order in orders.values() if not order.is_terminal)
        assert working >= 1
        assert book.balance is not None
        assert repr(book) == (
            f"AccountBook({ACCOUNT!r}, {len(orders)} orders ({working} working), "
            f"{len(book.positions)} positions, cash {book.balance.cash_balance})"
        )
