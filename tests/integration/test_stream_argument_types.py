"""Stream calls given an argument of the wrong type: a ``ValidationError`` naming the argument,
before anything is sent, and no warning (no coroutine made and left unawaited).

Time never passes for real: the streams run on :class:`FakeTime`; the only waits are for
socket traffic, each bounded by a timeout.
"""

from __future__ import annotations

import gc
import inspect
import math
import warnings
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from stream_helpers import FakeTime, Tokens, answered, make_stream, until

from aries_async.errors import ValidationError
from aries_async.sim import Simulator
from aries_async.sim.ws import WsHub
from aries_async.streaming import Channel, StreamConfig

CONFIG = StreamConfig(backoff_initial=0.0, backoff_jitter=0.0)

Call = Callable[[Any], Any]
NAN = Decimal("NaN")
BAD_CALLS: list[tuple[str, str, Call, str]] = [
    ("market", "subscribe(None)", lambda s: s.subscribe(None), "symbols"),
    ("market", "subscribe(123)", lambda s: s.subscribe(123), "symbols"),
    ("market", "subscribe(b'AAPL')", lambda s: s.subscribe(b"AAPL"), "symbols"),
    ("market", "channels=None", lambda s: s.subscribe("AAPL", channels=None), "channels"),
    ("market", "channels=5", lambda s: s.subscribe("AAPL", channels=5), "channels"),
    ("market", "quote_fields=5", lambda s: s.subscribe("AAPL", quote_fields=5), "quote_fields"),
    ("market", "trade_fields=[1]", lambda s: s.subscribe("AAPL", trade_fields=[1]), "trade_fields"),
    ("market", "unsubscribe(123)", lambda s: s.unsubscribe(123), "symbols"),
    ("market", "unsubscribe(b'AAPL')", lambda s: s.unsubscribe(b"AAPL"), "symbols"),
    ("market", "unsubscribe(channels=5)", lambda s: s.unsubscribe("A", channels=5), "channels"),
    ("market", "request timeout='1'", lambda s: s.expiry_dates("A", timeout="1"), "timeout"),
    ("market", "quotes(123)", lambda s: s.quotes(123), "symbols"),
    ("market", "events(b'AAPL')", lambda s: s.events(b"AAPL"), "symbols"),
    ("charts", "subscribe(123)", lambda s: s.subscribe(123), "symbols"),
    ("charts", "subscribe(None)", lambda s: s.subscribe(None), "symbols"),
    ("charts", "channels=None", lambda s: s.subscribe("AAPL", channels=None), "channels"),
    ("charts", "unsubscribe(123)", lambda s: s.unsubscribe(123), "symbols"),
    ("charts", "trades(123)", lambda s: s.trades(123), "symbols"),
    ("accounts", "timeout='1'", lambda s: s.wait_for_order("X", timeout="1"), "timeout"),
    ("accounts", "timeout=nan", lambda s: s.wait_for_order("X", timeout=float("nan")), "timeout"),
    ("accounts", "timeout=True", lambda s: s.wait_for_order("X", timeout=True), "timeout"),
    ("accounts", "timeout=inf", lambda s: s.wait_for_order("X", timeout=math.inf), "timeout"),
    ("accounts", "timeout=-1", lambda s: s.wait_for_order("X", timeout=-1.0), "timeout"),
    ("accounts", "timeout=0", lambda s: s.wait_for_order("X", timeout=0), "timeout"),
    ("accounts", "timeout=Decimal(NaN)", lambda s: s.wait_for_order("X", timeout=NAN), "timeout"),
    ("market", "request timeout=inf", lambda s: s.expiry_dates("A", timeout=math.inf), "timeout"),
    ("market", "request timeout=-1", lambda s: s.expiry_dates("A", timeout=-1), "timeout"),
]


async def _refused_field(call: Call, stream: Any) -> str | None:
    """The ``field`` of the ``ValidationError`` the call raises (the error itself is let go,
    and with it what its traceback held)."""
    try:
        made = call(stream)
        if inspect.isawaitable(made):
            await made
    except ValidationError as error:
        return error.field
    raise AssertionError("no ValidationError")


@pytest.mark.parametrize(
    ("kind", "call", "field"),
    [(kind, call, field) for kind, _, call, field in BAD_CALLS],
    ids=[f"{kind}-{label}" for kind, label, _, _ in BAD_CALLS],
)
async def test_a_wrong_type_is_refused_by_name_before_anything_is_sent(
    kind: str, call: Call, field: str, sim: Simulator, hub: WsHub, fake_time: FakeTime
) -> None:
    stream = make_stream(kind, sim, fake_time, CONFIG, Tokens(sim))
    async with stream:
        await until(lambda: stream.connected)
        sent = hub.subscribes
        # Garbage other tests left in this worker (an event loop never closed) warns when it
        # is collected: collected first, it is not heard as this call's.
        gc.collect()
        with warnings.catch_warnings(record=True) as heard:
            warnings.simplefilter("always")
            refused = await _refused_field(call, stream)
            gc.collect()  # a coroutine made and dropped warns when collected
        assert refused == field
        assert [str(w.message) for w in heard] == []
        await answered(hub, kind, stream, sent)  # nothing more was sent
        assert not getattr(stream, "subscriptions", None)


@pytest.mark.parametrize("kind", ["market", "charts"])
async def test_a_single_channel_name_is_one_channel(
    kind: str, sim: Simulator, hub: WsHub, fake_time: FakeTime
) -> None:
    """``channels="quotes"`` asks for the quotes, as ``symbols="AAPL"`` asks for AAPL (it
    was read letter by letter: "unknown channel 'q'"); a ``Channel`` is one too."""
    stream = make_stream(kind, sim, fake_time, CONFIG, Tokens(sim))
    async with stream:
        await stream.subscribe("AAPL", channels="quotes")
        await stream.subscribe("MSFT", channels=Channel.TRADES)
        await answered(hub, kind, stream, 2)
        assert {s: set(sub.channels) for s, sub in stream.subscriptions.items()} == {
            "AAPL": {Channel.QUOTES},
            "MSFT": {Channel.TRADES},
        }
        await stream.unsubscribe("AAPL", channels="quotes")
        assert set(stream.subscriptions) == {"MSFT"}
