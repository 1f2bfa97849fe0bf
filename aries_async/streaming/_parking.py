"""The waiting half of a stream buffer: tasks park until a producer wakes them."""

from __future__ import annotations

import asyncio

__all__ = ["Parking"]


class Parking:
    """A slot for parked tasks: :meth:`_park` waits until :meth:`_wake` (from a producer, or a
    receive callback) resolves it; waking with nobody parked does nothing.

    Usually one task parks. When several do (tasks sharing one consumer), each wake-up wakes
    them all: each looks at the buffer again and parks again if another took what was there,
    so none is left waiting for good.
    """

    __slots__ = ("_waiter",)

    def __init__(self) -> None:
        self._waiter: asyncio.Future[None] | None = None

    async def _park(self) -> None:
        waiter = asyncio.get_running_loop().create_future()
        current = self._waiter
        if current is not None and not current.done():
            # Another task is parked: wake with it (a producer resolves only the slot's future).
            current.add_done_callback(lambda _: _resolve(waiter))
            await waiter
            return
        self._waiter = waiter
        try:
            await waiter
        finally:
            if self._waiter is waiter:
                self._waiter = None

    def _wake(self) -> None:
        waiter = self._waiter
        if waiter is not None and not waiter.done():
            waiter.set_result(None)


def _resolve(waiter: asyncio.Future[None]) -> None:
    if not waiter.done():  # a task that was cancelled while parked
        waiter.set_result(None)
