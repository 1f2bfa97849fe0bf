"""When an account book looks up again the orders a waiter holds in a status the client does
not know, which the server no longer lists (:class:`Relooks`, which
:class:`~aries_async.streaming.account_book.AccountBook` owns; which orders those are is
:meth:`AccountMirror.relooked <aries_async.streaming.mirror.AccountMirror.relooked>`).

Such an order is heard of again only by asking: no snapshot lists it, and the stream may never
tell it again. A lookup at each reconnect would leave a waiter without ``timeout`` waiting for
as long as the connection stays healthy; so each is looked up on a timer of its own instead,
the waits growing by the one backoff rule (:meth:`RetryPolicy.delay
<aries_async.config.RetryPolicy.delay>`, its jitter included) from about a second to about a
minute, while the stream is connected (a wait that ends while it is not ends at the next
connection), until the order's state is known or no waiter holds it. The book makes the
lookup, one at a time per order.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterable
from typing import Any

from aries_async.config import RetryPolicy
from aries_async.streaming._tasks import Spawn

__all__ = ["RELOOK", "Relooks"]

RELOOK = RetryPolicy(initial_backoff=1.0, max_backoff=60.0, multiplier=2.0)
"""The waits before each lookup again of one order: 1, 2, 4 ... 60 s, each shortened by up
to the policy's jitter, so that many orders (or many clients) do not ask at once."""


class Relooks:
    """The timers of one account's orders looked up again.

    Args:
        due: whether an order is still to be looked up again (held, in a status the client
            does not know, not listed).
        look_up: looks an order up and returns once that lookup is done (its outcome is
            the book's: the mirror takes what it found).
        online: set while the stream is connected.
        sleep, rand: as the stream was given them.
        spawn: starts a task owned by the stream's connection (None once it has ended).
    """

    def __init__(
        self,
        *,
        due: Callable[[str], bool],
        look_up: Callable[[str], Awaitable[None]],
        online: asyncio.Event,
        sleep: Callable[[float], Awaitable[Any]],
        rand: Callable[[], float],
        spawn: Spawn,
    ) -> None:
        self._due = due
        self._look_up = look_up
        self._online = online
        self._sleep = sleep
        self._rand = rand
        self._spawn = spawn
        self._tasks: dict[str, asyncio.Task[None]] = {}

    def follow(self, cl_ord_ids: Iterable[str]) -> None:
        """Start the timer of each of ``cl_ord_ids`` that has none (its first lookup about a
        second from now: each has just been looked up)."""
        for cl_ord_id in cl_ord_ids:
            if cl_ord_id not in self._tasks:
                task = self._spawn(self._run(cl_ord_id), "order-relook")
                if task is not None:
                    self._tasks[cl_ord_id] = task

    def cancel(self) -> list[asyncio.Task[None]]:
        """Stop every timer; their tasks, cancelled, for the caller to await."""
        tasks = list(self._tasks.values())
        self._tasks.clear()
        for task in tasks:
            task.cancel()
        return tasks

    async def _run(self, cl_ord_id: str) -> None:
        try:
            attempt = 0
            while self._due(cl_ord_id):
                attempt += 1
                await self._sleep(RELOOK.delay(attempt, self._rand()))
                await self._online.wait()
                if self._due(cl_ord_id):
                    await self._look_up(cl_ord_id)
        finally:
            if self._tasks.get(cl_ord_id) is asyncio.current_task():
                del self._tasks[cl_ord_id]
