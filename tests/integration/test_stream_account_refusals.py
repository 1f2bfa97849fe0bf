"""The account socket's refused subscriptions, under the rules the market and charts streams
keep: a refusal is told once; a re-authentication's replay does not ask again for what its
socket refused; a new socket does (entitlements may have changed), and its refusal, when it
only repeats a known one with the same reason, is not told again; the user's own subscribe
asks again and its answer is told. On a server whose errors carry no id too (the accounts
first, the other topics once every account is answered).

Time never passes for real: the stream's waits are on :class:`FakeTime`, the simulator's
clock is a ManualClock."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from stream_helpers import FakeTime, Tokens, answered, drained, make_stream, until

from aries_async.models.events import ServerErrorMessage
from aries_async.sim import ManualClock, Simulator
from aries_async.sim.ws import WsHub
from aries_async.streaming import StreamConfig

CONFIG = StreamConfig(backoff_initial=0.0, backoff_jitter=0.0)
ACCOUNT = "TEST-ACCOUNT-001"
LOCKED = "TEST-SIM-001"
LOCKED_WHY = "not entitled to this account"
NEWS_WHY = "not entitled to news"
REPLAY = {"reauth": 1, "reconnect": 3}
"""Subscribes a replay sends: the account alone after a re-authentication (its socket refused
the locked account and the news), both accounts and the news on a new socket."""


@pytest.fixture
async def sim() -> AsyncIterator[Simulator]:
    async with Simulator(seed=3, clock=ManualClock(), tick_interval=None) as s:
        yield s


@pytest.mark.parametrize("idless", [False, True])
async def test_a_refusal_is_told_once_and_asked_again_on_a_new_socket_only(
    idless: bool, sim: Simulator, hub: WsHub, fake_time: FakeTime
) -> None:
    """The locked account and the news are refused, and told, once each. A
    re-authentication's replay leaves them out (that socket refused them); a reconnect's asks
    again, and the same refusals are not told; :attr:`refused_topics` names them all along.
    The user's own subscribe of either asks again and its answer is told, and a new socket
    that grants them ends the refusals."""
    if idless:
        sim.faults.ws_error_id = "none"
    refusals = {f"account {LOCKED}": LOCKED_WHY, "news": NEWS_WHY}
    sim.faults.ws_refused_subscriptions = dict(refusals)
    tokens = Tokens(sim)
    tokens.fresh_each_call = True
    stream = make_stream("accounts", sim, fake_time, CONFIG, tokens, account=[ACCOUNT, LOCKED])
    refused = {("account", LOCKED): LOCKED_WHY, ("news", None): NEWS_WHY}
    async with stream:
        events = stream.events()
        await until(lambda: stream.refused == {LOCKED: LOCKED_WHY})
        await stream.subscribe_news()
        await until(lambda: stream.refused_topics == refused)

        def told() -> list[str]:
            return sorted(e.error for e in drained(events) if type(e) is ServerErrorMessage)

        async def replay(how: str) -> None:
            asked = hub.subscribes
            assert (hub.refresh_auth if how == "reauth" else hub.drop)("accounts") == 1
            await until(lambda: hub.subscribes >= asked + REPLAY[how])
            await until(lambda: (owed := stream.awaited_answers()) is None or owed.done())
            await answered(hub, "accounts", stream, hub.subscribes)
            assert hub.subscribes == asked + REPLAY[how]

        assert told() == sorted([LOCKED_WHY, NEWS_WHY])
        for how in ["reauth", "reconnect", "reauth", "reconnect"]:
            await replay(how)
            assert told() == [] and stream.refused_topics == refused
        assert stream.reauths == 2 and stream.reconnects == 2
        asked = hub.subscribes
        await stream.subscribe_news()  # asked again, on this socket, and told
        # subscribe_news() returns once its frame is sent: until the server has read it.
        await answered(hub, "accounts", stream, asked + 1)
        assert told() == [NEWS_WHY]
        await stream.add_account(LOCKED)  # followed already, but refused: asked again
        await answered(hub, "accounts", stream, asked + 2)
        assert told() == [LOCKED_WHY] and stream.refused_topics == refused
        sim.faults.ws_refused_subscriptions = {}  # entitled now
        await replay("reauth")  # this socket was not asked again
        assert stream.refused_topics == refused
        await replay("reconnect")  # a new one was, and granted both
        await until(lambda: not stream.refused_topics)
        assert told() == []
        assert stream.account(LOCKED).snapshot is not None
        assert stream.reauths == 3 and stream.reconnects == 3
