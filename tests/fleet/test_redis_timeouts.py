"""The Redis clients that the token store and the rate budget build from a URL give up on a
Redis that stopped answering after their socket timeout (:data:`REDIS_SOCKET_TIMEOUT`, 5 s, as
redis-py 8's default; redis-py before 8, which the ``redis`` extra allows, has none: a command
waits for ever), raising ``StoreUnavailableError``; a timeout given in the URL wins. A client
of the user's is used as given.

Redis is stalled by a relay that keeps its replies back (:func:`redis_server.reply_gate`), and
the wait runs on virtual time (:func:`virtual_from_here`): the relay answers nothing, so the
clock moves straight to the socket timeout's timer.
"""

from __future__ import annotations

import asyncio

import pytest
import redis.asyncio
from redis_server import reply_gate
from virtual_time import loop_time, virtual_from_here

from aries_async import RedisRateBudget, RedisTokenStore, StoreUnavailableError
from aries_async.auth.redis_where import REDIS_SOCKET_TIMEOUT


async def _stalled_for(call: asyncio.Future[object]) -> float:
    """How long (on virtual time) ``call`` waits before it raises ``StoreUnavailableError``."""
    with virtual_from_here():
        started = loop_time()
        async with asyncio.timeout(60):
            with pytest.raises(StoreUnavailableError):
                await call
        return loop_time() - started


async def test_a_store_from_a_url_gives_up_on_a_stalled_redis(redis_url: str) -> None:
    async with reply_gate(redis_url) as gate:
        store = RedisTokenStore(gate.url, client_id="app")
        await store.lock_owner()  # connected (its AUTH answered) before the replies are held
        gate.hold()
        took = await _stalled_for(asyncio.ensure_future(store.load()))
        assert took == pytest.approx(REDIS_SOCKET_TIMEOUT, abs=0.01)
        gate.let_go()
        await store.aclose()


async def test_a_budget_from_a_url_gives_up_on_a_stalled_redis(redis_url: str) -> None:
    async with reply_gate(redis_url) as gate:
        budget = RedisRateBudget(gate.url)
        await budget.pause("b", 0.001)
        gate.hold()
        took = await _stalled_for(asyncio.ensure_future(budget.pause("b", 0.001)))
        assert took == pytest.approx(REDIS_SOCKET_TIMEOUT, abs=0.01)
        gate.let_go()
        await budget.aclose()


async def test_a_timeout_in_the_url_wins(redis_url: str) -> None:
    async with reply_gate(redis_url) as gate:
        budget = RedisRateBudget(f"{gate.url}?socket_timeout=0.5")
        await budget.pause("b", 0.001)
        gate.hold()
        took = await _stalled_for(asyncio.ensure_future(budget.pause("b", 0.001)))
        assert took == pytest.approx(0.5, abs=0.01)
        gate.let_go()
        await budget.aclose()


async def test_a_client_of_the_users_is_used_as_given(redis_url: str) -> None:
    given = redis.asyncio.Redis.from_url(redis_url, socket_timeout=7.0)
    budget = RedisRateBudget(given)
    assert budget.redis is given
    assert given.connection_pool.connection_kwargs["socket_timeout"] == 7.0
    await budget.aclose()
    await given.aclose()
