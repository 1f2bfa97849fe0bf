"""The charts socket against a server that puts no request id on its errors (``ws_error_id
none``): its refusal of a subscribe (``invalid symbol``) names no symbol either.

websocket.md section 5 says the charts socket's errors are "for subscribe/unsubscribe or auth":
such an error that comes while a single subscribe awaits its answer (and no unsubscribe) can
only answer that one, and is tied to it. While several await, it is tied by elimination, once
the others are answered; meanwhile ``awaiting`` holds them all, and a WARNING says so, once.
The re-authentication variant is in ``test_stream_reauth_answers``.

Time never passes for real: the simulator runs on a ManualClock, the streams on
:class:`FakeTime`; the only waits are for socket traffic, each bounded by a timeout.
"""

from __future__ import annotations

import logging

import pytest
from stream_helpers import FakeTime, Tokens, answered, drained, make_stream, until

from aries_async.models.events import ServerErrorMessage
from aries_async.sim import Simulator
from aries_async.sim.ws import WsHub
from aries_async.streaming import Channel, ChartStream, StreamConfig

CONFIG = StreamConfig(backoff_initial=0.0, backoff_jitter=0.0)
REASON = "invalid symbol"
QUOTES = frozenset({Channel.QUOTES})


def _stream(sim: Simulator, fake_time: FakeTime) -> ChartStream:
    sim.faults.ws_error_id = "none"
    stream: ChartStream = make_stream("charts", sim, fake_time, CONFIG, Tokens(sim))
    return stream


def _untied_warnings(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [
        r
        for r in caplog.records
        if r.levelno == logging.WARNING and "without a request id" in r.getMessage()
    ]


async def test_a_refusal_naming_nothing_answers_the_lone_subscribe(
    sim: Simulator, hub: WsHub, fake_time: FakeTime, caplog: pytest.LogCaptureFixture
) -> None:
    """One subscribe awaits its answer: the id-less ``invalid symbol`` is its refusal, told
    once, named in ``refused``; nothing is left awaiting, and no WARNING is needed."""
    stream = _stream(sim, fake_time)
    async with stream:
        events = stream.events()
        await stream.subscribe("AAPL", channels=["quotes"])
        await answered(hub, "charts", stream, 1)
        await stream.subscribe("XYZ", channels=["quotes"])
        await answered(hub, "charts", stream, 2)
        errors = [e for e in drained(events) if type(e) is ServerErrorMessage]
        assert [(e.error, e.request_id) for e in errors] == [(REASON, None)]
        assert stream.refused == {"XYZ": REASON}
        assert stream.acknowledged == {"AAPL"} and not stream.awaiting
    assert not _untied_warnings(caplog)


async def test_a_refusal_among_several_subscribes_is_tied_once_the_others_are_answered(
    sim: Simulator, hub: WsHub, fake_time: FakeTime, caplog: pytest.LogCaptureFixture
) -> None:
    """Several subscribes await their answers when the id-less refusal comes: it cannot be
    told whose it is then, so ``awaiting`` keeps them all; once the others are acknowledged
    it can only be the one left's, which leaves ``awaiting`` for ``refused``. Each refusal
    is told once, and a single WARNING says that such errors came (later ones at DEBUG)."""
    sim.faults.ws_subscribe_delay = 1.0
    stream = _stream(sim, fake_time)
    async with stream:
        events = stream.events()
        await stream.subscribe(["XYZ", "MSFT"], channels=["quotes"])
        await until(lambda: hub.held("charts") == 2)
        assert stream.awaiting == {"XYZ": QUOTES, "MSFT": QUOTES}
        sim.faults.ws_subscribe_delay = None
        sim.advance(1.0)
        hub.check_deadlines()
        await answered(hub, "charts", stream, 2)
        assert stream.refused == {"XYZ": REASON}
        assert stream.acknowledged == {"MSFT"} and not stream.awaiting
        # Two more refused among three: each told, both tied once the third is answered.
        await stream.subscribe(["NOPE", "NVDA", "ZZZZ"], channels=["quotes"])
        await answered(hub, "charts", stream, 5)
        errors = [e for e in drained(events) if type(e) is ServerErrorMessage]
        assert [e.error for e in errors] == [REASON] * 3
        assert stream.refused == {"XYZ": REASON, "NOPE": REASON, "ZZZZ": REASON}
        assert stream.acknowledged == {"MSFT", "NVDA"} and not stream.awaiting
    assert len(_untied_warnings(caplog)) == 1


async def test_a_refused_trades_type_without_an_id_is_learned_from_the_lone_subscribe(
    sim: Simulator, hub: WsHub, fake_time: FakeTime
) -> None:
    """A server that sends trades with the quotes refuses the ``trades`` type, without an id
    or a symbol, once the quotes subscribe is acknowledged: it answers the trades subscribe,
    the one left, and the stream takes trades from the quotes (nothing refused, nothing
    left awaiting, no error told)."""
    sim.faults.charts_trades = "with_quotes"
    stream = _stream(sim, fake_time)
    async with stream:
        events = stream.events()
        await stream.subscribe("AAPL", channels=["quotes", "trades"])
        await answered(hub, "charts", stream, 2)
        assert stream.trades_in_quotes
        assert not stream.refused and not stream.awaiting
        assert stream.acknowledged == {"AAPL"}
        assert not [e for e in drained(events) if type(e) is ServerErrorMessage]


async def test_an_unsubscribe_awaiting_its_answer_leaves_the_refusal_untied(
    sim: Simulator, hub: WsHub, fake_time: FakeTime, caplog: pytest.LogCaptureFixture
) -> None:
    """The charts socket's errors may answer an unsubscribe too: while one awaits its
    acknowledgement (a server that sends none), an error naming nothing is not taken for
    the lone subscribe's refusal. It is told, and the subscribe stays in ``awaiting`` until
    the connection ends (the reconnect asks again); a WARNING says so."""
    sim.faults.ws_unsubscribes_unacknowledged = True
    stream = _stream(sim, fake_time)
    async with stream:
        events = stream.events()
        await stream.subscribe("AAPL", channels=["quotes"])
        await answered(hub, "charts", stream, 1)
        await stream.unsubscribe("AAPL")
        await stream.subscribe("XYZ", channels=["quotes"])
        await answered(hub, "charts", stream, 2)
        assert [e.error for e in drained(events) if type(e) is ServerErrorMessage] == [REASON]
        assert stream.awaiting == {"XYZ": QUOTES} and not stream.refused
        assert len(_untied_warnings(caplog)) == 1
        sim.faults.ws_unsubscribes_unacknowledged = False
        assert hub.drop("charts") == 1
        await until(lambda: stream.reconnects == 1 and stream.connected)
        await answered(hub, "charts", stream, 3)  # the replay, XYZ alone: refused, tied
        assert stream.refused == {"XYZ": REASON} and not stream.awaiting
