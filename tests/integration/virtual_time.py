"""Virtual time for the tests whose waits are the event loop's own: aiohttp's timeouts,
``asyncio.timeout()``, the waits of the simulator's ``latency`` and ``trickle_body``, the local
rate budget's turns (aiolimiter).

:func:`on_virtual_time` marks the requesting test for looptime's pytest plugin: while the test
runs (not its fixtures), the loop's time moves only when nothing is left to run but timers,
and then straight to the next one; what the client and the simulator on the same loop exchange
takes none of it. A 0.3 s timeout then ends a call after exactly 0.3 s of loop time, at once in
real time, however fast the machine is. The clock goes on from the loop's real time
(``start=time.monotonic``, asyncio's own clock), so the timers the fixtures set keep their
places; after the test the loop is back on real time for the fixtures' teardown.

For a test's own (function-scoped) loop and what runs on it only: an answer from another
process or thread (a Redis server, a ``ThreadedSimulator``) must not be awaited on virtual
time while a timer is pending, as the clock would move to that timer rather than wait for the
answer. The client's worker threads (``run_in_executor``) are waited for: looptime moves the
clock along with real time while they run.

:class:`VirtualTime` is the other kind: the simulator's :class:`~aries_async.sim.ManualClock`
as the SDK's clock (``wall_clock``, ``monotonic``) and a sleep (``sleep``) that the test's
driver ends by moving that clock, for scenarios of simulated minutes or weeks.
"""

from __future__ import annotations

import asyncio
import contextlib
import heapq
import itertools
import time
from collections.abc import Callable, Iterator

import looptime
import pytest

from aries_async.sim import ManualClock

__all__ = ["VirtualTime", "loop_time", "on_virtual_time", "virtual_from_here"]


def on_virtual_time(
    request: pytest.FixtureRequest, *, start: float | Callable[[], float] = time.monotonic
) -> None:
    """Run the test of ``request`` (a fixture's) on virtual time, its clock starting at
    ``start`` (a time, or a function that gives it).

    A test whose fixtures set no timers on the loop can start at a fixed time, so that what
    it computes from the clock does not depend on the machine's uptime: aiolimiter, for one,
    asks again a few 1e-15 s later for a turn that float rounding left a hair short, which a
    real loop reaches as time moves on, and a virtual one never does (the clock stands still
    while callbacks are ready): whether that happens depends on the clock's value.
    """
    request.applymarker(pytest.mark.looptime(start=start))


@contextlib.contextmanager
def virtual_from_here() -> Iterator[None]:
    """Virtual time for the block only, its clock going on from the loop's time now (the
    timers set before keep their places): for a test that needs another process's answers
    (a Redis server) before the block and waits within it only for the loop's own work and
    timers and for what does not come (a paused server), such as a close bounded by a
    timeout shorter than redis-py's socket timeout.
    """
    loop = asyncio.get_running_loop()
    if not isinstance(loop, looptime.LoopTimeEventLoop):
        raise RuntimeError("the loop is not looptime's (is its pytest plugin loaded?)")
    loop.setup_looptime(start=loop.time())
    with looptime.enabled(strict=True):
        yield


def loop_time() -> float:
    """The running loop's clock (virtual in a test on virtual time)."""
    return asyncio.get_running_loop().time()


class VirtualTime:
    """The simulator's manual clock as the SDK's clock, and a sleep that ends when the driver
    has moved that clock far enough (:meth:`wake`)."""

    def __init__(self, clock: ManualClock) -> None:
        self._clock = clock
        self._timers: list[tuple[float, int, asyncio.Future[None]]] = []
        self._order = itertools.count()

    def now(self) -> float:
        return self._clock.now()

    async def sleep(self, seconds: float) -> None:
        if seconds <= 0:
            await asyncio.sleep(0)
            return
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        heapq.heappush(self._timers, (self.now() + seconds, next(self._order), future))
        await future

    def wake(self) -> None:
        """End the sleeps due by the clock's time now."""
        now = self.now()
        while self._timers and self._timers[0][0] <= now:
            _, _, future = heapq.heappop(self._timers)
            if not future.done():
                future.set_result(None)

    @property
    def timers(self) -> int:
        """Sleeps pending (not those whose sleeper was cancelled)."""
        return sum(1 for _, _, future in self._timers if not future.done())
