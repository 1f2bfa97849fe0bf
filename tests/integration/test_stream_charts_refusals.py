"""A symbol the charts socket refuses is told once per subscribe, wherever the server puts the
request id of its errors (``ws_error_id``: ``payload.id``, the envelope, both, or nowhere, as
the simulator's ``invalid symbol`` then names no symbol either).

The charts socket takes one ``payload.type`` per message (websocket.md section 5): one
subscribe of a symbol's quotes and trades is two requests, and a server that refuses the symbol
refuses each. The user asked once, and hears of it once, when the second answer is in: by then
``refused_channels`` says all that was refused, so whoever acts on the
:class:`ServerErrorMessage` (the CLI stops once every symbol is refused) finds it complete.

The simulator holds the subscribes (``ws_subscribe_delay``) and answers them one at a time
(``HeldSubscriptions.release``), so the order the stream reads the answers in is the test's,
not the scheduler's; no time passes for real.
"""

from __future__ import annotations

import pytest
from held_sockets import CONFIG, REASON, held_stream, open_session, release, server_errors
from stream_helpers import FakeTime, Tokens, answered, drained, make_stream, until

from aries_async.models.events import ServerErrorMessage
from aries_async.sim import Simulator
from aries_async.sim.ws import WsHub
from aries_async.sim.ws_faults import ERROR_ID_PLACES
from aries_async.streaming import Channel, ChartStream

BOTH = {Channel.QUOTES: REASON, Channel.TRADES: REASON}


def _stream(sim: Simulator, fake_time: FakeTime, error_id: str) -> ChartStream:
    sim.faults.ws_error_id = error_id
    stream: ChartStream = held_stream(sim, fake_time)
    return stream


async def _release(hub: WsHub, stream: ChartStream, count: int) -> None:
    """The simulator answers the next ``count`` subscribes it holds, and the stream reads the
    answers."""
    await release(hub, stream, count, count)


@pytest.mark.parametrize("error_id", ERROR_ID_PLACES)
async def test_a_symbol_refused_for_quotes_and_trades_is_told_once_both_are_answered(
    sim: Simulator, hub: WsHub, fake_time: FakeTime, error_id: str
) -> None:
    """The refusal of the first request is not told alone: the second may be refused for the
    same reason (one refusal) or answered otherwise. Told once both are in, and again for
    each later subscribe of the symbol."""
    async with _stream(sim, fake_time, error_id) as stream:
        events = stream.events()
        for attempt in range(2):
            await stream.subscribe("NOPE")
            await until(lambda: hub.held("charts") == 2)
            await _release(hub, stream, 1)
            assert server_errors(events) == [], attempt
            assert Channel.TRADES in stream.awaiting["NOPE"]
            await _release(hub, stream, 1)
            told = server_errors(events)
            assert [e.error for e in told] == [REASON], attempt
            assert stream.refused_channels == {"NOPE": BOTH}
            assert not stream.awaiting
        assert stream.refused == {"NOPE": REASON}


@pytest.mark.parametrize("error_id", ERROR_ID_PLACES)
async def test_two_symbols_refused_in_one_subscribe_are_told_once_each(
    sim: Simulator, hub: WsHub, fake_time: FakeTime, error_id: str
) -> None:
    """One subscribe of three symbols, two refused: six requests, four refusals, two told;
    the last one told comes with the last answer, when ``refused_channels`` holds both."""
    async with _stream(sim, fake_time, error_id) as stream:
        events = stream.events()
        await stream.subscribe(["NOPE", "MSFT", "NADA"])
        await until(lambda: hub.held("charts") == 6)
        told: list[ServerErrorMessage] = []
        for _ in range(5):
            await _release(hub, stream, 1)
            told += server_errors(events)
        # NOPE's told once both its answers are in, when they carry ids; without, once the
        # last answer ties the held refusals to the four requests left.
        assert len(told) == (0 if error_id == "none" else 1)
        assert Channel.TRADES in stream.awaiting["NADA"]
        await _release(hub, stream, 1)
        told += server_errors(events)
        assert [e.error for e in told] == [REASON, REASON]
        assert stream.refused_channels == {"NOPE": BOTH, "NADA": BOTH}
        assert stream.acknowledged == {"MSFT"} and not stream.awaiting


@pytest.mark.parametrize("error_id", ERROR_ID_PLACES)
async def test_refusals_answered_at_once_are_told_once_each(
    sim: Simulator, hub: WsHub, fake_time: FakeTime, error_id: str
) -> None:
    """The same, answered as fast as the server reads them: however the answers fall into
    the stream's reads, each refused symbol is told once."""
    sim.faults.ws_error_id = error_id
    stream: ChartStream = make_stream("charts", sim, fake_time, CONFIG, Tokens(sim))
    async with stream:
        events = stream.events()
        await stream.subscribe(["NOPE", "MSFT", "NADA"])
        await answered(hub, "charts", stream, 6)
        assert [e.error for e in server_errors(events)] == [REASON, REASON]
        assert stream.refused_channels == {"NOPE": BOTH, "NADA": BOTH}
        assert stream.acknowledged == {"MSFT"} and not stream.awaiting


async def test_a_refusal_held_for_the_other_request_is_told_when_that_one_goes(
    sim: Simulator, hub: WsHub, fake_time: FakeTime
) -> None:
    """The quotes request is refused while the trades one awaits its answer: unsubscribing
    the symbol (no answer is awaited any more) tells the refusal, once; so does the end of
    the connection, before its gap marker."""
    async with _stream(sim, fake_time, "payload") as stream:
        events = stream.events()
        await stream.subscribe("NOPE")
        await until(lambda: hub.held("charts") == 2)
        await _release(hub, stream, 1)
        assert server_errors(events) == []
        await stream.unsubscribe("NOPE")
        assert [e.error for e in server_errors(events)] == [REASON]
        assert not stream.refused and not stream.awaiting

        await until(lambda: hub.held("charts") == 3)  # NOPE's trades, its two unsubscribes
        open_session(hub).held.release(3)
        await answered(hub, "charts", stream, 2)
        drained(events)  # (the late refusal of NOPE's trades answers no request any more)

        await stream.subscribe("NADA")
        await until(lambda: hub.held("charts") == 2)
        await _release(hub, stream, 1)
        assert server_errors(events) == []
        assert hub.drop("charts") == 1
        await until(lambda: stream.reconnects == 1)
        gap = drained(events)
        assert [type(e).__name__ for e in gap][:2] == ["ServerErrorMessage", "StreamDisconnected"]
        assert gap[0].error == REASON
