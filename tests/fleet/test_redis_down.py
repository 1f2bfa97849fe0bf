"""A Redis that goes down under a running fleet: the token store's outage and the rate
budget's are one error, ``StoreUnavailableError`` (a ``ConnectionFailedError``, the request not
sent), never the token endpoint's ``TokenRefreshError``: the token endpoint was not asked.

Inside the renewal margin the token in hand serves through the store's outage as through the
token endpoint's (:mod:`aries_async.auth.renewal_outage`): until ``SERVE_FLOOR`` before its
expiry, with one warning, the store tried again only after the retry policy's backoff, and an
INFO line once it answers again. Past the floor, or with no token in hand, the outage is the
call's error.

Each test runs a Redis server of its own, which it stops halfway (and some start again on the
same port). The client's wall clock runs ahead of the simulator's (:class:`WallClockAhead`),
so its token is due while the simulator still honours it; the retries' waits take no time
(:class:`RecordingSleep`), and are counted.
"""

from __future__ import annotations

import asyncio
import logging
from contextlib import AbstractAsyncContextManager

import pytest
import yarl
from log_secrets import assert_no_secret as no_secret_in
from stream_helpers import WallClockAhead

from aries_async import (
    AriesClient,
    AuthError,
    ConnectionFailedError,
    RedisRateBudget,
    RedisTokenStore,
    StoreUnavailableError,
    Token,
)
from aries_async.auth.renewal_outage import SERVE_FLOOR
from aries_async.sim import Simulator
from aries_async.testing import RecordingSleep, redis_server, redis_server_binary

QUOTES = ("GET", "/v1/chart/quotes")
PASSWORD = "pw-secret-123456"
LIFE = 100.0
"""The token's life on the simulator's (real) clock: due 50 s on (half a short life)."""


class CountedStore(RedisTokenStore):
    """A Redis token store that counts what the session asks of it: each read and each take
    of the refresh lock is a Redis command (a connection attempt while Redis is down)."""

    def __init__(self, url: str, *, client_id: str) -> None:
        super().__init__(url, client_id=client_id)
        self.loads = 0
        self.locks = 0

    async def load(self) -> Token | None:
        self.loads += 1
        return await super().load()

    def lock(self) -> AbstractAsyncContextManager[None]:
        self.locks += 1
        return super().lock()

    @property
    def asked(self) -> int:
        return self.loads + self.locks


def outage_warnings(caplog: pytest.LogCaptureFixture) -> list[str]:
    """The warnings that say the token in hand serves through an outage."""
    return [
        r.getMessage()
        for r in caplog.records
        if r.levelno >= logging.WARNING and "token in hand is used" in r.getMessage()
    ]


def assert_no_secret(caplog: pytest.LogCaptureFixture, *tokens: Token) -> None:
    no_secret_in(caplog.records, tokens, PASSWORD)


async def test_a_token_renewal_with_the_store_down_serves_the_token_in_hand(
    redis_url: str,  # only for its skip without a redis-server
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    wall_clock = WallClockAhead()
    sleep = RecordingSleep()  # a retry of the call would be recorded here
    async with Simulator(tick_interval=None) as sim:
        with redis_server(redis_server_binary(), password=PASSWORD) as url:
            store = RedisTokenStore(url, client_id=sim.client_id)
            token = sim.issue_token(ttl=LIFE)
            await store.save(token)
            config = sim.client_config()
            client = AriesClient(config, token_store=store, wall_clock=wall_clock, sleep=sleep)
            await client.market.quote("AAPL")
        wall_clock.ahead = 60.0  # the token is due, good for 40 s more, and Redis is gone
        try:
            await client.market.quote("AAPL")
            await client.market.quote("AAPL")
            in_hand = await client.auth.token()
        finally:
            await client.aclose()
            await store.aclose()
    assert in_hand.access_token == token.access_token
    assert sim.token_requests == 0 and sim.requests[QUOTES] == 3
    assert sleep.waits == []  # not retried as a connect failure: served at once
    (warning,) = outage_warnings(caplog)
    assert "token store" in warning and store.token_key in warning
    assert "StoreUnavailableError" in warning and "endpoint" not in warning
    assert_no_secret(caplog, token)


async def test_past_the_floor_the_store_down_is_the_calls_error(redis_binary: str) -> None:
    wall_clock = WallClockAhead()
    sleep = RecordingSleep()
    async with Simulator(tick_interval=None) as sim:
        with redis_server(redis_binary, password=PASSWORD) as url:
            store = RedisTokenStore(url, client_id=sim.client_id)
            await store.save(sim.issue_token(ttl=LIFE))
            config = sim.client_config()
            client = AriesClient(config, token_store=store, wall_clock=wall_clock, sleep=sleep)
            await client.market.quote("AAPL")
        # No token in hand: a client that has not read the store yet.
        newcomer = AriesClient(config, token_store=store, wall_clock=wall_clock, sleep=sleep)
        try:
            wall_clock.ahead = 60.0
            await client.market.quote("AAPL")  # served: 40 s left
            with pytest.raises(StoreUnavailableError):
                await newcomer.market.quote("AAPL")
            sleep.waits.clear()
            wall_clock.ahead = LIFE - SERVE_FLOOR + 0.5  # 4.5 s left: it may not arrive in time
            with pytest.raises(ConnectionFailedError) as raised:
                await client.market.quote("AAPL")
        finally:
            await newcomer.aclose()
            await client.aclose()
            await store.aclose()
    error = raised.value
    assert isinstance(error, StoreUnavailableError) and not isinstance(error, AuthError)
    assert error.request_sent is False
    assert "token store" in str(error) and store.token_key in str(error)
    assert PASSWORD not in str(error)
    assert sim.token_requests == 0 and sim.requests[QUOTES] == 2
    assert len(sleep.waits) == config.retry.max_attempts - 1  # retried, as a connect failure


async def test_calls_while_the_backoff_runs_do_not_ask_the_store(
    redis_binary: str, caplog: pytest.LogCaptureFixture
) -> None:
    wall_clock = WallClockAhead()
    sleep = RecordingSleep()
    async with Simulator(tick_interval=None) as sim:
        with redis_server(redis_binary, password=PASSWORD) as url:
            store = CountedStore(url, client_id=sim.client_id)
            await store.save(sim.issue_token(ttl=LIFE))
            config = sim.client_config()
            client = AriesClient(config, token_store=store, wall_clock=wall_clock, sleep=sleep)
            await client.market.quote("AAPL")
        wall_clock.ahead = 60.0
        try:
            with caplog.at_level(logging.WARNING, logger="aries_async.auth"):
                await client.market.quote("AAPL")  # the first renewal attempt fails
                asked = store.asked
                await asyncio.gather(*(client.market.quote("AAPL") for _ in range(50)))
                assert store.asked == asked  # the backoff runs: the token in hand, from memory
                for attempt in range(1, 4):  # after each backoff, one attempt for 50 calls
                    wall_clock.ahead += config.retry.max_backoff
                    await asyncio.gather(*(client.market.quote("AAPL") for _ in range(50)))
                    assert store.asked == asked + attempt
        finally:
            await client.aclose()
            await store.aclose()
    assert sleep.waits == []
    assert sim.token_requests == 0 and sim.requests[QUOTES] == 2 + 50 * 4
    assert len(outage_warnings(caplog)) == 1  # one outage, one warning


async def test_redis_back_on_the_same_port_ends_the_outage_with_a_new_token(
    redis_binary: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    wall_clock = WallClockAhead()
    async with Simulator(tick_interval=None) as sim:
        with redis_server(redis_binary, password=PASSWORD) as url:
            store = RedisTokenStore(url, client_id=sim.client_id)
            old = sim.issue_token(ttl=LIFE)
            await store.save(old)
            config = sim.client_config()
            client = AriesClient(
                config, token_store=store, wall_clock=wall_clock, sleep=RecordingSleep()
            )
            await client.market.quote("AAPL")
        wall_clock.ahead = 60.0
        await client.market.quote("AAPL")  # served through the outage
        with redis_server(redis_binary, password=PASSWORD, port=yarl.URL(url).port):
            try:
                await client.market.quote("AAPL")  # the backoff still runs: not asked yet
                assert sim.token_requests == 0
                wall_clock.ahead += config.retry.max_backoff
                await client.market.quote("AAPL")  # asked: answered, and the token renewed
                fresh = await client.auth.token()
                saved = await store.load()
                await client.market.quote("AAPL")
            finally:
                await client.aclose()
                await store.aclose()
    assert sim.token_requests == 1 and client.auth.refreshes == 1
    assert fresh.access_token != old.access_token
    assert saved is not None and saved.access_token == fresh.access_token
    assert len(outage_warnings(caplog)) == 1
    (back,) = [r.getMessage() for r in caplog.records if "answered again" in r.getMessage()]
    assert "token store" in back
    assert [r.levelname for r in caplog.records if "answered again" in r.getMessage()] == ["INFO"]
    assert_no_secret(caplog, old, fresh)


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
