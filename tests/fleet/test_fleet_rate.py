"""A fleet's rate budget on a real Redis: turns spaced across processes, a 429 that holds
back every member, no 429 from a simulator limited to the fleet's budget.

Each client here has its own Redis connection and its own pacer: they share nothing but the
Redis server, as processes on different hosts would.
"""

from __future__ import annotations

import asyncio
import itertools
import socket
import time
import uuid
from collections.abc import AsyncIterator

import pytest

from aries_async import AriesClient, RateLimit
from aries_async.config import RetryPolicy
from aries_async.errors import ConfigurationError, ConnectionFailedError, RateLimitError
from aries_async.http.budget import LocalRateBudget, RateBudget
from aries_async.http.budget_redis import RedisRateBudget
from aries_async.sim import AppRateLimit, RateLimitFault, Simulator
from aries_async.testing import shows_secret

QUOTES = ("GET", "/v1/chart/quotes")


async def test_turns_are_spaced_across_the_fleet(redis_url: str) -> None:
    waited = [0.0]

    async def record(seconds: float) -> None:
        waited[0] = seconds  # the turn is reserved: no need to wait for it here

    bucket = "fleet:" + uuid.uuid4().hex
    members = [RedisRateBudget(redis_url, sleep=record) for _ in range(4)]
    turns: list[tuple[float, float]] = []  # each turn's earliest and latest possible time
    try:
        for _ in range(2):
            for member in members:
                waited[0] = 0.0
                before = time.monotonic()
                assert await member.acquire(bucket, 5, 1, 5.0)
                turns.append((before + waited[0], time.monotonic() + waited[0]))
    finally:
        for member in members:
            await member.aclose()
    # The first turn is now; each next one 200 ms after the one before, whoever takes it.
    for (early, late), (next_early, next_late) in itertools.pairwise(turns):
        assert next_early - late - 0.001 <= 0.2 <= next_late - early + 0.001, turns


async def test_an_unreachable_redis_fails_the_call_unsent() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    async with RedisRateBudget(f"redis://:pw-secret-123456@127.0.0.1:{port}/0") as budget:
        with pytest.raises(ConnectionFailedError) as info:
            await budget.acquire("x", 1, 1, 1.0)
    assert info.value.request_sent is False
    assert f"127.0.0.1:{port}" in str(info.value)  # which Redis, without its password
    assert not shows_secret(str(info.value), "pw-secret-123456")
    assert "password" not in repr(RedisRateBudget("redis://u:password@127.0.0.1:1/0"))


async def test_a_wrong_password_is_a_configuration_error_not_an_outage(redis_url: str) -> None:
    # An outage is worth waiting out; a wrong password or database is not: a bot that
    # retries ConnectionFailedError would retry this one for ever.
    password = redis_url.split(":")[2].split("@")[0]
    for url in (redis_url.replace(password, "wrong-password-1234"), redis_url[:-2] + "/99"):
        async with RedisRateBudget(url) as budget:
            with pytest.raises(ConfigurationError) as info:
                await budget.acquire("x", 1, 1, 1.0)
            with pytest.raises(ConfigurationError):
                await budget.pause("x", 1.0)
        assert "127.0.0.1" in str(info.value)
        assert not shows_secret(str(info.value), password)
        assert not shows_secret(str(info.value), "wrong-password-1234")


@pytest.mark.parametrize(
    "url",
    [
        "http://:pw-secret-123456@cache.example:6379/0",
        "redis//:pw-secret-123456@cache.example:6379/0",
        "redis://:pw-secret-123456@cache.example:port/0",
        "redis://:pw-secret-123456@cache.example:6379/0?socket_timeout=soon",
    ],
)
def test_a_bad_url_is_a_configuration_error_without_its_password(url: str) -> None:
    with pytest.raises(ConfigurationError, match="Redis URL") as info:
        RedisRateBudget(url)
    assert not shows_secret(str(info.value), "pw-secret-123456")
    assert info.value.__cause__ is None  # redis-py's message may quote the URL


@pytest.fixture
async def sim() -> AsyncIterator[Simulator]:
    async with Simulator(tick_interval=None) as simulator:
        yield simulator


async def test_a_429_seen_by_one_member_holds_back_the_others(
    sim: Simulator, redis_url: str
) -> None:
    prefix = f"test:{uuid.uuid4().hex}:"
    limit = RateLimit(per_second=1000, burst=100)
    config = sim.client_config(rate_limit=limit, retry=RetryPolicy(max_attempts=1))
    during: list[int] = []
    fleet_clock = [1_000.0]  # the fleet's seconds: a member's wait moves it, none sleeps

    async def watched(seconds: float) -> None:
        # A member waiting out the pause: count what reached the simulator meanwhile.
        fleet_clock[0] += seconds
        await asyncio.sleep(0)
        during.append(sim.requests[QUOTES])

    def clock() -> float:
        return fleet_clock[0]

    budgets = [
        RedisRateBudget(redis_url, prefix=prefix, sleep=watched, wall_clock=clock) for _ in range(3)
    ]
    clients = [AriesClient(config, token=sim.issue_token(), rate_budget=b) for b in budgets]
    try:
        sim.faults.rate_limit["GET /v1/chart/quotes"] = RateLimitFault(count=1, retry_after=0.3)
        with pytest.raises(RateLimitError):
            await clients[0].market.quote("AAPL")
        started = clock()
        quotes = await asyncio.gather(*(c.market.quote("MSFT") for c in clients[1:]))
        assert [q.symbol for q in quotes] == ["MSFT", "MSFT"]
        assert clock() - started >= 0.3
        # Only the first member's request came during the pause: the first member to wake
        # saw no other. (A later waker may see the request of one that woke before it.)
        assert len(during) >= 2
        assert min(during) == 1
        assert sim.requests[QUOTES] == 3
    finally:
        for client in clients:
            await client.aclose()
        for budget in budgets:
            await budget.aclose()


@pytest.mark.parametrize("shared", ["local", "redis"])
async def test_members_sharing_the_budget_get_no_429(
    shared: str, request: pytest.FixtureRequest
) -> None:
    async with Simulator(tick_interval=None) as sim:
        # The app may send 100 a second, 20 at once: what one budget of 100 a second sends
        # (its burst is a tenth of a second's calls), with room for the loop's jitter. Three
        # members with a budget each would send 30 at once, and hit it.
        sim.faults.app_rate_limit = AppRateLimit(per_second=100, burst=20)
        config = sim.client_config(rate_limit=100, retry=RetryPolicy(max_attempts=1))
        prefix = f"test:{uuid.uuid4().hex}:"
        budgets: list[RateBudget] = (
            [LocalRateBudget()] * 3
            if shared == "local"
            else [
                RedisRateBudget(request.getfixturevalue("redis_url"), prefix=prefix)
                for _ in range(3)
            ]
        )
        clients = [AriesClient(config, token=sim.issue_token(), rate_budget=b) for b in budgets]
        try:
            await asyncio.gather(*(c.market.quote("AAPL") for c in clients for _ in range(15)))
        finally:
            for client in clients:
                await client.aclose()
            for budget in budgets:
                if isinstance(budget, RedisRateBudget):
                    await budget.aclose()
        assert sim.requests[QUOTES] == 45
        assert sim.faults.app_rate_limit is not None
        assert sim.faults.app_rate_limit.refused == 0
