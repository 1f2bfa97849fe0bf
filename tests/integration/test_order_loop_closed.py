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
from collections.abc import Iterator
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


def abandoned(
    sim: ThreadedSimulator, hold: str, caplog: pytest.LogCaptureFixture, **token: Any
) -> tuple[int, str]:
    """Hold the simulator's ``hold`` (a fault: ``hold_order_answers``...) at a gate, start a
    placement on a loop of its own (its client's token issued with ``token``), wait until the
    simulator holds it, then close that loop with the placement's task pending, collect the
    task and let the simulator go on: the level and text of what the placement logged."""
    loop = asyncio.new_event_loop()
    arrived = asyncio.Event()
    held = Gate(lambda: loop.call_soon_threadsafe(arrived.set))
    sim.call(lambda: setattr(sim.faults, hold, held))

    async def start() -> asyncio.Task[Any]:
        config = sim.client_config(timeout=5)
        client = await AriesClient(config, token=sim.issue_token(**token)).__aenter__()
        return asyncio.create_task(client.orders.place(buy()))

    with caplog.at_level(logging.INFO, logger="aries_async"):
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
    sim.call(held.set)
    (record,) = [r for r in caplog.records if "orders.place()" in r.getMessage()]
    message = record.getMessage()
    assert message.split("'")[-2].startswith("aa-")  # the client id, named
    return record.levelno, message


def placed(sim: ThreadedSimulator, client_id: str) -> Any:
    """The order tagged ``client_id``, looked up by a client of its own."""

    async def find() -> Any:
        async with AriesClient(sim.client_config(), token=sim.issue_token()) as client:
            return await client.orders.find_by_client_id(ACCOUNT, client_id)

    return asyncio.run(find())


def test_a_placement_whose_loop_is_closed_in_flight_names_the_client_id(
    sim: ThreadedSimulator, caplog: pytest.LogCaptureFixture
) -> None:
    level, message = abandoned(sim, "hold_order_answers", caplog)
    assert level == logging.WARNING
    assert "may have been placed" in message
    found = placed(sim, message.split("'")[-2])
    assert found is not None and found.quantity == Decimal("3")
    assert sim.requests[PLACE] == 1


def test_a_placement_whose_loop_is_closed_before_it_was_sent_says_not_placed(
    sim: ThreadedSimulator, caplog: pytest.LogCaptureFixture
) -> None:
    level, message = abandoned(sim, "hold_token_requests", caplog, ttl=0)
    assert level == logging.INFO
    assert "was not placed" in message
    assert sim.requests[PLACE] == 0
