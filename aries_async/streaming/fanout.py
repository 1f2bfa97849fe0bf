"""Fan-out of stream items to any number of consumers, each with a bounded buffer and a policy.

Policies:

``conflate`` (market data)
    Items queue in order up to ``limit``. Beyond that the consumer is *slow*: further items
    are kept as the latest one per key (item type and symbol; partial quote/trade updates are
    merged, so no field is lost, only intermediate values; one stamped before the kept one, a
    late update, is left out, its time compared as an instant whatever its wire form).
    :attr:`Consumer.conflated` counts the updates folded that way. Items without a symbol
    (status changes, server errors, unknown messages) cannot be conflated: the newest
    ``limit`` of them are kept, in order, and
    :attr:`Consumer.dropped` counts the older ones that fell out. A key's latest item comes
    after every such item that arrived before it (a quote from after a reconnect is delivered
    after the reconnect's status events, with the fields it merged). Memory stays within twice
    ``limit`` plus one item per key.

``lossless`` (account events)
    Items queue in order up to ``limit``; one more and the consumer fails with
    :class:`~aries_async.errors.StreamOverflowError` after delivering what it holds. Nothing is
    dropped silently.

``drop_oldest`` (status events)
    A small ring buffer; :attr:`Consumer.dropped` counts what fell out.

Delivery is batched where it can be: :meth:`Hub.publish_many` (the hub is in
:mod:`~aries_async.streaming.hub`, and importable from here) hands a whole decoded frame to
each consumer at once (one buffer extend and one wake-up per frame instead of per item), with
the same policies and order as publishing the items one by one.

Consumers are held weakly by the hub: an iterator you stop using (``break`` out of
``async for``) is unregistered as soon as it is garbage, and :meth:`Consumer.close` does it at
once.

The seam with :mod:`~aries_async.streaming.hub`: ``Consumer._put``, ``Consumer._put_many`` and
``Consumer._finish`` (the producer side) are called by the hub, and a consumer calls
``Hub._register`` and ``Hub._unregister``; no other private name crosses the two modules.
"""

from __future__ import annotations

import collections
from collections.abc import AsyncIterator, Iterable
from types import TracebackType
from typing import Any, Generic, TypeVar

from aries_async._closing import AsyncClosing
from aries_async._settings import optional_count
from aries_async._validate import require_count
from aries_async.errors import StreamOverflowError, ValidationError
from aries_async.models._wire import Wire, stamped_before
from aries_async.streaming._parking import Parking
from aries_async.streaming.hub import Hub

__all__ = ["Consumer", "Hub"]

T = TypeVar("T")

_CONFLATE = "conflate"
_LOSSLESS = "lossless"
_DROP_OLDEST = "drop_oldest"


class Consumer(AsyncClosing, Parking, Generic[T]):
    """An async iterator over one consumer's share of a stream.

    Iteration ends (``StopAsyncIteration``) when the stream is closed normally or
    :meth:`close` is called; it raises the stream's fatal error (for example
    :class:`~aries_async.errors.StreamAuthError`) after the buffered items were delivered.
    See the module docstring for what a slow consumer loses under each policy. Several tasks
    may iterate one consumer (a pool of workers): each item goes to one of them, and all of
    them end with the stream.

    Attributes:
        conflated: updates replaced by a newer one for the same key (``conflate`` policy).
        dropped: items that fell out of the buffer: status events (``drop_oldest`` policy),
            or, once a ``conflate`` consumer is slow, items without a symbol beyond ``limit``.
        delivered: items handed to you so far.
    """

    def __init__(
        self,
        hub: Hub,
        types: Iterable[type[Any]],
        *,
        policy: str,
        limit: int,
        symbols: Iterable[str] | None = None,
    ) -> None:
        self._hub = hub
        self.types: frozenset[type[Any]] = frozenset(types)
        self.symbols: frozenset[str] | None = frozenset(symbols) if symbols is not None else None
        self._policy = policy
        self._limit = require_count(limit, "buffer")
        self._queue: collections.deque[Any] = collections.deque()
        self._overflow: dict[Any, Any] | None = None
        self._unkeyed: collections.deque[object] | None = None  # overflow keys, oldest first
        self._marks = 0  # items without a symbol conflated so far (while slow)
        self._since: dict[object, int] = {}  # key -> _marks when its entry was placed
        Parking.__init__(self)
        self._done = False
        self._error: BaseException | None = None
        self._error_tb: TracebackType | None = None
        self.conflated: int = 0
        self.dropped: int = 0
        self.delivered: int = 0
        hub._register(self)

    def __repr__(self) -> str:
        # What a notebook shows of a consumer: what it takes and how far it has got.
        kinds = ", ".join(sorted(kind.__name__ for kind in self.types))
        parts = [f"Consumer of {kinds}"]
        if self.symbols is not None:
            parts.append("symbols " + ", ".join(sorted(self.symbols)))
        counts = [f"{self.pending} pending", f"{self.delivered} delivered"]
        counts += [f"{self.conflated} conflated"] * bool(self.conflated)
        counts += [f"{self.dropped} dropped"] * bool(self.dropped)
        parts.append(", ".join(counts))
        if self._done:
            parts.append("ended")
        return f"<{'; '.join(parts)}>"

    # -- producer side (called by the hub) --------------------------------------------------

    def _put(self, item: Any) -> None:
        if self._done:
            return
        symbols = self.symbols
        if symbols is not None and getattr(item, "symbol", None) not in symbols:
            return
        queue = self._queue
        if self._overflow is None and len(queue) < self._limit:
            queue.append(item)
        elif not self._accept(item):
            return
        waiter = self._waiter  # _wake(), inlined: this runs for every item of a stream
        if waiter is not None and not waiter.done():
            waiter.set_result(None)

    def _put_many(self, items: list[Any]) -> None:
        """Like ``_put`` for each item in order, with one wake-up."""
        if self._done:
            return
        symbols = self.symbols
        if symbols is not None:
            items = [item for item in items if getattr(item, "symbol", None) in symbols]
            if not items:
                return
        queue = self._queue
        if self._overflow is None and len(queue) + len(items) <= self._limit:
            queue.extend(items)
        else:
            for item in items:
                if self._overflow is None and len(queue) < self._limit:
                    queue.append(item)
                elif not self._accept(item):
                    return
        self._wake()

    def _accept(self, item: Any) -> bool:
        """The buffer is full: apply the policy; False when the consumer failed."""
        if self._policy == _CONFLATE:
            self._conflate(item)
        elif self._policy == _DROP_OLDEST:
            queue = self._queue
            queue.append(item)
            while len(queue) > self._limit:
                queue.popleft()
                self.dropped += 1
        else:
            self._finish(
                StreamOverflowError(
                    f"consumer fell {self._limit} events behind; raise "
                    "StreamConfig.account_buffer or consume faster"
                )
            )
            self._hub._unregister(self)
            return False
        return True

    def _conflate(self, item: Any) -> None:
        overflow = self._overflow
        if overflow is None:
            overflow = self._overflow = {}
        symbol = getattr(item, "symbol", None)
        if symbol is None or not hasattr(item, "data"):
            # Status and error events are never conflated: the newest ``limit`` are kept.
            unkeyed = self._unkeyed
            if unkeyed is None:
                unkeyed = self._unkeyed = collections.deque()
            key = object()
            overflow[key] = item
            unkeyed.append(key)
            self._marks += 1
            if len(unkeyed) > self._limit:
                del overflow[unkeyed.popleft()]
                self.dropped += 1
            return
        key = (type(item), symbol)
        previous = overflow.get(key)
        marks = self._marks
        if previous is None:
            overflow[key] = item
            if marks:
                self._since[key] = marks
            return
        self.conflated += 1
        if isinstance(item, Wire) and stamped_before(item, previous):
            return  # a late update: the newer one stays the latest
        merge = getattr(previous, "merged", None)
        if marks and self._since.get(key, 0) != marks:
            # An item without a symbol came after this entry: the update goes after it.
            del overflow[key]
            self._since[key] = marks
        overflow[key] = merge(item) if merge is not None else item

    def _finish(self, error: BaseException | None, traceback: TracebackType | None = None) -> None:
        """End after the buffer, normally or raising ``error`` with ``traceback`` (the one it
        had when the stream ended: each consumer's raise adds its own frames to that alone)."""
        if self._done:
            return
        self._done = True
        self._error, self._error_tb = error, traceback
        self._wake()

    # -- consumer side ------------------------------------------------------------------------

    @property
    def pending(self) -> int:
        """Items buffered and not yet delivered."""
        return len(self._queue) + (len(self._overflow) if self._overflow else 0)

    def __aiter__(self) -> Consumer[T]:
        return self

    async def __anext__(self) -> T:
        while True:
            queue = self._queue
            if queue:
                self.delivered += 1
                item: T = queue.popleft()
                return item
            if self._refill():
                continue
            await self._wait()

    async def next_batch(self, limit: int | None = None) -> list[T]:
        """Everything buffered (at most ``limit`` items), waiting for the first item.

        The items and their order are those that ``async for`` would deliver one by one; a
        batch takes the queued items, or, once those are gone, the conflated latest ones. One
        wait per batch instead of one ``async for`` step per item is cheaper for a consumer
        that keeps up with a busy stream.

        Raises:
            StopAsyncIteration: the stream ended normally and nothing is left.
            ValidationError: ``limit`` is not None nor a whole number of at least 1.
            StreamError: the stream's fatal error, once nothing is left (as ``async for``).
        """
        optional_count(limit, "limit", error=ValidationError)
        while True:
            queue = self._queue
            if queue or self._refill():
                if limit is None or len(queue) <= limit:
                    batch = list(queue)
                    queue.clear()
                else:
                    batch = [queue.popleft() for _ in range(limit)]
                self.delivered += len(batch)
                return batch
            await self._wait()

    def _refill(self) -> bool:
        """The queue is empty: move the conflated latest items into it; whether there were any."""
        overflow = self._overflow
        if not overflow:
            return False
        self._queue.extend(overflow.values())
        self._overflow = None
        self._unkeyed = None
        self._marks = 0
        self._since = {}
        return True

    async def _wait(self) -> None:
        """Nothing is buffered: end (normally or with the stream's error), or wait for more."""
        if self._done:
            error, self._error = self._error, None
            if error is not None:
                raise error.with_traceback(self._error_tb)
            raise StopAsyncIteration
        await self._park()

    async def batches(self, limit: int | None = None) -> AsyncIterator[list[T]]:
        """``async for batch in consumer.batches():`` lists of items (see :meth:`next_batch`),
        until the stream ends; the stream's fatal error is raised as ``async for`` would."""
        while True:
            try:
                batch = await self.next_batch(limit)
            except StopAsyncIteration:
                return
            yield batch

    def get_nowait(self) -> T | None:
        """The next buffered item, or None when nothing is buffered (never waits)."""
        if self._queue or self._refill():
            self.delivered += 1
            item: T = self._queue.popleft()
            return item
        return None

    def close(self) -> None:
        """Stop receiving; a pending ``__anext__`` ends with ``StopAsyncIteration``."""
        self._hub._unregister(self)
        self._queue.clear()
        self._overflow = None
        self._unkeyed = None
        self._finish(None)

    async def aclose(self) -> None:
        """Same as :meth:`close` (``async with`` and ``contextlib.aclosing`` call it)."""
        self.close()
