"""The answers to a user's subscribe in flight when the stream re-authenticates.

The stream sends the subscriptions again after a re-authentication on the live socket; the
user's own subscribe, sent before, may be answered after that replay went out (a server whose
subscriptions are checked apart from its authentication: the simulator's
``faults.ws_subscribe_delay``). Whatever the interleaving, the user's subscribe is answered
once: a refusal is told once (one ``ServerErrorMessage``) and named in ``refused``; an "already
subscribed" answer is an acknowledgement, told as no error.

Time never passes for real: the simulator runs on a ManualClock, the streams on
:class:`FakeTime`; the only waits are for socket traffic, each bounded by a timeout.
"""

from __future__ import annotations

from typing import Any

import pytest
from stream_helpers import FakeTime, Tokens, answered, drained, make_stream, take, until

from aries_async.models.events import ServerErrorMessage, StreamConnected, StreamReauthenticated
from aries_async.sim import Simulator
from aries_async.sim.ws import WsHub
from aries_async.streaming import StreamConfig

ACCOUNT = "TEST-ACCOUNT-001"
CONFIG = StreamConfig(backoff_initial=0.0, backoff_jitter=0.0)
DELAY = 1.0
"""How late the server acts on a subscribe (simulator seconds)."""


@pytest.fixture
def sim_seed() -> int:
    """The price walk of ``sim`` (the conftest's simulator on a manual clock)."""
    return 4


def make(kind: str, sim: Simulator, fake_time: FakeTime) -> Any:
    tokens = Tokens(sim)
    tokens.fresh_each_call = True
    return make_stream(kind, sim, fake_time, CONFIG, tokens, account=ACCOUNT)


async def release(sim: Simulator, hub: WsHub, kind: str, stream: Any) -> None:
    """Let the server act on every (un)subscribe it holds, and the stream read the answers."""
    sim.faults.ws_subscribe_delay = None
    sim.advance(DELAY)
    hub.check_deadlines()
    assert hub.held(kind) == 0
    await answered(hub, kind, stream, hub.subscribes)


async def reauthenticated_over(
    sim: Simulator, hub: WsHub, kind: str, stream: Any, status: Any, user: int
) -> None:
    """With the server holding (un)subscribes: one re-authentication, until the server read
    its replay after the ``user`` (un)subscribes of the user's it holds."""
    assert hub.refresh_auth(kind) == 1
    (said,) = await take(status, 1)
    assert isinstance(said, StreamReauthenticated)
    await until(lambda: hub.held(kind) > user)


# -- a refusal of the user's subscribe that comes after the replay -------------------------------

REFUSED = {"market": "XYZ", "charts": "XYZ", "accounts": ("news", None)}
"""What each socket refuses the user's subscribe of."""
REASON = {"market": "invalid symbol", "charts": "invalid symbol", "accounts": "not entitled"}


async def user_subscribes(kind: str, stream: Any) -> None:
    if kind == "accounts":
        await stream.subscribe_news()
    else:
        await stream.subscribe("XYZ", channels=["quotes"])


def refusals_of(kind: str, stream: Any) -> dict[Any, str]:
    return dict(stream.refused_topics if kind == "accounts" else stream.refused)


@pytest.mark.parametrize("place", ["payload", "none"])
@pytest.mark.parametrize("kind", ["market", "charts", "accounts"])
async def test_a_refusal_of_a_subscribe_replaced_by_the_replay_is_told_once(
    kind: str, place: str, sim: Simulator, hub: WsHub, fake_time: FakeTime
) -> None:
    """The user's subscribe was read by the server before the re-authentication, and refused
    after the replay went out (which asked for it again, its refusal not known yet): the
    refusal answers the user's subscribe, is named in ``refused`` and told once; the replay's
    refusal only repeats it."""
    sim.faults.ws_refused_subscriptions = {"news": REASON["accounts"]}
    sim.faults.ws_error_id = place
    stream = make(kind, sim, fake_time)
    status = stream.status()
    async with stream:
        assert [type(e) for e in await take(status, 1)] == [StreamConnected]
        events = stream.events()
        if kind != "accounts":
            await stream.subscribe("AAPL", channels=["quotes"])
        await answered(hub, kind, stream, 1)
        drained(events)
        sim.faults.ws_subscribe_delay = DELAY
        await user_subscribes(kind, stream)
        await until(lambda: hub.held(kind) == 1)
        await reauthenticated_over(sim, hub, kind, stream, status, 1)
        await release(sim, hub, kind, stream)
        errors = [e for e in drained(events) if type(e) is ServerErrorMessage]
        assert [e.error for e in errors] == [REASON[kind]]
        assert refusals_of(kind, stream) == {REFUSED[kind]: REASON[kind]}
        assert not getattr(stream, "awaiting", {})
        assert stream.reauths == 1 and stream.reconnects == 0


# -- an "already subscribed" answer to a subscribe replaced by the replay --------------------------


async def test_already_subscribed_answering_a_replaced_subscribe_is_no_error(
    sim: Simulator, hub: WsHub, fake_time: FakeTime
) -> None:
    """The user subscribes again to what the socket holds, the server answers after the
    replay went out, "already subscribed" to both: an acknowledgement each, no error told."""
    sim.faults.ws_already_subscribed = True
    stream = make("market", sim, fake_time)
    status = stream.status()
    async with stream:
        assert [type(e) for e in await take(status, 1)] == [StreamConnected]
        events = stream.events()
        await stream.subscribe("AAPL", channels=["quotes"])
        await answered(hub, "market", stream, 1)
        drained(events)
        sim.faults.ws_subscribe_delay = DELAY
        await stream.subscribe("AAPL", channels=["quotes"])
        await until(lambda: hub.held("market") == 1)
        await reauthenticated_over(sim, hub, "market", stream, status, 1)
        await release(sim, hub, "market", stream)
        assert not [e for e in drained(events) if type(e) is ServerErrorMessage]
        assert stream.acknowledged == {"AAPL"} and not stream.refused and not stream.awaiting
