"""A grant the token endpoint refuses is refused once for the whole fleet: the process that
sent it records the refusal beside the token in Redis, and the others raise the same error
without sending the dead grant again, until a new token is saved (a sign-in).

Each client has its own store and Redis connection: they share nothing but the server, as
processes on different hosts would.
"""

from __future__ import annotations

import asyncio
import contextlib

import pytest

from aries_async import AriesClient
from aries_async.auth.redisstore import RedisTokenStore
from aries_async.errors import AuthError, ReauthenticationRequired
from aries_async.sim import Simulator
from aries_async.testing import shows_secret

PROCESSES = 5


async def test_a_revoked_grant_is_sent_once_for_the_fleet(redis_url: str) -> None:
    async with Simulator(tick_interval=None) as sim, contextlib.AsyncExitStack() as stack:
        stores = [
            await stack.enter_async_context(RedisTokenStore(redis_url, client_id=sim.client_id))
            for _ in range(PROCESSES)
        ]
        token = sim.issue_token()
        await stores[0].save(token)
        clients = [
            await stack.enter_async_context(AriesClient(sim.client_config(), token_store=store))
            for store in stores
        ]
        await asyncio.gather(*(client.market.quote("AAPL") for client in clients))
        sim.revoke_tokens(refresh_tokens=True)
        results = await asyncio.gather(
            *(client.market.quote("AAPL") for client in clients), return_exceptions=True
        )
        assert all(isinstance(r, ReauthenticationRequired) for r in results), results
        assert sim.token_requests == 1
        for result in results:
            assert isinstance(result, AuthError)
            assert result.error == "invalid_grant"
            assert token.refresh_token is not None
            assert not shows_secret(str(result), token.refresh_token)
        # Later calls, here and in the others, send nothing either.
        with pytest.raises(ReauthenticationRequired):
            await clients[2].market.quote("AAPL")
        assert sim.token_requests == 1
        # A sign-in (a new token saved) clears the refusal for everyone.
        await stores[0].save(sim.issue_token())
        await asyncio.gather(*(client.market.quote("AAPL") for client in clients))
        assert sim.token_requests == 1


async def test_a_refused_app_grant_is_not_shared(redis_url: str) -> None:
    # A refused client-credentials grant may be one process's secret: a process whose secret
    # is right must still ask.
    async with Simulator(tick_interval=None) as sim, contextlib.AsyncExitStack() as stack:
        stores = [
            await stack.enter_async_context(
                RedisTokenStore(redis_url, client_id=sim.client_id, grant="app")
            )
            for _ in range(2)
        ]
        good = await stack.enter_async_context(
            AriesClient(sim.client_config(), token_store=stores[0])
        )
        wrong = sim.client_config(client_secret="not-the-secret")
        bad = await stack.enter_async_context(AriesClient(wrong, token_store=stores[1]))
        await good.oauth.client_credentials(reuse=True)
        sim.revoke_tokens()
        with pytest.raises(AuthError) as raised:
            await bad.market.quote("AAPL")
        assert not isinstance(raised.value, ReauthenticationRequired)
        await good.market.quote("AAPL")
        assert sim.token_requests == 3
