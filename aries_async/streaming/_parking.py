"""The waiting half of a stream buffer: one task parks until a producer wakes it."""

from __future__ import annotations

import asyncio

__all__ = ["Parking"]


class Parking:
    """A slot for one parked task: :meth:`_park` waits until :meth:`_wake` (from a producer,
    or a receive callback) resolves it; waking with nobody parked does nothing."""

    __slots__ = ("_waiter",)

    def __init__(self) -> None:
        self._waiter: asyncio.Future[None] | None = None

    async def _park(self) -> None:
        waiter = asyncio.get_running_loop().create_future()
        self._waiter = waiter
        try:
            await waiter
        finally:
            self._waiter = None

    def _wake(self) -> None:
        waiter = self._waiter
        if waiter is not None and not waiter.done():
            waiter.set_result(None)
