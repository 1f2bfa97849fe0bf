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
from child_process import run_child_told
from sim_http import Gate

from aries_async import AriesClient, OrderRequest
from aries_async.sim.threaded import ThreadedSimulator

# Collected on a closed loop, aiohttp's response still holding its connection releases it
# there and raises RuntimeError("Event loop is closed") from its finalizer: Python reports it
# as ignored, which pytest turns into a warning. It is what these tests provoke (aiohttp's,
# not a coroutine's: the last test checks that none of those is).
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


_ABANDON_CHILD = r"""
import asyncio, gc, json, logging, sys

from sim_http import Gate

from aries_async import AriesClient, OrderRequest
from aries_async.sim.threaded import ThreadedSimulator

info = json.loads(sys.argv[1])
logging.basicConfig(format="%(levelname)s %(message)s")
logging.getLogger("aries_async").setLevel(logging.INFO)
with ThreadedSimulator(seed=8) as sim:
    loop = asyncio.new_event_loop()
    arrived = asyncio.Event()
    held = Gate(lambda: loop.call_soon_threadsafe(arrived.set))
    sim.call(lambda: setattr(sim.faults, info["hold"], held))

    async def start():
        config = sim.client_config(timeout=5)
        client = await AriesClient(config, token=sim.issue_token(**info["token"])).__aenter__()
        buy = OrderRequest(
            account_id="TEST-ACCOUNT-001", symbol="AAPL", side="BUY", type="MARKET", quantity=3
        )
        return asyncio.create_task(client.orders.place(buy))

    try:
        task = loop.run_until_complete(start())
        loop.run_until_complete(asyncio.wait_for(arrived.wait(), 5))
    finally:
        loop.close()  # the placement's task still pending
    del task
    gc.collect()
    sim.call(held.set)
print(json.dumps("collected"))
"""


@pytest.mark.parametrize(
    ("hold", "token"),
    [("hold_order_answers", {}), ("hold_token_requests", {"ttl": 0})],
    ids=["in flight", "before it was sent"],
)
async def test_a_placement_closed_on_its_closed_loop_leaves_no_ignored_exception(
    hold: str, token: dict[str, Any]
) -> None:
    """In a fresh interpreter (what Python prints on stderr cannot be caught in this one):
    the placement's coroutine, and the token renewal it waited for, closed on their closed
    loop, end with ``GeneratorExit`` as a closing coroutine must, not with the error the
    cleanup under them met on that loop; what is told is the placement's warning."""
    answer, told = await run_child_told(_ABANDON_CHILD, {"hold": hold, "token": token})
    assert answer == "collected"
    assert "orders.place() was abandoned" in told
    assert ignored_in_our_coroutines(told) == [], told


def ignored_in_our_coroutines(told: str) -> list[str]:
    """The reports "Exception ignored in: <coroutine ...>" in ``told`` whose traceback runs
    through this package. aiohttp's own coroutines (``ClientSession._request`` on Python
    3.13) meet the dead loop in their own cleanup, which no code of ours runs, and are left
    out."""
    ours = []
    for report in told.split("Exception ignored in: <coroutine")[1:]:
        lines = report.splitlines()
        trace = [lines[0]]
        for line in lines[1:]:
            trace.append(line)
            if not line.startswith((" ", "Traceback")):  # the exception's own line ends it
                break
        if any("/aries_async/" in line for line in trace):
            ours.append("\n".join(trace))
    return ours
