"""``async with`` for the objects that close with ``await aclose()``, and the wait for a task
they cancel on closing."""

from __future__ import annotations

import asyncio
from types import TracebackType
from typing import Any, Self

__all__ = ["AsyncClosing", "cancel_and_wait"]


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
