"""A :class:`ManualClock` and a simulator on one refuse a time step they cannot mean, before
the clock moves: NaN (which made the clock's time NaN, or left it where it was while
``advance_async`` said nothing), an infinity (``advance_async`` then stepped for ever), a bool
(``advance(True)`` moved a second) or a negative; a :class:`ValidationError`, a ``ValueError``
as the simulator's other checks."""

from __future__ import annotations

import math

import pytest

from aries_async.errors import ValidationError
from aries_async.sim import ManualClock, Simulator

_NOT_A_STEP = (math.nan, math.inf, -math.inf, -1.0, True, "1", None)


@pytest.mark.parametrize("seconds", _NOT_A_STEP)
def test_a_manual_clock_refuses_a_step_it_cannot_mean(seconds: object) -> None:
    clock = ManualClock()
    before = clock.now()
    with pytest.raises(ValidationError, match=r"^seconds must be a finite number") as info:
        clock.advance(seconds)  # type: ignore[arg-type]
    assert info.value.field == "seconds"
    assert clock.now() == before


@pytest.mark.parametrize("seconds", _NOT_A_STEP)
async def test_a_simulator_refuses_a_step_it_cannot_mean(seconds: object) -> None:
    sim = Simulator(seed=0, clock=ManualClock(), tick_interval=None)
    before = sim.clock.now()
    with pytest.raises(ValidationError, match=r"^seconds must be a finite number"):
        sim.advance(seconds)  # type: ignore[arg-type]
    assert sim.clock.now() == before
    with pytest.raises(ValidationError, match=r"^seconds must be a finite number"):
        await sim.advance_async(seconds)  # type: ignore[arg-type]
    assert sim.clock.now() == before


async def test_a_step_of_no_time_or_some_moves_the_clock_by_it() -> None:
    sim = Simulator(seed=0, clock=ManualClock(), tick_interval=None)
    before = sim.clock.now()
    sim.advance(0)
    await sim.advance_async(0)
    sim.advance(1.5)
    await sim.advance_async(2)
    assert sim.clock.now() == before + 3.5
