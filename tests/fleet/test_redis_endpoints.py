"""A token store told its token endpoint (``token_url=``) keeps the endpoint beside the token
and refuses, before anything is sent, a token saved there for another endpoint: a sandbox fleet
and a production fleet of one client id on one Redis do not use each other's tokens. Hashes
without an endpoint (saved before, or by a store not told one) still load.

Two simulators stand for the two environments: they register the same client id.
"""

from __future__ import annotations

import pytest
import redis.asyncio

from aries_async import AriesClient, ConfigurationError, RedisTokenStore
from aries_async.sim import Simulator

QUOTES = ("GET", "/v1/chart/quotes")


async def test_a_fleet_refuses_the_token_another_environments_fleet_saved(
    redis_url: str,
) -> None:
    async with Simulator(tick_interval=None) as sandbox, Simulator(tick_interval=None) as prod:
        assert sandbox.client_id == prod.client_id
        async with (
            RedisTokenStore(
                redis_url, client_id=sandbox.client_id, token_url=sandbox.token_url
            ) as tests,
            RedisTokenStore(redis_url, client_id=prod.client_id, token_url=prod.token_url) as live,
        ):
            await tests.save(sandbox.issue_token())
            async with AriesClient(prod.client_config(), token_store=live) as client:
                with pytest.raises(ConfigurationError) as raised:
                    await client.market.quote("AAPL")
            with pytest.raises(ConfigurationError):
                await live.save(prod.issue_token())  # nor replaced by the other fleet
            with pytest.raises(ConfigurationError):
                await live.clear()
            kept = await tests.load()
        assert kept is not None  # the sandbox's token is untouched
        message = str(raised.value)
        assert sandbox.token_url in message and prod.token_url in message
        assert live.token_key in message and "prefix" in message
        assert prod.requests[QUOTES] == 0 and prod.token_requests == 0


async def test_tokens_saved_without_an_endpoint_still_load_and_are_then_labelled(
    redis_url: str,
) -> None:
    async with Simulator(tick_interval=None) as sim:
        plain = RedisTokenStore(redis_url, client_id=sim.client_id)
        told = RedisTokenStore(redis_url, client_id=sim.client_id, token_url=sim.token_url)
        raw = redis.asyncio.Redis.from_url(redis_url, decode_responses=True)
        try:
            token = sim.issue_token()
            await plain.save(token)  # an existing deployment's hash: no endpoint
            assert await raw.hget(told.token_key, "endpoint") is None
            assert await told.load() == token
            await told.save(token)
            assert await raw.hget(told.token_key, "endpoint") == sim.token_url
            assert await plain.load() == token  # a store not told an endpoint checks none
            await plain.save(token)  # ... and, not knowing it, leaves no label behind
            assert await raw.hget(told.token_key, "endpoint") is None
            await told.save(token)
            await raw.delete(told.token_key)  # Redis lost it: put back with its endpoint
            assert await told.load() == token
            assert await raw.hget(told.token_key, "endpoint") == sim.token_url
        finally:
            await raw.aclose()
            await plain.aclose()
            await told.aclose()


async def test_a_store_given_to_a_client_learns_its_endpoint(redis_url: str) -> None:
    """Every member of a fleet need not pass ``token_url=``: the client tells its store, so
    the check above holds for a store built with the client id alone."""
    async with Simulator(tick_interval=None) as sandbox, Simulator(tick_interval=None) as prod:
        async with (
            RedisTokenStore(redis_url, client_id=sandbox.client_id) as tests,
            RedisTokenStore(redis_url, client_id=prod.client_id) as live,
        ):
            async with AriesClient(sandbox.client_config(), token_store=tests) as client:
                await client.auth.set_token(sandbox.issue_token())
            assert tests.token_url == sandbox.token_url
            async with AriesClient(prod.client_config(), token_store=live) as client:
                with pytest.raises(ConfigurationError):
                    await client.market.quote("AAPL")
        assert prod.requests[QUOTES] == 0 and prod.token_requests == 0


async def test_a_store_for_another_endpoint_or_app_is_refused_by_the_client(
    redis_url: str,
) -> None:
    """A store told one endpoint, or keyed by one app, given to a client of another: refused
    when the client is built, before anything is read or sent."""
    async with Simulator(tick_interval=None) as sandbox, Simulator(tick_interval=None) as prod:
        async with (
            RedisTokenStore(redis_url, client_id=prod.client_id, token_url=prod.token_url) as a,
            RedisTokenStore(redis_url, client_id="another-app") as b,
        ):
            with pytest.raises(ConfigurationError) as endpoint:
                AriesClient(sandbox.client_config(), token_store=a)
            with pytest.raises(ConfigurationError) as app:
                AriesClient(prod.client_config(), token_store=b)
            AriesClient(prod.client_config(), token_store=a)  # its own: accepted
        assert sandbox.token_url in str(endpoint.value) and prod.token_url in str(endpoint.value)
        assert "another-app" in str(app.value) and prod.client_id in str(app.value)
        assert sandbox.token_requests == 0 and prod.token_requests == 0
