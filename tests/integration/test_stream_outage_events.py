"""One outage is one ``StreamDisconnected`` and one ``StreamConnected``, however many attempts
it took: the streams say so when they reconnect, with the attempts that failed and how long
the stream was down; each attempt is still logged at INFO. The outage is the simulator's: its
websocket handshakes answered 503 (``server_errors``) after the socket was dropped.

The streams' backoff runs on :class:`FakeTime`: nothing waits for time.
"""

from __future__ import annotations

import logging
from typing import Any

import pytest
from stream_helpers import FakeTime, Tokens, drained, make_stream, take, until

from aries_async.models.events import StreamConnected, StreamDisconnected
from aries_async.sim import ServerErrorFault, Simulator
from aries_async.sim.ws import WsHub
from aries_async.streaming import StreamConfig

KINDS = ("market", "accounts", "charts")
PATHS = {"market": "/v1/market/ws", "accounts": "/v1/accounts/ws", "charts": "/v1/charts/ws"}
CONFIG = StreamConfig(backoff_initial=0.5, backoff_max=4.0, backoff_jitter=0.0)
FAILED = 6
"""The handshakes the outage refuses."""
WAITS = [0.5, 1.0, 2.0, 4.0, 4.0, 4.0, 4.0]
"""The backoff after the drop, then after each refused handshake."""


async def through_the_outage(stream: Any, fake_time: FakeTime, waits: list[float]) -> None:
    """Let the backoff's ``waits`` through, each once it is pending (only these: an
    authentication's deadline is a timer too), until the stream is connected again."""
    for wait in waits:
        await until(lambda: wait in fake_time.waiting())  # noqa: B023 - awaited here
        fake_time.advance(wait)
    await until(lambda: stream.connected)


@pytest.mark.parametrize("kind", KINDS)
async def test_an_outage_is_one_disconnect_and_one_connect_counting_the_attempts(
    kind: str,
    sim: Simulator,
    hub: WsHub,
    fake_time: FakeTime,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO, logger="aries_async.streaming")
    async with make_stream(kind, sim, fake_time, CONFIG, Tokens(sim)) as stream:
        status = stream.status()
        sim.faults.server_errors[f"GET {PATHS[kind]}"] = ServerErrorFault(count=FAILED)
        assert hub.drop(kind) == 1
        await until(lambda: not stream.connected)
        await through_the_outage(stream, fake_time, WAITS)
        down, up = await take(status, 2)
        assert drained(status) == []
    assert isinstance(down, StreamDisconnected) and down.will_reconnect
    assert down.retry_in == 0.5  # the first wait; the later ones are logged
    assert isinstance(up, StreamConnected) and up.reconnect
    assert up.failed_attempts == FAILED
    assert up.down_for == up.at - down.at == sum(WAITS)
    logged = [r.getMessage() for r in caplog.records if "retrying in" in r.getMessage()]
    assert len(logged) == FAILED + 1  # the drop, then each refused handshake


async def test_a_first_connection_after_failed_attempts_counts_them(
    sim: Simulator, fake_time: FakeTime
) -> None:
    """A stream entered while the server is down (entered after its first failure) tells
    one StreamDisconnected, then its first StreamConnected with the attempts before it."""
    sim.faults.server_errors["GET /v1/market/ws"] = ServerErrorFault(count=3)
    stream = make_stream("market", sim, fake_time, CONFIG, Tokens(sim))
    status = stream.status()
    async with stream:
        await through_the_outage(stream, fake_time, [0.5, 1.0, 2.0])
        down, up = await take(status, 2)
        assert drained(status) == []
    assert isinstance(down, StreamDisconnected) and down.retry_in == 0.5
    assert isinstance(up, StreamConnected) and not up.reconnect and up.attempt == 4
    assert up.failed_attempts == 3 and up.down_for == 0.5 + 1.0 + 2.0


async def test_a_first_connection_at_once_counts_no_failure(
    sim: Simulator, fake_time: FakeTime
) -> None:
    stream = make_stream("market", sim, fake_time, CONFIG, Tokens(sim))
    status = stream.status()
    async with stream:
        (up,) = await take(status, 1)
    assert isinstance(up, StreamConnected) and up.attempt == 1
    assert up.failed_attempts == 0 and up.down_for is None
