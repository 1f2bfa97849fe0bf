"""What the streams make of the market and charts sockets' open points (websocket.md
UNKNOWN/UNCERTAIN), each produced by a simulator switch: an authentication deadline on the
market and charts sockets (2.3), a refusal's request id at the top level, in both places or
nowhere (2.6), repeated and late quote and trade updates (3.3: no sequence number), and
market status values beyond ``open`` and ``closed`` (3.2).

Time never passes for real: the streams' backoff and keep-alive run on :class:`FakeTime` and
the simulator on a ManualClock, except where the token endpoint is slow: there the test runs
on virtual time (:mod:`virtual_time`), and the simulator's clock follows the loop's.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import logging
from collections.abc import Callable
from typing import Any

import pytest
from stream_helpers import FakeTime, Tokens, make_stream, own_tasks, take, until
from websockets.asyncio.client import ClientConnection
from websockets.asyncio.client import connect as ws_connect

from aries_async.client import AriesClient
from aries_async.models.events import (
    MarketStatusUpdate,
    QuoteUpdate,
    ServerErrorMessage,
    StreamConnected,
    StreamDisconnected,
    TradeUpdate,
)
from aries_async.sim import Simulator
from aries_async.sim.clock import DEFAULT_START
from aries_async.sim.ws import WsHub, hub_of
from aries_async.sim.ws_faults import ERROR_ID_PLACES
from aries_async.streaming import StreamConfig
from aries_async.streaming.protocol import Channel

SOCKETS = ("market", "charts")
CONFIG = StreamConfig(
    auth_timeout=5.0, backoff_initial=0.5, backoff_multiplier=2.0, backoff_jitter=0.0
)
DEADLINE_PASSED = "the server's authentication deadline passed (authTimeout)"


def _stream(kind: str, sim: Simulator, fake_time: FakeTime, tokens: Tokens | None = None) -> Any:
    return _stream_on(kind, sim, fake_time, tokens or Tokens(sim))


def _stream_on(kind: str, sim: Simulator, fake_time: FakeTime, tokens: Tokens, **extra: Any) -> Any:
    return make_stream(
        kind, sim, fake_time, CONFIG, tokens, invalidate_token=tokens.invalidate, **extra
    )


# -- 1. the market and charts sockets' authentication deadline ----------------------------------


class _LoopClock:
    """The simulator's clock on the running loop's (virtual) time."""

    def __init__(self, loop_clock: Callable[[], float]) -> None:
        self._loop_clock = loop_clock
        self._offset = DEFAULT_START - loop_clock()

    def now(self) -> float:
        return self._offset + self._loop_clock()


@pytest.mark.parametrize("kind", SOCKETS)
async def test_a_token_slower_than_the_deadline_is_had_before_the_socket_opens(
    kind: str, loop_clock: Callable[[], float]
) -> None:
    """The token endpoint takes 3 s, the socket's deadline is 1 s: the stream asks for its
    token before it opens the socket, so the deadline runs only while ``POST /auth`` is on
    its way, and the first socket stays."""
    async with Simulator(seed=0, clock=_LoopClock(loop_clock), tick_interval=None) as sim:
        sim.faults.ws_auth_deadline = 1.0
        sim.faults.route_latency["POST /v1/oauth2/token"] = 3.0
        hub = hub_of(sim.app)
        stale = sim.issue_token(ttl=0)  # its refresh, over the slow endpoint, comes first
        async with AriesClient(sim.client_config(), token=stale) as client:
            opener = client.market_stream if kind == "market" else client.chart_stream
            began = loop_clock()
            async with opener() as stream:
                assert loop_clock() - began >= 3.0  # the token took its 3 s
                assert stream.connected and sim.token_requests == 1
                await asyncio.sleep(5.0)  # virtual: the deadline would have passed by far
                assert stream.connected and stream.reconnects == 0
                assert hub.connections[kind] == 1 and hub.open_sessions(kind) == 1


@pytest.mark.parametrize("kind", SOCKETS)
async def test_a_missed_deadline_reconnects_after_the_backoff_with_the_same_token(
    kind: str, sim: Simulator, hub: WsHub, fake_time: FakeTime
) -> None:
    """The server closes a socket whose ``POST /auth`` it did not accept in time with
    ``authTimeout``: not a refusal of the token. The stream says so, keeps its token, waits
    for the backoff (longer each time: no storm) and never gives up for it; once the server
    answers in time it is back."""
    sim.faults.ws_auth_deadline = 1.0
    sim.faults.ws_auth_unanswered = True
    tokens = Tokens(sim)
    stream = _stream(kind, sim, fake_time, tokens)
    status = stream.status()

    async def miss_the_deadline(connection: int) -> None:
        # Once the request is on the server: the deadline passes while it goes unanswered.
        await until(lambda: hub.auth_requests == connection and hub.open_sessions(kind) == 1)
        sim.advance(1.0)
        hub.check_deadlines()

    missing = asyncio.create_task(miss_the_deadline(1))
    async with asyncio.timeout(5), stream:  # entered after a first failure that is not fatal
        await missing
        (down,) = await take(status, 1)  # the outage's one event, at its first failure
        assert isinstance(down, StreamDisconnected)
        assert (down.reason, down.will_reconnect, down.retry_in) == (DEADLINE_PASSED, True, 0.5)
        for connection, backoff in ((1, 0.5), (2, 1.0), (3, 2.0)):
            if connection > 1:
                await miss_the_deadline(connection)
            await until(lambda: backoff in fake_time.waiting())  # noqa: B023 - awaited here
            assert hub.connections[kind] == connection  # nothing before the backoff
            if connection == 3:
                sim.faults.ws_auth_unanswered = False
            fake_time.advance(backoff)
        (up,) = await take(status, 1)
        assert isinstance(up, StreamConnected) and up.attempt == 4 and up.failed_attempts == 3
        assert up.down_for == 0.5 + 1.0 + 2.0
        assert tokens.invalidated == 0 and tokens.calls == 4
    assert own_tasks() == []


@pytest.mark.parametrize("kind", SOCKETS)
async def test_a_deadline_that_passed_before_the_request_went_out_is_told_as_such(
    kind: str, sim: Simulator, hub: WsHub, fake_time: FakeTime
) -> None:
    """A slow client: the server's deadline passes between the socket's opening and the
    stream's ``POST /auth``, so the server says ``authTimeout`` and closes, and the request
    meets a closed socket. What the server said before it closed is why: the disconnect is
    the deadline's, the token is kept and the backoff follows."""
    sim.faults.ws_auth_deadline = 1.0
    tokens = Tokens(sim)

    async def slow_client(url: str, **options: Any) -> ClientConnection:
        ws = await ws_connect(url, **options)
        if hub.connections[kind] == 1:  # held until the server has given up on it
            await until(lambda: hub.open_sessions(kind) == 1)
            sim.advance(1.0)
            hub.check_deadlines()
            await ws.wait_closed()
        return ws

    stream = _stream_on(kind, sim, fake_time, tokens, connect=slow_client)
    status = stream.status()
    async with asyncio.timeout(5), stream:  # entered after a first failure that is not fatal
        (down,) = await take(status, 1)
        assert isinstance(down, StreamDisconnected)
        assert (down.reason, down.will_reconnect, down.retry_in) == (DEADLINE_PASSED, True, 0.5)
        await until(lambda: 0.5 in fake_time.waiting())
        fake_time.advance(0.5)
        (up,) = await take(status, 1)
        assert isinstance(up, StreamConnected) and up.attempt == 2
        assert tokens.invalidated == 0 and tokens.calls == 2
    assert own_tasks() == []


# -- 2. where a refusal carries its request id --------------------------------------------------


@pytest.mark.parametrize("place", ERROR_ID_PLACES)
@pytest.mark.parametrize("kind", SOCKETS)
async def test_a_refusal_is_tied_to_its_subscription_wherever_the_id_is(
    kind: str, place: str, sim: Simulator, fake_time: FakeTime
) -> None:
    """An id at the top level, in ``payload.id``, in both: the refusal answers that request.
    No id: it answers the latest request of each symbol it names, for the channels it names,
    awaiting an answer (an error that names nothing is only delivered)."""
    sim.faults.ws_error_id = place
    sim.faults.ws_refused_channels = {"MSFT": frozenset({"trades"})}
    async with _stream(kind, sim, fake_time) as stream:
        events = stream.events()
        await stream.subscribe("AAPL", channels=["quotes", "trades"])
        await until(lambda: stream.acknowledged == {"AAPL"})
        await stream.subscribe("MSFT", channels=["quotes", "trades"])
        await until(lambda: not stream.awaiting)
        reason = "not entitled to trades"
        assert stream.refused_channels == {"MSFT": {Channel.TRADES: reason}}
        assert stream.acknowledged_channels == {
            "AAPL": {Channel.QUOTES, Channel.TRADES},
            "MSFT": {Channel.QUOTES},
        }
        heard = [events.get_nowait() for _ in range(events.pending)]
        [error] = [e for e in heard if type(e) is ServerErrorMessage]
        assert (error.error, error.symbols) == (reason, ("MSFT",))
        assert (error.request_id is None) is (place == "none")


@pytest.mark.parametrize("place", ERROR_ID_PLACES)
async def test_an_account_refusal_is_tied_to_its_topic_wherever_the_id_is(
    place: str, sim: Simulator, fake_time: FakeTime
) -> None:
    """The account socket's refusals name no symbol: one without an id answers the only
    subscribe awaiting an answer, and is only delivered while several are."""
    sim.faults.ws_error_id = place
    sim.faults.ws_refused_subscriptions = {"news": "not entitled to news"}
    async with _stream("accounts", sim, fake_time) as stream:
        await stream.subscribe_news()
        await until(lambda: bool(stream.refused_topics))
        assert stream.refused_topics == {("news", None): "not entitled to news"}


# -- 3. repeated and late quote and trade updates -----------------------------------------------


def _per_step(count: int, repeat: int, stale: int) -> int:
    """Updates of one kind the server sends for its ``count``-th (the snapshot's is 1st)."""
    return 1 + (count % repeat == 0) + (count > 1 and count % stale == 0)


async def test_latest_never_goes_back_in_time_and_consumers_get_every_update_as_it_came(
    sim: Simulator, fake_time: FakeTime
) -> None:
    """Every 3rd quote and trade comes twice, every 2nd is followed by the one before it
    again: :meth:`latest` and :meth:`latest_trade` keep the newest by ``timestamp`` (a
    repeat changes nothing), while the consumers get every update in arrival order, the
    repeats and the late ones too."""
    sim.faults.ws_market_repeat_every = 3
    sim.faults.ws_market_stale_every = 2
    async with _stream("market", sim, fake_time) as stream:
        quotes, trades = stream.quotes("AAPL"), stream.trades("AAPL")
        await stream.subscribe("AAPL", channels=["quotes", "trades"])
        got: dict[Any, list[Any]] = {quotes: [], trades: []}
        for count in range(1, 9):
            if count > 1:
                sim.advance(0.5)  # one step of the walk
            for consumer in (quotes, trades):
                got[consumer] += await take(consumer, _per_step(count, 3, 2))
            newest = max(q.timestamp_ms for q in got[quotes])
            assert stream.latest("AAPL").timestamp_ms == newest
            assert stream.latest_trade("AAPL").timestamp_ms == max(
                t.timestamp_ms for t in got[trades]
            )
        for consumer, kind in ((quotes, QuoteUpdate), (trades, TradeUpdate)):
            stamps = [u.timestamp_ms for u in got[consumer]]
            assert all(type(u) is kind for u in got[consumer])
            assert any(b < a for a, b in itertools.pairwise(stamps))  # late, as they came
            assert any(a == b for a, b in itertools.pairwise(got[consumer]))  # repeated
        assert stream.latest("AAPL") == got[quotes][-2]  # the last step's, not its late one


async def test_a_slow_consumer_gets_the_newest_quote_not_a_late_one(
    sim: Simulator, fake_time: FakeTime
) -> None:
    """A consumer that fell behind gets the latest update per symbol: a late one does not
    take the place of the newer one it would be folded into."""
    sim.faults.ws_market_stale_every = 2
    async with _stream("market", sim, fake_time) as stream:
        quotes = stream.quotes("AAPL", buffer=1)
        await stream.subscribe("AAPL", channels=["quotes"])
        await until(lambda: quotes.pending == 1)  # the snapshot
        sim.advance(0.5)  # a quote, then the snapshot again
        await until(lambda: quotes.conflated == 1)
        snapshot, newest = await take(quotes, 2)
        assert newest.timestamp_ms == snapshot.timestamp_ms + 500
        assert stream.latest("AAPL") == newest


FAR_AHEAD = 99_999_999_999_999_999
"""A server clock gone wrong: read as microseconds, the year 5138."""


def _quote_line(kind: str, stamp: int, price: str) -> str:
    data: dict[str, Any] = {"bidPrice": price}
    if kind == "charts":
        data = {"s": "ok", "n": "AAPL", "v": {"lp": price}}
    payload = {"action": "update", "type": "quote", "symbol": "AAPL", "data": data}
    return json.dumps({"type": "event", "payload": {**payload, "timestamp": stamp}})


@pytest.mark.parametrize("kind", SOCKETS)
async def test_a_quote_dated_far_ahead_of_the_clock_does_not_hold_latest_back(
    kind: str, sim: Simulator, hub: WsHub, fake_time: FakeTime
) -> None:
    """One update dated in the year 5138 is delivered and merged, but it orders nothing
    once :meth:`latest` holds it: the next real quote replaces it (before, every later one
    looked older), and a late one with an honest time is still kept out."""
    sim.faults.charts_envelope = "typed"
    async with _stream_on(kind, sim, fake_time, Tokens(sim), wall_clock=sim.clock.now) as stream:
        quotes = stream.quotes("AAPL")
        await stream.subscribe("AAPL", channels=["quotes"])
        (first,) = await take(quotes, 1)
        assert hub.inject(_quote_line(kind, FAR_AHEAD, "1.25"), kind) == 1
        (ahead,) = await take(quotes, 1)
        assert ahead.timestamp_ms == FAR_AHEAD and stream.latest("AAPL").timestamp_ms == FAR_AHEAD
        sim.advance(0.5)
        (honest,) = await take(quotes, 1)
        assert stream.latest("AAPL").timestamp_ms == honest.timestamp_ms > first.timestamp_ms
        assert hub.inject(_quote_line(kind, first.timestamp_ms, "1.50"), kind) == 1
        (late,) = await take(quotes, 1)  # delivered as it came, but not the latest
        assert late.timestamp_ms == first.timestamp_ms
        assert stream.latest("AAPL").timestamp_ms == honest.timestamp_ms


CHART_TIMES = [("typed", "ms"), ("plain", "s"), ("plain", "ms"), ("plain", "iso")]
"""The charts envelope and the form of a trade's ``t``: a typed envelope stamps quotes and
trades (Unix ms and RFC 3339); a plain one stamps nothing, and a trade has only its ``t``."""


async def _read_all(stream: Any, hub: WsHub) -> None:
    """Until the stream read a line sent after everything the server queued before it."""
    malformed = stream.malformed
    assert hub.inject("not json", "charts") == 1
    await until(lambda: stream.malformed == malformed + 1)


def _drain(consumer: Any) -> list[Any]:
    return [consumer.get_nowait() for _ in range(consumer.pending)]


@pytest.mark.parametrize(("envelope", "trade_time"), CHART_TIMES)
async def test_the_chart_stream_s_latest_never_goes_back_in_time_whatever_the_time_s_form(
    envelope: str, trade_time: str, sim: Simulator, hub: WsHub, fake_time: FakeTime
) -> None:
    """Repeated and late chart quotes and trades: :meth:`latest_trade` keeps the newest by
    its time (the envelope's, else its ``t`` in seconds, milliseconds or RFC 3339), and so
    does :meth:`latest` when quotes are stamped; the consumers get them all as they came."""
    faults = sim.faults
    faults.ws_market_repeat_every, faults.ws_market_stale_every = 3, 2
    faults.charts_envelope, faults.charts_trade_time = envelope, trade_time
    async with _stream("charts", sim, fake_time) as stream:
        quotes, trades = stream.quotes("AAPL"), stream.trades("AAPL")
        await stream.subscribe("AAPL")
        await until(lambda: stream.acknowledged == {"AAPL"})
        got: dict[Any, list[Any]] = {quotes: [], trades: []}
        for _ in range(8):
            sim.advance(0.5)  # one step of the walk
            await _read_all(stream, hub)
            for consumer, updates in got.items():
                updates += _drain(consumer)
            newest = max(t.trade_timestamp for t in got[trades])
            assert stream.latest_trade("AAPL").trade_timestamp == newest
            if envelope == "typed":
                newest = max(q.timestamp for q in got[quotes])
                assert stream.latest("AAPL").timestamp == newest
        times = [t.trade_timestamp for t in got[trades]]
        assert any(b < a for a, b in itertools.pairwise(times))  # late, as they came
        assert stream.latest_trade("AAPL") == got[trades][-2]  # the last step's, not its late one


@pytest.mark.parametrize(("envelope", "trade_time"), CHART_TIMES)
async def test_a_slow_chart_consumer_gets_the_newest_trade_not_a_late_one(
    envelope: str, trade_time: str, sim: Simulator, hub: WsHub, fake_time: FakeTime
) -> None:
    faults = sim.faults
    faults.ws_market_stale_every = 2
    faults.charts_envelope, faults.charts_trade_time = envelope, trade_time
    async with _stream("charts", sim, fake_time) as stream:
        trades = stream.trades("AAPL", buffer=1)
        await stream.subscribe("AAPL", channels=["trades"])
        await until(lambda: stream.acknowledged == {"AAPL"})
        sim.advance(1.0)  # two steps: a trade, a trade, then the first again
        await _read_all(stream, hub)
        assert trades.conflated == 1
        first, newest = await take(trades, 2)
        assert first.trade_timestamp < newest.trade_timestamp
        assert stream.latest_trade("AAPL") == newest


# -- 4. market status values beyond open and closed ---------------------------------------------


@pytest.mark.parametrize("value", ["preMarket", "afterHours", "halted", "lunchAuction"])
async def test_a_market_status_beyond_open_and_closed_is_kept_as_sent(
    value: str, sim: Simulator, fake_time: FakeTime, caplog: pytest.LogCaptureFixture
) -> None:
    sim.faults.ws_market_status = value
    with caplog.at_level(logging.DEBUG, logger="aries_async"):
        stream = _stream("market", sim, fake_time)
        statuses = stream.market_statuses()  # the push comes with the authentication
        async with stream:
            [status] = await take(statuses, 1)
            assert isinstance(status, MarketStatusUpdate) and stream.market_status == status
            assert (status.market, status.is_open) == (value, False)
            assert set(status.exchanges.values()) == {value}
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]
