"""Subscribe and unsubscribe calls made while a stream reconnects (its socket down): no frame
goes out, so no request awaits an answer; the replay on the next socket carries the wish, and
its answer is what ``awaiting``, ``acknowledged`` and ``refused`` tell.

Time never passes for real: the simulator runs on a ManualClock, the streams' backoff on
:class:`FakeTime` (a reconnect waits until the test advances it); the only waits are for
socket traffic, each bounded by a timeout.
"""

from __future__ import annotations

from typing import Any

import pytest
from stream_helpers import FakeTime, Tokens, answered, drained, make_stream, until

from aries_async.models.events import ServerErrorMessage
from aries_async.sim import Simulator
from aries_async.sim.ws import WsHub
from aries_async.streaming import Channel, StreamConfig

BACKOFF = 1.0
CONFIG = StreamConfig(backoff_initial=BACKOFF, backoff_jitter=0.0)
QUOTES = frozenset({Channel.QUOTES})
SYMBOL_KINDS = ["market", "charts"]
REPLAYED = {"market": 2, "charts": 3}
"""The subscribe frames read once a stream subscribed one symbol, then replayed two: the
market socket's replay is one frame, the charts socket's one per symbol."""


async def _down(stream: Any, hub: WsHub, kind: str, fake_time: FakeTime) -> None:
    """Drop the socket and wait until the stream waits out its backoff, not connected."""
    assert hub.drop(kind) == 1
    await until(lambda: not stream.connected and BACKOFF in fake_time.waiting())


async def _up(stream: Any, fake_time: FakeTime, reconnects: int) -> None:
    """End the backoff and wait for the new socket."""
    fake_time.advance(BACKOFF)
    await until(lambda: stream.reconnects == reconnects and stream.connected)


@pytest.mark.parametrize("kind", SYMBOL_KINDS)
async def test_a_subscribe_while_reconnecting_is_answered_by_the_replay(
    kind: str, sim: Simulator, hub: WsHub, fake_time: FakeTime
) -> None:
    """The subscribe found no socket: the replay on the next one asks for the symbol, and
    its acknowledgement leaves nothing awaiting."""
    stream = make_stream(kind, sim, fake_time, CONFIG, Tokens(sim))
    async with stream:
        await stream.subscribe("AAPL", channels=["quotes"])
        await answered(hub, kind, stream, 1)
        await _down(stream, hub, kind, fake_time)
        await stream.subscribe("MSFT", channels=["quotes"])
        assert not stream.awaiting  # nothing was sent: nothing awaits an answer
        await _up(stream, fake_time, 1)
        await answered(hub, kind, stream, REPLAYED[kind])  # the replay: AAPL and MSFT
        assert stream.acknowledged == {"AAPL", "MSFT"}
        assert not stream.awaiting


@pytest.mark.parametrize("kind", SYMBOL_KINDS)
async def test_an_idless_refusal_of_a_subscribe_while_reconnecting_refuses_it(
    kind: str, sim: Simulator, hub: WsHub, fake_time: FakeTime
) -> None:
    """A server that puts no id on its errors refuses the symbol subscribed during the
    outage when the replay asks for it: the refusal is the replay's, told once, and the
    symbol is refused, not acknowledged, not awaiting."""
    sim.faults.ws_error_id = "none"
    stream = make_stream(kind, sim, fake_time, CONFIG, Tokens(sim))
    async with stream:
        events = stream.events()
        await stream.subscribe("AAPL", channels=["quotes"])
        await answered(hub, kind, stream, 1)
        await _down(stream, hub, kind, fake_time)
        await stream.subscribe("NOPE", channels=["quotes"])
        await _up(stream, fake_time, 1)
        await answered(hub, kind, stream, REPLAYED[kind])
        assert stream.refused == {"NOPE": "invalid symbol"}
        assert stream.acknowledged == {"AAPL"}
        assert not stream.awaiting
        errors = [e for e in drained(events) if type(e) is ServerErrorMessage]
        assert [e.error for e in errors] == ["invalid symbol"]


async def test_an_unsubscribe_while_reconnecting_leaves_no_unsubscribe_awaiting(
    sim: Simulator, hub: WsHub, fake_time: FakeTime
) -> None:
    """On the charts socket an id-less error is tied to the lone subscribe only while no
    unsubscribe awaits its own answer: one made during the outage was never sent, so it
    awaits nothing, and the replay's refusal is tied."""
    sim.faults.ws_error_id = "none"
    sim.faults.ws_unsubscribes_unacknowledged = True
    stream = make_stream("charts", sim, fake_time, CONFIG, Tokens(sim))
    async with stream:
        await stream.subscribe(["AAPL", "MSFT"], channels=["quotes"])
        await answered(hub, "charts", stream, 2)
        await _down(stream, hub, "charts", fake_time)
        await stream.unsubscribe("AAPL")
        await stream.subscribe("NOPE", channels=["quotes"])
        await _up(stream, fake_time, 1)
        await answered(hub, "charts", stream, 4)  # the replay: MSFT, NOPE
        assert stream.refused == {"NOPE": "invalid symbol"}
        assert stream.acknowledged == {"MSFT"}
        assert not stream.awaiting


@pytest.mark.parametrize("error_id", ["payload", "none"])
async def test_account_topics_asked_for_while_reconnecting_are_answered_by_the_replay(
    error_id: str, sim: Simulator, hub: WsHub, fake_time: FakeTime
) -> None:
    """The account stream's topics subscribed during the outage: the replay asks for them,
    their refusals name them (with or without ids), and nothing is left in flight."""
    sim.faults.ws_error_id = error_id
    sim.faults.ws_refused_subscriptions = {"news": "not entitled to news"}
    stream = make_stream("accounts", sim, fake_time, CONFIG, Tokens(sim))
    async with stream:
        await until(lambda: stream.snapshot is not None)
        await _down(stream, hub, "accounts", fake_time)
        await stream.subscribe_news(symbols=["AAPL"])
        await stream.subscribe_watchlist()
        await _up(stream, fake_time, 1)
        await until(lambda: bool(stream.refused_topics))
        await answered(hub, "accounts", stream, hub.subscribes)
        assert stream.refused_topics == {("news", None): "not entitled to news"}
