"""A stream retrying at once (``backoff_initial=0``) still lets the event loop run between
attempts: a token provider that fails without awaiting anything must not starve the program's
other tasks (its timers, its orders, the close that would stop the stream)."""

from __future__ import annotations

import asyncio

import pytest
from stream_helpers import FakeTime, make_stream, until

from aries_async.errors import ClientClosedError
from aries_async.sim import Simulator
from aries_async.streaming import StreamConfig

AT_ONCE = StreamConfig(backoff_initial=0.0, backoff_jitter=0.0)

ATTEMPTS = 50


class FailingAtOnce:
    """A token provider that fails without awaiting (a cache miss raising at once), noting at
    each call how often another task has run; the last call ends the stream."""

    def __init__(self) -> None:
        self.calls = 0
        self.other_ran = 0
        self.seen: list[int] = []

    async def __call__(self) -> str:
        self.calls += 1
        self.seen.append(self.other_ran)
        if self.calls >= ATTEMPTS:
            raise ClientClosedError("the client that renews the tokens is closed")
        raise RuntimeError("token cache empty")


@pytest.mark.parametrize("kind", ["market", "charts", "accounts"])
async def test_a_stream_retrying_at_once_lets_other_tasks_run(
    sim: Simulator, fake_time: FakeTime, kind: str
) -> None:
    provider = FailingAtOnce()

    async def other_task() -> None:
        while True:
            provider.other_ran += 1
            await asyncio.sleep(0)

    other = asyncio.ensure_future(other_task())
    try:
        stream = make_stream(kind, sim, fake_time, AT_ONCE, provider)
        async with stream:
            await until(lambda: provider.calls >= ATTEMPTS)
    finally:
        other.cancel()
    assert provider.calls >= ATTEMPTS
    # Between the first attempt and the last, the other task ran: the retries yielded.
    assert provider.seen[-1] > provider.seen[0], provider.seen
