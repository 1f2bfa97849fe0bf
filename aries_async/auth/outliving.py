"""Calls that go on when their caller stops waiting: a grant whose answer is its only copy."""

from __future__ import annotations

import asyncio
import functools
import logging
from collections.abc import Coroutine
from typing import Any, TypeVar

from aries_async._closing import retrieve

__all__ = ["Outliving"]

T = TypeVar("T")

log = logging.getLogger("aries_async.auth")


def _tell_failure(what: str, task: asyncio.Future[Any]) -> None:
    """Log how a call whose caller had left failed: nobody else is told."""
    if not task.cancelled() and (error := task.exception()) is not None:
        log.warning("%s went on after its caller stopped waiting, and failed: %s", what, error)


class Outliving:
    """Runs calls in tasks of their own that a caller's timeout or cancellation does not stop,
    and keeps them (strong references) until they end."""

    def __init__(self) -> None:
        self._tasks: set[asyncio.Future[Any]] = set()

    async def run(self, call: Coroutine[Any, Any, T], what: str) -> T:
        """Await ``call`` in a task of its own, shielded: a caller that stops waiting gets its
        ``CancelledError`` (or its timeout) while ``call`` goes on; how it then fails, if it
        does, is logged as ``what``."""
        task = asyncio.ensure_future(call)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        task.add_done_callback(retrieve)
        try:
            return await asyncio.shield(task)
        except asyncio.CancelledError:
            if not task.done():
                task.add_done_callback(functools.partial(_tell_failure, what))
            raise

    async def settle(self) -> None:
        """Wait for the calls still running (their outcomes are theirs: nothing is raised)."""
        if self._tasks:
            await asyncio.wait(list(self._tasks))
