"""Moving a :class:`~aries_async.sim.clock.ManualClock` simulator's time:
:class:`SimTime`, the part of :class:`~aries_async.sim.server.Simulator` that does it.

``advance()`` runs every step of the walk and of the matching engine in between at once, on
the event loop: over hours of a busy market that is seconds of work (500 watched symbols
over 6 hours at a step a minute are 180,000 steps, about 4 s), during which the simulator,
a real server on loopback, answers no other client and reads no socket. ``advance_async()``
does the same in slices of at most :data:`MAX_SLICE_STEPS` steps, shorter when one takes
over :data:`SLICE_BUDGET` seconds (a socket's listeners make steps dearer), and lets the loop
run between them: other requests are answered meanwhile, at the time the clock has reached.
It ends where ``advance()`` would: a tick at each slice's end leaves the books as a long
advance does (each trading day's open starts the day between its steps,
:meth:`~aries_async.sim.context.SimContext.tick`).

A clock moved by itself (``sim.clock.advance(3600)``, ``sim.clock.set(...)``) leaves the books
behind it. ``advance_async()`` first replays that time in slices too (the clock stays where
it was moved meanwhile), then moves on: the hours a test skipped by hand reach the sockets
slice by slice, not in one burst. ``advance()``, ``step()``, ``Feed.set_price()`` and any
request that finds a day opened or an order due catch up at once instead (a jump: every step
in one go, the books the same).
"""

from __future__ import annotations

import asyncio
import math
import time

from aries_async.sim.clock import step_seconds
from aries_async.sim.context import SimContext
from aries_async.sim.feed import Clock, ManualClock

__all__ = ["MAX_SLICE_STEPS", "SLICE_BUDGET", "SimTime"]

MAX_SLICE_STEPS = 5000
"""The most feed steps ``advance_async()`` runs without letting the loop run (about 0.1 s of
work without listeners)."""
SLICE_BUDGET = 0.05
"""Seconds of work a slice aims at; a dearer slice makes the next one shorter."""


class SimTime:
    """``advance``, ``advance_async`` and ``step`` of a simulator with a ``clock`` and a
    ``context``."""

    clock: Clock
    context: SimContext

    def _manual_clock(self, what: str) -> ManualClock:
        if not isinstance(self.clock, ManualClock):
            raise TypeError(f"{what}() needs Simulator(clock=ManualClock())")
        return self.clock

    def advance(self, seconds: float) -> int:
        """Move a :class:`ManualClock` forward and run every feed/matching step in between,
        at once (over hours of many watched symbols, prefer :meth:`advance_async`).

        Returns:
            The number of feed steps taken.

        Raises:
            TypeError: the simulator does not run on a :class:`ManualClock`.
            ValidationError: (a ``ValueError``) ``seconds`` is negative, NaN, an infinity, a
                bool or no number (:meth:`ManualClock.advance`).
        """
        self._manual_clock("advance").advance(seconds)
        return self.context.tick()

    async def advance_async(self, seconds: float) -> int:
        """:meth:`advance` in slices of at most :data:`MAX_SLICE_STEPS` steps, letting the
        event loop run between them (other clients are answered meanwhile, at the time the
        clock has reached); ends with the clock, steps and books :meth:`advance` leaves.

        Returns:
            The number of feed steps taken.

        Raises:
            TypeError: the simulator does not run on a :class:`ManualClock`.
            ValidationError: (a ``ValueError``) ``seconds`` is negative, NaN, an infinity, a
                bool or no number (:meth:`ManualClock.advance`); the clock is left as it was.
        """
        clock = self._manual_clock("advance_async")
        end = clock.now() + step_seconds(seconds)
        feed = self.context.feed
        steps = 0
        span = math.inf
        # The time the clock was moved by itself first (the books stand behind it), then on.
        while (books := self.context.ticked_at) < clock.now() or clock.now() < end:
            most = MAX_SLICE_STEPS * feed.step_seconds / max(1, len(feed.watched))
            span = min(span, most)
            started = time.perf_counter()
            to = books + max(span, feed.step_seconds)
            if books < clock.now():
                steps += self.context.tick(min(to, clock.now()))
            else:
                clock.set(min(end, to))
                steps += self.context.tick()
            spent = time.perf_counter() - started
            # Aim the next slice at the budget: shorter after a dear one, longer after a cheap one.
            span = span * min(2.0, SLICE_BUDGET / spent) if spent > 0 else math.inf
            await asyncio.sleep(0)
        return steps + self.context.tick()  # what is due now, when no time had to pass

    def step(self) -> int:
        """Run the feed and matching up to the clock's current time now."""
        return self.context.tick()
