"""The auction tests' days: the simulator on a manual clock stepping a minute, and moving it
to a time of a January 2026 day in New York (the simulator starts on Thursday 2026-01-15 at
10:00 New York, the market open)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime

import pytest

from aries_async.client import AriesClient
from aries_async.models.orders import Order, OrderAck
from aries_async.sim import ManualClock, Simulator
from aries_async.sim.clock import NEW_YORK

ACCOUNT = "TEST-SIM-001"
WEEK = 7 * 86400.0


def new_york(day: int, hour: int, minute: int = 0) -> float:
    """Unix seconds of January ``day``, 2026 at ``hour:minute`` in New York."""
    return datetime(2026, 1, day, hour, minute, tzinfo=NEW_YORK).timestamp()


@pytest.fixture(name="sim")
async def minute_sim() -> AsyncIterator[Simulator]:
    """A step a minute (the hours and days pass quickly); tokens outlive them."""
    async with Simulator(
        seed=0, clock=ManualClock(), tick_interval=None, token_ttl=WEEK, step_seconds=60.0
    ) as s:
        yield s


def move_to(sim: Simulator, when: float) -> None:
    sim.advance(when - sim.clock.now())


async def order_now(aries: AriesClient, ack: OrderAck) -> Order:
    return next(o for o in await aries.orders.active(ACCOUNT) if o.cl_ord_id == ack.cl_ord_id)
