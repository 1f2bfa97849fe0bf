"""``concurrently`` (the quote chunks of ``market.quotes()``): a caller cancelled while a call
fails on its way out gets its ``CancelledError``, not the call's error. A ``TaskGroup`` whose
parent was cancelled raises its children's errors as a group and drops the cancellation; an
``except Exception`` around the call (a bot's polling loop) then carried on, still cancelling,
to wait for ever (the chaos suite's hang under load)."""

from __future__ import annotations

import asyncio

import pytest

from aries_async._closing import concurrently


async def test_a_cancelled_caller_is_cancelled_though_a_call_failed_on_its_way_out() -> None:
    started = asyncio.Event()

    async def fails_when_cancelled() -> None:
        started.set()
        try:
            await asyncio.Event().wait()
        except asyncio.CancelledError:
            raise ConnectionResetError("the socket broke while cancelled") from None

    async def waits() -> None:
        await asyncio.Event().wait()

    async def caller() -> None:
        try:
            await concurrently([fails_when_cancelled(), waits()])
        except Exception:  # a polling loop's handler: it must not see this
            pytest.fail("the cancellation became the call's error")

    task = asyncio.create_task(caller())
    await started.wait()
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
