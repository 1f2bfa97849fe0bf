"""A :class:`ManualClock` and a simulator on one refuse a time step they cannot mean, before
the clock moves: NaN (which made the clock's time NaN, or left it where it was while
``advance_async`` said nothing), an infinity (``advance_async`` then stepped for ever), a bool
(``advance(True)`` moved a second) or a negative; a :class:`ValidationError`, a ``ValueError``
as the simulator's other checks."""

from __future__ import annotations

import math
import threading
from collections.abc import Callable
from decimal import Decimal

import pytest

from aries_async.errors import ValidationError
from aries_async.sim import ManualClock, Simulator
from aries_async.sim.threaded import ThreadedSimulator

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


@pytest.mark.parametrize("start", [math.nan, math.inf, -1.0, True, "1", None])
def test_a_manual_clock_refuses_a_start_it_cannot_mean(start: object) -> None:
    with pytest.raises(ValidationError, match=r"^start must be a finite number") as info:
        ManualClock(start=start)  # type: ignore[arg-type]
    assert info.value.field == "start"


def test_a_manual_clock_takes_a_decimal_start_and_jumps_to_a_decimal_time() -> None:
    clock = ManualClock(start=Decimal("100.5"))
    assert clock.now() == 100.5
    clock.set(Decimal("102"))
    assert clock.now() == 102.0
    assert type(clock.now()) is float


@pytest.mark.parametrize("when", [math.nan, math.inf, True, "103", None])
def test_a_manual_clock_refuses_a_time_it_cannot_mean(when: object) -> None:
    clock = ManualClock(start=100)
    with pytest.raises(ValidationError, match=r"^when must be a finite number") as info:
        clock.set(when)  # type: ignore[arg-type]
    assert info.value.field == "when"
    assert clock.now() == 100


@pytest.mark.parametrize("timeout", [math.nan, math.inf, 0, -1.0, True, "10"])
def test_a_threaded_simulator_refuses_a_timeout_before_starting_anything(timeout: object) -> None:
    sim = ThreadedSimulator(seed=0)
    threads = threading.active_count()
    calls: dict[str, Callable[[], object]] = {
        "start": lambda: sim.start(timeout=timeout),  # type: ignore[arg-type]
        "call": lambda: sim.call(lambda: None, timeout=timeout),  # type: ignore[arg-type]
        "stop": lambda: sim.stop(timeout=timeout),  # type: ignore[arg-type]
    }
    for name, call in calls.items():
        with pytest.raises(ValidationError, match=r"^timeout must be a finite number") as info:
            call()
        assert info.value.field == "timeout", name
    assert threading.active_count() == threads  # no server thread was started
