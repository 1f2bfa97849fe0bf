"""A token endpoint that answers every renewal with 429 while the token in hand is due.

The renewal honours the endpoint's ``Retry-After`` within its budget and then fails as a 429,
named as such (not as a slow endpoint); every call waiting on that renewal ends the same way,
as soon as the token in hand can no longer serve, as for a 503. The test runs on virtual time
(the loop's clock is the client's token clock too): the waits take no real time.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

import attrs
import pytest

from aries_async import AriesClient, ClientConfig, MemoryTokenStore
from aries_async.auth.renewal_outage import RENEWAL_PATIENCE
from aries_async.errors import TokenRefreshError
from aries_async.sim import ManualClock, RateLimitFault, ServerErrorFault, Simulator

TOKEN_ROUTE = "/v1/oauth2/token"
LIFE = 16.0  # with the client's default margins, due at 8 s, served through an outage to 11 s
DUE = 8.01  # a hair past 8 s: the loop's clock plus an offset may round to just under it


def token_clock(issued: float, loop_clock: Callable[[], float]) -> Callable[[], float]:
    """The client's wall clock: ``issued`` (a token's issue time) from now on, moving on with
    the loop's (virtual) time."""
    started = loop_clock()
    return lambda: issued + loop_clock() - started


def config_of(sim: Simulator) -> ClientConfig:
    """The client's configuration: a call's timeout of 20 s, and retries without jitter (the
    renewal's attempts end at known times: 0.5 + 1 + 2 s of backoff, each wait at least the
    ``Retry-After``)."""
    config = sim.client_config(timeout=20)
    return attrs.evolve(config, retry=attrs.evolve(config.retry, jitter=0.0))


def answers_429(sim: Simulator) -> None:
    sim.faults.rate_limit[TOKEN_ROUTE] = RateLimitFault(count=10_000, retry_after=1)


def answers_503(sim: Simulator) -> None:
    sim.faults.server_errors[TOKEN_ROUTE] = ServerErrorFault(count=None, status=503)


@pytest.mark.parametrize("outage", [answers_429, answers_503], ids=["429", "503"])
async def test_calls_waiting_on_a_failing_renewal_all_end_alike_and_in_time(
    outage: Callable[[Simulator], None], loop_clock: Callable[[], float]
) -> None:
    async with Simulator(seed=7, clock=ManualClock(), tick_interval=None) as sim:
        store = MemoryTokenStore()
        token = sim.issue_token(ttl=LIFE)
        await store.save(token)
        clock = token_clock(token.obtained_at, loop_clock)
        config = config_of(sim)
        async with AriesClient(config, token_store=store, wall_clock=clock) as client:
            await asyncio.sleep(DUE)  # the token is due now
            outage(sim)
            started = loop_clock()
            ended: list[float] = []

            async def quote() -> BaseException | None:
                try:
                    await client.market.quote("AAPL")
                except Exception as exc:  # what each call ended with
                    return exc
                finally:
                    ended.append(loop_clock() - started)
                return None

            results = await asyncio.gather(*(quote() for _ in range(3)))
    assert all(isinstance(r, TokenRefreshError) for r in results), results
    assert len({str(r) for r in results}) == 1, results  # the one failure, told to each
    assert max(ended) < RENEWAL_PATIENCE, ended  # not at the calls' own timeout
    status = 429 if outage is answers_429 else 503
    assert all(r.status == status for r in results if isinstance(r, TokenRefreshError))
    assert f"HTTP {status}" in str(results[0])
    if status == 429:
        assert "Retry-After 1s" in str(results[0]) and "slow" not in str(results[0])


async def test_a_renewal_held_up_by_429s_is_logged_as_the_429_it_is(
    loop_clock: Callable[[], float], caplog: pytest.LogCaptureFixture
) -> None:
    async with Simulator(seed=7, clock=ManualClock(), tick_interval=None) as sim:
        store = MemoryTokenStore()
        token = sim.issue_token(ttl=100)
        await store.save(token)
        clock = token_clock(token.obtained_at, loop_clock)
        config = config_of(sim)
        async with AriesClient(config, token_store=store, wall_clock=clock) as client:
            await asyncio.sleep(60)  # 40 s left: due, and served through an outage
            answers_429(sim)
            with caplog.at_level(logging.WARNING, logger="aries_async.auth"):
                assert await client.market.quote("AAPL")
    (warning,) = [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]
    assert "RateLimitError: HTTP 429" in warning and "Retry-After 1s" in warning, warning
    assert "slow" not in warning, warning


async def test_calls_waiting_on_a_renewal_given_up_end_as_its_first_caller(
    loop_clock: Callable[[], float],
) -> None:
    async with Simulator(seed=7, clock=ManualClock(), tick_interval=None) as sim:
        store = MemoryTokenStore()
        token = sim.issue_token(ttl=LIFE)
        await store.save(token)
        clock = token_clock(token.obtained_at, loop_clock)
        async with AriesClient(config_of(sim), token_store=store, wall_clock=clock) as client:
            await asyncio.sleep(DUE)  # served to 11 s through an outage
            sim.faults.stall_token_requests = 1_000  # asked, never answered
            started = loop_clock()
            results = await asyncio.gather(
                *(client.market.quote("AAPL") for _ in range(3)), return_exceptions=True
            )
            ended = loop_clock() - started
            sim.faults.stall_token_requests = 0
    assert all(isinstance(r, TokenRefreshError) for r in results), results
    assert len({str(r) for r in results}) == 1, results
    assert "did not end within 5s" in str(results[0])
    assert ended == pytest.approx(RENEWAL_PATIENCE)  # the first caller's wait, not 20 s
