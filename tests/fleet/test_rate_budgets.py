"""One contract for every :class:`RateBudget`: this process's (aiolimiter) and the fleet's
(Redis, a real server). Each test draws from buckets of its own."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import pytest
from virtual_time import on_virtual_time

from aries_async.http.budget import LocalRateBudget, RateBudget
from aries_async.http.budget_redis import RedisRateBudget


class Sleeps:
    """The budget's sleep: records each wait, then lets it pass (``then``)."""

    def __init__(self, then: Callable[[float], Awaitable[None]]) -> None:
        self.waits: list[float] = []
        self._then = then

    async def __call__(self, seconds: float) -> None:
        self.waits.append(seconds)
        await self._then(seconds)


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture(params=["local", "redis"])
async def budget(
    request: pytest.FixtureRequest,
) -> AsyncIterator[tuple[RateBudget, Sleeps]]:
    """A budget and its recorded sleeps, which move a clock instead of waiting: the clock of
    the local budget's pauses, of all of Redis's waits. The local budget's turns are on the
    event loop's clock: the loop is on virtual time for it (the Redis one answers from
    another process, which the loop must wait for on real time)."""
    clock = Clock()
    sleeps = Sleeps(clock.sleep)
    if request.param == "local":
        on_virtual_time(request, start=0.0)  # no fixture's timer: the turns at fixed times
        yield LocalRateBudget(sleep=sleeps, monotonic=clock), sleeps
        return
    url = request.getfixturevalue("redis_url")
    async with RedisRateBudget(url, sleep=sleeps, wall_clock=clock) as shared:
        yield shared, sleeps


def _bucket() -> str:
    return "test:" + uuid.uuid4().hex


async def test_a_burst_goes_at_once_then_the_next_turn_is_not_within_a_short_timeout(
    budget: tuple[RateBudget, Sleeps],
) -> None:
    rates, sleeps = budget
    bucket = _bucket()
    assert [await rates.acquire(bucket, 10, 3, 1.0) for _ in range(3)] == [True] * 3
    assert sleeps.waits == []
    assert await rates.acquire(bucket, 10, 3, 0.001) is False


async def test_the_turn_after_a_burst_comes_one_interval_later(
    budget: tuple[RateBudget, Sleeps],
) -> None:
    rates, sleeps = budget
    bucket = _bucket()
    loop = asyncio.get_running_loop()
    started = loop.time()
    assert await rates.acquire(bucket, 50, 1, 1.0)
    assert await rates.acquire(bucket, 50, 1, 1.0)
    if isinstance(rates, LocalRateBudget):  # it waits on the event loop's (virtual) clock
        # Rounded to the virtual clock's microseconds.
        assert loop.time() - started == pytest.approx(0.02, abs=1e-5)
        assert sleeps.waits == []
    else:  # the Redis one with its sleep
        assert sleeps.waits == [pytest.approx(0.02)]


async def test_buckets_are_independent(budget: tuple[RateBudget, Sleeps]) -> None:
    rates, _ = budget
    first, second = _bucket(), _bucket()
    assert await rates.acquire(first, 1, 1, 1.0)
    assert await rates.acquire(first, 1, 1, 0.001) is False
    assert await rates.acquire(second, 1, 1, 0.001)


async def test_a_pause_longer_than_the_timeout_refuses_at_once(
    budget: tuple[RateBudget, Sleeps],
) -> None:
    rates, sleeps = budget
    bucket = _bucket()
    await rates.pause(bucket, 5.0)
    await rates.pause(bucket, 0.01)  # a shorter pause does not cut the longer one
    loop = asyncio.get_running_loop()
    started = loop.time()
    assert await rates.acquire(bucket, 100, 5, 1.0) is False
    assert sleeps.waits == []  # the Redis budget's only way to wait
    if isinstance(rates, LocalRateBudget):  # nor a turn on the event loop's (virtual) clock
        assert loop.time() == started


async def test_a_pause_within_the_timeout_is_waited_out_first(
    budget: tuple[RateBudget, Sleeps],
) -> None:
    rates, sleeps = budget
    bucket = _bucket()
    await rates.pause(bucket, 0.05)
    assert await rates.acquire(bucket, 100, 5, 2.0)
    assert sleeps.waits == [pytest.approx(0.05)]


async def test_redis_measures_turns_and_pauses_on_its_own_clock(redis_url: str) -> None:
    # No clock given: the Redis server's, which this process's sleep does not move.
    sleeps = Sleeps(_no_wait)
    bucket = _bucket()
    async with RedisRateBudget(redis_url, sleep=sleeps) as rates:
        assert await rates.acquire(bucket, 2, 1, 1.0)
        assert await rates.acquire(bucket, 2, 1, 1.0)  # the next turn, half a second on
        await rates.pause(bucket, 5.0)
        # The pause has not passed on the server's clock after the budget's wait for it: it
        # asks again, and gives up, as what is left of the pause exceeds what it may wait.
        assert await rates.acquire(bucket, 2, 1, 6.0) is False
    turn, pause = sleeps.waits
    assert 0.45 <= turn <= 0.5
    assert 4.9 <= pause <= 5.0


async def _no_wait(seconds: float) -> None:
    """A sleep that does not wait."""


@pytest.mark.parametrize("keyword", ["wall_clock", "clock"])
async def test_redis_times_turns_on_the_wall_clock_given_under_either_name(
    redis_url: str, keyword: str
) -> None:
    # A clock that stands still (the sleep does not move it): the next turn is a whole
    # interval away, where on the server's clock some of it would have passed.
    options: dict[str, Any] = {keyword: Clock()}
    sleeps = Sleeps(_no_wait)
    if keyword == "clock":
        with pytest.warns(DeprecationWarning, match=r"RedisRateBudget\(clock=") as caught:
            budget = RedisRateBudget(redis_url, sleep=sleeps, **options)
        assert [str(w.message) for w in caught] == [
            "RedisRateBudget(clock=...) is deprecated and will be removed in the next release;"
            " use RedisRateBudget(wall_clock=...)"
        ]
        assert caught[0].filename == __file__
    else:
        budget = RedisRateBudget(redis_url, sleep=sleeps, **options)
    bucket = _bucket()
    async with budget:
        assert await budget.acquire(bucket, 10, 1, 1.0)
        assert await budget.acquire(bucket, 10, 1, 1.0)
    assert sleeps.waits == [0.1]


def test_redis_refuses_the_old_and_the_new_clock_together(redis_url: str) -> None:
    both: dict[str, Any] = {"clock": Clock(), "wall_clock": Clock()}
    with pytest.raises(TypeError, match="got both 'clock' and its new name 'wall_clock'"):
        RedisRateBudget(redis_url, **both)
