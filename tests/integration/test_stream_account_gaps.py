"""AccountStream: orders placed and finished while the stream was down, which a snapshot that
lists working orders only leaves out, are found over REST at the resync (the gap sweep), and a
sweep that cannot be made is told (:class:`GapUnchecked`)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Sequence
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from stream_helpers import CountingLookup, FakeTime, GatedTokens, until

from aries_async.client import AriesClient
from aries_async.config import RetryPolicy
from aries_async.models.events import (
    AccountSnapshot,
    GapUnchecked,
    OrderEvent,
    StreamConnected,
    StreamDisconnected,
)
from aries_async.models.orders import Order, OrderAck, OrderRequest, OrderStatus
from aries_async.sim import ManualClock, ServerErrorFault, Simulator
from aries_async.sim.ws import WsHub
from aries_async.streaming import AccountStream, StreamConfig
from aries_async.streaming.accounts import OrderLookup

ACCOUNT = "TEST-ACCOUNT-001"
FAST = StreamConfig(backoff_initial=0.0, backoff_jitter=0.0)
ACTIVE = ("GET", "/v2/accounts/{id}/orders")
HISTORY = ("GET", "/v2/accounts/{id}/orders/history")
VARIANTS = ["working orders only", "with today's terminal orders"]


@pytest.fixture
async def sim() -> AsyncIterator[Simulator]:
    async with Simulator(seed=9, clock=ManualClock(), tick_interval=None) as s:
        yield s


@pytest.fixture
async def client(sim: Simulator) -> AsyncIterator[AriesClient]:
    config = sim.client_config(retry=RetryPolicy(max_attempts=1))
    async with AriesClient(config, token=sim.issue_token()) as c:
        yield c


def buy(quantity: int = 2) -> OrderRequest:
    """A market buy: the simulator fills it as it is placed."""
    return OrderRequest(
        account_id=ACCOUNT, symbol="KO", side="BUY", type="MARKET", quantity=Decimal(quantity)
    )


class Heard:
    """What a consumer delivered so far, read without waiting."""

    def __init__(self, consumer: Any) -> None:
        self.consumer = consumer
        self.items: list[Any] = []

    def __call__(self) -> list[Any]:
        self.items += [self.consumer.get_nowait() for _ in range(self.consumer.pending)]
        return self.items

    def take(self) -> list[Any]:
        """Everything so far, then forgotten."""
        items, self.items = self(), []
        return items


def told(events: Sequence[Any], cl_ord_id: str | None) -> list[tuple[OrderStatus | None, bool]]:
    """What the order events of ``cl_ord_id`` among ``events`` said: (status, resync)."""
    return [
        (e.order.ord_status, e.resync)
        for e in events
        if isinstance(e, OrderEvent) and e.order.cl_ord_id == cl_ord_id
    ]


def gated_stream(
    sim: Simulator, tokens: GatedTokens, lookup: OrderLookup | None, **kwargs: Any
) -> AccountStream:
    return AccountStream(
        sim.accounts_ws_url, tokens, ACCOUNT, config=FAST, reconcile=lookup, **kwargs
    )


async def down(stream: AccountStream, hub: WsHub, tokens: GatedTokens) -> None:
    """Kill the socket and keep the stream from reconnecting until ``tokens.gate`` opens."""
    await until(lambda: stream.snapshot is not None)
    tokens.gate.clear()
    calls = tokens.calls
    assert hub.drop("accounts") == 1
    await until(lambda: tokens.calls == calls + 1 and not stream.connected)


def on_our_clock(client: AriesClient, fake_time: FakeTime) -> Any:
    """An account stream whose reconnect backoff (a second) runs on ``fake_time``."""
    config = StreamConfig(backoff_initial=1.0, backoff_jitter=0.0)
    return client.account_stream(
        ACCOUNT, config=config, sleep=fake_time.sleep, monotonic=fake_time.clock
    )


async def dropped(stream: AccountStream, hub: WsHub, fake_time: FakeTime) -> None:
    """Drop the socket once the stream has its snapshot: it is down, waiting its backoff on
    our clock."""
    await until(lambda: stream.snapshot is not None)
    assert hub.drop("accounts") == 1
    await until(lambda: fake_time.waiting() == [1.0])


async def placed_while_down(client: AriesClient) -> OrderAck:
    ack = await client.orders.place(buy())
    assert ack.accepted and ack.cl_ord_id
    return ack


async def test_a_replacement_made_and_filled_while_down_is_told_after_the_resync(
    sim: Simulator, hub: WsHub, client: AriesClient, fake_time: FakeTime
) -> None:
    """An order working before the stream opened is replaced while the socket is down, and
    the replacement fills: a new order begun and ended in the gap, which a server gives its
    original's ``createdAt`` (as the simulator does). It is told, and held."""
    sim.faults.snapshot_working_orders_only = True
    resting = OrderRequest(
        account_id=ACCOUNT, symbol="KO", side="BUY", type="LIMIT", quantity=Decimal(2), price="1.00"
    )
    ack = await client.orders.place(resting)
    (order,) = [o for o in await client.orders.active(ACCOUNT) if o.cl_ord_id == ack.cl_ord_id]
    sim.advance(60)  # the stream opens a minute later
    async with on_our_clock(client, fake_time) as stream:
        events = Heard(stream.events())
        await dropped(stream, hub, fake_time)
        sim.advance(60)
        moved = await client.orders.change(order, type="MARKET")
        replacement = sim.state.order(ACCOUNT, moved.cl_ord_id or "")
        assert replacement.status == "FILLED"
        fake_time.advance(1.0)
        await until(lambda: (OrderStatus.FILLED, True) in told(events(), moved.cl_ord_id))
        held = stream.orders[moved.cl_ord_id or ""]
        assert held.ord_status == OrderStatus.FILLED


# -- the user's report ------------------------------------------------------------------------


@pytest.mark.parametrize("variant", VARIANTS)
async def test_an_order_placed_and_filled_while_down_is_told_after_the_resync(
    variant: str, sim: Simulator, hub: WsHub, client: AriesClient, fake_time: FakeTime
) -> None:
    """The report's script: the socket drops, an order is placed and fills, the stream comes
    back. Whichever snapshot the server sends, the order is told (``resync=True``) after the
    resync snapshot, is in ``stream.orders``, and ``wait_for_order`` has it from the stream.
    The snapshot that lists today's terminal orders tells it itself: no REST read at all."""
    working_only = variant == VARIANTS[0]
    sim.faults.snapshot_working_orders_only = working_only
    async with on_our_clock(client, fake_time) as stream:
        events = Heard(stream.events())
        await dropped(stream, hub, fake_time)
        first = stream.snapshot
        ack = await placed_while_down(client)
        assert sim.state.order(ACCOUNT, ack.cl_ord_id or "").status == "FILLED"
        fake_time.advance(1.0)
        await until(lambda: told(events(), ack.cl_ord_id) != [])
        seen = [e for e in events.take() if not isinstance(e, StreamConnected)]
        assert [type(e) for e in seen[:2]] == [AccountSnapshot, StreamDisconnected]
        resync = next(e for e in seen if isinstance(e, AccountSnapshot) and e is not seen[0])
        assert resync.resync and stream.snapshot is not first
        listed = ack.cl_ord_id in {o.cl_ord_id for o in resync.orders}
        assert listed is not working_only
        assert seen.index(resync) < next(
            i for i, e in enumerate(seen) if told([e], ack.cl_ord_id)
        )  # after the snapshot it answers
        assert told(seen, ack.cl_ord_id) == [(OrderStatus.FILLED, True)]
        assert stream.orders[ack.cl_ord_id or ""].cumulative_quantity == Decimal(2)
        reads = sim.requests[ACTIVE]
        assert reads == (1 if working_only else 0)
        order = await stream.wait_for_order(ack, timeout=5)
        assert order.ord_status == OrderStatus.FILLED
        assert sim.requests[ACTIVE] == reads  # from the stream: no lookup of its own
        assert sim.requests[HISTORY] == 0
        assert [e for e in events.take() if isinstance(e, (OrderEvent, GapUnchecked))] == []


async def test_a_waiter_started_while_the_sweep_reads_has_the_order_from_it(
    sim: Simulator, hub: WsHub, client: AriesClient
) -> None:
    """``wait_for_order`` on an order the stream has not seen waits for the resync's sweep
    under way rather than reading the orders itself: one read, and the stream's answer."""
    sim.faults.snapshot_working_orders_only = True
    tokens = GatedTokens(sim)
    release = asyncio.Event()
    asked: list[tuple[list[str | None], datetime | None]] = []

    async def held(
        account_id: str, orders: Sequence[Order], *, changed_since: datetime | None = None
    ) -> list[Order]:
        asked.append(([o.cl_ord_id for o in orders], changed_since))
        await release.wait()
        return await client.orders.reconcile(account_id, orders, changed_since=changed_since)

    async with gated_stream(sim, tokens, held) as stream:
        events = Heard(stream.order_events())
        await down(stream, hub, tokens)
        gap = await placed_while_down(client)
        tokens.gate.set()
        await until(lambda: len(asked) == 1)
        assert asked[0][0] == [] and asked[0][1] is not None  # the sweep, nothing vanished
        waiter = asyncio.ensure_future(stream.wait_for_order(gap, timeout=5))
        for _ in range(10):
            await asyncio.sleep(0)  # the waiter runs up to its wait
        assert not waiter.done()
        release.set()
        order = await waiter
        assert order.ord_status == OrderStatus.FILLED
        assert len(asked) == 1
        assert sim.requests[ACTIVE] == 1
        assert told(events(), gap.cl_ord_id) == [(OrderStatus.FILLED, True)]


async def test_an_order_finished_before_the_stream_opened_is_not_told_at_the_resync(
    sim: Simulator, hub: WsHub, client: AriesClient
) -> None:
    """The sweep tells the orders created since the stream's last sync point (the previous
    snapshot), not those a working-only first snapshot left out: they are no news."""
    sim.faults.snapshot_working_orders_only = True
    before = await client.orders.place(buy(1))
    assert sim.state.order(ACCOUNT, before.cl_ord_id or "").status == "FILLED"
    sim.advance(5.0)  # the stream opens a while later
    tokens = GatedTokens(sim)
    async with gated_stream(sim, tokens, client.orders.reconcile) as stream:
        events = Heard(stream.events())
        await down(stream, hub, tokens)
        gap = await placed_while_down(client)
        tokens.gate.set()
        await until(lambda: told(events(), gap.cl_ord_id) != [])
        assert [e.order.cl_ord_id for e in events() if isinstance(e, OrderEvent)] == [gap.cl_ord_id]
        assert before.cl_ord_id not in stream.orders
        assert gap.cl_ord_id in stream.orders
        assert sim.requests[ACTIVE] == 1


@pytest.mark.parametrize("failures", [1, 2])
async def test_a_sweep_whose_read_fails_is_retried_as_the_lookups_are(
    failures: int, sim: Simulator, hub: WsHub, client: AriesClient
) -> None:
    sim.faults.snapshot_working_orders_only = True
    tokens = GatedTokens(sim)
    stream = gated_stream(sim, tokens, client.orders.reconcile, reconcile_attempts=3)
    async with stream:
        events = Heard(stream.events())
        await down(stream, hub, tokens)
        gap = await placed_while_down(client)
        sim.faults.server_errors["GET /v2/accounts/{id}/orders"] = ServerErrorFault(count=failures)
        tokens.gate.set()
        await until(lambda: told(events(), gap.cl_ord_id) != [])
        assert told(events(), gap.cl_ord_id) == [(OrderStatus.FILLED, True)]
        assert sim.requests[ACTIVE] == failures + 1
        assert [e for e in events() if isinstance(e, GapUnchecked)] == []


async def test_a_sweep_that_keeps_failing_is_told_and_made_again_at_the_next_resync(
    sim: Simulator, hub: WsHub, client: AriesClient
) -> None:
    sim.faults.snapshot_working_orders_only = True
    tokens = GatedTokens(sim)
    stream = gated_stream(sim, tokens, client.orders.reconcile, reconcile_attempts=2)
    async with stream:
        events = Heard(stream.events())
        await down(stream, hub, tokens)
        gap = await placed_while_down(client)
        created = sim.state.order(ACCOUNT, gap.cl_ord_id or "").created_at
        sim.faults.server_errors["GET /v2/accounts/{id}/orders"] = ServerErrorFault(count=None)
        tokens.gate.set()
        await until(lambda: any(isinstance(e, GapUnchecked) for e in events()))
        unchecked = [e for e in events.take() if isinstance(e, (GapUnchecked, OrderEvent))]
        assert [type(e) for e in unchecked] == [GapUnchecked]
        gap_event = unchecked[0]
        assert isinstance(gap_event, GapUnchecked)
        assert gap_event.account_id == ACCOUNT
        assert "ServerError" in gap_event.reason
        at = datetime.fromtimestamp(created, UTC)
        assert at - timedelta(minutes=1) < gap_event.since <= at
        assert sim.requests[ACTIVE] == 2  # reconcile_attempts
        assert gap.cl_ord_id not in stream.orders

        # The server recovers: the next resync checks from the same point, and finds it.
        sim.faults.server_errors.clear()
        await down(stream, hub, tokens)
        tokens.gate.set()
        await until(lambda: told(events(), gap.cl_ord_id) != [])
        assert told(events(), gap.cl_ord_id) == [(OrderStatus.FILLED, True)]
        assert [e for e in events() if isinstance(e, GapUnchecked)] == []
        assert sim.requests[ACTIVE] == 3
        order = await stream.wait_for_order(gap, timeout=5)
        assert order.ord_status == OrderStatus.FILLED
        assert sim.requests[ACTIVE] == 3


async def test_a_lookup_that_cannot_list_the_accounts_orders_only_looks_up_vanished_ones(
    sim: Simulator, hub: WsHub, client: AriesClient
) -> None:
    """A hook written for ``reconcile(account_id, orders)`` keeps working as it did: it is
    asked about the orders that vanished, and the stream does not sweep (the documented
    limit: an order begun and ended in the gap is not told)."""
    sim.faults.snapshot_working_orders_only = True
    tokens = GatedTokens(sim)
    lookup = CountingLookup(client.orders.reconcile, ACCOUNT)
    async with gated_stream(sim, tokens, lookup) as stream:
        events = Heard(stream.events())
        await until(lambda: stream.snapshot is not None)
        body = {"tradingAccountId": ACCOUNT, "timeInForce": "DAY", "symbol": "KO"}
        ack = sim.state.place({**body, "side": "BUY", "type": "LIMIT", "qty": "1", "price": "1"})
        resting = str(ack["clOrdId"])
        await until(lambda: resting in stream.orders)
        await down(stream, hub, tokens)
        sim.state.cancel({**body, "origClOrdId": resting, "side": "BUY", "qty": "1"})
        gap = await placed_while_down(client)
        tokens.gate.set()
        await until(lambda: told(events(), resting)[-1:] == [(OrderStatus.CANCELED, True)])
        assert lookup.asked == [[resting]]
        assert sim.requests[ACTIVE] == 1
        assert told(events(), gap.cl_ord_id) == []


async def test_an_order_placed_and_filled_before_midnight_while_down_is_told_after_it(
    sim: Simulator, hub: WsHub, client: AriesClient, fake_time: FakeTime
) -> None:
    """The socket drops at 23:58 New York, an order is placed and fills, and the stream comes
    back at 00:02: the active orders no longer list it (today's terminal orders only), and the
    snapshot lists working orders only. The sweep still tells it, from the history."""
    sim.faults.snapshot_working_orders_only = True
    sim.advance(sim.state.midnight_ny() + 86_400 - 120 - sim.clock.now())
    async with on_our_clock(client, fake_time) as stream:
        events = Heard(stream.events())
        await dropped(stream, hub, fake_time)
        ack = await placed_while_down(client)
        sim.advance(240)
        assert ack.cl_ord_id not in {o.cl_ord_id for o in await client.orders.active(ACCOUNT)}
        fake_time.advance(1.0)
        await until(lambda: told(events(), ack.cl_ord_id) != [])
        assert told(events.take(), ack.cl_ord_id) == [(OrderStatus.FILLED, True)]
        assert stream.orders[ack.cl_ord_id or ""].ord_status == OrderStatus.FILLED
