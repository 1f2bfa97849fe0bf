"""A stream's child started while its task group shuts down (a sibling failed, say a reader
told to re-authenticate as the socket's pump fails) is not started, and its coroutine is
closed: on Python 3.11, ``TaskGroup.create_task`` then raised in the caller's clean-up and left
the coroutine unawaited ("coroutine ... was never awaited")."""

from __future__ import annotations

import asyncio
import gc
import inspect

import pytest

from aries_async.streaming._tasks import Spawn, task_group


async def test_a_child_started_while_the_group_shuts_down_is_closed_not_raised() -> None:
    ran: list[str] = []
    refused: list[object] = []

    async def late() -> None:
        ran.append("late")

    async def fails() -> None:
        raise ValueError("the pump failed")

    async def cleans_up(spawn: Spawn) -> None:
        try:
            await asyncio.Event().wait()
        finally:  # cancelled by the group's abort: its clean-up starts one more child
            coro = late()
            refused.append(spawn(coro, "late"))
            refused.append(inspect.getcoroutinestate(coro))

    async def stream() -> None:
        async with task_group("t") as spawn:
            spawn(cleans_up(spawn), "cleaner")
            await asyncio.sleep(0)
            spawn(fails(), "pump")
            await asyncio.Event().wait()

    with pytest.raises(ExceptionGroup) as raised:
        await stream()
    gc.collect()
    assert [type(e) for e in raised.value.exceptions] == [ValueError]
    assert refused == [None, inspect.CORO_CLOSED]  # not started, and closed
    assert ran == []
