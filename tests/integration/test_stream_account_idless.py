"""The account socket against a server that never puts a request id on its errors
(``ws_error_id none``) while it refuses a subscription for good: the refusal is tied to its
subscription (once the others are answered, it can answer nothing else), so the stream stays
on its socket, rather than a new socket every ``request_timeout`` that is refused again.
Time never passes for real: the stream's waits are on :class:`FakeTime`, the simulator's clock
is a ManualClock."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
from stream_helpers import FakeTime, Tokens, drained, until

from aries_async.models.events import ServerErrorMessage, StreamDisconnected
from aries_async.sim import ManualClock, Simulator
from aries_async.sim.ws import WsHub
from aries_async.streaming import AccountStream, StreamConfig

CONFIG = StreamConfig(backoff_initial=0.0, backoff_jitter=0.0)
LOCKED = "LOCKED-001"
REASON = "not entitled to this account"


@pytest.fixture
async def sim() -> AsyncIterator[Simulator]:
    async with Simulator(seed=3, clock=ManualClock(), tick_interval=None) as s:
        s.faults.ws_error_id = "none"
        s.faults.ws_refused_subscriptions = {f"account {LOCKED}": REASON}
        yield s


def _stream(sim: Simulator, fake_time: FakeTime, *accounts: str) -> AccountStream:
    return AccountStream(
        sim.accounts_ws_url,
        Tokens(sim),
        accounts,
        config=CONFIG,
        sleep=fake_time.sleep,
        monotonic=fake_time.clock,
    )


async def _stays(stream: AccountStream, fake_time: FakeTime, timeouts: int) -> None:
    """Let ``timeouts`` request timeouts pass, each with what it set off run."""
    for _ in range(timeouts):
        fake_time.advance(CONFIG.request_timeout)
        for _ in range(20):
            await asyncio.sleep(0)


async def test_a_refusal_among_several_opening_requests_is_tied_once_the_others_answer(
    sim: Simulator, hub: WsHub, fake_time: FakeTime
) -> None:
    """The locked account's subscription is sent first, the other one's after it: its
    refusal comes while both await an answer, and is tied to it once the other is
    acknowledged. No reconnect follows, however long the stream runs."""
    stream = _stream(sim, fake_time, LOCKED, "TEST-ACCOUNT-001")
    status = stream.status()
    async with stream:
        events = stream.events()
        await until(lambda: stream.refused == {LOCKED: REASON})
        assert stream.refused_topics == {("account", LOCKED): REASON}
        await until(lambda: stream.account("TEST-ACCOUNT-001").snapshot is not None)
        await _stays(stream, fake_time, 5)
        assert stream.connected and stream.reconnects == 0
        assert not [e for e in drained(status) if isinstance(e, StreamDisconnected)]
        errors = [e for e in drained(events) if type(e) is ServerErrorMessage]
        assert [e.error for e in errors] == [REASON]
        assert hub.subscribes == 2


async def test_a_new_socket_with_unacknowledged_topics_ties_the_refusal_too(
    sim: Simulator, hub: WsHub, fake_time: FakeTime
) -> None:
    """No acknowledgements either: on a new socket the news subscription would never be
    answered, so the refusal could not be tied by elimination while it waits. Once the
    server was seen to send errors without ids, the other topics go out only after every
    account is answered (its snapshot or its refusal): the one reconnect is the drop's."""
    sim.settings.ws_send_acks = False
    stream = _stream(sim, fake_time, LOCKED, "TEST-ACCOUNT-001")
    async with stream:
        await until(lambda: stream.refused == {LOCKED: REASON})
        await stream.subscribe_news()
        await until(lambda: hub.subscribes == 3)
        hub.drop("accounts")
        await until(lambda: stream.reconnects == 1 and stream.connected)
        await until(lambda: hub.subscribes == 6)  # both accounts, then the news
        await _stays(stream, fake_time, 5)
        assert stream.connected and stream.reconnects == 1
        assert stream.refused_topics == {("account", LOCKED): REASON}
        assert hub.subscribes == 6
