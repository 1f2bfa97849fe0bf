"""A symbol subscribed again before the server answered the subscribe an unsubscribe
overtook: a refusal without an id naming it is the old request's while that one awaits its
answer (the oldest request of the symbol unanswered; a socket's answers come in the order of
its requests, though the spec does not promise it), not the new one's; unless an answer to
a later request (the unsubscribe's acknowledgement) came first: the old one's answer is not
coming then (the server lost it, ``HeldSubscriptions.drop``), and the refusal is the new
request's. One with an id is its request's, whatever came before.

The simulator holds the (un)subscribes (``ws_subscribe_delay``) and acts on them one at a time
(``HeldSubscriptions.release``), so the order the stream reads the answers in is the test's;
no time passes for real.
"""

from __future__ import annotations

from typing import Any

import pytest
from held_sockets import held_stream, open_session, release, server_errors
from stream_helpers import FakeTime, until

from aries_async.sim import Simulator
from aries_async.sim.ws import WsHub
from aries_async.sim.ws_faults import ERROR_ID_PLACES
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


async def _unanswered_then_refused(hub: WsHub, stream: Any, kind: str, requests: int) -> None:
    """``stream`` subscribes AAPL, unsubscribes it and subscribes it again before the server
    answers; the server loses the first subscribe (no answer, no refusal), acknowledges the
    unsubscribe and refuses the second subscribe; the stream reads the answers."""
    await stream.subscribe("AAPL")
    await until(lambda: hub.held(kind) == requests)
    await stream.unsubscribe("AAPL")
    await until(lambda: hub.held(kind) == 2 * requests)
    await stream.subscribe("AAPL")
    await until(lambda: hub.held(kind) == 3 * requests)
    assert open_session(hub, kind).held.drop(requests) == requests
    await release(hub, stream, 2 * requests, requests)


@pytest.mark.parametrize("error_id", [p for p in ERROR_ID_PLACES if p != "none"])
@pytest.mark.parametrize(("kind", "requests"), [("market", 1), ("charts", 2)])
async def test_a_refusal_with_the_new_requests_id_is_told_when_the_old_one_is_lost(
    sim: Simulator,
    hub: WsHub,
    fake_time: FakeTime,
    kind: str,
    requests: int,
    error_id: str,
) -> None:
    """The server never answers the overtaken subscribe and refuses the new one, with its
    id: the id names the request it answers, so the refusal is the new request's: told,
    AAPL's channels refused, no request left awaiting its answer."""
    sim.faults.ws_error_id = error_id
    sim.faults.ws_refused_channels = {"AAPL": frozenset({"quotes", "trades"})}
    stream: Any
    async with held_stream(sim, fake_time, kind) as stream:
        events = stream.events()
        await _unanswered_then_refused(hub, stream, kind, requests)
        told = server_errors(events)
        assert len(told) == requests
        assert set(stream.refused_channels["AAPL"]) == BOTH
        assert stream.awaiting == {} and stream._subs.in_flight == {}


@pytest.mark.parametrize(("kind", "requests"), [("market", 1), ("charts", 2)])
async def test_a_refusal_without_an_id_after_a_later_answer_is_the_new_requests(
    sim: Simulator, hub: WsHub, fake_time: FakeTime, kind: str, requests: int
) -> None:
    """The same without ids on the errors: the unsubscribe, sent after the first subscribe,
    was answered before anything answered that one, so (a socket's answers come in order)
    no answer to it is coming: the refusal naming AAPL is the new request's, and told."""
    sim.faults.ws_error_id = "none"
    sim.faults.ws_refused_channels = {"AAPL": frozenset({"quotes", "trades"})}
    stream: Any
    async with held_stream(sim, fake_time, kind) as stream:
        events = stream.events()
        await _unanswered_then_refused(hub, stream, kind, requests)
        assert [e.symbols for e in server_errors(events)] == [("AAPL",)] * requests
        assert set(stream.refused_channels["AAPL"]) == BOTH
        assert stream.awaiting == {} and stream._subs.in_flight == {}


@pytest.mark.parametrize(("kind", "requests"), [("market", 1), ("charts", 2)])
async def test_without_a_later_answer_the_refusal_is_still_the_old_requests(
    sim: Simulator, hub: WsHub, fake_time: FakeTime, kind: str, requests: int
) -> None:
    """The chosen rule where nothing tells the two apart: the server acknowledges nothing
    and puts no id on its errors, so no answer to a request sent after the first subscribe
    came before the refusal: it is taken for the oldest request of AAPL unanswered (the
    first) and not told. The new request stays in ``awaiting`` (where the user sees it; no
    call waits on it) until its answer or the connection's end, as any request of a server
    that acknowledges nothing."""
    sim.faults.ws_error_id = "none"
    sim.faults.ws_market_unacknowledged = True
    sim.faults.charts_ack = "none"
    sim.faults.ws_refused_channels = {"AAPL": frozenset({"quotes", "trades"})}
    stream: Any
    async with held_stream(sim, fake_time, kind) as stream:
        events = stream.events()
        await _unanswered_then_refused(hub, stream, kind, requests)
        assert server_errors(events) == []
        assert stream.awaiting == {"AAPL": BOTH} and not stream.refused_channels
        assert len(stream._subs._overtaken) == 0
