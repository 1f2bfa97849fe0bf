"""The routing half of the fan-out: a :class:`Hub` hands each published item to the consumers
(:class:`~aries_async.streaming.fanout.Consumer`) registered for its type, a whole frame at a
time with :meth:`Hub.publish_many` (the hot path of every stream).

The seam with :mod:`~aries_async.streaming.fanout`: a consumer registers itself on creation
(``Hub._register``) and leaves on ``close`` (``Hub._unregister``); the hub calls the consumer's
producer side, ``Consumer._put``, ``Consumer._put_many`` and ``Consumer._finish``. These are the
only private names used across the two modules. This module imports ``Consumer`` for
annotations only, so the two import no cycle.
"""

from __future__ import annotations

import weakref
from types import TracebackType
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from aries_async.streaming.fanout import Consumer

__all__ = ["Hub"]


class Hub:
    """Routes each published item to the consumers registered for its type."""

    def __init__(self) -> None:
        self._consumers: dict[int, weakref.ref[Consumer[Any]]] = {}
        self._routes: dict[type[Any], list[weakref.ref[Consumer[Any]]]] = {}
        self._ended = False
        self._error: BaseException | None = None
        self._error_tb: TracebackType | None = None

    def _register(self, consumer: Consumer[Any]) -> None:
        if self._ended:
            consumer._finish(self._error, self._error_tb)
            return
        key = id(consumer)

        def gone(_ref: weakref.ref[Consumer[Any]], key: int = key) -> None:
            self._consumers.pop(key, None)
            self._routes.clear()

        self._consumers[key] = weakref.ref(consumer, gone)
        self._routes.clear()

    def _unregister(self, consumer: Consumer[Any]) -> None:
        if self._consumers.pop(id(consumer), None) is not None:
            self._routes.clear()

    def _route(self, kind: type[Any]) -> list[weakref.ref[Consumer[Any]]]:
        refs = []
        for ref in self._consumers.values():
            consumer = ref()
            if consumer is not None and kind in consumer.types:
                refs.append(ref)
        self._routes[kind] = refs
        return refs

    @property
    def consumers(self) -> int:
        """Live consumers."""
        return len(self._consumers)

    def wants(self, kind: type[Any]) -> bool:
        """Whether any consumer takes items of ``kind``."""
        routes = self._routes.get(kind)
        if routes is None:
            routes = self._route(kind)
        return bool(routes)

    def publish(self, item: Any) -> None:
        """Hand ``item`` to every consumer that takes its type."""
        routes = self._routes.get(type(item))
        if routes is None:
            routes = self._route(type(item))
        for ref in routes:
            consumer = ref()
            if consumer is not None:
                consumer._put(item)

    def publish_many(self, items: list[Any]) -> None:
        """Hand ``items`` (in order) to every consumer that takes their types; each consumer
        receives its share as one batch (same result as :meth:`publish` item by item)."""
        if len(items) < 2:
            if items:
                self.publish(items[0])
            return
        kinds = set(map(type, items))
        if len(kinds) == 1:
            kind = type(items[0])
            routes = self._routes.get(kind)
            if routes is None:
                routes = self._route(kind)
            for ref in routes:
                consumer = ref()
                if consumer is not None:
                    consumer._put_many(items)
            return
        for ref in list(self._consumers.values()):
            consumer = ref()
            if consumer is None:
                continue
            types = consumer.types
            if types.isdisjoint(kinds):
                continue
            share = [item for item in items if type(item) in types]
            if share:
                consumer._put_many(share)

    def end(self, error: BaseException | None) -> None:
        """End every consumer (after its buffer) with ``error`` or normally; idempotent."""
        if self._ended:
            return
        self._ended = True
        self._error = error
        self._error_tb = error.__traceback__ if error is not None else None
        for ref in list(self._consumers.values()):
            consumer = ref()
            if consumer is not None:
                consumer._finish(error, self._error_tb)
        self._consumers.clear()
        self._routes.clear()
