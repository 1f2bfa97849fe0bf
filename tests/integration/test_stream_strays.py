"""Updates the market and charts streams withhold as strays, and those they must not.

websocket.md does not say how a server spells the symbol of an update: one that names it in
another case than the stream subscribed it (``ws_symbol_case``) still sends the subscribed
symbol's updates. And its unsubscribe acknowledgement is UNKNOWN: on a server that counts the
subscribes the streams repeat after a re-authentication (``ws_counting_subscriptions``) and
acknowledges no unsubscribe, the strays that keep coming are told again by their count
(:data:`aries_async.streaming.strays.PATIENCE`), as :mod:`aries_async.streaming.strays` says.

Time never passes for real: the simulator runs on a ManualClock (``sim.advance(STEP)`` is one
step of its walk), the streams' keep-alive and backoff on :class:`FakeTime`. The only waits are
for socket traffic, each bounded by a timeout.
"""

from __future__ import annotations

from typing import Any

import pytest
from stream_helpers import FakeTime, Tokens, answered, drained, make_stream, take, until

from aries_async.models.events import StreamConnected, StreamReauthenticated
from aries_async.sim import Simulator
from aries_async.sim.ws import WsHub
from aries_async.streaming import Consumer, StreamConfig
from aries_async.streaming.strays import PATIENCE, WAIT

STEP = 0.5
"""One step of the simulator's walk (its ``step_seconds``)."""
CONFIG = StreamConfig(backoff_initial=0.0, backoff_jitter=0.0)
SPELLED = {"lower": "aapl", "title": "Aapl"}
"""How the server names AAPL in its updates, by ``ws_symbol_case``."""


@pytest.fixture
def sim_seed() -> int:
    """The price walk of ``sim`` (the conftest's simulator on a manual clock)."""
    return 4


def make(kind: str, sim: Simulator, fake_time: FakeTime) -> Any:
    tokens = Tokens(sim)
    tokens.fresh_each_call = True  # a re-authentication renews it
    return make_stream(kind, sim, fake_time, CONFIG, tokens)


async def read_all(hub: WsHub, kind: str, stream: Any) -> None:
    """Until the stream has read everything the simulator sent (a round trip)."""
    await answered(hub, kind, stream, hub.subscribes)


async def counted_twice_or_more(
    kind: str, hub: WsHub, stream: Any, status: Consumer[Any], reauths: int
) -> Consumer[Any]:
    """Subscribe AAPL and MSFT quotes on a counting server, then re-authenticate ``reauths``
    times (``status``: the stream's, from before it opened): each replay counts them once
    more. The quotes consumer, every snapshot read."""
    quotes: Consumer[Any] = stream.quotes()
    await stream.subscribe(["AAPL", "MSFT"], channels=["quotes"])
    frames = {"market": 1, "charts": 2}[kind]  # the subscribes that ask for the two
    await answered(hub, kind, stream, frames)
    assert {q.symbol for q in drained(quotes)} == {"AAPL", "MSFT"}  # the snapshots
    assert [type(e) for e in await take(status, 1)] == [StreamConnected]
    for _ in range(reauths):
        assert hub.refresh_auth(kind) == 1
        assert [type(e) for e in await take(status, 1)] == [StreamReauthenticated]
    await answered(hub, kind, stream, frames * (1 + reauths))
    drained(quotes)  # the market replays' snapshots
    return quotes


# -- another case of the subscribed symbol -----------------------------------------------------


@pytest.mark.parametrize("case", sorted(SPELLED))
@pytest.mark.parametrize("kind", ["market", "charts"])
async def test_updates_of_a_subscribed_symbol_in_another_case_are_delivered(
    kind: str, case: str, sim: Simulator, hub: WsHub, fake_time: FakeTime
) -> None:
    """Every quote and trade the server sends of "aapl" (or "Aapl") is delivered as AAPL's,
    to the consumers of AAPL too, and kept by latest("AAPL"): nothing is withheld and no
    unsubscribe goes out."""
    sim.faults.ws_symbol_case = case
    stream = make(kind, sim, fake_time)
    async with stream:
        quotes, trades, events = stream.quotes("AAPL"), stream.trades("AAPL"), stream.events()
        await stream.subscribe("AAPL", channels=["quotes", "trades"])
        await answered(hub, kind, stream, {"market": 1, "charts": 2}[kind])
        for _ in range(3):
            sim.advance(STEP)
        await read_all(hub, kind, stream)
        assert stream.withheld == 0 and hub.unsubscribes == 0
        snapshot, *heard = drained(quotes)
        heard += [snapshot, *drained(trades)]
        assert len(heard) >= 7  # the snapshot, and a quote and a trade of each step
        assert {e.symbol for e in heard} == {"AAPL"}
        updates = [e for e in drained(events) if hasattr(e, "symbol")]
        assert len(updates) == len(heard) and {e.symbol for e in updates} == {"AAPL"}
        if kind == "charts":
            assert snapshot.name == SPELLED[case]  # the server's own spelling, kept
        latest, latest_trade = stream.latest("AAPL"), stream.latest_trade("aapl")
        assert latest is not None and latest.symbol == "AAPL"
        assert latest_trade is not None and latest_trade.symbol == "AAPL"
        assert stream.withheld == 0 and hub.unsubscribes == 0


@pytest.mark.parametrize("kind", ["market", "charts"])
async def test_strays_in_another_case_are_told_again_by_the_subscribed_symbol(
    kind: str, sim: Simulator, hub: WsHub, fake_time: FakeTime
) -> None:
    """On a counting server that spells symbols in lower case, MSFT's updates after its
    unsubscribe are MSFT's strays: withheld, and the unsubscribe told again (naming MSFT, as
    the server holds it) once the first was acknowledged, until they stop."""
    sim.faults.ws_symbol_case = "lower"
    sim.faults.ws_counting_subscriptions = True
    stream = make(kind, sim, fake_time)
    status = stream.status()
    async with stream:
        quotes = await counted_twice_or_more(kind, hub, stream, status, 1)
        await stream.unsubscribe("MSFT")  # counted twice: its quotes keep coming
        await until(lambda: hub.unsubscribes == 1)
        await read_all(hub, kind, stream)
        sim.advance(STEP)
        await until(lambda: hub.unsubscribes == 2)
        for _ in range(3):
            sim.advance(STEP)
            await read_all(hub, kind, stream)
        assert stream.withheld == 1 and hub.unsubscribes == 2
        assert {q.symbol for q in drained(quotes)} == {"AAPL"}
        assert stream.latest("MSFT") is None


# -- a server that acknowledges no unsubscribe ------------------------------------------------

SILENCES = ["every_ack", "unsubscribe_acks"]
"""A server that acknowledges nothing, and one that acknowledges only the subscribes."""


def silence(sim: Simulator, kind: str, silenced: str) -> None:
    if silenced == "unsubscribe_acks":
        sim.faults.ws_unsubscribes_unacknowledged = True
    elif kind == "market":
        sim.faults.ws_market_unacknowledged = True
    else:
        sim.faults.charts_ack = "none"


@pytest.mark.parametrize("rule", ["count", "time"])
@pytest.mark.parametrize("silenced", SILENCES)
@pytest.mark.parametrize("kind", ["market", "charts"])
async def test_strays_unacknowledged_are_told_again_by_their_count_or_time(
    kind: str, silenced: str, rule: str, sim: Simulator, hub: WsHub, fake_time: FakeTime
) -> None:
    """Two re-authentications leave MSFT counted three times on a server that acknowledges
    no unsubscribe. After the user's unsubscribe its quotes keep coming, at once (``count``)
    or one every WAIT / 4 seconds (``time``: a quiet symbol). The PATIENCE-th stray since
    then (a quiet symbol's: the first WAIT seconds after it) tells the server again, and,
    that one unacknowledged too, the stray twice as many (or twice as long) after it, which
    stops them; then nothing more is sent."""
    silence(sim, kind, silenced)
    sim.faults.ws_counting_subscriptions = True
    stream = make(kind, sim, fake_time)
    status = stream.status()
    async with stream:
        quotes = await counted_twice_or_more(kind, hub, stream, status, 2)
        await stream.unsubscribe("MSFT")
        await until(lambda: hub.unsubscribes == 1)
        await read_all(hub, kind, stream)
        first = PATIENCE if rule == "count" else 4  # the strays until it is told again

        async def steps(count: int) -> None:
            for _ in range(count):
                if rule == "time":  # each stray read at its own time
                    fake_time.advance(WAIT / 4)
                sim.advance(STEP)
                if rule == "time":
                    await read_all(hub, kind, stream)
            await read_all(hub, kind, stream)

        await steps(first - 1)
        assert stream.withheld == first - 1 and hub.unsubscribes == 1
        await steps(1)
        await until(lambda: hub.unsubscribes == 2)
        assert stream.withheld == first
        await steps(2 * first - 1)
        assert stream.withheld == 3 * first - 1 and hub.unsubscribes == 2
        await steps(1)
        await until(lambda: hub.unsubscribes == 3)
        await steps(4 * first)  # the server counts no more: nothing comes of MSFT
        assert stream.withheld == 3 * first and hub.unsubscribes == 3
        assert {q.symbol for q in drained(quotes)} == {"AAPL"}
        assert stream.latest("MSFT") is None and set(stream.subscriptions) == {"AAPL"}
