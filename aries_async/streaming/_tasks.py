"""Task ownership for the streams: every child task belongs to an :class:`asyncio.TaskGroup`;
and waits bounded by the streams' own clock."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine
from typing import Any

__all__ = ["Spawn", "finished_within", "leaf_error", "task_group"]

Spawn = Callable[[Coroutine[Any, Any, None], str], "asyncio.Task[None] | None"]
"""Starts a named child task in a :func:`task_group`; None (the coroutine closed) once the
group is shutting down."""


@contextlib.asynccontextmanager
async def task_group(prefix: str) -> AsyncIterator[Spawn]:
    """A TaskGroup whose children are cancelled when the block ends, normally too: the block
    decides when they are done, the group guarantees they are awaited (and that a child's
    error is not lost). Task names are ``prefix-what``."""
    children: list[asyncio.Task[None]] = []
    async with asyncio.TaskGroup() as group:

        def spawn(coro: Coroutine[Any, Any, None], what: str) -> asyncio.Task[None] | None:
            try:
                task = group.create_task(coro, name=f"{prefix}-{what}")
            except RuntimeError:  # shutting down (a child failed): Python 3.11 left it open
                coro.close()
                return None
            children.append(task)
            task.add_done_callback(children.remove)
            return task

        try:
            yield spawn
        finally:
            for task in children:
                task.cancel()


def leaf_error(error: BaseException) -> BaseException:
    """The one error TaskGroups wrapped (a group of several is kept whole)."""
    while isinstance(error, BaseExceptionGroup) and len(error.exceptions) == 1:
        error = error.exceptions[0]
    return error


async def finished_within(
    future: asyncio.Future[Any], seconds: float, sleep: Callable[[float], Awaitable[Any]]
) -> bool:
    """Wait for ``future`` for at most ``seconds`` of ``sleep``'s time (the stream's ``sleep``,
    so that its waits all follow one clock, which tests replace); whether it is done. It is
    left running when it is not."""
    timer = asyncio.ensure_future(sleep(seconds))
    try:
        await asyncio.wait((future, timer), return_when=asyncio.FIRST_COMPLETED)
    finally:
        timer.cancel()
    return future.done()
