"""Market subscribes that an unsubscribe overtook: the user no longer awaits their answers.

The simulator holds the (un)subscribes (``ws_subscribe_delay``) and acts on them one at a time
(``HeldSubscriptions.release``), so the order the stream reads the answers in is the test's;
no time passes for real. The market socket refuses a symbol it does not have with an error
naming it (``invalid symbol``, ``symbols: [...]``), the request's id where ``ws_error_id``
says: a refusal of a symbol the user unsubscribed before it came answers nothing the user
still asks for, and is not published as a server error (the charts stream's rule); so is a
refusal of a channel (``faults.ws_refused_channels``: ``not entitled to trades``, naming the
symbol and the channel) dropped by ``unsubscribe(..., channels=...)``, while one of a channel
still subscribed is told.
"""

from __future__ import annotations

import attrs
import pytest
from held_sockets import CONFIG, REASON, held_stream, overtake, release, server_errors
from stream_helpers import FakeTime, until

from aries_async.sim import Simulator
from aries_async.sim.ws import WsHub
from aries_async.sim.ws_faults import ERROR_ID_PLACES
from aries_async.streaming import Channel, MarketStream


@pytest.mark.parametrize("error_id", ERROR_ID_PLACES)
async def test_a_refusal_of_a_subscribe_an_unsubscribe_overtook_is_not_told(
    sim: Simulator, hub: WsHub, fake_time: FakeTime, error_id: str
) -> None:
    """The user subscribes NOPE and unsubscribes it before the server answers: the server
    refuses the subscribe (it reads it first), but the user asks for nothing of NOPE any
    more and does not hear of it, wherever the error carries the id (or none); a later
    subscribe's refusal is told as usual."""
    sim.faults.ws_error_id = error_id
    stream: MarketStream
    async with held_stream(sim, fake_time, "market") as stream:
        events = stream.events()
        await overtake(hub, stream, 1, "NOPE")
        assert server_errors(events) == []
        assert not stream.refused and not stream.subscriptions

        await stream.subscribe("NOPE")
        await until(lambda: hub.held("market") == 1)
        await release(hub, stream, 1, 1)
        assert [e.error for e in server_errors(events)] == [REASON]
        assert stream.refused == {"NOPE": REASON}


async def test_a_batch_refusal_of_an_unsubscribed_symbol_is_not_told(
    sim: Simulator, hub: WsHub, fake_time: FakeTime
) -> None:
    """AAPL and NOPE go in one subscribe request; NOPE is unsubscribed before the server
    answers. Its refusal (with the request's id, naming NOPE) is not told, and AAPL's
    acknowledgement of the same request still counts."""
    stream: MarketStream
    async with held_stream(sim, fake_time, "market") as stream:
        events = stream.events()
        await overtake(hub, stream, 1, ["AAPL", "NOPE"], "NOPE", channels=["quotes"])
        assert server_errors(events) == []
        assert stream.acknowledged == {"AAPL"} and not stream.refused
        assert stream.subscriptions["AAPL"].channels == {Channel.QUOTES}


@pytest.mark.parametrize("error_id", ERROR_ID_PLACES)
async def test_a_refusal_of_a_channel_unsubscribed_before_it_came_is_not_told(
    sim: Simulator, hub: WsHub, fake_time: FakeTime, error_id: str
) -> None:
    """AAPL is subscribed with quotes and trades; its trades are unsubscribed before the
    server answers. The server refuses the trades (an error naming AAPL and ``trades``,
    wherever it carries the request's id, or without one) and grants the quotes: the refusal
    answers what the user no longer asks for and is not told, and the quotes are
    acknowledged."""
    sim.faults.ws_error_id = error_id
    sim.faults.ws_refused_channels = {"AAPL": frozenset({"trades"})}
    stream: MarketStream
    async with held_stream(sim, fake_time, "market") as stream:
        events = stream.events()
        await overtake(hub, stream, 1, "AAPL", "AAPL", dropped_channels=["trades"])
        assert server_errors(events) == []
        assert not stream.refused and not stream.refused_channels
        assert stream.acknowledged == {"AAPL"}
        assert stream.subscriptions["AAPL"].channels == {Channel.QUOTES}
        assert stream._subs.in_flight == {} and len(stream._subs._overtaken) == 0


@pytest.mark.parametrize("error_id", ERROR_ID_PLACES)
@pytest.mark.parametrize("refused", [("quotes",), ("quotes", "trades")])
async def test_a_refusal_of_a_channel_still_subscribed_is_told(
    sim: Simulator, hub: WsHub, fake_time: FakeTime, error_id: str, refused: tuple[str, ...]
) -> None:
    """The same, but the server refuses AAPL's quotes, which the user still asks for (alone,
    or with the trades unsubscribed, in one error naming both): the refusal is told, naming
    only the quotes (the trades were dropped on purpose), and the quotes stay refused."""
    sim.faults.ws_error_id = error_id
    sim.faults.ws_refused_channels = {"AAPL": frozenset(refused)}
    reason = f"not entitled to {', '.join(refused)}"
    stream: MarketStream
    async with held_stream(sim, fake_time, "market") as stream:
        events = stream.events()
        await overtake(hub, stream, 1, "AAPL", "AAPL", dropped_channels=["trades"])
        told = [(e.error, e.symbols, e.channels) for e in server_errors(events)]
        assert told == [(reason, ("AAPL",), ("quotes",))]
        assert stream.refused_channels == {"AAPL": {Channel.QUOTES: reason}}
        assert stream.subscriptions["AAPL"].channels == {Channel.QUOTES}


@pytest.mark.parametrize(("wait", "told"), [(None, []), (5.0, [REASON])])
async def test_how_long_an_overtaken_request_is_remembered_is_a_stream_option(
    sim: Simulator, hub: WsHub, fake_time: FakeTime, wait: float | None, told: list[str]
) -> None:
    """NOPE is unsubscribed before the server answers its subscribe, and the refusal comes 6
    seconds later: within the default window (``StreamConfig.overtaken_wait``, 60 s) it is
    known for the overtaken request's and not told; with a 5 s window the request was
    forgotten (the server is taken to have dropped it) and the refusal is told."""
    config = CONFIG if wait is None else attrs.evolve(CONFIG, overtaken_wait=wait)
    stream: MarketStream
    async with held_stream(sim, fake_time, "market", config) as stream:
        events = stream.events()
        await stream.subscribe("NOPE")
        await until(lambda: hub.held("market") == 1)
        await stream.unsubscribe("NOPE")
        await until(lambda: hub.held("market") == 2)
        fake_time.advance(6.0)
        await release(hub, stream, 2, 1)
        assert [e.error for e in server_errors(events)] == told


async def test_how_many_overtaken_requests_are_remembered_is_a_stream_option(
    sim: Simulator, hub: WsHub, fake_time: FakeTime
) -> None:
    """With ``StreamConfig.overtaken_limit=1`` a stream remembers one overtaken request: of
    NOPE's and NADA's subscribes (two requests), both unsubscribed before any answer, the
    first is forgotten and its refusal told; the second's is not."""
    config = attrs.evolve(CONFIG, overtaken_limit=1)
    stream: MarketStream
    async with held_stream(sim, fake_time, "market", config) as stream:
        events = stream.events()
        for symbol in ("NOPE", "NADA"):
            await stream.subscribe(symbol)
        await until(lambda: hub.held("market") == 2)
        await stream.unsubscribe(["NOPE", "NADA"])
        await until(lambda: hub.held("market") == 3)
        await release(hub, stream, 3, 2)
        assert [(e.error, e.symbols) for e in server_errors(events)] == [(REASON, ("NOPE",))]


@pytest.mark.parametrize("error_id", ERROR_ID_PLACES)
async def test_a_refusal_naming_a_kept_and_a_dropped_symbol_names_only_the_kept_one(
    sim: Simulator, hub: WsHub, fake_time: FakeTime, error_id: str
) -> None:
    """NOPE and NADA go in one subscribe request; NADA is unsubscribed before the server
    answers, which refuses both in one error (``symbols: ["NADA", "NOPE"]``, with the
    request's id or without one): the user is told of NOPE only, still subscribed."""
    sim.faults.ws_error_id = error_id
    stream: MarketStream
    async with held_stream(sim, fake_time, "market") as stream:
        events = stream.events()
        await overtake(hub, stream, 1, ["NOPE", "NADA"], "NADA")
        assert [(e.error, e.symbols) for e in server_errors(events)] == [(REASON, ("NOPE",))]
        assert stream.refused == {"NOPE": REASON}
        assert stream._subs.in_flight == {} and len(stream._subs._overtaken) == 0


async def test_a_refusal_naming_channels_but_no_symbol_refuses_them_for_each_symbol(
    sim: Simulator, hub: WsHub, fake_time: FakeTime
) -> None:
    """A server that names the refused channels but no symbol (``ws_channel_errors``) refuses
    the trades of a request for AAPL and MSFT, quotes and trades, after the user dropped
    AAPL's trades: the refusal answers AAPL's dropped trades and refuses MSFT's, and is told
    naming MSFT's trades only; the quotes of both are acknowledged (not refused: the error
    named none)."""
    sim.faults.ws_refused_channels = {"*": frozenset({"trades"})}
    sim.faults.ws_channel_errors = "request"
    reason = "not entitled to trades"
    stream: MarketStream
    async with held_stream(sim, fake_time, "market") as stream:
        events = stream.events()
        await overtake(hub, stream, 1, ["AAPL", "MSFT"], "AAPL", dropped_channels=["trades"])
        told = [(e.error, e.symbols, e.channels) for e in server_errors(events)]
        assert stream.refused_channels == {"MSFT": {Channel.TRADES: reason}}
        assert told == [(reason, ("MSFT",), ("trades",))]
        quotes = frozenset({Channel.QUOTES})
        assert stream.acknowledged_channels == {"AAPL": quotes, "MSFT": quotes}
        assert stream._subs.in_flight == {} and len(stream._subs._overtaken) == 0
