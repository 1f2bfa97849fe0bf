"""A Redis that stops answering (paused, overloaded, its host unreachable without a reset)
holds a call no longer than the call's own timeout: the wait for its turn in the shared rate
budget and for a token under the store's lock end at the call's deadline with
``RequestTimeoutError``, the request not sent, and a 429's pause that Redis does not record
within the pause's length is given up; instead of when the Redis client's socket timeout
ends (5 s: :data:`~aries_async.auth.redis_where.REDIS_SOCKET_TIMEOUT`). Closing the budget or
the token store gives up on it after their ``close_timeout``, with one warning.

Redis is stalled with ``CLIENT PAUSE ... WRITE``: scripts and ``SET`` wait, reads and the
test's own ``CLIENT UNPAUSE`` do not. The calls' timeouts are short and real: what is waited
for is the call's end, which without the bound comes only with the unpause.
"""

from __future__ import annotations

import asyncio
import logging
import time
import uuid

import pytest
import redis.asyncio
from redis_server import cancel_unanswered_lock_wait, reply_gate
from stream_helpers import WallClockAhead

from aries_async import AriesClient, RateLimit
from aries_async.auth.redisstore import RedisTokenStore
from aries_async.auth.renewal_outage import SERVE_FLOOR
from aries_async.errors import RateLimitError, RequestTimeoutError
from aries_async.http.budget_redis import RedisRateBudget
from aries_async.sim import ManualClock, RateLimitFault, Simulator
from aries_async.testing import capture_logs, shows_secret

TIMEOUT = 0.2
SOCKET_TIMEOUT_LESS = 4
"""A generous bound on a close, short of the Redis client's socket timeout (5 s)."""


async def test_a_stalled_rate_budget_ends_the_call_at_its_deadline(
    redis_url: str, paused: redis.asyncio.Redis
) -> None:
    async with (
        Simulator(tick_interval=None) as sim,
        RedisRateBudget(redis_url, close_timeout=TIMEOUT) as budget,
    ):
        config = sim.client_config(rate_limit=20, timeout=TIMEOUT)
        async with AriesClient(config, token=sim.issue_token(), rate_budget=budget) as client:
            await client.market.quote("AAPL")
            await paused.client_pause(60_000, all=False)
            async with asyncio.timeout(30):  # the pause's end is a minute away
                with pytest.raises(RequestTimeoutError) as raised:
                    await client.market.quote("AAPL")
            # Leaving the budget withdraws this member's rate (a write), with Redis still
            # paused: given up after close_timeout (the test below).
    assert raised.value.request_sent is False
    assert sim.requests[("GET", "/v1/chart/quotes")] == 1
    # What held it up was Redis, not the rate: the error says which.
    message = str(raised.value)
    assert "the shared rate budget in Redis" in message, message
    assert "no turn" not in message, message


async def test_calls_queued_behind_a_stalled_rate_budget_are_told_it_is_redis(
    redis_url: str, paused: redis.asyncio.Redis
) -> None:
    """The calls of one bucket take their turns one at a time: those queued behind the one
    waiting on Redis waited for Redis too, and are told so."""
    async with (
        Simulator(tick_interval=None) as sim,
        RedisRateBudget(redis_url, close_timeout=TIMEOUT) as budget,
    ):
        config = sim.client_config(rate_limit=20, timeout=TIMEOUT)
        async with AriesClient(config, token=sim.issue_token(), rate_budget=budget) as client:
            await client.market.quote("AAPL")
            await paused.client_pause(60_000, all=False)
            async with asyncio.timeout(30):
                raised = await asyncio.gather(
                    *(client.market.quote("AAPL") for _ in range(3)), return_exceptions=True
                )
    assert all(isinstance(e, RequestTimeoutError) for e in raised), raised
    for error in raised:
        assert "the shared rate budget in Redis" in str(error), error
        assert "rate limit" not in str(error), error
    assert sim.requests[("GET", "/v1/chart/quotes")] == 1


@pytest.mark.parametrize("serves", [True, False])
async def test_a_stalled_token_store_holds_the_call_no_longer_than_its_deadline(
    redis_url: str, paused: redis.asyncio.Redis, serves: bool
) -> None:
    """With a token in hand that serves through an outage, the call waits part of its time,
    then goes with it; with one too near its end, the call ends at its deadline, not sent."""
    wall_clock = WallClockAhead()
    async with (
        Simulator(tick_interval=None) as sim,
        RedisTokenStore(redis_url, client_id=sim.client_id) as store,
    ):
        await store.save(sim.issue_token(ttl=100))
        config = sim.client_config(timeout=TIMEOUT)
        async with AriesClient(config, token_store=store, wall_clock=wall_clock) as client:
            await client.market.quote("AAPL")
            # Due: the renewal takes the store's lock (a SET).
            wall_clock.ahead = 60.0 if serves else 100 - SERVE_FLOOR + 1
            await paused.client_pause(60_000, all=False)
            started = time.monotonic()
            async with asyncio.timeout(30):
                if serves:
                    await client.market.quote("AAPL")
                else:
                    with pytest.raises(RequestTimeoutError) as raised:
                        await client.market.quote("AAPL")
                    assert raised.value.request_sent is False
            assert time.monotonic() - started < SOCKET_TIMEOUT_LESS  # not the socket timeout
            await paused.client_unpause()
            await client.auth.settle()  # the renewal went on without the call: it ends now
            await client.market.quote("AAPL")
        assert sim.token_requests == 1
        assert sim.requests[("GET", "/v1/chart/quotes")] == (3 if serves else 2)


async def test_a_429_whose_pause_redis_does_not_record_holds_the_call_no_longer(
    redis_url: str,
) -> None:
    async with Simulator(tick_interval=None) as sim, reply_gate(redis_url) as gate:

        async def turn_then_stall(seconds: float) -> None:
            gate.hold()  # the turn is reserved; Redis answers nothing from now on

        async with RedisRateBudget(gate.url, sleep=turn_then_stall) as budget:
            config = sim.client_config(rate_limit=RateLimit(per_second=1, burst=1), timeout=1.0)
            async with AriesClient(config, token=sim.issue_token(), rate_budget=budget) as client:
                await client.market.quote("AAPL")  # the burst; the next turn is a second on
                sim.faults.rate_limit["GET /v1/chart/quotes"] = RateLimitFault(
                    count=1, retry_after=0.1
                )
                async with asyncio.timeout(4):  # the socket timeout is 5 s
                    with pytest.raises((RateLimitError, RequestTimeoutError)):
                        await client.market.quote("AAPL")
                gate.let_go()
        assert sim.requests[("GET", "/v1/chart/quotes")] == 2


def _warnings(records: list[logging.LogRecord]) -> list[logging.LogRecord]:
    return [record for record in records if record.levelno >= logging.WARNING]


async def test_a_rate_budget_closes_within_its_bound_with_redis_stalled(
    redis_url: str, paused: redis.asyncio.Redis
) -> None:
    """The withdrawal of this member's rate is given up after ``close_timeout``, with one
    warning; the rate is not held for ever: it lapses with the member's lease (on the fleet's
    clock), whether or not Redis ran the withdrawal once it answered again."""
    clock = ManualClock(start=1_000_000.0)

    async def sleep(seconds: float) -> None:
        clock.advance(seconds)

    prefix = f"test:{uuid.uuid4().hex}:"

    def member() -> RedisRateBudget:
        return RedisRateBudget(
            redis_url,
            prefix=prefix,
            sleep=sleep,
            wall_clock=clock.now,
            member_lease=30,
            close_timeout=TIMEOUT,
        )

    password = redis_url.split(":")[2].split("@")[0]
    async with member() as other:
        leaving = member()
        assert await leaving.acquire("b", 1, 1, 1.0)  # registers one a second
        await paused.client_pause(60_000, all=False)
        with capture_logs() as logs:
            async with asyncio.timeout(SOCKET_TIMEOUT_LESS):
                await leaving.aclose()
        await paused.client_unpause()
        (warning,) = _warnings(logs.records)
        assert "withdraw" in warning.getMessage() and "30s" in warning.getMessage()
        assert not any(shows_secret(line, password) for line in logs.lines), logs.lines
        clock.advance(31)  # past the lease of its last turn
        started = clock.now()
        for _ in range(3):
            assert await other.acquire("b", 10, 1, 1.0)
        assert clock.now() - started == pytest.approx(0.2)  # its own ten a second


async def test_a_token_store_closes_within_its_bound_with_redis_stalled(
    redis_url: str,
) -> None:
    """A lock wait cancelled as Redis stopped answering leaves a release that close does not
    wait for past ``close_timeout``; the lock ends with its lease."""
    raw = redis.asyncio.Redis.from_url(redis_url)
    async with reply_gate(redis_url) as gate:
        store = RedisTokenStore(gate.url, client_id="app", close_timeout=TIMEOUT)
        await cancel_unanswered_lock_wait(gate, store)  # its release is not answered
        with capture_logs() as logs:
            async with asyncio.timeout(SOCKET_TIMEOUT_LESS):
                await store.aclose()
        gate.let_go()
    (warning,) = _warnings(logs.records)
    assert store.lock_key in warning.getMessage() and "lease" in warning.getMessage()
    left = await raw.pttl(store.lock_key)  # released, or ending with its lease
    assert left == -2 or 0 < left <= 60_000
    await raw.aclose()
