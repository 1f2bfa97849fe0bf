"""A Redis that goes back to an older copy of the token (restarted from a snapshot taken before
the last renewal: the default ``save`` points keep up to an hour; or a failover onto a replica
that had not received it) does not sign the fleet out: a store that saw a newer version of the
token puts its token back, as it does where Redis lost the token, and the fleet goes on with
the newest grant it holds instead of sending a spent refresh token.

The older copy comes back with ``DUMP`` and ``RESTORE ... REPLACE``: the hash exactly as it was
when the snapshot was taken.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
import redis.asyncio
from redis_server import numbered_token, stores
from stream_helpers import WallClockAhead

from aries_async import AriesClient
from aries_async.auth.redisstore import RedisTokenStore
from aries_async.sim import Simulator
from aries_async.testing import capture_logs


@pytest.fixture
async def raw(redis_url: str) -> AsyncIterator[redis.asyncio.Redis]:
    client = redis.asyncio.Redis.from_url(redis_url)
    yield client
    await client.aclose()


async def _rewind(raw: redis.asyncio.Redis, key: str, snapshot: bytes) -> None:
    """Put ``key`` back as it was when ``snapshot`` (its ``DUMP``) was taken."""
    await raw.restore(key, 0, snapshot, replace=True)


async def test_a_store_that_saw_a_newer_version_puts_its_token_back(
    redis_url: str, raw: redis.asyncio.Redis
) -> None:
    async with stores(redis_url, 3) as (one, two, blank):
        await one.save(numbered_token(1, 100.0))
        snapshot = await raw.dump(one.token_key)
        assert snapshot is not None
        await one.save(numbered_token(2, 200.0))
        assert await two.load() == numbered_token(2, 200.0)
        await _rewind(raw, one.token_key, snapshot)
        with capture_logs() as logs:
            assert await two.load() == numbered_token(2, 200.0)
        assert [line for line in logs.lines if "restored" in line and two.token_key in line]
        assert await blank.load() == numbered_token(2, 200.0)  # back for every process
        async with one.lock():  # and a save under the lock goes on from there
            assert await one.load() == numbered_token(2, 200.0)
            await one.save(numbered_token(3, 300.0))
        assert await two.load() == numbered_token(3, 300.0)


async def test_a_fleet_on_a_redis_back_at_an_older_token_renews_from_the_newest(
    redis_url: str, raw: redis.asyncio.Redis
) -> None:
    """Without the put-back, the next renewal would send the old copy's refresh token, which
    the token endpoint rotated away at the renewal Redis forgot: refused, and the whole fleet
    told to sign in again."""
    clocks = [WallClockAhead(), WallClockAhead()]
    async with (
        Simulator(tick_interval=None) as sim,
        RedisTokenStore(redis_url, client_id=sim.client_id) as one,
        RedisTokenStore(redis_url, client_id=sim.client_id) as two,
    ):
        await one.save(sim.issue_token(ttl=100))  # due 50 s on; its renewal's an hour on
        snapshot = await raw.dump(one.token_key)
        assert snapshot is not None
        config = sim.client_config()
        clients = [
            AriesClient(config, token_store=store, wall_clock=clock)
            for store, clock in zip((one, two), clocks, strict=True)
        ]
        try:
            clocks[0].ahead = 60.0
            await clients[0].market.quote("AAPL")  # renews: the first refresh token is spent
            assert sim.token_requests == 1
            await _rewind(raw, one.token_key, snapshot)  # Redis back at the first token
            clocks[0].ahead = 3600.0  # the renewed token is due in its turn
            await clients[0].market.quote("AAPL")
            clocks[1].ahead = 3600.0
            await clients[1].market.quote("AAPL")
        finally:
            for client in clients:
                await client.aclose()
        assert sim.token_requests == 2


async def test_a_sign_in_saved_after_redis_lost_the_token_is_not_overwritten(
    redis_url: str, raw: redis.asyncio.Redis
) -> None:
    """Its version starts again lower than the one the store saw, but its token is newer."""
    async with stores(redis_url, 2) as (one, two):
        await one.save(numbered_token(1, 100.0))
        await one.save(numbered_token(2, 200.0))
        assert await two.load() == numbered_token(2, 200.0)
        await raw.flushall()
        await one.save(numbered_token(3, 300.0))  # a sign-in on the emptied Redis: version 1
        assert await two.load() == numbered_token(3, 300.0)
        assert await one.load() == numbered_token(3, 300.0)
