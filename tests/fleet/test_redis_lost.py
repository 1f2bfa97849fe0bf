"""A fleet whose Redis lost its data (restarted without persistence, flushed, the key evicted
or deleted) keeps its grant: the processes hold the token in memory, and the first that needs
the store puts its token back. A logout (``clear``) is not undone.

The restart is ``FLUSHALL`` on the test server: the keys go as they would with a restart of a
Redis that keeps nothing on disk, and the processes' connections stay up, which a restart
would not (redis-py reconnects on its own; the rate budget tests cover an unreachable Redis).
Expiry is on each client's own ``wall_clock``, moved by the test.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import attrs
import pytest
import redis.asyncio
from redis_server import numbered_token, stores
from stream_helpers import WallClockAhead

from aries_async import AriesClient
from aries_async.auth.redisstore import RedisTokenStore
from aries_async.auth.tokens import CLIENT_CREDENTIALS
from aries_async.errors import NotSignedInError
from aries_async.sim import Simulator
from aries_async.testing import capture_logs


@pytest.fixture
async def raw(redis_url: str) -> AsyncIterator[redis.asyncio.Redis]:
    client = redis.asyncio.Redis.from_url(redis_url, decode_responses=True)
    yield client
    await client.aclose()


async def test_a_token_the_store_saw_is_put_back_when_redis_lost_it(
    redis_url: str, raw: redis.asyncio.Redis
) -> None:
    async with stores(redis_url, 3) as (one, two, fresh):
        await one.save(numbered_token(1, 100.0))
        assert await two.load() == numbered_token(1, 100.0)
        await raw.flushall()
        with capture_logs() as logs:
            assert await two.load() == numbered_token(1, 100.0)
        assert [line for line in logs.lines if "restored" in line and two.token_key in line]
        assert await fresh.load() == numbered_token(1, 100.0)  # back for every process
        assert await raw.hget(one.token_key, "version") is not None


async def test_a_newer_token_replaces_an_older_one_put_back(
    redis_url: str, raw: redis.asyncio.Redis
) -> None:
    async with stores(redis_url, 2) as (idle, busy):
        await idle.save(numbered_token(1, 100.0))  # then idle while the grant was renewed
        await busy.save(numbered_token(2, 200.0))
        await raw.flushall()
        assert await idle.load() == numbered_token(1, 100.0)  # the first to look puts back its own
        assert await busy.load() == numbered_token(2, 200.0)  # a later one that knows better wins
        assert await idle.load() == numbered_token(2, 200.0)
        async with busy.lock():
            assert await busy.load() == numbered_token(2, 200.0)
            await busy.save(numbered_token(3, 300.0))
        await idle.load()
        await raw.flushall()
        await busy.load()  # puts back token 3
        assert await idle.load() == numbered_token(3, 300.0)


async def test_a_logout_is_not_undone_and_a_store_that_saw_nothing_restores_nothing(
    redis_url: str, raw: redis.asyncio.Redis
) -> None:
    async with stores(redis_url, 3) as (one, two, blank):
        await one.save(numbered_token(1, 100.0))
        assert await two.load() == numbered_token(1, 100.0)
        await one.clear()
        assert await two.load() is None
        await raw.flushall()
        assert await two.load() is None  # it knows the token was cleared
        assert await blank.load() is None
        assert await raw.exists(one.token_key) == 0


@pytest.mark.parametrize("grant", ["user", "app"])
async def test_a_fleet_whose_redis_lost_the_token_renews_it_once_and_goes_on(
    redis_url: str, raw: redis.asyncio.Redis, grant: str
) -> None:
    wall_clock = WallClockAhead()
    async with Simulator(tick_interval=None) as sim:
        token = sim.issue_token(ttl=100)  # due 50 s on, a renewal's token an hour on
        if grant == "app":
            token = attrs.evolve(token, refresh_token=None, grant_type=CLIENT_CREDENTIALS)
        config = sim.client_config()
        async with (
            RedisTokenStore(redis_url, client_id=sim.client_id, grant=grant) as one,
            RedisTokenStore(redis_url, client_id=sim.client_id, grant=grant) as two,
        ):
            await one.save(token)
            clients = [
                AriesClient(config, token_store=store, wall_clock=wall_clock)
                for store in (one, two)
            ]
            try:
                for client in clients:
                    await client.market.quote("AAPL")
                assert sim.token_requests == 0
                await raw.flushall()  # Redis restarted, keeping nothing
                wall_clock.ahead = 60.0
                for client in clients:
                    await client.market.quote("AAPL")
            finally:
                for client in clients:
                    await client.aclose()
            assert sim.token_requests == 1
            renewed = await two.load()
            assert renewed is not None and renewed.access_token != token.access_token


async def test_a_fleet_signed_out_stays_signed_out_after_redis_lost_its_data(
    redis_url: str, raw: redis.asyncio.Redis
) -> None:
    wall_clock = WallClockAhead()
    async with (
        Simulator(tick_interval=None) as sim,
        RedisTokenStore(redis_url, client_id=sim.client_id) as one,
        RedisTokenStore(redis_url, client_id=sim.client_id) as two,
    ):
        await one.save(sim.issue_token(ttl=100))
        config = sim.client_config()
        async with AriesClient(config, token_store=two, wall_clock=wall_clock) as client:
            await client.market.quote("AAPL")
            await one.clear()  # a logout elsewhere, seen here
            wall_clock.ahead = 60.0
            with pytest.raises(NotSignedInError):
                await client.market.quote("AAPL")
            await raw.flushall()  # then Redis lost everything
            with pytest.raises(NotSignedInError):
                await client.market.quote("AAPL")
        assert sim.token_requests == 0
