"""Socket requests refused by an ``error`` event (websocket.md 2.6) rather than a ``response``,
wherever the server puts the request's id, or nowhere (``ws_error_id``): the request in flight
that the refusal can only answer fails at once with the server's text; one that it cannot be
tied to waits for its own answer. Time never passes for real: the stream's waits are on
:class:`FakeTime`, the simulator's clock is a ManualClock."""

from __future__ import annotations

import argparse
import asyncio
import logging
from collections.abc import AsyncIterator

import pytest
from stream_helpers import FakeTime, Tokens, until

from aries_async.errors import StreamRequestError, StreamRequestTimeout
from aries_async.models.events import ServerErrorMessage
from aries_async.sim import ManualClock, Simulator
from aries_async.sim.cli import add_arguments, build_faults
from aries_async.sim.ws import WsHub
from aries_async.sim.ws_faults import ERROR_ID_PLACES
from aries_async.streaming import MarketStream, StreamConfig
from aries_async.streaming.protocol import Channel

FAST = StreamConfig(backoff_initial=0.0, backoff_jitter=0.0)
NOT_ENTITLED = "not entitled to options data"


@pytest.fixture
async def sim() -> AsyncIterator[Simulator]:
    async with Simulator(seed=3, clock=ManualClock(), tick_interval=None) as s:
        yield s


@pytest.fixture
async def stream(sim: Simulator, fake_time: FakeTime) -> AsyncIterator[MarketStream]:
    tokens = Tokens(sim)
    async with MarketStream(
        sim.market_ws_url,
        tokens,
        config=FAST,
        invalidate_token=tokens.invalidate,
        sleep=fake_time.sleep,
        monotonic=fake_time.clock,
    ) as opened:
        yield opened


@pytest.mark.parametrize("place", ERROR_ID_PLACES)
async def test_a_refused_request_fails_at_once_wherever_the_id_is(
    place: str, sim: Simulator, hub: WsHub, stream: MarketStream
) -> None:
    """With the id in ``payload.id``, at the top level, in both or nowhere: the lone request
    in flight fails at once (no time passes) with the server's text, and the error still
    reaches the consumers."""
    sim.faults.ws_error_id = place
    sim.faults.ws_refused_requests = {"/options/*/expiry-dates": NOT_ENTITLED}
    events = stream.events()
    task = asyncio.create_task(stream.expiry_dates("AAPL"))
    await until(task.done)
    with pytest.raises(StreamRequestError) as caught:
        task.result()
    assert NOT_ENTITLED in str(caught.value)
    assert caught.value.request_id is not None
    await until(lambda: events.pending > 0)
    heard = [events.get_nowait() for _ in range(events.pending)]
    [error] = [e for e in heard if type(e) is ServerErrorMessage]
    assert error.error == NOT_ENTITLED
    assert (error.request_id is None) is (place == "none")
    snapshot = await stream.equity_snapshot("AAPL")  # another path is answered as before
    assert snapshot.symbol == "AAPL"
    assert stream.connected and hub.requests == 2


async def test_an_idless_refusal_among_several_requests_is_tied_to_none_and_said_once(
    sim: Simulator,
    hub: WsHub,
    stream: MarketStream,
    fake_time: FakeTime,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Two requests in flight, refusals without ids: either could be meant, so both wait
    (until their timeout here), and a log line says so once."""
    sim.faults.ws_error_id = "none"
    sim.faults.ws_refused_requests = {"/options/*": NOT_ENTITLED}
    caplog.set_level(logging.WARNING, logger="aries_async.streaming")
    first = asyncio.create_task(stream.expiry_dates("AAPL", timeout=3.0))
    second = asyncio.create_task(stream.expiry_dates("MSFT", timeout=3.0))
    await until(lambda: hub.requests == 2)
    sim.faults.ws_refused_requests = {}
    await stream.subscribe("KO", channels=["quotes"])  # a round trip: the refusals are read
    await until(lambda: "KO" in stream.acknowledged)
    assert not first.done() and not second.done()
    fake_time.advance(3.0)
    for task in (first, second):
        with pytest.raises(StreamRequestTimeout):
            await task
    told = [r for r in caplog.records if "without a request id" in r.getMessage()]
    assert len(told) == 1 and "2 requests" in told[0].getMessage()


async def test_an_idless_refusal_naming_a_subscribed_symbol_is_the_subscriptions(
    sim: Simulator, hub: WsHub, stream: MarketStream, fake_time: FakeTime
) -> None:
    """A refusal without an id that names the symbol of a subscribe awaiting its answer is
    that subscribe's: the one request in flight is not failed by it."""
    sim.faults.ws_error_id = "none"
    sim.faults.ws_ignore_requests = True
    sim.faults.ws_refused_channels = {"MSFT": frozenset({"trades"})}
    task = asyncio.create_task(stream.expiry_dates("AAPL", timeout=3.0))
    await until(lambda: hub.requests == 1)
    await stream.subscribe("MSFT", channels=["quotes", "trades"])
    await until(lambda: bool(stream.refused_channels))
    assert stream.refused_channels == {"MSFT": {Channel.TRADES: "not entitled to trades"}}
    assert not task.done()
    fake_time.advance(3.0)
    with pytest.raises(StreamRequestTimeout):
        await task


def test_the_refused_request_flag() -> None:
    parser = argparse.ArgumentParser()
    add_arguments(parser)
    args = ["--ws-refuse-request", "/options/*=no options", "--ws-refuse-request", "/equities/*"]
    faults = build_faults(parser.parse_args(args))
    assert faults.ws_refused_requests == {
        "/options/*": "no options",
        "/equities/*": "request refused",
    }
    with pytest.raises(SystemExit):
        parser.parse_args(["--ws-refuse-request", "options"])
