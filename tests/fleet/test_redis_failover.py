"""A Redis that refuses writes for a while is an outage, ``StoreUnavailableError`` (try again
later, nothing sent), not a ``ConfigurationError`` (which waiting does not cure): a primary
demoted by a failover (``READONLY``: the fleet's connections still reach it until they
reconnect to the new primary) and one full under ``maxmemory`` with the ``noeviction`` policy
(``OOM``, until keys expire or memory is added).

The test's server is demoted with ``REPLICAOF`` a primary that is not there (it keeps its data
and refuses writes), and filled with ``CONFIG SET maxmemory 1``; both are undone afterwards.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable

import pytest
import redis.asyncio

from aries_async import RedisRateBudget, RedisTokenStore, StoreUnavailableError, Token

TOKEN = Token(access_token="a", refresh_token="r", expires_at=2e9)


@pytest.fixture
async def admin(redis_url: str) -> AsyncIterator[redis.asyncio.Redis]:
    client = redis.asyncio.Redis.from_url(redis_url)
    yield client
    await client.aclose()


async def _refused_writes(redis_url: str) -> None:
    """The store's and the budget's writes, each raising an outage."""
    async with (
        RedisTokenStore(redis_url, client_id="app") as store,
        RedisRateBudget(redis_url) as budget,
    ):
        writes: list[Callable[[], Awaitable[object]]] = [
            lambda: store.save(TOKEN),
            lambda: budget.acquire("b", 10, 1, 1.0),
            lambda: budget.pause("b", 1.0),
        ]
        for write in writes:
            with pytest.raises(StoreUnavailableError) as raised:
                await write()
            assert raised.value.request_sent is False


async def test_a_primary_demoted_by_a_failover_is_an_outage(
    redis_url: str, admin: redis.asyncio.Redis
) -> None:
    await admin.replicaof("127.0.0.1", "1")  # a primary that is not there: never synced
    try:
        await _refused_writes(redis_url)
    finally:
        await admin.replicaof("NO", "ONE")


async def test_a_full_redis_that_evicts_nothing_is_an_outage(
    redis_url: str, admin: redis.asyncio.Redis
) -> None:
    before = await admin.config_get("maxmemory*")
    memory, policy = str(before["maxmemory"]), str(before["maxmemory-policy"])
    await admin.config_set("maxmemory-policy", "noeviction")
    await admin.config_set("maxmemory", "1")
    try:
        await _refused_writes(redis_url)
    finally:
        await admin.config_set("maxmemory", memory)
        await admin.config_set("maxmemory-policy", policy)
