"""Grants that go on when their caller stops waiting: a grant whose answer is its only copy."""

from __future__ import annotations

import asyncio
import functools
import logging
from collections.abc import Coroutine
from typing import Any, TypeVar

from aries_async._closing import retrieve
from aries_async.auth.renewal_close import RenewalStage, settle_for_close

__all__ = ["Outliving"]

T = TypeVar("T")

log = logging.getLogger("aries_async.auth")


def _tell_failure(what: str, stage: RenewalStage, task: asyncio.Future[Any]) -> None:
    """Log how a call whose caller had left failed: nobody else is told (but of a call a
    closing client gave up, which it warned of already)."""
    if stage.given_up:
        return
    if not task.cancelled() and (error := task.exception()) is not None:
        log.warning("%s went on after its caller stopped waiting, and failed: %s", what, error)


class Outliving:
    """Runs grants in tasks of their own that a caller's timeout or cancellation does not stop
    once their request may have been sent, and keeps them (strong references) until they end."""

    def __init__(self) -> None:
        self._tasks: dict[asyncio.Future[Any], RenewalStage] = {}

    async def run(self, call: Coroutine[Any, Any, T], stage: RenewalStage, what: str) -> T:
        """Await the grant ``call`` (how far it got: ``stage``) in a task of its own, shielded:
        a caller that stops waiting gets its ``CancelledError`` (or its timeout) while ``call``
        goes on; how it then fails, if it does, is logged as ``what``. A caller that stops
        waiting before the grant was sent (``stage.sent``) stops ``call`` too: nothing was
        spent, and nothing of it is left when the caller's cancellation goes on."""
        task = asyncio.ensure_future(stage.run(call))
        self._tasks[task] = stage
        task.add_done_callback(self._forget)
        task.add_done_callback(retrieve)
        try:
            return await asyncio.shield(task)
        except asyncio.CancelledError:
            if task.done():
                raise
            if not stage.sent:
                # The task waits where it stood when it was looked at (its turn under the
                # rate limit, a pooled connection, the connect): the cancellation lands there.
                task.cancel()
                await asyncio.wait((task,))
            else:
                task.add_done_callback(functools.partial(_tell_failure, what, stage))
            raise

    def _forget(self, task: asyncio.Future[Any]) -> None:
        self._tasks.pop(task, None)

    async def settle(self, closing_on: Any = None) -> None:
        """Wait for the grants still running (their outcomes are theirs: nothing is raised);
        with the token store they save to (``closing_on``), as a closing client does
        (:func:`~aries_async.auth.renewal_close.settle_for_close`: the store's work after
        each answer waited for at most its ``close_timeout``)."""
        tasks = list(self._tasks.items())
        if not tasks:
            return
        if closing_on is None:
            await asyncio.wait([task for task, _ in tasks])
            return
        await asyncio.gather(*(settle_for_close(task, stage, closing_on) for task, stage in tasks))
