"""Fan-out policies: conflation, lossless overflow, drop-oldest, weak registration, ends; and
Hub.publish_many (one decoded frame at once) behaving exactly like publish() item by item."""

from __future__ import annotations

import asyncio
import gc
from decimal import Decimal
from typing import Any, TypeVar

import pytest

from aries_async.errors import StreamAuthError, StreamOverflowError, ValidationError
from aries_async.models.events import (
    ChartTrade,
    QuoteUpdate,
    StreamConnected,
    StreamDisconnected,
    TradeUpdate,
)
from aries_async.streaming.fanout import Consumer, Hub


def quote(symbol: str, bid: float) -> QuoteUpdate:
    return QuoteUpdate(symbol, {"bidPrice": bid})


T = TypeVar("T")


def drain(consumer: Consumer[T]) -> list[T]:
    out = []
    while (item := consumer.get_nowait()) is not None:
        out.append(item)
    return out


def test_fast_consumer_gets_everything_in_order() -> None:
    hub = Hub()
    c: Consumer[QuoteUpdate] = Consumer(hub, [QuoteUpdate], policy="conflate", limit=10)
    for i in range(5):
        hub.publish(quote("A", i))
    assert [q.bid_price for q in drain(c)] == [0, 1, 2, 3, 4]
    assert c.conflated == 0


def test_slow_consumer_conflates_per_symbol_and_stays_bounded() -> None:
    hub = Hub()
    c: Consumer[QuoteUpdate] = Consumer(hub, [QuoteUpdate], policy="conflate", limit=3)
    for i in range(1000):
        for symbol in ("A", "B", "C", "D"):
            hub.publish(quote(symbol, i))
    assert c.pending <= 3 + 4
    got = drain(c)
    assert [q.symbol for q in got][-4:] == ["D", "A", "B", "C"] or len(got) == 7
    assert got[-1].bid_price == 999
    assert c.conflated == 4000 - len(got)


NEWER, OLDER = 1_768_489_201_000, 1_768_489_200_500  # Unix ms, half a second apart
TIMES: dict[str, tuple[Any, Any]] = {  # the raw wire values, kept as sent
    "ms": (NEWER, OLDER),
    "s": (NEWER // 1000, NEWER // 1000 - 1),
    "iso": ("2026-01-15T15:00:01.000Z", "2026-01-15T15:00:00.500Z"),
    "mixed": ("2026-01-15T15:00:01Z", OLDER),
}


@pytest.mark.parametrize("form", sorted(TIMES))
def test_a_late_update_is_left_out_of_the_conflated_one_whatever_its_time_s_form(
    form: str,
) -> None:
    """Envelope times as Unix ms, seconds or RFC 3339 (or one of each): the late update is
    told by the instant, not by the raw wire value."""
    newer, older = TIMES[form]
    hub = Hub()
    c: Consumer[QuoteUpdate] = Consumer(hub, [QuoteUpdate], policy="conflate", limit=1)
    hub.publish(QuoteUpdate("AAPL", {"bidPrice": 1}, older))
    hub.publish(QuoteUpdate("AAPL", {"bidPrice": 3}, newer))
    hub.publish(QuoteUpdate("AAPL", {"bidPrice": 2}, older))  # late
    assert [q.bid_price for q in drain(c)] == [1, 3]
    assert c.conflated == 1


@pytest.mark.parametrize("form", ["s", "ms", "iso"])
def test_a_late_chart_trade_is_told_by_its_t_without_an_envelope_time(form: str) -> None:
    t = {"s": (1_768_489_201, 1_768_489_200), "ms": TIMES["ms"], "iso": TIMES["iso"]}[form]
    hub = Hub()
    c: Consumer[ChartTrade] = Consumer(hub, [ChartTrade], policy="conflate", limit=1)
    for price, when in ((1, t[1]), (3, t[0]), (2, t[1])):
        hub.publish(ChartTrade("AAPL", {"s": "ok", "t": when, "lp": price, "v": 100}))
    assert [trade.price for trade in drain(c)] == [1, 3]
    assert ChartTrade("AAPL", {"t": t[0]}).order_ms == 1_768_489_201_000


def test_status_events_are_never_conflated() -> None:
    hub = Hub()
    c: Consumer[object] = Consumer(hub, [QuoteUpdate, StreamConnected], policy="conflate", limit=2)
    hub.publish(quote("A", 1))
    for attempt in range(2, 5):
        hub.publish(StreamConnected(attempt=attempt, reconnect=True, at=0))
    assert len(drain(c)) == 4
    assert (c.conflated, c.dropped) == (0, 0)


def test_an_update_after_a_status_event_is_delivered_after_it() -> None:
    """A slow consumer holds A's latest quote from before a reconnect; A's quote from after it
    is delivered after the status events (with what it merged), never before them."""
    hub = Hub()
    kinds = [QuoteUpdate, StreamDisconnected, StreamConnected]
    c: Consumer[object] = Consumer(hub, kinds, policy="conflate", limit=2)
    hub.publish(quote("Y", 0))
    hub.publish(quote("Z", 0))  # the queue is full: what follows is conflated
    hub.publish(QuoteUpdate("A", {"bidPrice": 1, "askPrice": 2}))
    hub.publish(quote("B", 1))
    hub.publish(StreamDisconnected(reason="lost", will_reconnect=True, retry_in=0.0, at=0))
    hub.publish(StreamConnected(attempt=2, reconnect=True, at=0))
    hub.publish(quote("A", 3))
    got = drain(c)
    shown = [
        type(item).__name__
        if isinstance(item, (StreamDisconnected, StreamConnected))
        else getattr(item, "symbol", None)
        for item in got
    ]
    assert shown == ["Y", "Z", "B", "StreamDisconnected", "StreamConnected", "A"]
    assert (got[-1].bid_price, got[-1].ask_price) == (3, 2)  # type: ignore[attr-defined]
    assert (c.conflated, c.dropped) == (1, 0)


def test_lossless_consumer_raises_overflow_after_delivering_what_it_holds() -> None:
    hub = Hub()
    c: Consumer[QuoteUpdate] = Consumer(hub, [QuoteUpdate], policy="lossless", limit=2)
    for i in range(3):
        hub.publish(quote("A", i))

    async def run() -> list[QuoteUpdate]:
        got = [await anext(c), await anext(c)]
        with pytest.raises(StreamOverflowError):
            await anext(c)
        return got

    assert len(asyncio.run(run())) == 2
    assert hub.consumers == 0


def test_drop_oldest_counts_drops() -> None:
    hub = Hub()
    c: Consumer[object] = Consumer(hub, [StreamConnected], policy="drop_oldest", limit=2)
    for i in range(5):
        hub.publish(StreamConnected(attempt=i, reconnect=True, at=0))
    assert c.dropped == 3
    assert [e.attempt for e in drain(c)] == [3, 4]  # type: ignore[attr-defined]


def test_abandoned_consumers_are_unregistered() -> None:
    hub = Hub()
    c: Consumer[QuoteUpdate] = Consumer(hub, [QuoteUpdate], policy="conflate", limit=2)
    assert hub.consumers == 1
    del c
    gc.collect()
    assert hub.consumers == 0


def test_end_wakes_waiters_normally_or_with_the_error() -> None:
    async def run() -> None:
        hub = Hub()
        normal: Consumer[QuoteUpdate] = Consumer(hub, [QuoteUpdate], policy="conflate", limit=2)
        task = asyncio.create_task(anext(normal))
        await asyncio.sleep(0)
        hub.end(None)
        with pytest.raises(StopAsyncIteration):
            await task
        hub2 = Hub()
        failing: Consumer[QuoteUpdate] = Consumer(hub2, [QuoteUpdate], policy="lossless", limit=2)
        hub2.publish(quote("A", 1))
        hub2.end(StreamAuthError("refused"))
        assert (await anext(failing)).symbol == "A"
        with pytest.raises(StreamAuthError):
            await anext(failing)
        late: Consumer[QuoteUpdate] = Consumer(hub2, [QuoteUpdate], policy="lossless", limit=2)
        with pytest.raises(StreamAuthError):
            await anext(late)

    asyncio.run(run())


def test_tasks_sharing_one_consumer_each_wake_and_all_end_with_the_stream() -> None:
    async def run() -> None:
        hub = Hub()
        shared: Consumer[QuoteUpdate] = Consumer(hub, [QuoteUpdate], policy="lossless", limit=9)
        got: list[list[str]] = [[], [], []]

        async def worker(mine: list[str]) -> None:
            async for item in shared:
                mine.append(item.symbol)
                for _ in range(8):  # busy: an idle worker takes the next item
                    await asyncio.sleep(0)

        workers = [asyncio.create_task(worker(mine)) for mine in got]
        for symbol in "ABCDEF":
            for _ in range(3):  # every worker parks (or works) before the next item
                await asyncio.sleep(0)
            hub.publish(quote(symbol, 1))
        hub.end(None)
        for _ in range(20):
            await asyncio.sleep(0)
        waiting = [task for task in workers if not task.done()]
        for task in waiting:
            task.cancel()
        assert waiting == []  # none is left parked when the stream ends
        assert sorted(s for mine in got for s in mine) == list("ABCDEF")  # each item once
        assert all(got)  # shared out: the idle workers were woken too

    asyncio.run(run())


def test_a_task_parked_before_the_woken_one_resumed_is_still_woken() -> None:
    async def run() -> None:
        hub = Hub()
        shared: Consumer[QuoteUpdate] = Consumer(hub, [QuoteUpdate], policy="lossless", limit=9)

        async def next_symbol() -> str:
            try:
                return (await anext(shared)).symbol
            except StopAsyncIteration:
                return "end"

        async def publish_take_and_park() -> str:
            hub.publish(quote("A", 1))  # wakes ``first``, which has not run yet
            assert (await anext(shared)).symbol == "A"  # taken meanwhile, without a wait
            return await next_symbol()  # parks before ``first`` runs again

        first = asyncio.create_task(next_symbol())
        await asyncio.sleep(0)  # parked
        second = asyncio.create_task(publish_take_and_park())
        for _ in range(3):  # ``first`` finds nothing and parks again
            await asyncio.sleep(0)
        hub.publish(quote("B", 1))
        hub.end(None)
        for _ in range(5):
            await asyncio.sleep(0)
        outcomes = [task.result() if task.done() else "waiting" for task in (first, second)]
        for task in (first, second):
            task.cancel()
        assert sorted(outcomes) == ["B", "end"]

    asyncio.run(run())


def trade(symbol: str, price: float) -> TradeUpdate:
    return TradeUpdate(symbol, {"price": price})


def _consumers(hub: Hub) -> list[Consumer[Any]]:
    return [
        Consumer(hub, [QuoteUpdate], policy="conflate", limit=5),
        Consumer(hub, [QuoteUpdate, TradeUpdate], policy="conflate", limit=50),
        Consumer(hub, [TradeUpdate], policy="conflate", limit=3, symbols=["B"]),
        Consumer(hub, [QuoteUpdate, StreamConnected], policy="drop_oldest", limit=4),
    ]


def _frames() -> list[list[Any]]:
    frames: list[list[Any]] = []
    for i in range(12):
        frame: list[Any] = [quote(s, i) for s in ("A", "B", "C")]
        if i % 3 == 0:
            frame.insert(1, trade("B", i))
        if i == 5:
            frame.append(StreamConnected(attempt=2, reconnect=True, at=0))
        frames.append(frame)
    frames.append([quote("A", 99)])  # a one-item frame
    frames.append([])
    return frames


def _observe(consumers: list[Consumer[Any]]) -> list[tuple[Any, ...]]:
    return [
        (
            [(type(i).__name__, getattr(i, "symbol", None), id(i)) for i in drain(c)],
            c.conflated,
            c.dropped,
        )
        for c in consumers
    ]


def test_publish_many_matches_publish_item_by_item() -> None:
    frames = _frames()
    one_by_one, batched = Hub(), Hub()
    a, b = _consumers(one_by_one), _consumers(batched)
    for frame in frames:
        for item in frame:
            one_by_one.publish(item)
        batched.publish_many(frame)
    expected, got = _observe(a), _observe(b)
    assert got == expected
    assert any(conflated for _, conflated, _ in got)  # the policies were exercised
    assert any(dropped for _, _, dropped in got)


def test_batch_crossing_the_limit_queues_then_conflates() -> None:
    hub = Hub()
    c: Consumer[QuoteUpdate] = Consumer(hub, [QuoteUpdate], policy="conflate", limit=3)
    hub.publish_many(
        [quote("A", 1), quote("B", 1), quote("A", 2), quote("A", 3), quote("B", 2), quote("A", 4)]
    )
    assert c.conflated == 1  # A3 was replaced by A4 once the buffer was full
    got = [(q.symbol, q.bid_price) for q in drain(c)]
    assert got == [(s, Decimal(b)) for s, b in [("A", 1), ("B", 1), ("A", 2), ("A", 4), ("B", 2)]]


def test_lossless_overflow_mid_batch_fails_after_what_fits() -> None:
    hub = Hub()
    c: Consumer[QuoteUpdate] = Consumer(hub, [QuoteUpdate], policy="lossless", limit=2)
    hub.publish_many([quote("A", 1), quote("A", 2), quote("A", 3), quote("A", 4)])
    assert hub.consumers == 0

    async def run() -> list[QuoteUpdate]:
        got = [await anext(c), await anext(c)]
        with pytest.raises(StreamOverflowError):
            await anext(c)
        return got

    assert [q.bid_price for q in asyncio.run(run())] == [1, 2]


def test_one_wake_up_per_batch_and_waiter_sees_the_whole_frame() -> None:
    async def run() -> None:
        hub = Hub()
        c: Consumer[QuoteUpdate] = Consumer(hub, [QuoteUpdate], policy="conflate", limit=100)
        task = asyncio.create_task(anext(c))
        await asyncio.sleep(0)
        hub.publish_many([quote("A", 1), quote("B", 2)])
        assert (await task).symbol == "A"
        assert c.pending == 1 and c.delivered == 1

    asyncio.run(run())


async def _items_one_by_one(consumer: Consumer[Any]) -> list[Any]:
    return [item async for item in consumer]


async def _items_in_batches(consumer: Consumer[Any], limit: int | None) -> list[Any]:
    out: list[Any] = []
    async for batch in consumer.batches(limit):
        assert batch and (limit is None or len(batch) <= limit)
        out.extend(batch)
    return out


@pytest.mark.parametrize("limit", [None, 1, 2, 7])
def test_batches_deliver_what_async_for_delivers_in_the_same_order(limit: int | None) -> None:
    async def run() -> None:
        observed = []
        for by_batch in (False, True):
            hub = Hub()
            consumers = _consumers(hub)
            for frame in _frames():  # more than the smaller buffers hold: conflation too
                hub.publish_many(frame)
            hub.end(None)
            got = []
            for c in consumers:
                items = await (_items_in_batches(c, limit) if by_batch else _items_one_by_one(c))
                seen = [
                    (type(i).__name__, getattr(i, "symbol", None), getattr(i, "data", None) or i)
                    for i in items
                ]
                got.append((seen, c.delivered, c.conflated, c.dropped))
            observed.append(got)
        assert observed[0] == observed[1]
        assert any(conflated for _, _, conflated, _ in observed[0])

    asyncio.run(run())


def test_a_batch_waits_for_the_first_item_and_takes_the_whole_frame() -> None:
    async def run() -> None:
        hub = Hub()
        c: Consumer[QuoteUpdate] = Consumer(hub, [QuoteUpdate], policy="conflate", limit=100)
        task = asyncio.create_task(c.next_batch())
        await asyncio.sleep(0)
        assert not task.done()
        hub.publish_many([quote("A", 1), quote("B", 2), quote("C", 3)])
        assert [q.symbol for q in await task] == ["A", "B", "C"]
        assert c.pending == 0 and c.delivered == 3
        with pytest.raises(ValueError, match="limit"):
            await c.next_batch(0)

    asyncio.run(run())


def test_batches_end_with_the_stream_error_after_the_buffered_items() -> None:
    async def run() -> None:
        hub = Hub()
        c: Consumer[QuoteUpdate] = Consumer(hub, [QuoteUpdate], policy="lossless", limit=10)
        hub.publish_many([quote("A", 1), quote("B", 2)])
        hub.end(StreamAuthError("refused"))
        batches = c.batches()
        assert [q.symbol for q in await anext(batches)] == ["A", "B"]
        with pytest.raises(StreamAuthError):
            await anext(batches)

    asyncio.run(run())


@pytest.mark.parametrize("limit", [0, -1, 2.5, True, None])
def test_a_buffer_below_one_or_not_a_whole_number_is_refused(limit: Any) -> None:
    hub = Hub()
    with pytest.raises(ValidationError, match="buffer") as info:
        Consumer(hub, [QuoteUpdate], policy="conflate", limit=limit)
    assert info.value.field == "buffer"
    assert hub.consumers == 0


def test_conflated_partial_updates_keep_every_field_sent() -> None:
    hub = Hub()
    c: Consumer[QuoteUpdate] = Consumer(hub, [QuoteUpdate], policy="conflate", limit=1)
    hub.publish(quote("B", 0))  # fills the buffer: the quotes below wait in the overflow
    hub.publish(QuoteUpdate("A", {"bidPrice": 1.5, "askPrice": 1.7, "bidSize": 3}))
    hub.publish(QuoteUpdate("A", {"bidPrice": 1.6}))
    hub.publish(QuoteUpdate("A", {"askPrice": 1.8}))
    got = drain(c)
    assert [q.symbol for q in got] == ["B", "A"] and c.conflated == 2
    latest = got[-1]
    assert (latest.bid_price, latest.ask_price) == (Decimal("1.6"), Decimal("1.8"))
    assert latest.bid_size == 3
