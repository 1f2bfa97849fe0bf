"""Members of a fleet configured with different rates for one budget: the fleet keeps to the
strictest rate and burst that any of its live members was configured with, and each member
that was configured otherwise says so once.

The members share a fleet clock (a ``ManualClock``, the simulator's too) that their waits move:
calls go one at a time, so that each wait moves it exactly to the turn's time, and nothing
sleeps.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator

import pytest

from aries_async import AriesClient, RedisRateBudget
from aries_async.config import RetryPolicy
from aries_async.sim import AppRateLimit, ManualClock, Simulator
from aries_async.testing import capture_logs

QUOTES = ("GET", "/v1/chart/quotes")


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(start=1_000_000.0)


@pytest.fixture
async def sim(clock: ManualClock) -> AsyncIterator[Simulator]:
    async with Simulator(tick_interval=None, clock=clock) as simulator:
        yield simulator


def _member(redis_url: str, clock: ManualClock, prefix: str, **options: float) -> RedisRateBudget:
    async def sleep(seconds: float) -> None:
        clock.advance(seconds)

    return RedisRateBudget(redis_url, prefix=prefix, sleep=sleep, wall_clock=clock.now, **options)


async def test_a_member_configured_faster_keeps_to_the_fleets_lowest_rate(
    sim: Simulator, clock: ManualClock, redis_url: str
) -> None:
    # The server allows 20 a second, 2 at once: what two members are configured with. The
    # third says 60 (burst 6): on its own turns it would send three times as often.
    sim.faults.app_rate_limit = AppRateLimit(per_second=20, burst=2)
    prefix = f"test:{uuid.uuid4().hex}:"
    budgets = [_member(redis_url, clock, prefix) for _ in range(3)]
    clients = [
        AriesClient(
            sim.client_config(rate_limit=rate, retry=RetryPolicy(max_attempts=1)),
            token=sim.issue_token(),
            rate_budget=budget,
        )
        for rate, budget in zip((20, 20, 60), budgets, strict=True)
    ]
    started = clock.now()
    try:
        with capture_logs() as logs:
            for _ in range(10):
                for client in clients:
                    await client.market.quote("AAPL")
    finally:
        for client in clients:
            await client.aclose()
        for budget in budgets:
            await budget.aclose()
    assert sim.requests[QUOTES] == 30
    assert sim.faults.app_rate_limit.refused == 0
    # 30 calls at 20 a second, the first two at once: 1.4 s of the fleet's clock.
    assert clock.now() - started == pytest.approx(1.4, abs=0.01)
    warnings = [r for r in logs.records if r.levelname == "WARNING"]
    assert len(warnings) == 1, [r.getMessage() for r in warnings]
    assert "60" in warnings[0].getMessage() and "20" in warnings[0].getMessage()


async def _turns(member: RedisRateBudget, bucket: str, rate: float, count: int) -> None:
    for _ in range(count):
        assert await member.acquire(bucket, rate, 1, 60.0)


async def test_one_member_configured_lower_lowers_the_fleet_and_leaves_on_close(
    clock: ManualClock, redis_url: str
) -> None:
    # The operator lowers the rate on purpose, one process at a time: the first restarted one
    # slows the whole fleet down at once; once the last slow member is gone, the rest go back
    # to their own rate.
    prefix = f"test:{uuid.uuid4().hex}:"
    fast, slow = _member(redis_url, clock, prefix), _member(redis_url, clock, prefix)
    try:
        await _turns(fast, "b", 10, 1)
        started = clock.now()
        await _turns(fast, "b", 10, 4)
        assert clock.now() - started == pytest.approx(0.4)
        await _turns(slow, "b", 2, 1)
        started = clock.now()
        await _turns(fast, "b", 10, 4)
        assert clock.now() - started == pytest.approx(2.0)
    finally:
        await slow.aclose()
    try:
        await _turns(fast, "b", 10, 1)  # the turn the slow member's pace had set
        started = clock.now()
        await _turns(fast, "b", 10, 5)
        assert clock.now() - started == pytest.approx(0.5)
    finally:
        await fast.aclose()


async def test_a_member_that_stopped_without_closing_counts_until_its_lease_ends(
    clock: ManualClock, redis_url: str
) -> None:
    prefix = f"test:{uuid.uuid4().hex}:"
    async with _member(redis_url, clock, prefix, member_lease=30) as fast:
        crashed = _member(redis_url, clock, prefix, member_lease=30)
        await _turns(crashed, "b", 1, 1)
        await crashed.redis.aclose()  # gone without withdrawing, as a killed process
        clock.advance(29)
        started = clock.now()
        await _turns(fast, "b", 10, 2)  # still held back to its one a second
        assert clock.now() - started == pytest.approx(1.0)
        clock.advance(1)
        started = clock.now()
        await _turns(fast, "b", 10, 3)
        assert clock.now() - started == pytest.approx(0.2)


async def test_each_member_warns_once_per_rate_it_is_held_to(
    clock: ManualClock, redis_url: str
) -> None:
    prefix = f"test:{uuid.uuid4().hex}:"
    async with (
        _member(redis_url, clock, prefix) as fast,
        _member(redis_url, clock, prefix) as slow,
        _member(redis_url, clock, prefix) as slower,
    ):
        with capture_logs() as logs:
            await _turns(slow, "b", 5, 1)
            await _turns(fast, "b", 50, 3)
            await _turns(slower, "b", 2, 1)
            await _turns(fast, "b", 50, 3)
            await _turns(slow, "b", 5, 2)
        lines = [line for line in logs.lines if "WARNING" in line]
        assert len(lines) == 3, lines
        assert "keeps to 5 calls a second, 1 at once" in lines[0]
        assert "configured with 50 a second, 1 at once" in lines[0]
        assert "keeps to 2 calls a second" in lines[1] and "configured with 50" in lines[1]
        assert "keeps to 2 calls a second" in lines[2] and "configured with 5 a" in lines[2]
        assert not any("password" in line or "@" in line for line in lines)
