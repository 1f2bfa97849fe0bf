"""Fan-out policies: conflation, lossless overflow, drop-oldest, weak registration, ends."""

from __future__ import annotations

import asyncio
import gc

import pytest

from aries_async.errors import StreamAuthError, StreamOverflowError
from aries_async.models.events import QuoteUpdate, StreamConnected
from aries_async.streaming.fanout import Consumer, Hub


def quote(symbol: str, bid: float) -> QuoteUpdate:
    return QuoteUpdate(symbol, {"bidPrice": bid})


def drain(consumer: Consumer[object]) -> list[object]:
    out = []
    while (item := consumer.get_nowait()) is not None:
        out.append(item)
    return out


def test_fast_consumer_gets_everything_in_order() -> None:
    hub = Hub()
    c: Consumer[QuoteUpdate] = Consumer(hub, [QuoteUpdate], policy="conflate", limit=10)
    for i in range(5):
        hub.publish(quote("A", i))
    assert [q.bid_price for q in drain(c)] == [0, 1, 2, 3, 4]  # type: ignore[attr-defined]
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
    assert got[-1].bid_price == 999  # type: ignore[attr-defined]
    assert c.conflated == 4000 - len(got)


def test_status_events_are_never_conflated() -> None:
    hub = Hub()
    c: Consumer[object] = Consumer(hub, [QuoteUpdate, StreamConnected], policy="conflate", limit=1)
    hub.publish(quote("A", 1))
    hub.publish(StreamConnected(attempt=2, reconnect=True, at=0))
    hub.publish(StreamConnected(attempt=3, reconnect=True, at=0))
    assert len(drain(c)) == 3


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
