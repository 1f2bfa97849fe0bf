"""A stream whose server cannot be reached (a wrong port, a server down) is entered at once
and keeps retrying; after its first few failed attempts, before it ever connected, it says
so once at WARNING (the URL without credentials or query, the attempts so far, the last
error), so that a notebook cell waiting on it does not hang in silence; and, once it then
connects, says that at INFO."""

from __future__ import annotations

import asyncio
import logging
import socket
from typing import Any

import pytest
from stream_helpers import FakeTime, Tokens, make_stream, until
from websockets.asyncio.client import connect as ws_connect

from aries_async.models.events import StreamConnected, StreamDisconnected
from aries_async.sim import Simulator
from aries_async.streaming import MarketStream, StreamConfig

CONFIG = StreamConfig(backoff_initial=0.5, backoff_max=4.0, backoff_jitter=0.0)
UNREACHABLE = "cannot reach"


def _closed_port() -> int:
    """A loopback port nothing listens on (bound, then let go)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


def _warnings(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]


async def _fail_attempts(status: Any, fake_time: FakeTime, count: int) -> None:
    """Let ``count`` failed attempts happen, each after its backoff (the only timer of a
    stream that is not connected). The outage is told once, by its first failure."""
    event = await asyncio.wait_for(anext(status), 5)
    assert isinstance(event, StreamDisconnected) and event.retry_in is not None
    for _ in range(count):
        await until(lambda: len(fake_time.waiting()) == 1)
        fake_time.advance(fake_time.waiting()[0])


async def test_a_stream_that_cannot_connect_warns_once_naming_url_attempts_and_error(
    sim: Simulator, fake_time: FakeTime, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="aries_async")
    url = f"ws://user:hunter2@127.0.0.1:{_closed_port()}/v1/market?token=s3cret"
    stream = MarketStream(
        url, Tokens(sim), config=CONFIG, sleep=fake_time.sleep, monotonic=fake_time.clock
    )
    status = stream.status()
    async with stream:  # entered after the first failure, as before
        assert not stream.connected
        assert [m for m in _warnings(caplog) if UNREACHABLE in m] == []
        await _fail_attempts(status, fake_time, 6)
    warned = [m for m in _warnings(caplog) if UNREACHABLE in m]
    assert len(warned) == 1, _warnings(caplog)
    (message,) = warned
    assert "/v1/market" in message and "after 3 attempts" in message
    assert "connect failed" in message  # the last error
    assert "s3cret" not in caplog.text and "hunter2" not in caplog.text


async def test_a_stream_that_connects_after_the_warning_says_so_at_info(
    sim: Simulator, fake_time: FakeTime, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="aries_async")
    dead = f"ws://127.0.0.1:{_closed_port()}/v1/market"
    opened: list[str] = []

    def connect(uri: str, **kwargs: Any) -> Any:
        target = dead if len(opened) < 4 else uri
        opened.append(target)
        return ws_connect(target, **kwargs)

    stream = make_stream("market", sim, fake_time, CONFIG, Tokens(sim), connect=connect)
    status = stream.status()
    async with stream:
        await _fail_attempts(status, fake_time, 4)
        up = await asyncio.wait_for(anext(status), 5)
        assert isinstance(up, StreamConnected) and up.failed_attempts == 4
    assert len([m for m in _warnings(caplog) if UNREACHABLE in m]) == 1
    infos = [r.getMessage() for r in caplog.records if r.levelno == logging.INFO]
    assert any("connected to ws://" in m and "after 5 attempts" in m for m in infos), infos


async def test_a_stream_that_connects_at_once_does_not_warn(
    sim: Simulator, fake_time: FakeTime, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="aries_async")
    async with make_stream("market", sim, fake_time, CONFIG, Tokens(sim)) as stream:
        assert stream.connected
    assert _warnings(caplog) == []
    assert not any("connected after" in r.getMessage() for r in caplog.records)
