"""A client without ``rate_limit`` against a server that enforces one: its 429s back off
(never sooner than the policy's own backoff, whatever ``Retry-After`` says) and are retried
for as long as each call's time budget allows, so a fan-out ends with every call answered."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

import pytest

from aries_async import AriesClient, OrderRequest, RetryPolicy
from aries_async.errors import RateLimitError, ServerError
from aries_async.sim import AppRateLimit, RateLimitFault, ServerErrorFault, Simulator
from aries_async.testing import RecordingSleep

QUOTES = ("GET", "/v1/chart/quotes")


class LoopWallClock:
    """The simulator's clock on the test's (virtual) loop time: wall time when made, moving
    with the loop, so the server's token bucket refills as the client's waits pass."""

    def __init__(self, loop_clock: Callable[[], float]) -> None:
        self._loop_clock = loop_clock
        self._offset = time.time() - loop_clock()

    def now(self) -> float:
        return self._offset + self._loop_clock()


async def test_a_fan_out_over_the_servers_rate_limit_all_succeeds_within_the_budget(
    loop_clock: Callable[[], float],
) -> None:
    clock = LoopWallClock(loop_clock)
    async with Simulator(seed=1, clock=clock, tick_interval=None, rate_limit=50) as sim:
        config = sim.client_config(timeout=30)  # no rate_limit: the server's 429s pace us
        async with AriesClient(config, token=sim.issue_token(), monotonic=loop_clock) as client:
            started = loop_clock()
            quotes = await asyncio.gather(*(client.market.quote("AAPL") for _ in range(300)))
            took = loop_clock() - started
        limit = sim.faults.app_rate_limit
        assert limit is not None
        refused = limit.refused
    assert [q.symbol for q in quotes] == ["AAPL"] * 300
    assert took < 30, took
    # Backing off, each call is refused a few times at most (not 4 times in a millisecond).
    assert sim.requests[QUOTES] == 300 + refused
    assert refused < 3 * 300


async def _quote(
    policy: RetryPolicy, fault: RateLimitFault | ServerErrorFault, sleep: RecordingSleep
) -> None:
    """One quote with ``policy``, its route first answering ``fault``; ``sleep`` records the
    waits before its retries."""
    async with Simulator(seed=1) as sim:
        if isinstance(fault, RateLimitFault):
            sim.faults.rate_limit["GET /v1/chart/quotes"] = fault
        else:
            sim.faults.server_errors["GET /v1/chart/quotes"] = fault
        config = sim.client_config(retry=policy)
        async with AriesClient(config, token=sim.issue_token(), sleep=sleep) as client:
            assert (await client.market.quote("AAPL")).symbol == "AAPL"


@pytest.mark.parametrize("status", [429, 503])
async def test_a_tiny_retry_after_does_not_make_attempts_back_to_back(status: int) -> None:
    sleep = RecordingSleep()
    fault: RateLimitFault | ServerErrorFault = (
        RateLimitFault(count=3, retry_after=0.002)
        if status == 429
        else ServerErrorFault(count=3, status=503, retry_after=0.002)
    )
    await _quote(RetryPolicy(jitter=0.0), fault, sleep)
    # The larger of the server's 2 ms and the policy's exponential backoff.
    assert sleep.waits == [0.5, 1.0, 2.0]


async def test_a_retry_after_longer_than_the_backoff_is_waited_out_in_full() -> None:
    sleep = RecordingSleep()
    await _quote(RetryPolicy(jitter=0.0), RateLimitFault(count=2, retry_after=1.5), sleep)
    assert sleep.waits == [1.5, 1.5]  # then 2.0 would have been the backoff's


async def test_429s_are_retried_past_max_attempts_until_the_timeout_would_pass() -> None:
    """A 429 says the request was not processed: it does not use up an attempt. A 503 does."""
    sleep = RecordingSleep()
    policy = RetryPolicy(jitter=0.0, max_attempts=3)
    async with Simulator(seed=1) as sim:
        config = sim.client_config(retry=policy, timeout=1000)
        async with AriesClient(config, token=sim.issue_token(), sleep=sleep) as client:
            sim.faults.rate_limit["GET /v1/chart/quotes"] = RateLimitFault(count=6, retry_after=0)
            assert (await client.market.quote("AAPL")).symbol == "AAPL"
            assert sleep.waits == [0.5, 1.0, 2.0, 4.0, 8.0, 8.0]
            sleep.waits.clear()
            sim.faults.server_errors["GET /v1/chart/quotes"] = ServerErrorFault(count=3)
            with pytest.raises(ServerError):
                await client.market.quote("AAPL")
            assert sleep.waits == [0.5, 1.0]


async def test_429s_without_end_give_up_when_the_next_wait_would_pass_the_timeout(
    loop_clock: Callable[[], float],
) -> None:
    waits: list[float] = []

    async def sleep(seconds: float) -> None:
        waits.append(seconds)
        await asyncio.sleep(seconds)

    async with Simulator(seed=1, tick_interval=None) as sim:
        sim.faults.rate_limit["GET /v1/chart/quotes"] = RateLimitFault(count=None, retry_after=0)
        config = sim.client_config(retry=RetryPolicy(jitter=0.0), timeout=30)
        token = sim.issue_token()
        async with AriesClient(config, token=token, sleep=sleep, monotonic=loop_clock) as client:
            started = loop_clock()
            with pytest.raises(RateLimitError):
                await client.market.quote("AAPL")
            took = loop_clock() - started
    assert waits == [0.5, 1.0, 2.0, 4.0, 8.0, 8.0]  # another 8 s would end past 30 s
    assert took == pytest.approx(23.5)
    assert sim.requests[QUOTES] == 7


async def test_429s_without_end_make_the_same_attempts_with_a_sleep_that_does_not_wait() -> None:
    """A test's sleep returns at once: the waits still count in the call's time, so the
    attempts are those a real sleep would allow, not as many as 30 s of the real clock hold."""
    sleep = RecordingSleep()
    with pytest.raises(RateLimitError):
        await _quote(RetryPolicy(jitter=0.0), RateLimitFault(count=None, retry_after=0), sleep)
    assert sleep.waits == [0.5, 1.0, 2.0, 4.0, 8.0, 8.0]


async def test_max_attempts_of_one_still_disables_the_retries_of_a_429() -> None:
    sleep = RecordingSleep()
    with pytest.raises(RateLimitError):
        await _quote(RetryPolicy(max_attempts=1), RateLimitFault(count=1, retry_after=0), sleep)
    assert sleep.waits == []


@pytest.mark.parametrize("max_attempts", [1, 4])
async def test_an_order_answered_429_is_never_retried(max_attempts: int) -> None:
    sleep = RecordingSleep()
    async with Simulator(seed=1) as sim:
        sim.faults.app_rate_limit = AppRateLimit(per_second=1000)
        sim.faults.rate_limit["POST /v1/orders"] = RateLimitFault(count=1, retry_after=0)
        config = sim.client_config(retry=RetryPolicy(max_attempts=max_attempts))
        order = OrderRequest(
            account_id="TEST-SIM-001", symbol="AAPL", side="BUY", type="MARKET", quantity=1
        )
        async with AriesClient(config, token=sim.issue_token(), sleep=sleep) as client:
            with pytest.raises(RateLimitError):
                await client.orders.place(order)
        assert sim.requests[("POST", "/v1/orders")] == 1
    assert sleep.waits == []
