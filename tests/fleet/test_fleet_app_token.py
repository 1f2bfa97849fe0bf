"""A fleet of app clients (client credentials) starting at once on an empty Redis store makes
one token request between them: ``client.oauth.client_credentials(reuse=True)`` looks in the
store and asks the token endpoint under the store's lock. Without ``reuse`` each process asks
for its own (the grant it saves replacing the one before), which is how a fleet's first start
used to go.

Each client has its own store and Redis connection: they share nothing but the server, as
processes on different hosts would.
"""

from __future__ import annotations

import asyncio
import contextlib
import time

import attrs

from aries_async import AriesClient
from aries_async.auth.redisstore import RedisTokenStore
from aries_async.auth.tokens import CLIENT_CREDENTIALS
from aries_async.sim import Simulator

PROCESSES = 6


async def test_a_fleet_starting_at_once_gets_one_app_token(redis_url: str) -> None:
    async with Simulator(tick_interval=None) as sim, contextlib.AsyncExitStack() as stack:
        stores = [
            await stack.enter_async_context(
                RedisTokenStore(redis_url, client_id=sim.client_id, grant="app")
            )
            for _ in range(PROCESSES)
        ]
        clients = [
            await stack.enter_async_context(AriesClient(sim.client_config(), token_store=store))
            for store in stores
        ]
        tokens = await asyncio.gather(
            *(client.oauth.client_credentials(["market"], reuse=True) for client in clients)
        )
        assert sim.token_requests == 1
        assert len({token.access_token for token in tokens}) == 1
        assert tokens[0].grant_type == CLIENT_CREDENTIALS
        await asyncio.gather(*(client.market.quote("AAPL") for client in clients))
        assert sim.token_requests == 1
        assert await stores[0].load() == tokens[0]


async def test_reuse_asks_again_for_a_token_due_or_of_another_grant(redis_url: str) -> None:
    async with (
        Simulator(tick_interval=None) as sim,
        RedisTokenStore(redis_url, client_id=sim.client_id, grant="app") as store,
        AriesClient(sim.client_config(), token_store=store) as client,
    ):
        await store.save(sim.issue_token())  # a user's token, with a refresh token
        first = await client.oauth.client_credentials(reuse=True)
        assert sim.token_requests == 1 and first.grant_type == CLIENT_CREDENTIALS
        assert await client.oauth.client_credentials(reuse=True) == first
        assert sim.token_requests == 1
        assert (await client.auth.token()) == first
        again = await client.oauth.client_credentials()  # without reuse: a new one
        assert sim.token_requests == 2 and again != first
        due = attrs.evolve(again, expires_at=time.time() + 30, obtained_at=time.time() - 60)
        await store.save(due)
        renewed = await client.oauth.client_credentials(reuse=True)
        assert sim.token_requests == 3 and renewed not in (again, due)
        assert await store.load() == renewed


async def test_a_fleet_of_clients_getting_app_tokens_by_themselves_gets_one(
    redis_url: str,
) -> None:
    """``ClientConfig(app_token=True)``: no call to ``client_credentials`` at all, the first
    calls of every member make one token request between them."""
    async with Simulator(tick_interval=None) as sim, contextlib.AsyncExitStack() as stack:
        config = sim.client_config(app_token=True)
        clients = [
            await stack.enter_async_context(
                AriesClient(
                    config,
                    token_store=await stack.enter_async_context(
                        RedisTokenStore(redis_url, client_id=sim.client_id, grant="app")
                    ),
                )
            )
            for _ in range(PROCESSES)
        ]
        await asyncio.gather(*(c.market.quote("AAPL") for c in clients for _ in range(20)))
        assert sim.token_requests == 1
