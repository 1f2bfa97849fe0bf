"""A stream whose URL the server refuses at the handshake with a status that retrying will not
change (a wrong path: 404) says so once at WARNING, keeps backing off, and by default gives up
after ``StreamConfig.max_refusals`` such refusals in a row, before it ever connected, with a
``StreamClosedError`` that names the status: entering fails. A stream that had connected
retries them as any outage."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import pytest
import websockets.http11
from stream_helpers import FakeTime, Tokens, make_stream, until
from websockets.asyncio.client import connect as ws_connect
from websockets.datastructures import Headers
from websockets.exceptions import InvalidStatus

from aries_async.errors import ConfigurationError, StreamClosedError
from aries_async.models.events import StreamConnected, StreamDisconnected
from aries_async.sim import Simulator
from aries_async.sim.ws import WsHub
from aries_async.streaming import AccountStream, ChartStream, MarketStream, StreamConfig
from aries_async.streaming.reconnects import connect_failure

KINDS = ("market", "charts", "accounts")
CONFIG = StreamConfig(backoff_initial=0.5, backoff_max=4.0, backoff_jitter=0.0)
WARNED = "refused the websocket handshake with HTTP 404"


def _wrong(sim: Simulator, kind: str) -> str:
    """The stream's URL with its path replaced by one the simulator does not serve, and a
    query and credentials that must not reach the logs."""
    url = {"market": sim.market_ws_url, "charts": sim.charts_ws_url}.get(kind, sim.accounts_ws_url)
    host = url.split("://", 1)[1].split("/", 1)[0]
    return f"ws://user:hunter2@{host}/v1/nope?token=s3cret"


def _stream(kind: str, url: str, sim: Simulator, fake_time: FakeTime, **extra: Any) -> Any:
    options: dict[str, Any] = {"sleep": fake_time.sleep, "monotonic": fake_time.clock, **extra}
    options.setdefault("config", CONFIG)
    if kind == "market":
        return MarketStream(url, Tokens(sim), **options)
    if kind == "charts":
        return ChartStream(url, Tokens(sim), **options)
    return AccountStream(url, Tokens(sim), "TEST-ACCOUNT-001", **options)


def _warnings(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]


async def _let_through(fake_time: FakeTime, delay: float) -> None:
    await until(lambda: delay in fake_time.waiting())
    fake_time.advance(delay)


@pytest.mark.parametrize("kind", KINDS)
async def test_a_wrong_path_fails_the_entry_after_max_refusals_naming_the_status(
    kind: str, sim: Simulator, fake_time: FakeTime, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="aries_async")
    stream = _stream(kind, _wrong(sim, kind), sim, fake_time)
    entering = asyncio.create_task(stream.__aenter__())
    await _let_through(fake_time, 0.5)  # the backoff between refusals, as after any failure
    await _let_through(fake_time, 1.0)
    with pytest.raises(StreamClosedError, match="HTTP 404") as info:
        await asyncio.wait_for(entering, 5)
    assert "3 times in a row" in str(info.value)
    assert fake_time.waiting() == []
    warned = [m for m in _warnings(caplog) if WARNED in m]
    assert len(warned) == 1, _warnings(caplog)
    (message,) = warned
    assert "/v1/nope" in message
    text = caplog.text
    assert "s3cret" not in text and "hunter2" not in text


@pytest.mark.parametrize("kind", KINDS)
async def test_without_a_limit_refusals_back_off_to_the_cap_and_warn_once(
    kind: str, sim: Simulator, fake_time: FakeTime, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="aries_async")
    config = StreamConfig(
        backoff_initial=0.5, backoff_max=4.0, backoff_jitter=0.0, max_refusals=None
    )
    stream = _stream(kind, _wrong(sim, kind), sim, fake_time, config=config)
    status = stream.status()
    async with stream:  # entered after the first refusal, as after any recoverable failure
        assert not stream.connected
        event = await asyncio.wait_for(anext(status), 5)  # the outage's one event
        assert isinstance(event, StreamDisconnected)
        assert "HTTP 404" in event.reason and event.will_reconnect and event.retry_in == 0.5
        delays = []
        for _ in range(6):  # the backoff: the only timer of a stream that is not connected
            await until(lambda: len(fake_time.waiting()) == 1)
            delays.append(fake_time.waiting()[0])
            fake_time.advance(delays[-1])
        assert status.pending == 0
    assert delays == [0.5, 1.0, 2.0, 4.0, 4.0, 4.0]
    assert len([m for m in _warnings(caplog) if WARNED in m]) == 1


async def test_a_stream_that_connected_keeps_trying_through_404s_and_warns_once(
    sim: Simulator, hub: WsHub, fake_time: FakeTime, caplog: pytest.LogCaptureFixture
) -> None:
    """Connected once, then the server refuses the path (a deployment that dropped it for a
    while): the URL was right, so the refusals are an outage like any other, retried with the
    backoff (``max_attempts`` bounds them, not ``max_refusals``), said once at WARNING; when
    the path is served again the stream is back."""
    caplog.set_level(logging.INFO, logger="aries_async")
    wrong = _wrong(sim, "market")
    opened: list[str] = []

    def connect(uri: str, **kwargs: Any) -> Any:
        target = wrong if 1 <= len(opened) <= 5 else uri
        opened.append(target)
        return ws_connect(target, **kwargs)

    stream = make_stream("market", sim, fake_time, CONFIG, Tokens(sim), connect=connect)
    status = stream.status()
    async with stream:
        assert isinstance(await asyncio.wait_for(anext(status), 5), StreamConnected)
        assert hub.drop("market") == 1
        event = await asyncio.wait_for(anext(status), 5)  # the outage's one event: the drop
        assert isinstance(event, StreamDisconnected) and event.retry_in == 0.5
        for delay in (0.5, 1.0, 2.0, 4.0, 4.0, 4.0):  # the drop, then five refusals
            await _let_through(fake_time, delay)
        up = await asyncio.wait_for(anext(status), 5)
        assert isinstance(up, StreamConnected) and up.failed_attempts == 5
        assert up.down_for == 0.5 + 1.0 + 2.0 + 4.0 * 3
        assert stream.connected
    assert opened.count(wrong) == 5
    assert len([m for m in _warnings(caplog) if WARNED in m]) == 1


def _refused(status: int) -> InvalidStatus:
    return InvalidStatus(websockets.http11.Response(status, "", Headers()))


@pytest.mark.parametrize("status", [400, 404, 405, 410, 426])
def test_statuses_that_retrying_will_not_change_are_refusals(status: int) -> None:
    assert connect_failure(_refused(status)).refused == status


@pytest.mark.parametrize("status", [401, 403, 408, 429, 500, 502, 503])
def test_auth_busy_and_server_errors_are_retried_as_before(status: int) -> None:
    # 401/403 are about authentication, not the URL (the stream counts the refusals of its
    # POST /auth already); the others are a busy or failing server, which recovers.
    end = connect_failure(_refused(status))
    assert end.refused is None and end.fatal is None
    assert f"HTTP {status}" in end.reason


def test_max_refusals_must_be_none_or_positive() -> None:
    with pytest.raises(ConfigurationError, match="max_refusals"):
        StreamConfig(max_refusals=0)
