"""A market or charts stream on a simulator that holds its (un)subscribes until the test
releases them (``ws_subscribe_delay``, ``HeldSubscriptions.release``), so the order the stream
reads the answers in is the test's; for the tests of the streams' refusals."""

from __future__ import annotations

from typing import Any

from stream_helpers import FakeTime, Tokens, answered, drained, make_stream, until

from aries_async.models.events import ServerErrorMessage
from aries_async.sim import Simulator
from aries_async.sim.ws import WsHub
from aries_async.sim.ws_session import Session
from aries_async.streaming import StreamConfig

CONFIG = StreamConfig(backoff_initial=0.0, backoff_jitter=0.0)
REASON = "invalid symbol"


def held_stream(
    sim: Simulator, fake_time: FakeTime, kind: str = "charts", config: StreamConfig = CONFIG
) -> Any:
    """A stream of ``kind`` (``charts``, ``market``) whose (un)subscribes the simulator
    answers only as the test releases them."""
    sim.faults.ws_subscribe_delay = 1.0
    return make_stream(kind, sim, fake_time, config, Tokens(sim))


def open_session(hub: WsHub, kind: str = "charts") -> Session:
    """The simulator's one open session of ``kind``."""
    (found,) = [s for s in hub.sessions if s.kind == kind and not s.closed]
    return found


async def release(hub: WsHub, stream: Any, count: int, subscribes: int) -> None:
    """The simulator acts on the next ``count`` (un)subscribes it holds for ``stream``'s
    socket (``subscribes`` of them subscribes), and the stream reads the answers."""
    kind = stream._kind
    before = hub.subscribes
    assert open_session(hub, kind).held.release(count) == count
    await answered(hub, kind, stream, before + subscribes)


async def overtake(
    hub: WsHub,
    stream: Any,
    subscribes: int,
    symbols: Any,
    dropped: Any = None,
    *,
    dropped_channels: Any = None,
    unsubscribes: int | None = None,
    **kw: Any,
) -> None:
    """``stream`` subscribes ``symbols`` (``kw``: the subscription's options; ``subscribes``
    requests on the wire) and unsubscribes ``dropped`` (``symbols`` when None; only their
    ``dropped_channels`` when given; ``unsubscribes`` requests, as many as the subscribes
    when None) before the simulator answers; then the simulator answers them all in order
    and the stream reads the answers."""
    kind = stream._kind
    held = subscribes + (subscribes if unsubscribes is None else unsubscribes)
    await stream.subscribe(symbols, **kw)
    await until(lambda: hub.held(kind) == subscribes)
    await stream.unsubscribe(symbols if dropped is None else dropped, channels=dropped_channels)
    await until(lambda: hub.held(kind) == held)
    await release(hub, stream, held, subscribes)


def server_errors(events: Any) -> list[ServerErrorMessage]:
    """The server errors a consumer has to hand."""
    return [e for e in drained(events) if type(e) is ServerErrorMessage]
