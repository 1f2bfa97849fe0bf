"""The calls a transport has in flight (:class:`InFlight`): its ``close()`` ends them wherever
they wait, and their attempts tell its cancellation apart from anyone else's."""

from __future__ import annotations

import asyncio
from typing import Any

__all__ = ["InFlight"]


class InFlight:
    """The tasks in an attempt of one transport, and those its close cancelled.

    A closing transport cancels them, as ``asyncio.timeout()`` does: what they wait for (a
    turn under the rate limit, a pooled connection aiohttp asks for again) may never end by
    itself once the session is closed. Each cancellation is counted, so that the attempt can
    tell it from one of its caller's (:meth:`cut_short`) and take it back when the attempt
    ended otherwise (:meth:`leave`).
    """

    __slots__ = ("_cut", "_tasks")

    def __init__(self) -> None:
        self._tasks: set[asyncio.Task[Any]] = set()
        self._cut: set[asyncio.Task[Any]] = set()
        """Those the close cancelled, until their cancellation is seen (or taken back)."""

    def enter(self, task: asyncio.Task[Any]) -> None:
        """``task`` is in an attempt until :meth:`leave`."""
        self._tasks.add(task)

    def leave(self, task: asyncio.Task[Any]) -> None:
        """``task``'s attempt ended: the close's cancellation of it, if not seen (it came as
        another error, or was swallowed on the way), is taken back."""
        self._tasks.discard(task)
        if self._cut and task in self._cut:
            self._cut.discard(task)
            task.uncancel()

    def cut(self) -> None:
        """Cancel every task in an attempt (but the one closing, and those cut already)."""
        closing = asyncio.current_task()
        for task in self._tasks - self._cut:
            if task is not closing:
                self._cut.add(task)
                task.cancel()

    def cut_short(self, task: asyncio.Task[Any]) -> bool:
        """Whether the cancellation ``task`` is raising is the close's alone (it is then a
        :class:`~aries_async.errors.ClientClosedError`); the close's is taken back either
        way, and one from anyone else goes on."""
        if task not in self._cut:
            return False
        self._cut.discard(task)
        return task.uncancel() == 0
