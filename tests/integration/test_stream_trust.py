"""Streams left running unattended against misbehaving servers: reconnect backoff, cancelled
entry, symbol case, no secret in any log record, no import on the event loop at stream open.

Time never passes for real: the streams' backoff and keep-alive run on :class:`FakeTime`, the
simulator on a ManualClock; the only waits are for socket traffic, each bounded by a timeout.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from typing import Any

import orjson
import pytest
from child_process import WATCH_LOOP_IMPORTS, run_child
from stream_helpers import FakeTime, Tokens, drained, make_stream, own_tasks, take, until

from aries_async.auth.store import MemoryTokenStore
from aries_async.client import AriesClient
from aries_async.errors import ClientClosedError, StreamAuthError, StreamClosedError
from aries_async.models.events import (
    QuoteUpdate,
    ServerErrorMessage,
    StatusEvent,
    StreamConnected,
    StreamDisconnected,
    StreamReauthenticated,
    UnknownEvent,
)
from aries_async.sim import Simulator
from aries_async.sim.faults import AUTH_ID_PLACES
from aries_async.sim.ws import WsHub
from aries_async.streaming import (
    AccountStream,
    ChartStream,
    Consumer,
    MarketStream,
    StreamConfig,
)
from aries_async.testing import LogCapture, capture_logs, shows_secret

ACCOUNT = "TEST-ACCOUNT-001"
KINDS = ("market", "accounts")
EVERY_KIND = (*KINDS, "charts")
BACKOFF = StreamConfig(
    backoff_initial=0.5, backoff_max=4.0, backoff_multiplier=2.0, backoff_jitter=0.0
)


def make(
    kind: str,
    sim: Simulator,
    fake_time: FakeTime,
    config: StreamConfig = BACKOFF,
    tokens: Tokens | None = None,
    **extra: Any,
) -> Any:
    tokens = tokens or Tokens(sim)
    extra = {"invalidate_token": tokens.invalidate, **extra}
    return make_stream(kind, sim, fake_time, config, tokens, account=ACCOUNT, **extra)


async def next_disconnect(status: AsyncIterator[Any], fake_time: FakeTime) -> StreamDisconnected:
    """The next StreamDisconnected; its backoff sleep (if any) is let through at once."""
    async with asyncio.timeout(5):
        async for event in status:
            if isinstance(event, StreamDisconnected):
                delay = event.retry_in
                if event.will_reconnect and delay:
                    await until(lambda: delay in fake_time.waiting())  # noqa: B023 - awaited here
                    fake_time.advance(delay)
                return event
    raise AssertionError("the status consumer ended")


class Retries:
    """The waits before the reconnects, one per attempt, read from their INFO records
    (``retrying in``): the status events tell an outage once, however many attempts it
    takes (an account socket closed while it subscribes never connected: one outage)."""

    def __init__(self, caplog: pytest.LogCaptureFixture) -> None:
        caplog.set_level(logging.INFO, logger="aries_async.streaming")
        self._caplog = caplog
        self._seen = 0

    def _records(self) -> list[logging.LogRecord]:
        return [r for r in self._caplog.records if "retrying in" in str(r.msg)]

    async def next(self, fake_time: FakeTime) -> float:
        """The next attempt's wait (exact: the record's argument), let through at once."""
        await until(lambda: len(self._records()) > self._seen)
        record = self._records()[self._seen]
        self._seen += 1
        assert isinstance(record.args, tuple) and isinstance(record.args[-1], float)
        delay = record.args[-1]
        if delay:
            await until(lambda: delay in fake_time.waiting())
            fake_time.advance(delay)
        return delay


async def _data(stream: MarketStream | AccountStream | ChartStream) -> AsyncIterator[Any]:
    """What each connection of ``stream`` delivers: the account's snapshot, or AAPL quotes."""
    if isinstance(stream, AccountStream):
        return stream.snapshots()
    await stream.subscribe("AAPL", channels=["quotes"])
    return stream.quotes()


# -- 17: reconnects always back off; a healthy connection resets the backoff ---------------------


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("fault", ["authExpired", "authRequired", "close"])
async def test_a_server_ending_every_connection_at_once_gets_growing_delays_up_to_the_cap(
    kind: str,
    fault: str,
    sim: Simulator,
    hub: WsHub,
    fake_time: FakeTime,
    caplog: pytest.LogCaptureFixture,
) -> None:
    if fault == "close":
        sim.faults.ws_close_after_accept = True
    else:
        sim.faults.ws_expire_after_auth = fault
    retries = Retries(caplog)
    async with make(kind, sim, fake_time):
        delays = [await retries.next(fake_time) for _ in range(20)]
    assert delays == [0.5, 1.0, 2.0] + [4.0] * 17
    assert 20 <= hub.connections[kind] <= 21  # one attempt per delay (and one in flight)


@pytest.mark.parametrize("kind", KINDS)
async def test_jitter_only_shortens_a_delay_so_the_cap_is_a_cap(
    kind: str, sim: Simulator, fake_time: FakeTime, caplog: pytest.LogCaptureFixture
) -> None:
    """Reconnect delays jitter as HTTP retries do: down by up to ``backoff_jitter`` of the
    nominal delay, never above it, so ``backoff_max`` bounds every wait."""
    sim.faults.ws_close_after_accept = True
    config = StreamConfig(backoff_initial=0.5, backoff_max=4.0, backoff_jitter=0.25)
    rands = iter([0.75, 0.0] * 10)  # values whose delays are exact in binary
    retries = Retries(caplog)
    async with make(kind, sim, fake_time, config, rand=lambda: next(rands)):
        delays = [await retries.next(fake_time) for _ in range(8)]
    assert max(d or 0.0 for d in delays) <= 4.0
    assert delays == [0.5 * 0.8125, 1.0, 2.0 * 0.8125, 4.0, 4.0 * 0.8125, 4.0, 4.0 * 0.8125, 4.0]


@pytest.mark.parametrize("kind", EVERY_KIND)
async def test_a_server_dropping_each_socket_after_its_data_gets_growing_delays(
    kind: str, sim: Simulator, hub: WsHub, fake_time: FakeTime, caplog: pytest.LogCaptureFixture
) -> None:
    """A server that closes every socket right after the snapshot (or the acknowledgements)
    is flapping, not healthy: each connection delivered data, but none stayed up for
    ``healthy_after``, so the delays grow. Each outage is still told truly: a connection
    came after no failed attempt, ``down_for`` the wait before it."""
    stream = make(kind, sim, fake_time)
    retries = Retries(caplog)
    status = stream.status()
    data = await _data(stream)
    async with stream:
        delays = []
        for _ in range(5):
            await take(data, 1)  # this connection delivered data, and is dropped at once
            assert hub.drop(kind) == 1
            delays.append(await retries.next(fake_time))
        await take(data, 1)
    assert delays == [0.5, 1.0, 2.0, 4.0, 4.0]
    connected = [e for e in drained(status) if isinstance(e, StreamConnected)]
    assert [(e.failed_attempts, e.down_for) for e in connected[1:]] == [(0, d) for d in delays]


@pytest.mark.parametrize("kind", KINDS)
async def test_drops_after_data_reset_the_backoff_and_empty_connections_after_them_grow_it(
    kind: str, sim: Simulator, hub: WsHub, fake_time: FakeTime, caplog: pytest.LogCaptureFixture
) -> None:
    stream = make(kind, sim, fake_time)
    retries = Retries(caplog)
    data = await _data(stream)
    async with stream:
        delays = []
        for _ in range(6):
            await take(data, 1)  # this connection delivered data (a snapshot of its subscription)
            fake_time.advance(BACKOFF.healthy_after)  # and stayed up long enough
            assert hub.drop(kind) == 1
            delays.append(await retries.next(fake_time))
        await take(data, 1)  # one more healthy connection, then only empty ones
        fake_time.advance(BACKOFF.healthy_after)
        sim.faults.ws_expire_after_auth = "authExpired"
        assert hub.drop(kind) == 1
        empty = [await retries.next(fake_time) for _ in range(5)]
    assert delays == [0.5] * 6
    assert empty == [0.5, 1.0, 2.0, 4.0, 4.0]  # a healthy connection excuses none after it


async def test_a_connection_that_stayed_up_resets_the_backoff_and_one_that_did_not_does_not(
    sim: Simulator, hub: WsHub, fake_time: FakeTime
) -> None:
    quiet = StreamConfig(  # no ping or staleness check within the test's fake minutes
        backoff_initial=0.5,
        backoff_max=4.0,
        backoff_jitter=0.0,
        backoff_reset_after=30.0,
        ping_interval=1000.0,
        pong_timeout=1000.0,
        stale_after=1000.0,
    )
    stream = make("market", sim, fake_time, quiet)
    status = stream.status()
    sim.faults.ws_close_after_accept = True
    async with stream:
        grown = [(await next_disconnect(status, fake_time)).retry_in for _ in range(3)]
        sim.faults.ws_close_after_accept = False
        await until(lambda: stream.connected)
        fake_time.advance(31.0)  # up, without data, for longer than backoff_reset_after
        assert hub.drop("market") == 1
        after_stable = (await next_disconnect(status, fake_time)).retry_in
        await until(lambda: stream.connected)
        fake_time.advance(5.0)
        assert hub.drop("market") == 1
        after_short = (await next_disconnect(status, fake_time)).retry_in
    assert grown == [0.5, 1.0, 2.0]
    assert (after_stable, after_short) == (0.5, 1.0)


async def _quoting_aapl(
    sim: Simulator, fake_time: FakeTime, config: StreamConfig
) -> tuple[MarketStream, Consumer[StatusEvent], Consumer[QuoteUpdate]]:
    """A market stream (not entered yet) with AAPL's quotes asked for: it, its status and its
    quotes."""
    stream = make("market", sim, fake_time, config)
    assert isinstance(stream, MarketStream)
    status = stream.status()
    await stream.subscribe("AAPL", channels=["quotes"])
    return stream, status, stream.quotes()


async def test_a_link_that_hears_from_the_server_stays_up(
    sim: Simulator, hub: WsHub, fake_time: FakeTime
) -> None:
    config = StreamConfig(ping_interval=5.0, pong_timeout=3.0, stale_after=20.0)
    stream, status, quotes = await _quoting_aapl(sim, fake_time, config)
    async with stream:
        await take(quotes, 1)
        for _ in range(12):  # a minute of fake time: a ping is due every 5 s
            sim.advance(5)  # the walk steps: quotes are on their way
            await take(quotes, 1)  # one arrived: the link heard from the server
            while quotes.get_nowait() is not None:
                pass
            fake_time.advance(5.0)
        assert stream.connected and stream.reconnects == 0
        events = [status.get_nowait() for _ in range(status.pending)]
    assert [type(event) for event in events] == [StreamConnected]


async def test_a_quiet_link_that_hears_only_control_messages_stays_up(
    sim: Simulator, hub: WsHub, fake_time: FakeTime
) -> None:
    """No data for a minute, only control messages, each in a frame of its own: the pongs of
    the keep-alive, ``refreshAuth`` and the re-authentication's ``authSuccess``. The server is
    heard all the same, so no ping goes unanswered and the link never turns stale."""
    config = StreamConfig(ping_interval=5.0, pong_timeout=3.0, stale_after=8.0)
    stream, status, quotes = await _quoting_aapl(sim, fake_time, config)
    async with stream:
        await take(quotes, 1)  # the snapshot; the feed never steps after it
        # Nothing subscribed: a re-authentication sends no subscription again, no snapshot
        # comes back, no more data.
        await stream.unsubscribe("AAPL")
        for reauths in range(1, 13):  # a minute of fake time, a ping every 5 s
            fake_time.advance(5.0)
            await until(lambda: fake_time.waiting() == [3.0] or not stream.connected)
            assert stream.connected, [status.get_nowait() for _ in range(status.pending)]
            # The ping went out before the re-authentication's request: its pong came first.
            assert hub.refresh_auth("market") == 1
            await until(lambda: stream.reauths == reauths)  # noqa: B023 - awaited here
        assert stream.connected and stream.reconnects == 0
        assert quotes.pending == 0
        events = [status.get_nowait() for _ in range(status.pending)]
    assert [type(event) for event in events] == [StreamConnected] + [StreamReauthenticated] * 12


@pytest.mark.parametrize("kind", ["market", "charts"])
async def test_nothing_is_acknowledged_while_disconnected(
    kind: str, sim: Simulator, hub: WsHub, fake_time: FakeTime
) -> None:
    stream = make(kind, sim, fake_time)
    assert isinstance(stream, MarketStream | ChartStream)
    status = stream.status()
    await stream.subscribe(["AAPL", "MSFT"])
    async with stream:
        await until(lambda: stream.acknowledged == {"AAPL", "MSFT"})
        assert hub.drop(kind) == 1
        async with asyncio.timeout(5):
            async for event in status:
                if isinstance(event, StreamDisconnected):
                    break
        assert not stream.connected and stream.acknowledged == frozenset()
        await until(lambda: 0.5 in fake_time.waiting())
        fake_time.advance(0.5)  # the backoff: the next connection acknowledges them again
        await until(lambda: stream.acknowledged == {"AAPL", "MSFT"})


async def test_subscribing_another_channel_keeps_the_first_across_reconnects(
    sim: Simulator, hub: WsHub, fake_time: FakeTime
) -> None:
    stream = make("market", sim, fake_time)
    assert isinstance(stream, MarketStream)
    status = stream.status()
    await stream.subscribe("AAPL", channels=["quotes"])
    await stream.subscribe("AAPL", channels=["trades"])
    assert set(stream.subscriptions["AAPL"].channels) == {"quotes", "trades"}
    quotes, trades = stream.quotes(), stream.trades()
    async with stream:
        await take(quotes, 1)
        await take(trades, 1)
        assert hub.drop("market") == 1
        await next_disconnect(status, fake_time)
        await until(lambda: stream.connected)
        for consumer in (quotes, trades):
            while consumer.get_nowait() is not None:
                pass
        sim.advance(5)  # steps of the walk on the new connection
        await take(quotes, 1)
        await take(trades, 1)


@pytest.mark.parametrize("kind", KINDS)
async def test_max_attempts_counts_connections_that_ended_before_delivering_data(
    kind: str, sim: Simulator, hub: WsHub, fake_time: FakeTime, caplog: pytest.LogCaptureFixture
) -> None:
    sim.faults.ws_close_after_accept = True
    stream = make(kind, sim, fake_time, StreamConfig(max_attempts=3, backoff_jitter=0.0))
    status = stream.status()
    retries = Retries(caplog)
    async with stream:
        assert [await retries.next(fake_time) for _ in range(2)] == [0.5, 1.0]
        await until(lambda: hub.connections[kind] == 3)
        ends: list[StreamDisconnected] = []
        while not ends or ends[-1].will_reconnect:
            (event,) = await take(status, 1)
            if isinstance(event, StreamDisconnected):
                ends.append(event)
    # The market and charts sockets connect before they are closed: an outage each. The
    # account socket is closed while it subscribes: it never connects, one outage in all.
    outages = 1 if kind == "accounts" else 2
    assert [e.will_reconnect for e in ends] == [True] * outages + [False]
    assert hub.connections[kind] == 3
    with pytest.raises(StreamClosedError, match="gave up after 3 attempts"):
        await take(status, 1)


AUTH_TIMEOUT = StreamConfig(auth_timeout=5.0, backoff_initial=0.5, backoff_jitter=0.0)
TIMED_OUT = "authentication did not complete: TimeoutError"


async def _time_out_the_authentication(fake_time: FakeTime) -> None:
    """Let the stream's authentication wait run out (on its fake time)."""
    await until(lambda: 5.0 in fake_time.waiting())
    fake_time.advance(5.0)


@pytest.mark.parametrize("kind", KINDS)
async def test_a_connection_whose_authentication_gets_no_answer_is_left_at_the_auth_timeout(
    kind: str, sim: Simulator, hub: WsHub, fake_time: FakeTime
) -> None:
    """The socket opens, ``POST /auth`` is never answered: the connection is given up after
    ``auth_timeout`` and the next one waits for the backoff; silence does not refuse the
    token, so it is not invalidated nor retried at once."""
    sim.faults.ws_stall = True  # the server sends nothing, its authSuccess included
    tokens = Tokens(sim)
    stream = make(kind, sim, fake_time, AUTH_TIMEOUT, invalidate_token=tokens.invalidate)
    status = stream.status()
    timing = asyncio.create_task(_time_out_the_authentication(fake_time))
    # Entered after a first failure that is not fatal.
    async with asyncio.timeout(5), stream:
        await timing
        down = status.get_nowait()
        assert isinstance(down, StreamDisconnected)
        assert (down.reason, down.will_reconnect, down.retry_in) == (TIMED_OUT, True, 0.5)
        assert tokens.invalidated == 0 and not stream.connected
        await until(lambda: hub.open_sessions(kind) == 0)  # the silent socket was closed
        sim.faults.ws_stall = False
        await until(lambda: 0.5 in fake_time.waiting())
        assert hub.connections[kind] == 1  # nothing before the backoff
        fake_time.advance(0.5)
        (up,) = await take(status, 1)
        assert isinstance(up, StreamConnected) and up.attempt == 2


async def test_with_reconnect_off_an_unanswered_authentication_fails_the_entry(
    sim: Simulator, hub: WsHub, fake_time: FakeTime
) -> None:
    sim.faults.ws_stall = True
    config = StreamConfig(auth_timeout=5.0, reconnect=False)
    stream = make("market", sim, fake_time, config)
    timing = asyncio.create_task(_time_out_the_authentication(fake_time))
    with pytest.raises(StreamClosedError, match=f"market stream closed: {TIMED_OUT}"):
        async with asyncio.timeout(5), stream:
            raise AssertionError("entered a stream whose server never answered")
    await timing
    await until(lambda: hub.open_sessions("market") == 0)
    assert hub.connections["market"] == 1


async def test_frames_before_the_authentication_answer_do_not_extend_its_timeout(
    sim: Simulator, hub: WsHub, fake_time: FakeTime
) -> None:
    """The server keeps sending (messages the client does not know) but never answers the
    authentication: the wait ends ``auth_timeout`` after it began, not after the last frame."""
    sim.faults.ws_auth_unanswered = True
    stream = make("market", sim, fake_time, AUTH_TIMEOUT)
    assert isinstance(stream, MarketStream)
    status = stream.status()
    entering = asyncio.create_task(stream.__aenter__())
    await until(lambda: 5.0 in fake_time.waiting())
    for heard in (1, 2):
        fake_time.advance(2.0)
        assert hub.inject('{"type":"brandNew","payload":{}}', "market") == 1
        await until(lambda: stream.unknown == heard)  # noqa: B023 - awaited here
        left = 5.0 - 2.0 * heard  # the wait goes on with what is left of it
        await until(lambda: left in fake_time.waiting())  # noqa: B023 - awaited here
    fake_time.advance(1.0)  # 5 s after the authentication began
    async with asyncio.timeout(5):
        await entering
    try:
        down = status.get_nowait()
        assert isinstance(down, StreamDisconnected) and down.reason == TIMED_OUT
    finally:
        await stream.__aexit__(None, None, None)


# -- re-authentication on the live socket: said, bounded, refused ------------------------------


@pytest.mark.parametrize("kind", EVERY_KIND)
async def test_a_reauthentication_is_said_on_status_and_in_the_log(
    kind: str, sim: Simulator, hub: WsHub, fake_time: FakeTime, every_record: LogCapture
) -> None:
    tokens = Tokens(sim)
    tokens.fresh_each_call = True
    stream = make(kind, sim, fake_time, tokens=tokens)
    status = stream.status()
    async with stream:
        (up,) = await take(status, 1)
        assert isinstance(up, StreamConnected)
        fake_time.advance(7.0)
        assert hub.refresh_auth(kind) == 1
        (said,) = await take(status, 1)
        assert isinstance(said, StreamReauthenticated)
        assert said.at == up.at + 7.0  # the stream's clock, like its siblings
        assert stream.reauths == 1 and stream.reconnects == 0
    infos = [
        r.getMessage()
        for r in every_record.records
        if r.name == "aries_async.streaming" and r.levelno == logging.INFO
    ]
    assert f"{kind} stream re-authenticated on the live socket" in infos
    assert not [line for line in infos if shows_secret(line, tokens.current)]
    assert own_tasks() == []


@pytest.mark.parametrize("kind", EVERY_KIND)
async def test_status_events_are_stamped_by_the_injected_wall_clock(
    kind: str, sim: Simulator, hub: WsHub, fake_time: FakeTime
) -> None:
    """``at`` follows the stream's monotonic clock, ``timestamp`` its wall clock: here the
    simulator's ManualClock, months away from the machine's."""
    tokens = Tokens(sim)
    stream = make(kind, sim, fake_time, tokens=tokens, wall_clock=sim.clock.now)
    status = stream.status()

    def now() -> datetime:
        return datetime.fromtimestamp(sim.clock.now(), UTC)

    async with stream:
        (up,) = await take(status, 1)
        assert isinstance(up, StreamConnected) and up.timestamp == now()
        sim.advance(7.0)
        assert hub.refresh_auth(kind) == 1
        (said,) = await take(status, 1)
        assert isinstance(said, StreamReauthenticated) and said.timestamp == now()
        sim.advance(5.0)
        assert hub.drop(kind) == 1
        down = await next_disconnect(status, fake_time)
        assert down.timestamp == now()
        (back,) = await take(status, 1)
        assert isinstance(back, StreamConnected) and back.timestamp == now()
        assert (said.timestamp - up.timestamp).total_seconds() == 7.0
        sim.advance(2.0)
        tokens.grant_revoked = True  # the next attempt ends the stream
        assert hub.drop(kind) == 1
        await next_disconnect(status, fake_time)
        changes: list[Any] = []

        async def drain() -> None:
            async with asyncio.timeout(5):
                async for change in status:
                    changes.append(change)

        with pytest.raises(StreamAuthError):  # after the last status event
            await drain()
        (final,) = changes
        assert isinstance(final, StreamDisconnected) and not final.will_reconnect
        assert final.timestamp == now()


async def test_a_clients_streams_stamp_status_events_by_its_wall_clock(
    sim: Simulator, hub: WsHub
) -> None:
    client = AriesClient(sim.client_config(), token=sim.issue_token(), wall_clock=sim.clock.now)
    async with (
        client,
        client.market_stream() as market,
        client.chart_stream() as charts,
        client.account_stream(ACCOUNT) as account,
    ):
        every_status = [stream.status() for stream in (market, charts, account)]
        sim.advance(3.0)
        assert hub.refresh_auth() == 3
        for status in every_status:
            (said,) = await take(status, 1)
            assert isinstance(said, StreamReauthenticated)
            assert said.timestamp == datetime.fromtimestamp(sim.clock.now(), UTC)


REAUTH_TIMED_OUT = "re-authentication did not complete: TimeoutError"


@pytest.mark.parametrize("kind", EVERY_KIND)
async def test_an_unanswered_reauthentication_ends_the_connection_at_the_auth_timeout(
    kind: str, sim: Simulator, hub: WsHub, fake_time: FakeTime
) -> None:
    """As for a new socket's authentication: silence is not a refusal (the token is kept), the
    connection ends ``auth_timeout`` after the request (that one's, not an earlier answered
    one's) and a reconnect follows the backoff."""
    tokens = Tokens(sim)
    stream = make(kind, sim, fake_time, AUTH_TIMEOUT, tokens=tokens)
    status = stream.status()
    async with stream:
        assert [type(e) for e in await take(status, 1)] == [StreamConnected]
        assert hub.refresh_auth(kind) == 1  # answered
        assert [type(e) for e in await take(status, 1)] == [StreamReauthenticated]
        fake_time.advance(3.0)
        sim.faults.ws_auth_unanswered = True
        assert hub.refresh_auth(kind) == 1
        await until(lambda: 5.0 in fake_time.waiting())  # the second one was sent
        fake_time.advance(4.5)  # past where the first one's wait would have ended
        assert hub.inject("not json", kind) == 1  # a round trip: the stream acted on the time
        await until(lambda: stream.malformed == 1)
        assert stream.connected and status.pending == 0
        assert 0.5 in fake_time.waiting()  # still waiting for the answer
        fake_time.advance(0.5)
        sim.faults.ws_auth_unanswered = False
        down = await next_disconnect(status, fake_time)  # its backoff is let through
        assert (down.reason, down.will_reconnect, down.retry_in) == (REAUTH_TIMED_OUT, True, 0.5)
        (back,) = await take(status, 1)
        assert isinstance(back, StreamConnected) and back.reconnect
        assert tokens.invalidated == 0 and stream.reauths == 1
        await until(lambda: hub.open_sessions(kind) == 1)  # the silent socket was closed
    assert own_tasks() == []


@pytest.mark.parametrize("place", AUTH_ID_PLACES)
@pytest.mark.parametrize("kind", EVERY_KIND)
async def test_a_refused_reauthentication_is_recognised_wherever_the_error_puts_the_id(
    kind: str, place: str, sim: Simulator, hub: WsHub, fake_time: FakeTime
) -> None:
    """websocket.md 2.6 shows the id in ``payload.id`` (UNCERTAIN): an ``error`` with the id
    elsewhere, or none at all and the documented text, while a re-authentication is pending,
    is its refusal (as on a new socket): the token is replaced and the stream reconnects at
    once."""
    sim.faults.ws_auth_error_id = place
    tokens = Tokens(sim)
    stream = make(kind, sim, fake_time, AUTH_TIMEOUT, tokens=tokens)
    status = stream.status()
    async with stream:
        assert [type(e) for e in await take(status, 1)] == [StreamConnected]
        tokens.current = "a-token-the-server-refuses"  # what the cache holds at refreshAuth
        assert hub.refresh_auth(kind) == 1
        down = await next_disconnect(status, fake_time)
        assert (down.reason, down.retry_in) == ("re-authentication refused", 0.0)
        (back,) = await take(status, 1)
        assert isinstance(back, StreamConnected) and back.reconnect
        assert tokens.refused == ["a-token-the-server-refuses"]
        assert stream.reauths == 0
    assert own_tasks() == []


@pytest.mark.parametrize("kind", EVERY_KIND)
async def test_an_error_without_an_id_about_something_else_leaves_a_reauthentication_alone(
    kind: str, sim: Simulator, hub: WsHub, fake_time: FakeTime
) -> None:
    """While a re-authentication is pending the socket carries everything else too: an
    ``error`` with no id that does not say the authentication failed is delivered, and the
    connection and the re-authentication go on."""
    tokens = Tokens(sim)
    stream = make(kind, sim, fake_time, AUTH_TIMEOUT, tokens=tokens)
    status, events = stream.status(), stream.events()
    async with stream:
        assert [type(e) for e in await take(status, 1)] == [StreamConnected]
        sim.faults.ws_auth_unanswered = True  # the answer is the test's to send
        assert hub.refresh_auth(kind) == 1
        await until(lambda: 5.0 in fake_time.waiting())  # the re-authentication was sent
        error = {"type": "event", "payload": {"action": "error", "error": "invalid symbol"}}
        assert hub.inject(orjson.dumps(error).decode(), kind) == 1
        success = {"type": "event", "payload": {"action": "authSuccess", "data": {}}}
        assert hub.inject(orjson.dumps(success).decode(), kind) == 1
        (said,) = await take(status, 1)
        assert isinstance(said, StreamReauthenticated)
        heard = [events.get_nowait() for _ in range(events.pending)]  # in order, before it
        assert [e for e in heard if type(e) is ServerErrorMessage] == [
            ServerErrorMessage(error="invalid symbol")
        ]
        assert stream.connected and stream.reconnects == 0 and tokens.invalidated == 0
    assert own_tasks() == []


# -- 20: a cancelled entry leaves nothing behind -----------------------------------------------


@pytest.mark.parametrize("kind", EVERY_KIND)
async def test_cancelling_the_entry_leaves_no_task_and_opens_no_more_sockets(
    kind: str, sim: Simulator, hub: WsHub, fake_time: FakeTime
) -> None:
    sim.faults.ws_stall = True  # the socket opens, authentication never completes
    stream = make(kind, sim, fake_time)

    async def enter() -> None:
        async with stream:
            raise AssertionError("entered a stream whose server never answered")

    entering = asyncio.create_task(enter())
    await until(lambda: hub.open_sessions(kind) == 1)
    entering.cancel()
    with pytest.raises(asyncio.CancelledError):
        await entering
    assert own_tasks() == []
    await until(lambda: hub.open_sessions(kind) == 0)  # the socket was closed
    assert fake_time.waiting() == []  # nothing left to wake: no retry, no other socket
    fake_time.advance(300.0)
    assert hub.connections[kind] == 1
    assert own_tasks() == []


async def drained_to_the_end(consumer: AsyncIterator[Any]) -> None:
    async for _ in consumer:
        pass


@pytest.mark.parametrize("kind", EVERY_KIND)
async def test_a_stream_ends_when_the_client_that_opened_it_closes(
    kind: str, sim: Simulator, hub: WsHub, fake_time: FakeTime
) -> None:
    # A shutdown that closes the client before a stream it opened: the client closes the
    # stream too (its socket and tasks), rather than leave it streaming until its token runs
    # out with nobody left to renew it; its consumers end as at the stream's own close. A
    # stream opened from the closed client is refused at once.
    store = MemoryTokenStore(sim.issue_token(ttl=600))
    client = AriesClient(sim.client_config(), token_store=store, wall_clock=sim.clock.now)
    openers: dict[str, Any] = {
        "market": client.market_stream,
        "charts": client.chart_stream,
        "accounts": lambda **options: client.account_stream(ACCOUNT, **options),
    }
    opener = openers[kind](config=BACKOFF, sleep=fake_time.sleep, monotonic=fake_time.clock)
    async with opener as stream:
        status = stream.status()
        await until(lambda: stream.connected)
        await client.aclose()
        assert not stream.connected
        await until(lambda: hub.open_sessions(kind) == 0)  # the socket was closed
        await asyncio.wait_for(drained_to_the_end(status), 5)  # ended: no wait for ever
        opened = hub.connections[kind]
        for _ in range(5):
            fake_time.advance(60.0)
            await asyncio.sleep(0)
        assert hub.connections[kind] == opened
        with pytest.raises(StreamClosedError):
            stream.status()
    assert own_tasks() == []
    with pytest.raises(ClientClosedError):
        async with openers[kind]() as _:
            pass
    assert hub.connections[kind] == opened


# -- 21: symbols are case-normalised; latest() forgets what is unsubscribed --------------------


async def test_symbols_are_upper_cased_and_latest_forgets_unsubscribed_symbols(
    sim: Simulator, hub: WsHub, fake_time: FakeTime
) -> None:
    stream = make("market", sim, fake_time)
    assert isinstance(stream, MarketStream)
    async with stream:
        quotes = stream.quotes("aapl")
        await stream.subscribe(" aapl ", channels=["quotes", "trades"])
        assert list(stream.subscriptions) == ["AAPL"]
        await until(lambda: stream.acknowledged == {"AAPL"})
        (quote,) = await take(quotes, 1)
        assert quote.symbol == "AAPL"
        await until(lambda: stream.latest_trade("aapl") is not None)
        assert stream.latest("aapl") is stream.latest("AAPL") is not None

        await stream.unsubscribe("Aapl", channels=["quotes"])
        assert stream.latest("AAPL") is None
        assert stream.latest_trade("AAPL") is not None
        await stream.unsubscribe("aapl")
        assert stream.subscriptions == {}
        assert stream.latest_trade("AAPL") is None

        # An update already on its way when the symbol was dropped does not bring it back.
        late = {"action": "update", "type": "quote", "symbol": "AAPL", "data": {"bid": 1.5}}
        seen = stream.unknown
        hub.inject(orjson.dumps({"type": "event", "payload": late}).decode(), "market")
        hub.inject('{"type":"event","payload":{"action":"novel"}}', "market")
        await until(lambda: stream.unknown > seen)
        assert stream.latest("AAPL") is None


# -- 19: a market consumer of symbol-less items is bounded -------------------------------------


async def test_symbol_less_items_keep_a_slow_market_consumer_bounded(sim: Simulator) -> None:
    stream = MarketStream(sim.market_ws_url, Tokens(sim))
    events = stream.events(buffer=100)
    for i in range(50_000):
        stream.on_messages([UnknownEvent(raw={"type": "novel", "n": i})])
    assert events.pending <= 200
    assert events.dropped == 50_000 - events.pending
    items = await events.next_batch()
    items += await events.next_batch()
    unknown = [item for item in items if isinstance(item, UnknownEvent)]
    assert unknown == items
    assert [item.raw["n"] for item in unknown[:100]] == list(range(100))  # the queue, in order
    assert [item.raw["n"] for item in unknown[100:]] == list(
        range(50_000 - len(items) + 100, 50_000)
    )
    assert events.get_nowait() is None


# -- 8: no secret in any log record -------------------------------------------------------------


@pytest.fixture
def every_record() -> Iterator[LogCapture]:
    """Every record of every logger at DEBUG, as ``logging.basicConfig(level=DEBUG)`` gives."""
    with capture_logs() as capture:
        yield capture


async def test_no_secret_reaches_any_log_record_in_a_session_with_streams(
    sim: Simulator, hub: WsHub, every_record: LogCapture
) -> None:
    token = sim.issue_token()
    secrets = {sim.client_secret, token.access_token, token.refresh_token or ""}
    async with AriesClient(sim.client_config(), token=token) as client:
        async with client.market_stream() as market, client.account_stream(ACCOUNT) as account:
            quotes = market.quotes()
            await market.subscribe(["AAPL", "NOPE1"], channels=["quotes"])  # one refused
            await take(quotes, 1)
            await until(lambda: account.snapshot is not None)
            assert hub.refresh_auth() == 2  # a token goes out on each live socket
            await until(lambda: market.reauths == 1 and account.reauths == 1)
            sim.revoke_tokens()  # the streams get authExpired; REST a 401, then a refresh
            await client.market.quote("MSFT")
            await until(lambda: market.reconnects >= 1 and account.reconnects >= 1)
            hub.drop()
            await until(lambda: market.reconnects >= 2 and account.reconnects >= 2)
            await take(quotes, 1)
        current = await client.auth.token()
        secrets |= {current.access_token, current.refresh_token or ""}
    assert current.access_token != token.access_token  # the session did refresh
    secrets.discard("")
    names = {record.name.split(".")[0] for record in every_record.records}
    assert {"websockets", "aries_async"} <= names  # the third-party frame logs were captured
    formatter = logging.Formatter("%(name)s %(levelname)s %(message)s")
    for record in every_record.records:
        text = formatter.format(record) + repr(record.args)
        leaked = [s[:6] for s in secrets if shows_secret(text, s)]
        assert not leaked, f"{record.name}: {record.getMessage()[:200]}"
    assert any("carrying a token" in record.getMessage() for record in every_record.records)


# -- 22: opening the first streams imports nothing on the event loop ----------------------------

_CHILD = (
    WATCH_LOOP_IMPORTS
    + r"""
import asyncio, json
from aries_async import AriesClient, ClientConfig


async def main():
    global watching
    config = ClientConfig.for_base_url(
        info["base_url"], client_id=info["client_id"], client_secret=info["client_secret"]
    )
    async with AriesClient(config) as client:
        await client.auth.set_token(await client.oauth.client_credentials())
        await client.market.quote("AAPL")
        watching = True
        async with client.market_stream() as stream:
            await stream.subscribe("aapl", channels=["quotes"])
            async for quote in stream.quotes():
                break
        async with client.account_stream(info["account"]) as account:
            async for snapshot in account.snapshots():
                break
        watching = False
    print(json.dumps({"imported": imported}))


asyncio.run(main())
"""
)


async def test_opening_the_first_streams_imports_nothing_on_the_event_loop(sim: Simulator) -> None:
    result = await run_child(_CHILD, {**sim.info(), "account": ACCOUNT})
    assert result["imported"] == [], result
