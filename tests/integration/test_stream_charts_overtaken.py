"""Charts subscribes that an unsubscribe overtook: the user no longer awaits their answers.

The simulator holds the (un)subscribes (``ws_subscribe_delay``) and acts on them one at a time
(``HeldSubscriptions.release``), so the order the stream reads the answers in is the test's;
no time passes for real.

* Dropping one channel of a symbol (``unsubscribe(..., channels=...)``) stops awaiting that
  channel's subscribe request, as dropping the symbol does: a refusal of the other channel
  held for that answer is told at once, and the request is not kept for a server that does
  not answer it.
* The server's refusal of such a request, read after the unsubscribe, answers nothing the
  user still asks for: it is not published as a server error.
"""

from __future__ import annotations

from held_sockets import REASON, held_stream, overtake, release, server_errors
from stream_helpers import FakeTime, until

from aries_async.sim import Simulator
from aries_async.sim.ws import WsHub
from aries_async.streaming import Channel, ChartStream


async def test_dropping_a_channel_stops_awaiting_its_subscribe(
    sim: Simulator, hub: WsHub, fake_time: FakeTime
) -> None:
    """NOPE's quotes are refused while its trades request awaits its answer, which the
    refusal is held for (one refusal per subscribe); dropping the trades channel leaves
    nothing to wait for: the refusal is told then, once, and no request awaits an answer."""
    async with held_stream(sim, fake_time) as stream:
        events = stream.events()
        await stream.subscribe("NOPE")
        await until(lambda: hub.held("charts") == 2)
        await release(hub, stream, 1, 1)
        assert server_errors(events) == []
        assert stream.awaiting == {"NOPE": frozenset({Channel.TRADES})}

        await stream.unsubscribe("NOPE", channels="trades")
        assert [e.error for e in server_errors(events)] == [REASON]
        assert stream.refused_channels == {"NOPE": {Channel.QUOTES: REASON}}
        assert not stream.awaiting
        assert stream.subscriptions["NOPE"].channels == {Channel.QUOTES}
        assert _awaited(stream) == {}

        # The server refuses the trades request, then acts on the unsubscribe: nothing more
        # is told, and the quotes refusal stands.
        await until(lambda: hub.held("charts") == 2)
        await release(hub, stream, 2, 1)
        assert server_errors(events) == []
        assert stream.refused_channels == {"NOPE": {Channel.QUOTES: REASON}}
        assert _awaited(stream) == {}


async def test_a_refusal_of_a_subscribe_an_unsubscribe_overtook_is_not_told(
    sim: Simulator, hub: WsHub, fake_time: FakeTime
) -> None:
    """The user subscribes NOPE and unsubscribes it before the server answers: the server
    refuses both requests (it reads them first), but the user asks for nothing of NOPE any
    more, and hears of neither refusal; a later subscribe's refusal is told as usual."""
    async with held_stream(sim, fake_time) as stream:
        events = stream.events()
        await stream.subscribe("NOPE")
        await until(lambda: hub.held("charts") == 2)
        await stream.unsubscribe("NOPE")
        assert _awaited(stream) == {}
        await until(lambda: hub.held("charts") == 4)  # its two subscribes, two unsubscribes
        await release(hub, stream, 4, 2)
        assert server_errors(events) == []
        assert not stream.refused and not stream.subscriptions

        await stream.subscribe("NOPE")
        await until(lambda: hub.held("charts") == 2)
        await release(hub, stream, 2, 2)
        assert [e.error for e in server_errors(events)] == [REASON]


def _awaited(stream: ChartStream) -> dict[str, tuple[str, ...]]:
    """The requests of ``stream`` awaiting an answer (id -> symbols), every kind included
    (``awaiting`` names only the channels still subscribed)."""
    return stream._subs.in_flight


async def test_a_refused_trades_type_is_learned_from_an_overtaken_request(
    sim: Simulator, hub: WsHub, fake_time: FakeTime
) -> None:
    """A server that refuses the ``trades`` type (it sends trades with the quotes) says so
    of a request an unsubscribe overtook too: the stream learns it, and tells nothing."""
    sim.faults.charts_trades = "with_quotes"
    async with held_stream(sim, fake_time) as stream:
        events = stream.events()
        await stream.subscribe("AAPL")
        await until(lambda: hub.held("charts") == 2)
        await stream.unsubscribe("AAPL", channels="trades")
        await until(lambda: hub.held("charts") == 3)
        learned = [stream.trades_in_quotes]
        await release(hub, stream, 3, 2)
        learned.append(stream.trades_in_quotes)
        assert learned == [False, True]
        assert server_errors(events) == []
        assert _awaited(stream) == {}


async def test_a_refusal_without_an_id_naming_only_unsubscribed_symbols_is_not_told(
    sim: Simulator, hub: WsHub, fake_time: FakeTime
) -> None:
    """A server that puts no id on its errors refuses AAPL's quotes and trades by name
    (``not entitled to ...``, ``symbols: ["AAPL"]``) after the user unsubscribed AAPL: both
    refusals answer the overtaken requests, and neither is told; the same refusals of a
    symbol still subscribed are told (one per channel: their reasons differ)."""
    sim.faults.ws_error_id = "none"
    sim.faults.ws_refused_channels = {"AAPL": frozenset({"quotes", "trades"})}
    async with held_stream(sim, fake_time) as stream:
        events = stream.events()
        await overtake(hub, stream, 2, "AAPL")
        assert server_errors(events) == []
        assert _awaited(stream) == {} and not stream.refused

        await stream.subscribe("AAPL")
        await until(lambda: hub.held("charts") == 2)
        await release(hub, stream, 2, 2)
        told = [(e.error, e.symbols) for e in server_errors(events)]
        assert told == [(f"not entitled to {kind}", ("AAPL",)) for kind in ("quotes", "trades")]
        assert set(stream.refused_channels["AAPL"]) == {Channel.QUOTES, Channel.TRADES}


async def test_a_burst_of_overtaken_requests_is_remembered_until_answered(
    sim: Simulator, hub: WsHub, fake_time: FakeTime
) -> None:
    """The user subscribes 40 symbols the server does not have (80 requests: quotes and
    trades) and unsubscribes them all before the server reads any: each of the 80 refusals
    that then come answers a request the user no longer awaits, the first ones too, and
    none is told. No time passes: a request is forgotten by age, not by the burst's size."""
    symbols = [f"NOPE{i}" for i in range(40)]
    async with held_stream(sim, fake_time) as stream:
        events = stream.events()
        await overtake(hub, stream, 80, symbols)
        assert server_errors(events) == []
        assert _awaited(stream) == {} and len(stream._subs._overtaken) == 0


async def test_a_refusal_without_an_id_of_a_dropped_channel_is_not_told(
    sim: Simulator, hub: WsHub, fake_time: FakeTime
) -> None:
    """A server that puts no id on its errors refuses AAPL's trades by name (``symbols:
    ["AAPL"]``, ``channels: ["trades"]``) after the user dropped that channel but kept the
    quotes: the refusal answers the overtaken trades request and is not told; the quotes
    are acknowledged."""
    sim.faults.ws_error_id = "none"
    sim.faults.ws_refused_channels = {"AAPL": frozenset({"trades"})}
    async with held_stream(sim, fake_time) as stream:
        events = stream.events()
        await overtake(hub, stream, 2, "AAPL", dropped_channels="trades", unsubscribes=1)
        assert server_errors(events) == []
        assert not stream.refused_channels and stream.acknowledged == {"AAPL"}
        assert _awaited(stream) == {} and len(stream._subs._overtaken) == 0
