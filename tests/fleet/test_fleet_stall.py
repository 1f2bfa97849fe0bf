"""A Redis that stops answering (paused, overloaded, its host unreachable without a reset)
holds a call no longer than the call's own timeout: the wait for its turn in the shared rate
budget and for a token under the store's lock end at the call's deadline with
``RequestTimeoutError``, the request not sent, and a 429's pause that Redis does not record
within the pause's length is given up; instead of when redis-py's socket timeout ends (5 s in
redis-py 8, none before it: for ever).

Redis is stalled with ``CLIENT PAUSE ... WRITE``: scripts and ``SET`` wait, reads and the
test's own ``CLIENT UNPAUSE`` do not. The calls' timeouts are short and real: what is waited
for is the call's end, which without the bound comes only with the unpause.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
import redis.asyncio
from redis_server import reply_gate
from stream_helpers import WallClockAhead

from aries_async import AriesClient, RateLimit
from aries_async.auth.redisstore import RedisTokenStore
from aries_async.errors import RateLimitError, RequestTimeoutError
from aries_async.http.budget_redis import RedisRateBudget
from aries_async.sim import RateLimitFault, Simulator

TIMEOUT = 0.2


@pytest.fixture
async def paused(redis_url: str) -> AsyncIterator[redis.asyncio.Redis]:
    """A plain client that pauses the server's writes; they resume after the test."""
    client = redis.asyncio.Redis.from_url(redis_url)
    yield client
    await client.client_unpause()
    await client.aclose()


async def test_a_stalled_rate_budget_ends_the_call_at_its_deadline(
    redis_url: str, paused: redis.asyncio.Redis
) -> None:
    async with (
        Simulator(tick_interval=None) as sim,
        RedisRateBudget(redis_url) as budget,
    ):
        config = sim.client_config(rate_limit=20, timeout=TIMEOUT)
        async with AriesClient(config, token=sim.issue_token(), rate_budget=budget) as client:
            await client.market.quote("AAPL")
            await paused.client_pause(60_000, all=False)
            async with asyncio.timeout(30):  # the pause's end is a minute away
                with pytest.raises(RequestTimeoutError) as raised:
                    await client.market.quote("AAPL")
            # Leaving the budget withdraws this member's rate (a write): with Redis still
            # paused that waits out redis-py's socket timeout, 5 s of the suite's time.
            await paused.client_unpause()
    assert raised.value.request_sent is False
    assert sim.requests[("GET", "/v1/chart/quotes")] == 1


async def test_a_stalled_token_store_ends_the_call_at_its_deadline(
    redis_url: str, paused: redis.asyncio.Redis
) -> None:
    wall_clock = WallClockAhead()
    async with (
        Simulator(tick_interval=None) as sim,
        RedisTokenStore(redis_url, client_id=sim.client_id) as store,
    ):
        await store.save(sim.issue_token(ttl=100))
        config = sim.client_config(timeout=TIMEOUT)
        async with AriesClient(config, token_store=store, wall_clock=wall_clock) as client:
            await client.market.quote("AAPL")
            wall_clock.ahead = 60.0  # due: the renewal takes the store's lock (a SET)
            await paused.client_pause(60_000, all=False)
            async with asyncio.timeout(30):
                with pytest.raises(RequestTimeoutError) as raised:
                    await client.market.quote("AAPL")
            assert raised.value.request_sent is False
            await paused.client_unpause()
            await client.market.quote("AAPL")  # the renewal went on meanwhile, or goes now
        assert sim.token_requests == 1


async def test_a_429_whose_pause_redis_does_not_record_holds_the_call_no_longer(
    redis_url: str,
) -> None:
    async with Simulator(tick_interval=None) as sim, reply_gate(redis_url) as gate:

        async def turn_then_stall(seconds: float) -> None:
            gate.hold()  # the turn is reserved; Redis answers nothing from now on

        async with RedisRateBudget(gate.url, sleep=turn_then_stall) as budget:
            config = sim.client_config(rate_limit=RateLimit(per_second=1, burst=1), timeout=1.0)
            async with AriesClient(config, token=sim.issue_token(), rate_budget=budget) as client:
                await client.market.quote("AAPL")  # the burst; the next turn is a second on
                sim.faults.rate_limit["GET /v1/chart/quotes"] = RateLimitFault(
                    count=1, retry_after=0.1
                )
                async with asyncio.timeout(4):  # redis-py 8's socket timeout is 5 s
                    with pytest.raises((RateLimitError, RequestTimeoutError)):
                        await client.market.quote("AAPL")
                gate.let_go()
        assert sim.requests[("GET", "/v1/chart/quotes")] == 2
