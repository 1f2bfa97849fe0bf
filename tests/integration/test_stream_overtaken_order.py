"""A symbol subscribed again before the server answered the subscribe an unsubscribe
overtook: a refusal without an id naming it is the old request's while that one awaits its
answer (the oldest request of the symbol unanswered; a socket's answers come in the order of
its requests, though the spec does not promise it), not the new one's.

The simulator holds the (un)subscribes (``ws_subscribe_delay``) and acts on them one at a time
(``HeldSubscriptions.release``), so the order the stream reads the answers in is the test's;
no time passes for real.
"""

from __future__ import annotations

from typing import Any

import pytest
from held_sockets import held_stream, release, server_errors
from stream_helpers import FakeTime, until

from aries_async.sim import Simulator
from aries_async.sim.ws import WsHub
from aries_async.streaming import Channel

BOTH = frozenset({Channel.QUOTES, Channel.TRADES})


@pytest.mark.parametrize(("kind", "requests"), [("market", 1), ("charts", 2)])
async def test_a_refusal_without_an_id_is_the_old_requests_not_the_new_ones(
    sim: Simulator, hub: WsHub, fake_time: FakeTime, kind: str, requests: int
) -> None:
    """AAPL is subscribed (``requests`` requests on the wire), unsubscribed, and subscribed
    again before the server answers. The server refuses the first subscribe (errors without
    an id naming AAPL and its channels), then grants the second: the refusals answer the
    overtaken request, are not told, and refuse nothing; AAPL awaits the second request's
    answer, which acknowledges it."""
    sim.faults.ws_error_id = "none"
    sim.faults.ws_refused_channels = {"AAPL": frozenset({"quotes", "trades"})}
    stream: Any
    async with held_stream(sim, fake_time, kind) as stream:
        events = stream.events()
        await stream.subscribe("AAPL")
        await until(lambda: hub.held(kind) == requests)
        await stream.unsubscribe("AAPL")
        await until(lambda: hub.held(kind) == 2 * requests)
        await stream.subscribe("AAPL")
        await until(lambda: hub.held(kind) == 3 * requests)

        await release(hub, stream, requests, requests)  # the first subscribe's refusals
        assert server_errors(events) == []
        assert not stream.refused_channels
        assert stream.awaiting == {"AAPL": BOTH}

        sim.faults.ws_refused_channels = {}
        await release(hub, stream, 2 * requests, requests)
        assert server_errors(events) == []
        assert not stream.refused_channels and stream.acknowledged == {"AAPL"}
        assert stream._subs.in_flight == {} and len(stream._subs._overtaken) == 0


@pytest.mark.parametrize(("kind", "requests"), [("market", 1), ("charts", 2)])
async def test_the_new_requests_refusal_is_told_once_after_the_old_ones(
    sim: Simulator, hub: WsHub, fake_time: FakeTime, kind: str, requests: int
) -> None:
    """The same, but the server refuses both subscribes: the first refusals answer the
    overtaken request, the second the new one: the user hears of AAPL's refusal once per
    channel refused, and AAPL's channels stay refused."""
    sim.faults.ws_error_id = "none"
    sim.faults.ws_refused_channels = {"AAPL": frozenset({"quotes", "trades"})}
    stream: Any
    async with held_stream(sim, fake_time, kind) as stream:
        events = stream.events()
        await stream.subscribe("AAPL")
        await until(lambda: hub.held(kind) == requests)
        await stream.unsubscribe("AAPL")
        await until(lambda: hub.held(kind) == 2 * requests)
        await stream.subscribe("AAPL")
        await until(lambda: hub.held(kind) == 3 * requests)
        await release(hub, stream, 3 * requests, 2 * requests)
        told = [(e.error, e.symbols) for e in server_errors(events)]
        if kind == "market":  # one error names both channels of the one request
            assert told == [("not entitled to quotes, trades", ("AAPL",))]
        else:  # one error per request, one request per channel
            assert told == [(f"not entitled to {c}", ("AAPL",)) for c in ("quotes", "trades")]
        assert set(stream.refused_channels["AAPL"]) == BOTH
        assert stream._subs.in_flight == {} and len(stream._subs._overtaken) == 0
