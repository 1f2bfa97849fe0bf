"""A large answer read in a worker thread lets the event loop run between its parts.

A worker thread that holds the interpreter lock keeps the event loop waiting for the lock each
time the loop wakes, up to the interpreter's switch interval (5 ms) a time: the loop then runs
in 5 ms steps for as long as the read takes (seconds, for 20 MB). The read lets go of the lock
between its parts, so the loop takes it at once. Here the switch interval is made longer than
the read: the loop runs during the read only if the read lets go of the lock itself.
"""

from __future__ import annotations

import asyncio
import contextlib
import sys
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from typing import Any

import pytest

import aries_async.client as client_module
import aries_async.resources.market as market_module
from aries_async import AriesClient
from aries_async.sim import Simulator

ACCOUNT = "TEST-ACCOUNT-001"
SIZE = 3_000_000  # read in parts: a list of objects in pieces, anything else in slices


@pytest.fixture
async def client(sim: Simulator) -> AsyncIterator[AriesClient]:
    async with AriesClient(sim.client_config(), token=sim.issue_token()) as aries:
        yield aries


@contextlib.contextmanager
def no_forced_switch() -> Iterator[None]:
    """A switch interval longer than any read here: no thread is made to let go of the lock."""
    before = sys.getswitchinterval()
    sys.setswitchinterval(100.0)
    try:
        yield
    finally:
        sys.setswitchinterval(before)


def positions(client: AriesClient, _: Simulator) -> Awaitable[Any]:
    return client.accounts.positions(ACCOUNT)


def bars(client: AriesClient, sim: Simulator) -> Awaitable[Any]:
    now = int(sim.clock.now())
    return client.market.bars("AAPL", "1D", now - 86_400 * 30, now)


CALLS: dict[str, tuple[str, Callable[[AriesClient, Simulator], Awaitable[Any]], Any, str]] = {
    # The read of a list of objects, in pieces, each read into models.
    "positions": (f"GET /v1/accounts/{ACCOUNT}/positions", positions, client_module, "decode_body"),
    # Bars come as columns, decoded a slice at a time: here, the models made from them.
    "bars": ("GET /v1/chart/history", bars, market_module, "bar_page"),
}


@pytest.mark.parametrize("name", sorted(CALLS))
async def test_the_event_loop_runs_while_a_large_answer_is_read(
    sim: Simulator, client: AriesClient, monkeypatch: pytest.MonkeyPatch, name: str
) -> None:
    route, call, module, watched_name = CALLS[name]
    await call(client, sim)  # the models' code made, as in a process that ran a while
    sim.faults.huge_body[route] = SIZE
    reading = [False]
    work = getattr(module, watched_name)

    def watched(*args: Any) -> Any:
        reading[0] = True
        try:
            return work(*args)
        finally:
            reading[0] = False

    monkeypatch.setattr(module, watched_name, watched)
    turns = 0
    running = True

    async def count() -> None:
        nonlocal turns
        while running:
            await asyncio.sleep(0)
            turns += reading[0]

    counter = asyncio.create_task(count())
    with no_forced_switch():
        answer = await call(client, sim)
    running = False
    await counter
    assert len(answer) > 1000
    assert turns >= 3, f"the loop ran {turns} times while the answer was read"
