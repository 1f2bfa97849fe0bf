"""A large answer read in a worker thread lets the event loop run between its parts.

A worker thread that holds the interpreter lock keeps the event loop waiting for the lock each
time the loop wakes, up to the interpreter's switch interval (5 ms) a time: the loop then runs
in 5 ms steps for as long as the read takes (seconds, for 20 MB). The read lets go of the lock
between its parts, so the loop takes it at once. Here the switch interval is made longer than
the read: the loop runs during the read only if the read lets go of the lock itself.
"""

from __future__ import annotations

import asyncio
import sys
from collections.abc import AsyncIterator, Awaitable, Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

import pytest

from aries_async import AriesClient
from aries_async.models.market import parse_bars
from aries_async.sim import Simulator

ACCOUNT = "TEST-ACCOUNT-001"


@pytest.fixture
async def client(sim: Simulator) -> AsyncIterator[AriesClient]:
    async with AriesClient(sim.client_config(), token=sim.issue_token()) as aries:
        yield aries


class Turns:
    """Counts the event loop's turns while work runs in its default executor (the thread
    ``asyncio.to_thread`` runs the client's work in)."""

    def __init__(self) -> None:
        self.turns = 0
        self._working = False

    def executor(self) -> ThreadPoolExecutor:
        turns = self

        class Watched(ThreadPoolExecutor):
            def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
                def run() -> Any:
                    turns._working = True
                    try:
                        return fn(*args, **kwargs)
                    finally:
                        turns._working = False

                return super().submit(run)

        return Watched(max_workers=1)

    async def counting(self, work: Awaitable[Any]) -> Any:
        """``work``'s result, with the loop's turns counted while the executor works, and no
        thread made to let go of the interpreter lock by the switch interval."""
        running = True

        async def count() -> None:
            while running:
                await asyncio.sleep(0)
                self.turns += self._working

        counter = asyncio.create_task(count())
        before = sys.getswitchinterval()
        sys.setswitchinterval(100.0)  # longer than any read here
        try:
            return await work
        finally:
            sys.setswitchinterval(before)
            running = False
            await counter


@pytest.fixture
async def turns() -> Turns:
    watch = Turns()
    asyncio.get_running_loop().set_default_executor(watch.executor())
    return watch


async def test_the_loop_runs_while_a_large_list_is_read(
    sim: Simulator, client: AriesClient, turns: Turns
) -> None:
    # A list of objects, cut in parts, each read into models.
    await client.accounts.positions(ACCOUNT)  # the models' code made, as in a process that ran
    sim.faults.huge_body[f"GET /v1/accounts/{ACCOUNT}/positions"] = 3_000_000
    many = await turns.counting(client.accounts.positions(ACCOUNT))
    assert len(many) > 1000
    assert turns.turns >= 3, f"the loop ran {turns.turns} times while the answer was read"


async def test_the_loop_runs_while_many_bars_are_made(turns: Turns) -> None:
    # Bars come as columns (decoded a slice at a time): here, the models made from them.
    count = 100_000
    columns = {
        "s": "ok",
        "t": [1_700_000_000 + 60 * i for i in range(count)],
        **{key: [100.25] * count for key in ("o", "h", "l", "c")},
        "v": [1_000] * count,
    }
    bars = await turns.counting(asyncio.to_thread(parse_bars, columns))
    assert len(bars) == count
    assert turns.turns >= 3, f"the loop ran {turns.turns} times while the bars were made"
