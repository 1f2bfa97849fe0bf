"""What a client leaves behind when one of its calls fails, or when it or a stream it opened
is closed: nothing."""

from __future__ import annotations

import asyncio
import gc
import weakref
from pathlib import Path
from typing import Any

import pytest
from stream_helpers import interrupt_cell, until

import aries_async
from aries_async import AriesClient
from aries_async.errors import ClientClosedError, PermissionDeniedError
from aries_async.sim import ErrorFault, Simulator

SDK = Path(aries_async.__file__ or "aries_async").parent
SIM = SDK / "sim"


def _ours() -> list[asyncio.Task[Any]]:
    """The tasks not done that run the SDK's code (not the simulator's): each frame of their
    stacks read for its file."""
    found = []
    for task in asyncio.all_tasks():
        if task.done() or task is asyncio.current_task():
            continue
        files = [Path(frame.f_code.co_filename) for frame in task.get_stack()]
        if any(f.is_relative_to(SDK) and not f.is_relative_to(SIM) for f in files):
            found.append(task)
    return found


def _collected(ref: weakref.ref[Any]) -> bool:
    gc.collect()
    return ref() is None


@pytest.mark.usefixtures("loop_clock")  # the trickled answers take virtual time only
async def test_a_failed_chunk_of_quotes_cancels_the_others_before_raising(
    sim: Simulator,
) -> None:
    config = sim.client_config(quote_chunk_size=2)
    async with AriesClient(config, token=sim.issue_token()) as client:
        # The first request to reach the server is refused; the others' answers trickle.
        sim.faults.error_responses["/v1/chart/quotes"] = ErrorFault(status=403)
        sim.faults.trickle_body["/v1/chart/quotes"] = 1.0
        with pytest.raises(PermissionDeniedError):
            await client.market.quotes(["AAPL", "MSFT", "GOOG", "AMZN", "TSLA", "NVDA"])
        assert sim.requests[("GET", "/v1/chart/quotes")] == 3
        assert _ours() == []  # the other two chunks' requests did not go on in the background


async def test_a_stream_closed_by_itself_is_let_go_by_its_client(aries: AriesClient) -> None:
    # A notebook's stream, entered in one cell and closed in another without its opener's
    # async with: once closed, the client holds it no more (until the client closed, before).
    stream = await aries.market_stream().__aenter__()
    await stream.aclose()
    gone = weakref.ref(stream)
    del stream
    # The socket lets go of its callbacks once the loop has run its connection_lost.
    await until(lambda: _collected(gone), timeout=2)


async def test_an_interrupted_close_still_closes_the_client_and_its_streams(
    sim: Simulator,
) -> None:
    # A notebook's interrupt while the client closes (its streams' closing handshakes take
    # a while): the cell stops with its CancelledError, and nothing stays open behind it.
    client = await AriesClient(sim.client_config(), token=sim.issue_token()).__aenter__()
    await client.accounts.list()  # its connection pool is open
    streams = [await client.market_stream().__aenter__() for _ in range(3)]
    await interrupt_cell(client.aclose, lambda: all(stream.connected for stream in streams))
    assert repr(client).endswith(", closed)")
    assert all("closed" in repr(stream) and not stream.connected for stream in streams)
    assert _ours() == []  # every stream's tasks have ended
    with pytest.raises(ClientClosedError):
        await client.accounts.list()
