"""A placement whose event loop is closed (or whose program ends) while it waits: its task is
destroyed pending, and its coroutine closed later with ``GeneratorExit`` (when the task is
collected, or at the loop's shutdown). Nothing interrupts it the way a cancellation does, yet
the order may exist: the user must still learn the client id to look it up by.

The simulator runs on its own thread and loop (:class:`ThreadedSimulator`), so that closing the
placement's loop leaves the server, and the order held there in flight, as they were.
"""

from __future__ import annotations

import asyncio
import gc
import logging
import warnings
from collections.abc import Callable, Iterator
from decimal import Decimal
from typing import Any

import pytest
from sim_http import Gate

from aries_async import AriesClient, OrderRequest
from aries_async.sim.threaded import ThreadedSimulator

# Closing a coroutine on a closed loop, aiohttp (and our token renewal, under it) raise
# RuntimeError("Event loop is closed") in place of GeneratorExit: Python reports it as
# ignored, which pytest turns into a warning. It is what this test provokes.
pytestmark = pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")

PLACE = ("POST", "/v1/orders")
ACCOUNT = "TEST-ACCOUNT-001"


@pytest.fixture
def sim() -> Iterator[ThreadedSimulator]:
    with ThreadedSimulator(seed=8) as threaded:
        yield threaded


def buy() -> OrderRequest:
    return OrderRequest(account_id=ACCOUNT, symbol="AAPL", side="BUY", type="MARKET", quantity=3)


def abandoned(sim: ThreadedSimulator, hold: str, client: Callable[[], AriesClient]) -> Gate:
    """Hold the simulator's ``hold`` (a fault: ``hold_order_answers``...) at a gate, start a
    placement with ``client()`` on a loop of its own, wait until the simulator holds it, then
    close that loop with the placement's task pending and collect the task; the gate."""
    loop = asyncio.new_event_loop()
    arrived = asyncio.Event()
    held = Gate(lambda: loop.call_soon_threadsafe(arrived.set))
    sim.call(lambda: setattr(sim.faults, hold, held))

    async def start() -> asyncio.Task[Any]:
        opened = await client().__aenter__()
        return asyncio.create_task(opened.orders.place(buy()))

    try:
        task = loop.run_until_complete(start())
        loop.run_until_complete(asyncio.wait_for(arrived.wait(), 5))
        assert not task.done()
    finally:
        loop.close()  # the placement's task still pending
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # asyncio and the unclosed client say so, rightly
        del task
        gc.collect()
    return held


def placed(sim: ThreadedSimulator, client_id: str) -> Any:
    """The order tagged ``client_id``, looked up by a client of its own."""

    async def find() -> Any:
        async with AriesClient(sim.client_config(), token=sim.issue_token()) as client:
            return await client.orders.find_by_client_id(ACCOUNT, client_id)

    return asyncio.run(find())


def test_a_placement_whose_loop_is_closed_in_flight_names_the_client_id(
    sim: ThreadedSimulator, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO, logger="aries_async"):
        held = abandoned(
            sim,
            "hold_order_answers",
            lambda: AriesClient(sim.client_config(timeout=5), token=sim.issue_token()),
        )
    sim.call(held.set)
    records = [r for r in caplog.records if "orders.place()" in r.getMessage()]
    assert [r.levelno for r in records] == [logging.WARNING]
    message = records[0].getMessage()
    assert "may have been placed" in message
    client_id = message.split("'")[-2]
    assert client_id.startswith("aa-")
    found = placed(sim, client_id)
    assert found is not None and found.quantity == Decimal("3")
    assert sim.requests[PLACE] == 1


def test_a_placement_whose_loop_is_closed_before_it_was_sent_says_not_placed(
    sim: ThreadedSimulator, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO, logger="aries_async"):
        held = abandoned(
            sim,
            "hold_token_requests",
            lambda: AriesClient(sim.client_config(timeout=5), token=sim.issue_token(ttl=0)),
        )
    sim.call(held.set)
    records = [r for r in caplog.records if "orders.place()" in r.getMessage()]
    assert [r.levelno for r in records] == [logging.INFO]
    message = records[0].getMessage()
    assert "was not placed" in message
    assert message.split("'")[-2].startswith("aa-")
    assert sim.requests[PLACE] == 0
