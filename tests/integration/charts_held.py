"""A charts stream on a simulator that holds its (un)subscribes until the test releases them
(``ws_subscribe_delay``, ``HeldSubscriptions.release``), so the order the stream reads the
answers in is the test's; for the tests of the charts stream's refusals."""

from __future__ import annotations

from typing import Any

from stream_helpers import FakeTime, Tokens, drained, make_stream

from aries_async.models.events import ServerErrorMessage
from aries_async.sim import Simulator
from aries_async.sim.ws import WsHub
from aries_async.sim.ws_charts import ChartSession
from aries_async.streaming import ChartStream, StreamConfig

CONFIG = StreamConfig(backoff_initial=0.0, backoff_jitter=0.0)
REASON = "invalid symbol"


def held_stream(sim: Simulator, fake_time: FakeTime) -> ChartStream:
    """A charts stream whose (un)subscribes the simulator answers only as the test releases
    them."""
    sim.faults.ws_subscribe_delay = 1.0
    stream: ChartStream = make_stream("charts", sim, fake_time, CONFIG, Tokens(sim))
    return stream


def open_session(hub: WsHub) -> ChartSession:
    """The simulator's one open charts session."""
    (found,) = [s for s in hub.sessions if isinstance(s, ChartSession) and not s.closed]
    return found


def server_errors(events: Any) -> list[ServerErrorMessage]:
    """The server errors a consumer has to hand."""
    return [e for e in drained(events) if type(e) is ServerErrorMessage]
