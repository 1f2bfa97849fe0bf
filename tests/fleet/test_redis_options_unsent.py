"""A Redis token store or rate budget given an option it cannot keep (NaN or endless
seconds, a brace in its key prefix) is refused where it is built: the server never sees a
connection from it."""

from __future__ import annotations

import math
from collections.abc import Callable

import pytest
import redis.asyncio

from aries_async.auth.redisstore import RedisTokenStore
from aries_async.errors import ConfigurationError
from aries_async.http.budget_redis import RedisRateBudget


async def _connections(client: redis.asyncio.Redis) -> int:
    stats = await client.info("stats")
    return int(stats["total_connections_received"])


@pytest.mark.parametrize(
    ("build", "setting"),
    [
        (lambda url: RedisTokenStore(url, client_id="app", lease=math.nan), "lease"),
        (
            lambda url: RedisTokenStore(url, client_id="app", poll_interval=math.inf),
            "poll_interval",
        ),
        (lambda url: RedisTokenStore(url, client_id="app", prefix="a{b"), "prefix"),
        (lambda url: RedisRateBudget(url, member_lease=math.inf), "member_lease"),
        (lambda url: RedisRateBudget(url, close_timeout=math.nan), "close_timeout"),
    ],
)
async def test_a_refused_option_opens_no_connection(
    redis_url: str, build: Callable[[str], object], setting: str
) -> None:
    watcher = redis.asyncio.Redis.from_url(redis_url)
    try:
        before = await _connections(watcher)
        with pytest.raises(ConfigurationError) as info:
            build(redis_url)
        assert info.value.setting == setting
        assert await _connections(watcher) == before
        assert await watcher.dbsize() == 0
    finally:
        await watcher.aclose()
