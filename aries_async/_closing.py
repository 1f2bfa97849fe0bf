"""``async with`` for the objects that close with ``await aclose()``, the wait for a task
they cancel on closing, a close that an interrupt does not cut short, concurrent calls
that leave nothing running when one fails, and a context variable set for a block that a
coroutine closed with its dead loop leaves without an error."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Coroutine, Iterable, Iterator
from contextvars import ContextVar
from types import TracebackType
from typing import Any, Self, TypeVar

__all__ = [
    "AsyncClosing",
    "cancel_and_wait",
    "concurrently",
    "retrieve",
    "set_in_block",
    "through_interrupts",
]

T = TypeVar("T")


@contextlib.contextmanager
def set_in_block(var: ContextVar[T], value: T) -> Iterator[None]:
    """``var`` is ``value`` in the block (this task only), as it was after it.

    A coroutine closed with its dead loop (its task destroyed pending) leaves the block in
    whatever context the garbage collector runs in, where nothing was set: there is nothing
    to undo there, and an error would be reported as ignored in the closing coroutine.
    """
    reset = var.set(value)
    try:
        yield
    finally:
        with contextlib.suppress(ValueError):
            var.reset(reset)


async def cancel_and_wait(task: asyncio.Future[Any]) -> None:
    """Cancel ``task`` and wait for it to end, taking the ``CancelledError`` it ends with, but
    not one meant for the caller: cancelled while it waits (a notebook's interrupt during a
    close), the caller gets its ``CancelledError`` at once and ``task`` ends by itself.

    ``contextlib.suppress(CancelledError)`` around the wait would swallow both, and the
    interrupted caller would go on to its next statement.
    """
    task.cancel()
    caller = asyncio.current_task()
    before = caller.cancelling() if caller is not None else 0
    try:
        await task
    except asyncio.CancelledError:
        if caller is not None and caller.cancelling() > before:
            raise


def retrieve(task: asyncio.Future[Any]) -> None:
    """Take ``task``'s error, if it has one, as seen (a done callback of a task whose waiters
    may all be gone): asyncio then does not log it as never retrieved."""
    if not task.cancelled():
        task.exception()


_FINISHING: set[asyncio.Future[Any]] = set()
"""The closes :func:`through_interrupts` left to finish by themselves (held, not collected)."""


async def through_interrupts(close: Coroutine[Any, Any, None]) -> None:
    """Run ``close`` to its end even when the caller is cancelled meanwhile (a notebook's
    interrupt during a client's close): the caller gets its ``CancelledError`` once ``close``
    has ended, so that an interrupt does not leave half of what it closes open. A second
    cancellation while it waits gives up the wait (``close`` goes on by itself).

    Its own error is raised as it is when the caller was not cancelled; when the caller was,
    the ``CancelledError`` wins.
    """
    task = asyncio.ensure_future(close)
    try:
        await asyncio.shield(task)
    except asyncio.CancelledError:
        if not task.done():  # the caller's interrupt: let the close end first
            _FINISHING.add(task)
            task.add_done_callback(_FINISHING.discard)
            await asyncio.wait((task,))
        retrieve(task)  # the interrupt is what the caller hears of
        raise


async def concurrently(calls: Iterable[Coroutine[Any, Any, T]]) -> list[T]:
    """The results of ``calls``, run concurrently, in their order.

    The first to fail cancels the others, and an error is raised once they have ended (not
    an ``ExceptionGroup``: that of the first call, in their order, that failed): nothing goes
    on in the background after the caller has its error. A caller cancelled meanwhile cancels
    them too, and gets its ``CancelledError`` once they have ended, whatever they raised.
    """
    tasks = [asyncio.ensure_future(call) for call in calls]
    if not tasks:
        return []
    try:
        await asyncio.wait(tasks, return_when=asyncio.FIRST_EXCEPTION)
    finally:
        # The caller cancelled, or a call failed: the others end before anything is raised.
        # (Not a TaskGroup: one whose caller was cancelled while a call failed raises that
        # call's error and drops the cancellation, which an ``except Exception`` then takes.)
        for task in tasks:
            task.cancel()
        await asyncio.wait(tasks)
        errors = [t.exception() for t in tasks if t.done() and not t.cancelled()]
    first = next((error for error in errors if error is not None), None)
    if first is not None:
        raise first
    return [task.result() for task in tasks]


class AsyncClosing:
    """Mixin: ``async with obj`` gives ``obj`` and closes it (``await obj.aclose()``) when the
    block ends, however it ends. A subclass with work to do on entry (connecting, checking
    that it is still open) overrides ``__aenter__``."""

    __slots__ = ()

    async def aclose(self) -> None:
        """Release what the object holds (idempotent)."""
        raise NotImplementedError

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()
