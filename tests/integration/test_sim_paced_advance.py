"""``await sim.advance_async(seconds)`` moves a ``ManualClock`` simulator through hours of a
busy market without holding the event loop: the simulator is a real server on loopback, and
while ``advance()`` runs every step at once (500 watched symbols over 6 hours at a step a
minute is 180,000 steps, seconds of work) no other client is answered and no socket is read.
It moves in slices of at most :data:`~aries_async.sim.pacing.MAX_SLICE_STEPS` steps (fewer
when a slice takes over :data:`~aries_async.sim.pacing.SLICE_BUDGET` seconds), letting the
loop run between them, and ends where ``advance()`` would: the same steps, clock and books.

The measure counts feed steps between two turns of the loop, not wall time, so that it does
not depend on the machine's speed.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from aries_async import AriesClient
from aries_async.sim import ManualClock, Simulator
from aries_async.sim.pacing import MAX_SLICE_STEPS
from aries_async.sim.symbols import SYMBOLS

HOURS = 6 * 3600.0
WATCHED = [s.symbol for s in SYMBOLS if s.tradable][:500]


async def _busy(watched: int = 500) -> Simulator:
    sim = Simulator(
        seed=0,
        clock=ManualClock(),
        tick_interval=None,
        token_ttl=2 * HOURS,
        step_seconds=60.0,
    )
    await sim.start()
    for symbol in WATCHED[:watched]:
        sim.feed.watch(symbol)
    return sim


@pytest.fixture
async def sim() -> AsyncIterator[Simulator]:
    """500 watched symbols, a step a minute."""
    simulator = await _busy()
    try:
        yield simulator
    finally:
        await simulator.stop()


async def test_six_hours_of_500_symbols_let_the_loop_run_between_slices(sim: Simulator) -> None:
    assert len(WATCHED) == 500
    start = sim.clock.now()
    turns: list[float] = []
    advancing = asyncio.create_task(sim.advance_async(HOURS))
    while not advancing.done():
        turns.append(sim.clock.now())
        await asyncio.sleep(0)
    steps = await advancing
    assert steps == len(WATCHED) * int(HOURS / sim.feed.step_seconds)
    assert sim.clock.now() == start + HOURS
    moves = [b - a for a, b in zip([start, *turns], [*turns, sim.clock.now()], strict=True)]
    most = max(moves) / sim.feed.step_seconds * len(WATCHED)  # steps without a turn
    assert most <= MAX_SLICE_STEPS + len(WATCHED), (most, len(turns))
    assert len(turns) >= steps / (MAX_SLICE_STEPS + len(WATCHED))


async def test_another_client_is_answered_while_the_simulator_advances(sim: Simulator) -> None:
    end = sim.clock.now() + HOURS / 3
    async with AriesClient(sim.client_config(), token=sim.issue_token()) as client:
        await client.market.quote("AAPL")  # the connection is open before the race
        advancing = asyncio.create_task(sim.advance_async(HOURS / 3))
        quote = await client.market.quote("MSFT")
        answered = sim.clock.now()
        await advancing
    assert quote.symbol == "MSFT"
    assert answered < end, "the quote waited for the whole advance"


async def test_it_ends_with_the_books_advance_would_leave() -> None:
    """Across the close and the next open: the same quotes and day sessions either way."""
    paced, whole = await _busy(20), await _busy(20)
    try:
        for sim in (paced, whole):  # a buy the walk fills some time that day, or not
            limit = sim.feed.quote("AAPL").bid_price - 1
            order = {"tradingAccountId": "TEST-SIM-001", "symbol": "AAPL", "side": "BUY"}
            order |= {"type": "LIMIT", "qty": "10", "price": str(limit), "timeInForce": "GTC"}
            assert sim.state.place(order)["success"]
        assert await paced.advance_async(24 * 3600.0) == whole.advance(24 * 3600.0)
        for symbol in ("AAPL", "KO", WATCHED[19]):
            assert paced.feed.quote(symbol) == whole.feed.quote(symbol)
        assert paced.state.next_open == whole.state.next_open
        assert paced.state.snapshot("TEST-SIM-001") == whole.state.snapshot("TEST-SIM-001")
    finally:
        await paced.stop()
        await whole.stop()


async def test_hours_the_clock_was_moved_by_hand_are_replayed_in_slices_too(
    sim: Simulator,
) -> None:
    """A test that moved the ``ManualClock`` itself and then calls ``advance_async()``: the
    hours the books have not walked are replayed in slices as well (found a defect: its first
    tick ran them all before the loop's first turn, 180,000 steps at once, every quote of
    the hours queued for each socket in one go)."""
    assert isinstance(sim.clock, ManualClock)
    start = sim.clock.now()
    sim.clock.advance(HOURS)  # by hand: the books stay at the start
    heard = 0

    def count(_: object) -> None:
        nonlocal heard
        heard += 1

    sim.feed.listen(count)
    bursts: list[int] = []
    advancing = asyncio.create_task(sim.advance_async(60.0))
    while not advancing.done():
        bursts.append(heard)
        heard = 0
        await asyncio.sleep(0)
    steps = await advancing
    bursts.append(heard)
    assert steps == sum(bursts) == len(WATCHED) * int((HOURS + 60) / sim.feed.step_seconds)
    assert max(bursts) <= MAX_SLICE_STEPS + len(WATCHED), bursts
    assert sim.clock.now() == start + HOURS + 60


async def test_after_a_move_by_hand_it_ends_with_the_books_advance_would_leave() -> None:
    """Across the close and the next open, moved by hand first: as one ``advance()``."""
    paced, whole = await _busy(20), await _busy(20)
    try:
        for sim in (paced, whole):
            limit = sim.feed.quote("AAPL").bid_price - 1
            order = {"tradingAccountId": "TEST-SIM-001", "symbol": "AAPL", "side": "BUY"}
            order |= {"type": "LIMIT", "qty": "10", "price": str(limit), "timeInForce": "DAY"}
            assert sim.state.place(order)["success"]
        assert isinstance(paced.clock, ManualClock)
        paced.clock.advance(24 * 3600.0)
        assert await paced.advance_async(60.0) == whole.advance(24 * 3600.0 + 60.0)
        for symbol in ("AAPL", "KO", WATCHED[19]):
            assert paced.feed.quote(symbol) == whole.feed.quote(symbol)
        assert paced.state.next_open == whole.state.next_open
        assert paced.state.snapshot("TEST-SIM-001") == whole.state.snapshot("TEST-SIM-001")
        (placed,) = paced.state.orders["TEST-SIM-001"]
        assert placed.status in ("FILLED", "EXPIRED")  # its day ended on the way
    finally:
        await paced.stop()
        await whole.stop()


async def test_it_needs_a_manual_clock() -> None:
    async with Simulator(seed=0, tick_interval=None) as sim:
        with pytest.raises(TypeError, match="ManualClock"):
            await sim.advance_async(1)
