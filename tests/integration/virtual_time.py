"""Virtual time for the tests whose waits are the event loop's own: aiohttp's timeouts,
``asyncio.timeout()``, the waits of the simulator's ``latency`` and ``trickle_body``, the local
rate budget's turns (aiolimiter).

:func:`virtual_time` puts the running loop on looptime's clock: the loop's time moves only when
nothing is left to run but timers, and then straight to the next one; what the client and the
simulator on the same loop exchange takes none of it. A 0.3 s timeout then ends a call after
exactly 0.3 s of loop time, at once in real time, however fast the machine is.

For a test's own (function-scoped) loop and what runs on it only: an answer from another
process or thread (a Redis server, a ``ThreadedSimulator``) must not be awaited under it while
a timer is pending, as the clock would move to that timer rather than wait for the answer. The
client's worker threads (``run_in_executor``) are waited for: looptime moves the clock along
with real time while they run.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable, Iterator

import looptime

__all__ = ["virtual_time"]


@contextlib.contextmanager
def virtual_time() -> Iterator[Callable[[], float]]:
    """Run the block on virtual time; yields the loop's clock (``loop.time``).

    The clock goes on from the loop's current time, so the timers already set keep their
    places. After the block the loop is back on real time, for its teardown (which waits for
    its worker threads on a timer of its own); a timer set in the block then comes due as much
    later as virtual time ran ahead of real time. (A simulator stopped after the block does
    not wait for those of its held and trickled answers: a stop ends them at once.)
    """
    loop = asyncio.get_running_loop()
    assert isinstance(loop, asyncio.BaseEventLoop)
    # Off until entered (``_enabled``), as looptime's own pytest plugin patches the loops it
    # is given; that plugin is off (pyproject's addopts): it patches every test's loop.
    looptime.patch_event_loop(loop, start=loop.time(), _enabled=False)
    with looptime.enabled(loop=loop, strict=True):
        yield loop.time
