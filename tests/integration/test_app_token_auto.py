"""``ClientConfig(app_token=True)``: a client holding a client id and secret gets its app
token (client credentials, the server's default scopes) by itself on its first call, as
finance-dev's client does, and a new one when it expires: one token request for however many
callers, and for every client sharing the store. Opt-in, since an empty store otherwise means
"not signed in" (a user client must not turn into an app client by itself)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from aries_async import AriesClient, ClientConfig
from aries_async.auth.store import MemoryTokenStore
from aries_async.auth.tokens import Token
from aries_async.errors import AuthError, ConfigurationError, NotSignedInError
from aries_async.sim import ManualClock, Simulator


@pytest.fixture
async def sim() -> AsyncIterator[Simulator]:
    async with Simulator(seed=5, clock=ManualClock(), tick_interval=None, token_ttl=600) as s:
        yield s


def app(
    sim: Simulator, store: MemoryTokenStore | None = None, secret: str | None = None
) -> AriesClient:
    config = sim.client_config(
        app_token=True, pool_size=200, client_secret=secret or sim.client_secret
    )
    return AriesClient(config, token_store=store, wall_clock=sim.clock.now)


async def test_the_first_calls_get_one_app_token_and_it_is_renewed(sim: Simulator) -> None:
    async with app(sim) as client:
        quotes = await asyncio.gather(*(client.market.quote("AAPL") for _ in range(200)))
        assert {q.symbol for q in quotes} == {"AAPL"}
        assert sim.token_requests == 1
        token = await client.auth.token()
        assert token.grant_type == "client_credentials"
        sim.advance(601)  # expired: a new app token, once
        await asyncio.gather(*(client.market.quote("AAPL") for _ in range(50)))
        assert sim.token_requests == 2


async def test_clients_sharing_a_store_share_the_app_token(sim: Simulator) -> None:
    store = MemoryTokenStore()
    async with app(sim, store) as one, app(sim, store) as two:
        await asyncio.gather(one.market.quote("AAPL"), two.market.quote("MSFT"))
    assert sim.token_requests == 1


async def test_without_the_option_an_empty_store_is_not_signed_in(sim: Simulator) -> None:
    async with AriesClient(sim.client_config(), wall_clock=sim.clock.now) as client:
        with pytest.raises(NotSignedInError) as raised:
            await client.market.quote("AAPL")
    assert "app_token=True" in str(raised.value)
    assert sim.token_requests == 0


async def test_a_refused_secret_is_sent_once(sim: Simulator) -> None:
    async with app(sim, secret="not-the-secret") as client:
        for _ in range(3):
            with pytest.raises(AuthError) as raised:
                await client.market.quote("AAPL")
            assert raised.value.error == "invalid_client"
    assert sim.token_requests == 1


def test_the_option_needs_a_client_id_and_secret() -> None:
    with pytest.raises(ConfigurationError, match="app_token"):
        ClientConfig(client_id="app", app_token=True)
    assert ClientConfig(client_id="app", client_secret="s", app_token=True).app_token


def test_the_environment_turns_it_on() -> None:
    env = {"ARIES_CLIENT_ID": "app", "ARIES_CLIENT_SECRET": "s", "ARIES_APP_TOKEN": "1"}
    assert ClientConfig.from_env(env=env).app_token
    assert not ClientConfig.from_env(env={**env, "ARIES_APP_TOKEN": "0"}).app_token
    with pytest.raises(ConfigurationError, match="ARIES_APP_TOKEN"):
        ClientConfig.from_env(env={**env, "ARIES_APP_TOKEN": "perhaps"})


async def test_an_app_token_saved_without_its_grant_is_renewed(sim: Simulator) -> None:
    """0.1.0 saved app tokens without ``grant_type`` (and they carry no refresh token): at
    its expiry, a client that gets app tokens by itself got one, not "sign in again"."""
    async with app(sim) as first:
        token = await first.auth.token()
    saved = {k: v for k, v in token.to_dict().items() if k not in ("grant_type", "obtained_at")}
    store = MemoryTokenStore(Token.from_dict(saved))
    sim.advance(601)  # expired
    shared = [app(sim, store) for _ in range(2)]
    async with shared[0] as one, shared[1] as two:
        await asyncio.gather(*(c.market.quote("AAPL") for c in (one, two) for _ in range(20)))
        renewed = await store.load()
    assert sim.token_requests == 2  # the first client's, and one renewal for both
    assert renewed is not None and renewed.grant_type == "client_credentials"
