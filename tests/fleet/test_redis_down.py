"""A Redis that goes down under a running fleet: the token store's outage and the rate
budget's are one error, ``StoreUnavailableError`` (a ``ConnectionFailedError``, the request not
sent), never the token endpoint's ``TokenRefreshError``: the token endpoint was not asked.

Each test runs a Redis server of its own, which it stops halfway.
"""

from __future__ import annotations

import pytest
from stream_helpers import WallClockAhead

from aries_async import (
    AriesClient,
    AuthError,
    ConnectionFailedError,
    RedisRateBudget,
    RedisTokenStore,
    StoreUnavailableError,
)
from aries_async.sim import Simulator
from aries_async.testing import RecordingSleep, redis_server, redis_server_binary

QUOTES = ("GET", "/v1/chart/quotes")


async def test_a_token_renewal_with_the_store_down_says_the_store_is_down(
    redis_url: str,  # only for its skip without a redis-server
) -> None:
    wall_clock = WallClockAhead()
    sleep = RecordingSleep()  # the retries of the unreachable store, at once
    async with Simulator(tick_interval=None) as sim:
        with redis_server(redis_server_binary(), password="pw-secret-123456") as url:
            store = RedisTokenStore(url, client_id=sim.client_id)
            await store.save(sim.issue_token(ttl=100))  # due 50 s on
            config = sim.client_config()
            client = AriesClient(config, token_store=store, wall_clock=wall_clock, sleep=sleep)
            await client.market.quote("AAPL")
        wall_clock.ahead = 60.0  # the token is due, and Redis is gone
        try:
            with pytest.raises(ConnectionFailedError) as raised:
                await client.market.quote("AAPL")
        finally:
            await client.aclose()
            await store.aclose()
    error = raised.value
    assert isinstance(error, StoreUnavailableError) and not isinstance(error, AuthError)
    assert error.request_sent is False
    assert "token store" in str(error) and store.token_key in str(error)
    assert "pw-secret-123456" not in str(error)
    assert sim.token_requests == 0 and sim.requests[QUOTES] == 1
    assert len(sleep.waits) == config.retry.max_attempts - 1  # retried, as a connect failure


async def test_the_rate_budget_with_redis_down_raises_the_same_error(redis_url: str) -> None:
    with redis_server(redis_server_binary()) as url:
        budget = RedisRateBudget(url)
        assert await budget.acquire("b", 10, 1, 1.0)
    try:
        with pytest.raises(StoreUnavailableError) as raised:
            await budget.acquire("b", 10, 1, 1.0)
        with pytest.raises(StoreUnavailableError):
            await budget.pause("b", 1.0)
    finally:
        await budget.aclose()
    assert raised.value.request_sent is False
    assert "rate budget" in str(raised.value)
